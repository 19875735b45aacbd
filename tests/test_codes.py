"""The code registry: unique codes, a kind from the contract, documentation in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dutylist.checks import CHECKS
from dutylist.codes import KINDS, SECTIONS, registry
from dutylist.messages import MESSAGES

SOURCE = Path(__file__).parent.parent / "src" / "dutylist"


def test_every_code_is_documented_in_both_languages() -> None:
    for info in registry().values():
        assert re.fullmatch(r"DL\d{3}", info.code)
        assert info.kind in KINDS
        for lang in ("en", "zh"):
            assert info.summary[lang].strip()
            for section in SECTIONS:
                assert info.section(section, lang).strip(), (info.code, section, lang)


def test_every_message_belongs_to_a_registered_code() -> None:
    codes = set(registry())
    for key in MESSAGES:
        assert key.split(".")[0] in codes, key


def test_every_code_the_source_emits_is_registered() -> None:
    emitted = set()
    for path in SOURCE.rglob("*.py"):
        emitted |= set(re.findall(r'"(DL\d{3})', path.read_text(encoding="utf-8")))
    assert emitted <= set(registry())
    assert set(registry()) <= emitted, "documented codes that nothing reports"


def test_checks_declare_registered_codes() -> None:
    for check in CHECKS:
        for code in check.codes:
            assert code in registry(), (check.name, code)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explain_prints_every_section(run_cli, lang: str) -> None:
    result = run_cli("explain", "DL003", "--lang", lang)
    assert result.code == 0
    headings = {
        "en": ["What it means", "Why it matters", "Example", "What to write instead"],
        "zh": ["含义", "为什么重要", "示例", "应当怎样写"],
    }[lang]
    for heading in headings:
        assert heading in result.out


def test_explain_unknown_code_is_a_usage_error(run_cli) -> None:
    result = run_cli("explain", "DL999")
    assert result.code == 2
    assert "dutylist explain --list" in result.err
