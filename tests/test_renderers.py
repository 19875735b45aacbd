"""Each renderer's output, held to a golden file (DUTYLIST_UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINIMAL

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DUTYLIST_UPDATE_GOLDEN") == "1"


@pytest.fixture
def broken_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The minimal catalogue with three mistakes, checked from a fixed working folder."""
    shutil.copytree(MINIMAL, tmp_path / "minimal")
    duties = tmp_path / "minimal" / "catalog" / "duties.yaml"
    text = duties.read_text(encoding="utf-8")
    text = text.replace("    lead: hbj\n", "    lead: hbjj\n", 1)
    text = text.replace("    support: [hbj]\n    needs", "    suport: [hbj]\n    needs", 1)
    duties.write_text(text, encoding="utf-8")
    units = tmp_path / "minimal" / "catalog" / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("parent: jd}", "parent: jdd}"), "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return "minimal/catalog"


def _against_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fmt", "lang", "golden"),
    [
        ("text", "en", "check.en.txt"),
        ("text", "zh", "check.zh.txt"),
        ("json", "en", "check.json"),
        ("sarif", "en", "check.sarif"),
        ("github", "en", "check.github.txt"),
    ],
)
def test_renderer_matches_golden(
    broken_catalogue: str, run_cli, fmt: str, lang: str, golden: str
) -> None:
    result = run_cli("check", broken_catalogue, "--format", fmt, "--lang", lang)
    assert result.code == 1
    _against_golden(golden, result.out)


def test_sarif_is_well_formed(broken_catalogue: str, run_cli) -> None:
    log = json.loads(run_cli("check", broken_catalogue, "--format", "sarif").out)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert log["version"] == "2.1.0"
    assert {r["id"] for r in rules} == {"DL102", "DL201"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_json_report_follows_the_contract(broken_catalogue: str, run_cli) -> None:
    report = json.loads(run_cli("check", broken_catalogue, "--format", "json").out)
    keys = {"code", "kind", "severity", "message", "file", "line", "column", "subjects", "witness"}
    for finding in report["findings"]:
        assert set(finding) == keys
    assert report["summary"] == {"errors": 3, "warnings": 0}


def test_output_file_is_written_and_yaml_is_never_overwritten(
    broken_catalogue: str, run_cli, tmp_path: Path
) -> None:
    assert (
        run_cli("check", broken_catalogue, "--format", "sarif", "--output", "out.sarif").code == 1
    )
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    target = Path(broken_catalogue) / "units.yaml"
    before = target.read_bytes()
    result = run_cli("check", broken_catalogue, "--output", str(target))
    assert result.code == 2
    assert "refusing" in result.err
    assert target.read_bytes() == before
