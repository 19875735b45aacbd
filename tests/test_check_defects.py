"""Each defect a policy officer can make yields one finding at the right file and line.

Every case edits one file of the minimal good catalogue (tests/fixtures/minimal) and
states the code, the file and the line a user should be sent to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dutylist.checker import check_folder

GOOD_UNITS = "  - {id: jd, name: 东街道, kind: street, parent: qu}"

# (name, file, text to replace, replacement, expected code, expected line)
EDITS = [
    # yaml: the file cannot be read
    (
        "syntax",
        "units.yaml",
        GOOD_UNITS,
        "  - {id: jd, name: 东街道, kind: street, parent: qu",
        "DL001",
        4,
    ),
    (
        "tab-indent",
        "duties.yaml",
        "    lead: cgj\n    support: [hbj]\n    needs",
        "    lead: cgj\n\tsupport: [hbj]\n    needs",
        "DL001",
        5,
    ),
    (
        "duplicate-key",
        "duties.yaml",
        "    lead: hbj\n",
        "    lead: hbj\n    lead: cgj\n",
        "DL003",
        17,
    ),
    (
        "duplicate-key-nested",
        "duties.yaml",
        "when: {night: true, at: [jd]}",
        "when: {night: true, at: [jd], night: false}",
        "DL003",
        15,
    ),
    (
        "python-tag",
        "units.yaml",
        "{id: hbj,",
        "{id: !!python/object/apply:os.system [echo], x: ",
        "DL005",
        6,
    ),
    ("custom-tag", "units.yaml", "kind: district}", "kind: !district district}", "DL005", 2),
    ("two-documents", "tasks.yaml", "phases:", "---\nx: 1\n---\nphases:", "DL008", 3),
    # schema: the shape is wrong
    (
        "unknown-key",
        "duties.yaml",
        "    support: [hbj]\n    needs",
        "    suport: [hbj]\n    needs",
        "DL102",
        5,
    ),
    ("missing-key", "duties.yaml", "    lead: hbj\n", "", "DL103", 13),
    ("bad-id", "units.yaml", "{id: jd.sq,", "{id: 东 社区,", "DL104", 4),
    ("bad-date", "tasks.yaml", "due: 2019-09-30", "due: 2019-02-30", "DL104", 9),
    ("date-slashes", "tasks.yaml", "start: 2019-07-10", "start: 2019/7/10", "DL104", 2),
    ("bad-duration", "catalog.yaml", "respond_within: 30m", "respond_within: 30分钟", "DL104", 5),
    (
        "bad-kind",
        "units.yaml",
        "kind: department, parent: qu, powers: [执法], aliases",
        "kind: departmnt, parent: qu, powers: [执法], aliases",
        "DL104",
        5,
    ),
    (
        "bad-reporter-kind",
        "whistles.yaml",
        "reporters: [department]",
        "reporters: [departments]",
        "DL104",
        2,
    ),
    (
        "list-expected",
        "duties.yaml",
        "    support: [hbj]\n    needs",
        "    support: hbj\n    needs",
        "DL101",
        5,
    ),
    (
        "null-list",
        "duties.yaml",
        "    support: [hbj]\n    needs",
        "    support:\n    needs",
        "DL101",
        5,
    ),
    (
        "range-not-number",
        "duties.yaml",
        "area_m2: {gte: 1000}",
        "area_m2: {gte: 一千}",
        "DL101",
        10,
    ),
    ("range-typo", "duties.yaml", "area_m2: {gte: 1000}", "area_m2: {gt3: 1000}", "DL102", 10),
    ("number-as-id", "units.yaml", "{id: jd.sq,", "{id: 1.10,", "DL101", 4),
    ("empty-file", "whistles.yaml", None, "", "DL105", 1),
    ("non-number-value", "duties.yaml", "area_m2: {gte: 1000}", "area_m2: 很大", "DL108", 10),
    ("boolean-value", "duties.yaml", "night: true", "night: 是", "DL108", 15),
    ("range-on-enum", "duties.yaml", "stage: 已建成", "stage: {gte: 3}", "DL108", 10),
    # reference: ids that do not resolve
    ("unknown-lead", "duties.yaml", "    lead: hbj\n", "    lead: hbjj\n", "DL201", 16),
    (
        "unknown-support",
        "duties.yaml",
        "    support: [hbj]\n    needs",
        "    support: [cgj, hbx]\n    needs",
        "DL201",
        5,
    ),
    (
        "unknown-problem",
        "duties.yaml",
        "    problem: noise\n    lead",
        "    problem: noize\n    lead",
        "DL201",
        18,
    ),
    ("unknown-parent", "units.yaml", "parent: jd}", "parent: jdd}", "DL201", 4),
    ("duplicate-unit", "units.yaml", "{id: hbj,", "{id: cgj,", "DL202", 6),
    ("duplicate-duty", "duties.yaml", "  - id: D4", "  - id: D3", "DL202", 17),
    (
        "unit-cycle",
        "units.yaml",
        "{id: qu, name: 示例区, kind: district}",
        "{id: qu, name: 示例区, kind: district, parent: jd.sq}",
        "DL401",
        2,
    ),
    (
        "undeclared-attribute",
        "duties.yaml",
        "when: {night: true, at: [jd]}",
        "when: {stage: 在建, at: [jd]}",
        "DL204",
        15,
    ),
    ("undeclared-value", "duties.yaml", "stage: 已建成", "stage: 再建", "DL203", 10),
    ("at-not-a-place", "duties.yaml", "at: [jd]", "at: [cgj]", "DL205", 15),
    ("at-unknown", "duties.yaml", "at: [jd]", "at: [jx]", "DL201", 15),
    ("bad-blower", "whistles.yaml", "blower: street", "blower: streets", "DL206", 2),
    ("unknown-root", "catalog.yaml", "root: qu", "root: quu", "DL201", 3),
    ("root-not-district", "catalog.yaml", "root: qu", "root: jd", "DL208", 3),
    ("missing-rules-folder", "catalog.yaml", "rules: ../rules", "rules: ../rulez", "DL207", 4),
    (
        "unknown-whistle",
        "../rules/dispatch.yaml",
        "whistle: district",
        "whistle: distrct",
        "DL201",
        4,
    ),
    ("unknown-escalation", "../rules/dispatch.yaml", "to: leaders}", "to: leader}", "DL201", 7),
    (
        "unknown-also-report",
        "../rules/dispatch.yaml",
        "also_report: [hbj]",
        "also_report: [hbk]",
        "DL201",
        10,
    ),
    (
        "rule-unknown-attribute",
        "../rules/dispatch.yaml",
        "area_m2: {gte: 1000}",
        "area: {gte: 1000}",
        "DL201",
        9,
    ),
    ("rule-unknown-category", "../rules/dispatch.yaml", "环境保护]", "环保]", "DL201", 3),
    ("unknown-phase", "tasks.yaml", "phase: rollout", "phase: rolout", "DL201", 8),
    ("unknown-task-lead", "tasks.yaml", "lead: cgj", "lead: zzb", "DL201", 7),
    ("case-unknown-problem", "cases.yaml", "problem: weijian", "problem: weijan", "DL201", 3),
    ("case-unknown-lead", "cases.yaml", "lead: cgj", "lead: cgjj", "DL201", 6),
]


def _apply(folder: Path, file: str, old: str | None, new: str) -> Path:
    path = (folder / file).resolve()
    if old is None:
        path.write_text(new, encoding="utf-8")
        return path
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "file", "old", "new", "code", "line"), EDITS, ids=[e[0] for e in EDITS]
)
def test_defect_is_found_at_its_line(
    minimal: Path, name: str, file: str, old: str | None, new: str, code: str, line: int
) -> None:
    path = _apply(minimal, file, old, new)
    _, findings = check_folder(minimal)
    matching = [f for f in findings if f.code == code]
    assert matching, f"expected {code}, got {[(f.code, str(f.location)) for f in findings]}"
    finding = matching[0]
    assert Path(finding.location.file).resolve() == path
    assert finding.location.line == line
    assert finding.severity.value == "error"


def test_the_minimal_catalogue_is_clean(minimal: Path) -> None:
    _, findings = check_folder(minimal)
    assert findings == []


def test_a_defect_makes_check_exit_1_and_a_clean_catalogue_exit_0(minimal: Path, run_cli) -> None:
    assert run_cli("check", str(minimal)).code == 0
    _apply(minimal, "duties.yaml", "    lead: hbj\n", "    lead: hbjj\n")
    result = run_cli("check", str(minimal), "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["summary"] == {"errors": 1, "warnings": 0}
    assert report["findings"][0]["subjects"] == ["D3", "hbjj"]


def test_unknown_key_suggests_the_right_one(minimal: Path, run_cli) -> None:
    _apply(minimal, "duties.yaml", "    support: [hbj]\n    needs", "    suport: [hbj]\n    needs")
    result = run_cli("check", str(minimal), "--lang", "en")
    assert "did you mean 'support'?" in result.out
    result = run_cli("check", str(minimal), "--lang", "zh")
    assert "未知的键“suport”" in result.out


def test_a_name_where_an_id_is_due_suggests_the_id(minimal: Path, run_cli) -> None:
    _apply(minimal, "duties.yaml", "    lead: hbj\n", "    lead: 城管\n")
    result = run_cli("check", str(minimal), "--lang", "en")
    assert "'城管' is the name of cgj: write its id, cgj" in result.out


def test_one_broken_unit_does_not_cascade(minimal: Path) -> None:
    # the unit cgj has a schema error; duties that name it must not add 'unknown unit'
    _apply(
        minimal, "units.yaml", "powers: [执法], aliases: [城管]}", "powers: [执法], aliase: [城管]}"
    )
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL102"]


def test_an_unreadable_units_file_does_not_cascade(minimal: Path) -> None:
    _apply(minimal, "units.yaml", GOOD_UNITS, "  - {id: jd, name: 东街道")
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL001"]


def test_gbk_file_is_named_as_such(minimal: Path, run_cli) -> None:
    path = minimal / "whistles.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL002"]
    assert findings[0].location.line == 2
    assert "GBK" in findings[0].message("en")
    assert "UTF-8" in findings[0].message("zh")


def test_utf16_file_is_named_as_such(minimal: Path) -> None:
    path = minimal / "whistles.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL002"]
    assert "UTF-16" in findings[0].message("en")


def test_utf8_bom_is_accepted(minimal: Path) -> None:
    path = minimal / "units.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _, findings = check_folder(minimal)
    assert findings == []


def test_crlf_line_ends_are_accepted(minimal: Path) -> None:
    path = minimal / "duties.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert check_folder(minimal)[1] == []


def test_missing_catalog_yaml(minimal: Path) -> None:
    (minimal / "catalog.yaml").unlink()
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL106"]
    assert findings[0].location.file.endswith("catalog.yaml")


def test_unknown_file_is_named_with_a_suggestion(minimal: Path) -> None:
    (minimal / "dutys.yaml").write_text("duties: []\n", encoding="utf-8")
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL107"]
    assert "duties.yaml" in findings[0].message("en")


def test_yaml11_traps_stay_text(minimal: Path) -> None:
    # `no` and `off` are text, not booleans, under dutylist's YAML 1.2 reading
    _apply(minimal, "units.yaml", "{id: jd.sq,", "{id: no,")
    _apply(minimal, "problems.yaml", "[在建, 已建成]", "[在建, 已建成, off]")
    _, findings = check_folder(minimal)
    assert findings == []
