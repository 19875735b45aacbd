"""The implementation plan: the task checks (DL5xx), `--today`, and `dutylist tasks`.

Each check has a fixture that triggers it at its line and a near miss that must not.
They edit a copy of the minimal catalogue, whose tasks.yaml has one phase (rollout,
2019-07-10 – 2019-09-30) and one task T01, done on 2019-09-20, and whose catalog.yaml
declares key_tasks: 1.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from dutylist.checker import check_folder
from dutylist.findings import Location, Severity
from dutylist.model import Task
from tests.conftest import REPO

PANLONG = REPO / "catalogs" / "panlong"
ROLLOUT = "  - {id: rollout, name: 动员部署全面推进阶段, start: 2019-07-10, end: 2019-09-30}\n"
CONSOLIDATION = "  - {id: consolidation, name: 固化成果常态长效推行阶段, start: 2019-10-01}\n"
DONE = "    status: done\n    done_on: 2019-09-20\n"
IN_PROGRESS = "    status: in-progress\n"

Edit = tuple[str, str | None, str]


def tasks(old: str, new: str) -> Edit:
    return ("tasks.yaml", old, new)


def catalog(old: str | None, new: str) -> Edit:
    return ("catalog.yaml", old, new)


def second_task(key_tasks: int) -> list[Edit]:
    return [
        tasks(
            DONE,
            DONE + "  - {id: T02, name: 建立吹哨报到工作流程, lead: hbj, phase: rollout, "
            "due: 2019-09-30, status: not-started}\n",
        ),
        catalog("key_tasks: 1", f"key_tasks: {key_tasks}"),
    ]


def moved_to_consolidation(documents: str = "") -> list[Edit]:
    return [
        tasks(ROLLOUT, ROLLOUT + CONSOLIDATION),
        tasks(
            "    phase: rollout\n    due: 2019-09-30\n",
            "    phase: consolidation\n    due: 2019-12-31\n",
        ),
        tasks(DONE, "    status: done\n    done_on: 2019-12-20\n" + documents),
    ]


# name: (edits that trigger, edits of the near miss, --today, code, file, line)
CASES: dict[str, tuple[list[Edit], list[Edit], str, str, str, int]] = {
    "count": (
        [catalog("key_tasks: 1", "key_tasks: 23")],
        second_task(2),
        "2019-08-15",
        "DL501",
        "catalog.yaml",
        6,
    ),
    "count-more-tasks-than-declared": (
        second_task(1),
        second_task(2),
        "2019-08-15",
        "DL501",
        "catalog.yaml",
        6,
    ),
    "phase-ends-before-it-starts": (
        [tasks("end: 2019-09-30", "end: 2019-07-09")],
        [tasks("end: 2019-09-30", "end: 2019-07-10")],  # a one-day phase is fine
        "2019-08-15",
        "DL502",
        "tasks.yaml",
        2,
    ),
    "phases-overlap": (
        [tasks(ROLLOUT, ROLLOUT + CONSOLIDATION.replace("2019-10-01", "2019-09-30"))],
        [tasks(ROLLOUT, ROLLOUT + CONSOLIDATION)],  # starts the day after: no overlap
        "2019-08-15",
        "DL502",
        "tasks.yaml",
        3,
    ),
    "open-ended-phase-not-last": (
        [tasks(ROLLOUT, ROLLOUT.replace(", end: 2019-09-30", "") + CONSOLIDATION)],
        [tasks(ROLLOUT, ROLLOUT.replace(", end: 2019-09-30", ""))],  # the last may run on
        "2019-08-15",
        "DL502",
        "tasks.yaml",
        2,
    ),
    "due-outside-phase": (
        [tasks("due: 2019-09-30", "due: 2019-10-01")],
        [tasks("due: 2019-09-30", "due: 2019-07-10")],  # phase dates are inclusive
        "2019-10-15",
        "DL503",
        "tasks.yaml",
        9,
    ),
    "due-before-phase": (
        [tasks("due: 2019-09-30", "due: 2019-07-09")],
        [
            tasks(ROLLOUT, ROLLOUT.replace(", end: 2019-09-30", "")),
            tasks("due: 2019-09-30", "due: 2021-01-01"),
        ],
        "2019-10-15",
        "DL503",
        "tasks.yaml",
        9,
    ),
    "done-without-date": (
        [tasks(DONE, "    status: done\n")],
        [tasks(DONE, IN_PROGRESS)],
        "2019-08-15",
        "DL504",
        "tasks.yaml",
        11,
    ),
    "date-without-done": (
        [tasks(DONE, "    status: in-progress\n    done_on: 2019-09-20\n")],
        [],
        "2019-09-25",
        "DL504",
        "tasks.yaml",
        12,
    ),
    "done-in-the-future": (
        [],
        [],  # the near miss is the same catalogue judged on the day it was done
        "2019-09-19",
        "DL505",
        "tasks.yaml",
        12,
    ),
    "done-consolidation-without-documents": (
        moved_to_consolidation(),
        moved_to_consolidation(
            "    documents:\n      - {title: 考核评价办法, number: 示办发〔2019〕1号, date: 2019-12-20}\n"
        ),
        "2020-01-10",
        "DL506",
        "tasks.yaml",
        12,
    ),
    "results-lead-leads-no-such-task": (
        [catalog(None, "results_leads: {制度成果: hbj}\n")],
        [catalog(None, "results_leads: {制度成果: cgj}\n")],
        "2019-10-15",
        "DL507",
        "catalog.yaml",
        7,
    ),
    "results-lead-no-task-produces-them": (
        [catalog(None, "results_leads: {理论成果: cgj}\n")],
        [
            catalog(None, "results_leads: {理论成果: cgj}\n"),
            tasks("results: [制度成果]", "results: [制度成果, 理论成果]"),
        ],
        "2019-10-15",
        "DL507",
        "catalog.yaml",
        7,
    ),
    "overdue": (
        [tasks(DONE, IN_PROGRESS)],
        [tasks(DONE, IN_PROGRESS)],  # judged on its due date it is not yet overdue
        "2019-10-01",
        "DL508",
        "tasks.yaml",
        9,
    ),
}
# the message of a case, where a code has several
MESSAGE_KEYS = {
    "phase-ends-before-it-starts": "DL502.reversed",
    "phases-overlap": "DL502.overlap",
    "open-ended-phase-not-last": "DL502.open",
    "date-without-done": "DL504.not_done",
    "results-lead-no-task-produces-them": "DL507.none",
}
# the near misses judged on another day than the trigger
NEAR_MISS_TODAY = {"done-in-the-future": "2019-09-20", "overdue": "2019-09-30"}


def _apply(folder: Path, edits: list[Edit]) -> None:
    for file, old, new in edits:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        if old is None:
            text += new
        else:
            assert old in text, f"fixture text not found: {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize("name", list(CASES))
def test_task_check_fires_at_its_line(minimal: Path, name: str) -> None:
    edits, _, today, code, file, line = CASES[name]
    _apply(minimal, edits)
    _, findings = check_folder(minimal, today=_day(today))
    matching = [f for f in findings if f.code == code]
    assert matching, f"expected {code}, got {[(f.code, str(f.location)) for f in findings]}"
    finding = matching[0]
    assert finding.message_key == MESSAGE_KEYS.get(name, code)
    assert Path(finding.location.file).resolve() == (minimal / file).resolve()
    assert finding.location.line == line
    assert finding.location.column > 0
    assert finding.kind == "task"
    assert finding.severity is (Severity.WARNING if code == "DL508" else Severity.ERROR)
    assert finding.subjects
    for lang in ("en", "zh"):
        assert finding.message(lang)


@pytest.mark.parametrize("name", list(CASES))
def test_task_near_miss_is_clean(minimal: Path, name: str) -> None:
    _, near_miss, today, code, _, _ = CASES[name]
    _apply(minimal, near_miss)
    _, findings = check_folder(minimal, today=_day(NEAR_MISS_TODAY.get(name, today)))
    assert [f for f in findings if f.code == code] == []


def test_the_minimal_plan_is_clean(minimal: Path) -> None:
    assert check_folder(minimal, today=dt.date(2019, 9, 20))[1] == []


@pytest.mark.parametrize(
    ("due", "status", "today", "overdue"),
    [
        ("2019-09-30", "in-progress", "2019-09-30", False),  # due today: not yet
        ("2019-09-30", "in-progress", "2019-10-01", True),
        ("2019-09-30", "not-started", "2019-10-01", True),
        ("2019-09-30", "done", "2019-10-01", False),
        ("2019-09-30", "not-started", "2019-08-01", False),
    ],
)
def test_overdue_means_not_done_and_past_due(
    due: str, status: str, today: str, overdue: bool
) -> None:
    task = Task(Location("tasks.yaml"), id="T01", due=_day(due), status=status)
    assert task.is_overdue(_day(today)) is overdue


# -- --today on the command line ------------------------------------------------------


def _codes(result_out: str) -> list[str]:
    return [f["code"] for f in json.loads(result_out)["findings"]]


def test_check_warns_of_an_overdue_task_only_after_its_due_date(minimal: Path, run_cli) -> None:
    _apply(minimal, [tasks(DONE, IN_PROGRESS)])
    before = run_cli("check", str(minimal), "--today", "2019-09-30", "--format", "json")
    assert before.code == 0 and "DL508" not in _codes(before.out)
    after = run_cli("check", str(minimal), "--today", "2019-10-01", "--format", "json")
    assert after.code == 0  # a warning: the catalogue is not wrong, the work is late
    assert _codes(after.out) == ["DL508"]
    finding = json.loads(after.out)["findings"][0]
    assert finding["severity"] == "warning" and finding["subjects"] == ["T01"]
    assert (finding["line"], finding["column"]) == (9, 10)
    assert run_cli("check", str(minimal), "--today", "2019-10-01", "--strict").code == 1


def test_check_without_today_judges_by_the_real_date(minimal: Path, run_cli) -> None:
    _apply(minimal, [tasks(DONE, IN_PROGRESS)])  # due 2019-09-30: long past
    assert _codes(run_cli("check", str(minimal), "--format", "json").out) == ["DL508"]
    _, findings = check_folder(minimal)
    assert [f.code for f in findings] == ["DL508"]


def test_a_done_date_still_to_come_is_an_error(minimal: Path, run_cli) -> None:
    result = run_cli("check", str(minimal), "--today", "2019-09-01", "--lang", "en")
    assert result.code == 1
    assert "tasks.yaml:12:14: DL505 error" in result.out
    assert "2019-09-20" in result.out and "2019-09-01" in result.out
    assert run_cli("check", str(minimal), "--today", "2019-09-20").code == 0


@pytest.mark.parametrize("command", ["check", "tasks"])
@pytest.mark.parametrize("value", ["2019-13-01", "2019/08/15", "yesterday", ""])
def test_a_bad_today_is_a_usage_error(minimal: Path, run_cli, command: str, value: str) -> None:
    result = run_cli(command, str(minimal), "--today", value)
    assert result.code == 2
    reason = result.err.splitlines()[0]
    assert reason.startswith("dutylist: --today") and "YYYY-MM-DD" in reason
    assert result.out == ""


# -- the bundled plan ------------------------------------------------------------------


def test_the_bundled_plan_has_no_task_findings_on_15_august_2019() -> None:
    _, findings = check_folder(PANLONG, today=dt.date(2019, 8, 15))
    assert [f for f in findings if f.kind == "task"] == []


def test_the_bundled_plan_after_the_rollout_shows_only_overdue_warnings() -> None:
    _, findings = check_folder(PANLONG, today=dt.date(2019, 10, 15))
    task_findings = [f for f in findings if f.kind == "task"]
    assert {f.code for f in task_findings} == {"DL508"}
    overdue = {s for f in task_findings for s in f.subjects}
    assert overdue == {"T02", "T03", "T04", "T05", "T08", "T09", "T10", "T13", "T14", "T20"}


# -- dutylist tasks ----------------------------------------------------------------------


def _tasks_json(run_cli, *args: str) -> dict:
    result = run_cli("tasks", str(PANLONG), "--format", "json", *args)
    assert result.code == 0, result.err
    data: dict = json.loads(result.out)
    return data


def test_tasks_json_follows_the_contract(run_cli) -> None:
    data = _tasks_json(run_cli, "--today", "2019-08-15")
    assert {"today", "tasks", "summary"} <= set(data)
    assert data["today"] == "2019-08-15"
    assert set(data["summary"]) == {"total", "done", "in-progress", "not-started", "overdue"}
    assert data["summary"] == {
        "total": 23,
        "done": 7,
        "in-progress": 10,
        "not-started": 6,
        "overdue": 0,
    }
    assert [t["id"] for t in data["tasks"]] == [f"T{i:02d}" for i in range(1, 24)]
    for task in data["tasks"]:
        assert {"id", "name", "lead", "phase", "due", "status", "overdue", "results"} <= set(task)
        assert set(task["lead"]) == {"id", "name"} and set(task["phase"]) == {"id", "name"}
        assert isinstance(task["overdue"], bool) and isinstance(task["results"], list)
        dt.date.fromisoformat(task["due"])
    first = data["tasks"][0]
    assert first["lead"] == {"id": "zzb", "name": "区委组织部"}
    assert first["phase"] == {"id": "plan", "name": "实施方案形成阶段"}
    assert first["status"] == "done" and first["results"] == ["制度成果"]


def test_tasks_json_marks_overdue_tasks_as_of_today(run_cli) -> None:
    data = _tasks_json(run_cli, "--today", "2019-10-15")
    overdue = {t["id"] for t in data["tasks"] if t["overdue"]}
    assert data["summary"]["overdue"] == len(overdue) == 10
    assert "T08" in overdue and "T01" not in overdue
    assert data["overdue"][0] in ("T08", "T14")  # the latest first
    by_phase = {p["id"]: p["summary"]["overdue"] for p in data["phases"]}
    assert by_phase == {"pilot": 0, "plan": 0, "rollout": 10, "consolidation": 0}
    assert sum(lead["summary"]["total"] for lead in data["leads"]) == 23


@pytest.mark.parametrize("by", ["phase", "lead", "aim", "status"])
def test_every_grouping_holds_every_task_once(run_cli, by: str) -> None:
    data = _tasks_json(run_cli, "--today", "2019-08-15", "--by", by)
    grouped = [task for group in data["groups"] for task in group["tasks"]]
    assert sorted(grouped) == sorted(t["id"] for t in data["tasks"])
    assert data["by"] == by


def test_tasks_by_lead_groups_each_units_tasks(run_cli) -> None:
    data = _tasks_json(run_cli, "--today", "2019-08-15", "--by", "lead")
    leads = {t["id"]: t["lead"]["id"] for t in data["tasks"]}
    for group in data["groups"]:
        assert {leads[task] for task in group["tasks"]} == {group["key"]}
    assert data["groups"][0]["key"] == "zzb"  # the unit leading most tasks first
    text = run_cli("tasks", str(PANLONG), "--today", "2019-08-15", "--by", "lead", "--lang", "en")
    assert text.code == 0
    block = text.out.split("\n区委组织部: 10 tasks")[1].split("\n\n")[0]
    listed = {line.split()[0] for line in block.splitlines()[1:]}
    assert listed == {t for t, lead in leads.items() if lead == "zzb"}


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("zh", ["重点任务 23 项，截至 2019-08-15（按阶段）", "没有逾期任务", "各牵头单位小结"]),
        ("en", ["23 key tasks as of 2019-08-15, by phase", "No task is overdue.", "By lead unit"]),
    ],
)
def test_tasks_text_reads_in_each_language(run_cli, lang: str, phrases: list[str]) -> None:
    result = run_cli("tasks", str(PANLONG), "--today", "2019-08-15", "--lang", lang)
    assert result.code == 0
    for phrase in phrases:
        assert phrase in result.out
    assert "动员部署全面推进阶段" in result.out and "桃源街酒吧综合整治" in result.out


def test_tasks_text_lists_the_overdue(run_cli) -> None:
    result = run_cli("tasks", str(PANLONG), "--today", "2019-10-15", "--lang", "zh")
    assert result.code == 0  # overdue tasks are shown, not failed
    late = result.out.split("逾期任务\n")[1]
    assert late.splitlines()[0].startswith("  T08  桃源街酒吧综合整治（街道哨）")
    assert "逾期 45 天" in late


def test_tasks_html_is_one_self_contained_page(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "重点任务.html"
    result = run_cli(
        "tasks", str(PANLONG), "--today", "2019-10-15", "--format", "html", "--output", str(out)
    )
    assert result.code == 0 and result.out == ""
    page = out.read_text(encoding="utf-8")
    for external in ("http://", "https://", "<script", "@import", "<link"):
        assert external not in page
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    for task in range(1, 24):
        assert f"T{task:02d}" in page
    assert "today 2019-10-15" in page or "今天 2019-10-15" in page
    assert 'class="overdue"' in page  # overdue rows stand out


def test_tasks_markdown(run_cli) -> None:
    result = run_cli("tasks", str(PANLONG), "--today", "2019-08-15", "--format", "markdown")
    assert result.code == 0
    assert result.out.startswith("# ")
    assert result.out.count("\n## ") >= 4 + 3  # four phases, two summaries, overdue


def test_tasks_on_a_catalogue_that_cannot_load_exits_2(minimal: Path, run_cli) -> None:
    _apply(minimal, [tasks("lead: cgj", "lead: nobody")])
    result = run_cli("tasks", str(minimal))
    assert result.code == 2
    assert "cannot be loaded" in result.err


def test_tasks_takes_the_catalogue_from_a_folder_holding_catalogs(tmp_path: Path, run_cli) -> None:
    shutil.copytree(PANLONG, tmp_path / "catalogs" / "panlong")
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    result = run_cli("tasks", "--catalog", str(tmp_path), "--today", "2019-08-15")
    assert result.code == 0 and "T23" in result.out
