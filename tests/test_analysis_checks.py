"""Each analysis check: a fixture that triggers it, a near miss that must not, and for
overlaps and gaps a witness that `dutylist who` confirms.

Every case appends to, or edits, one file of the minimal good catalogue.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dutylist.checker import check_folder

NOISE_CATCH_ALL = "  - id: D4\n    problem: noise\n    lead: hbj\n"


def duty(text: str) -> tuple[str, str | None, str]:
    return ("duties.yaml", None, text)


def rule(text: str) -> tuple[str, str | None, str]:
    return ("../rules/dispatch.yaml", None, text)


def edit(file: str, old: str, new: str) -> tuple[str, str | None, str]:
    return (file, old, new)


# name: (edits that trigger, edits of the near miss that must not, code, file, line)
CASES = {
    "overlap-same-set": (
        [duty("  - {id: D5, problem: noise, lead: cgj}\n")],
        [duty("  - {id: D5, problem: noise, lead: cgj, when: {night: false}}\n")],
        "DL301",
        "duties.yaml",
        20,
    ),
    "overlap-partial": (
        [duty("  - {id: D5, problem: noise, lead: cgj, when: {at: [jd.sq]}}\n")],
        [duty("  - {id: D5, problem: noise, lead: cgj, when: {at: [jd.sq], night: true}}\n")],
        "DL301",
        "duties.yaml",
        20,
    ),
    "gap": (
        [edit("duties.yaml", NOISE_CATCH_ALL, "")],
        [
            edit(
                "duties.yaml",
                "  - id: D3\n    problem: noise\n    when: {night: true, at: [jd]}\n    lead: hbj\n",
                "",
            )
        ],
        "DL302",
        "problems.yaml",
        7,
    ),
    "whistle-gap": (
        [
            edit(
                "../rules/dispatch.yaml",
                "when: {category: [综合执法, 环境保护]}\n    whistle: district",
                "when: {category: 综合执法}\n    whistle: district",
            )
        ],
        [
            edit(
                "../rules/dispatch.yaml",
                "when: {category: [综合执法, 环境保护]}\n    whistle: district",
                "when: {category: [综合执法, 环境保护, 其他]}\n    whistle: district",
            )
        ],
        "DL303",
        "problems.yaml",
        7,
    ),
    "redundant-duty": (
        [duty("  - {id: D5, problem: noise, lead: hbj, basis: 另一依据}\n")],
        [duty("  - {id: D5, problem: noise, lead: hbj, when: {night: false}}\n")],
        "DL304",
        "duties.yaml",
        20,
    ),
    "redundant-rule": (
        [
            rule(
                "  - {id: again, when: {category: [环境保护, 综合执法], at: [qu]}, whistle: district, respond_within: 30m, escalate: [{after: 2h, to: leaders}]}\n"
            )
        ],
        [
            rule(
                "  - {id: again, when: {category: [环境保护, 综合执法], at: [jd]}, also_report: [hbj]}\n"
            )
        ],
        "DL304",
        "../rules/dispatch.yaml",
        14,
    ),
    "dead-duty-contradiction": (
        [
            duty(
                "  - {id: D5, problem: weijian, lead: hbj, when: {area_m2: {gte: 1000, lt: 500}}}\n"
            )
        ],
        [
            duty(
                "  - {id: D5, problem: weijian, lead: hbj, when: {area_m2: {gte: 500, lt: 1000}}}\n"
            )
        ],
        "DL305",
        "duties.yaml",
        20,
    ),
    "dead-duty-overridden": (
        [
            duty(
                "  - {id: D5, problem: weijian, lead: hbj, when: {stage: 在建}}\n"
                "  - {id: D6, problem: weijian, lead: cgj, when: {stage: 在建, area_m2: {lt: 100}}}\n"
                "  - {id: D7, problem: weijian, lead: cgj, when: {stage: 在建, area_m2: {gte: 100}}}\n"
            )
        ],
        [
            duty(
                "  - {id: D5, problem: weijian, lead: hbj, when: {stage: 在建}}\n"
                "  - {id: D6, problem: weijian, lead: cgj, when: {stage: 在建, area_m2: {lt: 100}}}\n"
            )
        ],
        "DL305",
        "duties.yaml",
        20,
    ),
    "dead-rule-problem-outside-category": (
        [rule("  - {id: never, when: {problem: noise, category: 综合执法}, also_report: [cgj]}\n")],
        [rule("  - {id: never, when: {problem: noise, category: 环境保护}, also_report: [cgj]}\n")],
        "DL305",
        "../rules/dispatch.yaml",
        14,
    ),
    "funnel": (
        [
            edit(
                "duties.yaml",
                "    lead: cgj\n    support: [hbj]\n    needs: [执法]",
                "    lead: jd.sq\n    support: [hbj]\n    needs: [执法]",
            )
        ],
        [
            edit(
                "duties.yaml",
                "    lead: cgj\n    support: [hbj]\n    needs: [执法]",
                "    lead: jd\n    support: [hbj]\n    needs: [执法]",
            )
        ],
        "DL306",
        "duties.yaml",
        6,
    ),
    "orphan": (
        [
            edit(
                "units.yaml",
                "  - {id: leaders,",
                "  - {id: gdj, name: 供电局, kind: public-unit, parent: qu}\n  - {id: leaders,",
            )
        ],
        [
            edit(
                "units.yaml",
                "  - {id: leaders,",
                "  - {id: gdj, name: 供电局, kind: department, parent: qu}\n  - {id: leaders,",
            )
        ],
        "DL307",
        "units.yaml",
        7,
    ),
    "no-blower": (
        [edit("../rules/dispatch.yaml", "    whistle: district", "    whistle: street")],
        [],
        "DL308",
        "whistles.yaml",
        2,
    ),
    "rule-conflict": (
        [
            rule(
                "  - {id: nights, when: {night: true}, respond_within: 1h}\n"
                "  - {id: slower, when: {at: [jd]}, respond_within: 2h}\n"
            )
        ],
        [
            rule(
                "  - {id: nights, when: {night: true}, respond_within: 1h}\n"
                "  - {id: slower, when: {at: [jd], night: true}, respond_within: 2h}\n"
            )
        ],
        "DL309",
        "../rules/dispatch.yaml",
        15,
    ),
    "escalation-back-to-lead": (
        [edit("../rules/dispatch.yaml", "to: leaders}", "to: hbj}")],
        [edit("../rules/dispatch.yaml", "to: leaders}", "to: cgj}, {after: 3h, to: leaders}")],
        "DL402",
        "../rules/dispatch.yaml",
        7,
    ),
}


def _apply(folder: Path, edits: list[tuple[str, str | None, str]]) -> None:
    for file, old, new in edits:
        path = (folder / file).resolve()
        text = path.read_text(encoding="utf-8")
        if old is None:
            text += new
        else:
            assert old in text, f"fixture text not found: {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_check_fires_at_its_line(minimal: Path, name: str) -> None:
    edits, _, code, file, line = CASES[name]
    _apply(minimal, edits)
    _, findings = check_folder(minimal)
    matching = [f for f in findings if f.code == code]
    assert matching, f"expected {code}, got {[(f.code, str(f.location)) for f in findings]}"
    assert Path(matching[0].location.file).resolve() == (minimal / file).resolve()
    assert matching[0].location.line == line


@pytest.mark.parametrize("name", list(CASES))
def test_near_miss_is_clean(minimal: Path, name: str) -> None:
    _, near_miss, code, _, _ = CASES[name]
    _apply(minimal, near_miss)
    _, findings = check_folder(minimal)
    assert [f for f in findings if f.code == code] == []


@pytest.mark.parametrize(
    "name", [n for n, c in CASES.items() if c[2] in ("DL301", "DL302", "DL303", "DL309", "DL308")]
)
def test_witness_shows_the_finding_in_who(minimal: Path, run_cli, name: str) -> None:
    edits, _, code, _, _ = CASES[name]
    _apply(minimal, edits)
    _, findings = check_folder(minimal)
    for finding in [f for f in findings if f.code == code]:
        case = finding.witness
        assert case is not None and case["at"]
        args = [
            "who",
            case["problem"],
            "--at",
            case["at"],
            "--catalog",
            str(minimal),
            "--format",
            "json",
        ]
        for key, value in case["with"].items():
            args += ["--set", f"{key}={json.dumps(value) if isinstance(value, bool) else value}"]
        answer = json.loads(run_cli(*args).out)
        if code in ("DL301", "DL309"):
            assert answer["status"] == "overlap"
            assert set(finding.subjects) <= set(answer["duties"]) | set(answer["rules"])
        elif code == "DL302":
            assert answer["status"] == "gap"
        elif code == "DL303":
            assert answer["whistle"] is None
        else:
            assert answer["whistle"] is not None and answer["whistle"]["blower"] is None
