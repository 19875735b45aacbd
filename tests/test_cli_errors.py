"""Every command, given bad arguments, exits 2 with one line of reason and one of hint,
and prints nothing else; a bug inside dutylist exits 3 with a short request for a
report, and the traceback only under --debug.

tests/test_who.py and tests/test_tasks.py already hold the mistakes of a case (`--set`
values, unknown problems and places) and of `--today`; this file goes across commands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dutylist.commands import check, duties, explain, graph, matrix, schema, tasks, test, who
from tests.conftest import Run

COMMANDS = ["check", "who", "duties", "test", "tasks", "matrix", "graph", "explain", "schema"]
CATALOGUE_COMMANDS = ["check", "who", "duties", "test", "tasks", "matrix", "graph"]
OUTPUT_COMMANDS = ["check", "test", "tasks", "matrix", "graph"]
# what each command needs besides its catalogue to get as far as reading it
NEEDS = {"who": ["weijian"], "duties": ["cgj"]}


def _usage_error(result: Run, *reason: str) -> None:
    """The shape a user relies on: exit 2, `dutylist: reason` and `hint: ...`, no more."""
    assert result.code == 2, result.err
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 2, result.err
    assert lines[0].startswith("dutylist: ") and lines[1].startswith("hint: ")
    for part in reason:
        assert part in lines[0], result.err


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_flag(run_cli: Callable[..., Run], command: str) -> None:
    result = run_cli(command, *NEEDS.get(command, []), "--colour")
    _usage_error(result, "unrecognized arguments: --colour")
    assert result.err.splitlines()[1] == f"hint: see: dutylist {command} --help"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["check", "--format"], "argument --format: expected one argument"),
        (["who", "weijian", "--at"], "argument --at: expected one argument"),
        (["who", "weijian", "--set"], "argument --set: expected one argument"),
        (["duties", "cgj", "--catalog"], "argument --catalog: expected one argument"),
        (["test", "--engine"], "argument --engine: expected one argument"),
        (["tasks", "--today"], "argument --today: expected one argument"),
        (["matrix", "--output"], "argument --output: expected one argument"),
        (["graph", "--only"], "argument --only: expected one argument"),
        (["explain", "--lang"], "argument --lang: expected one argument"),
        (["schema", "--write"], "argument --write: expected one argument"),
        (["duties"], "the following arguments are required: UNIT"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_a_missing_value(run_cli: Callable[..., Run], args: list[str], reason: str) -> None:
    _usage_error(run_cli(*args), reason)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "pdf"],
        ["who", "weijian", "--format", "sarif"],
        ["tasks", "--by", "colour"],
        ["matrix", "--format", "xlsx"],
        ["graph", "--format", "png"],
        ["test", "--format", "tap"],
        ["explain", "--lang", "fr"],
        ["schema", "unit"],
        ["nonsense"],
    ],
)
def test_a_value_outside_the_choices(run_cli: Callable[..., Run], args: list[str]) -> None:
    _usage_error(run_cli(*args), "invalid choice")


@pytest.mark.parametrize("setting", ["stage", "=在建", " =x"])
def test_set_without_a_key_and_equals_is_told_before_the_catalogue_is_read(
    run_cli: Callable[..., Run], minimal: Path, setting: str
) -> None:
    (minimal / "units.yaml").write_text("units: [\n", encoding="utf-8")  # cannot load
    result = run_cli("who", "weijian", "--set", setting, "--catalog", str(minimal))
    _usage_error(result, f"--set {setting}: expected KEY=VALUE")


@pytest.mark.parametrize("command", ["check", "tasks"])
@pytest.mark.parametrize("value", ["2019-02-30", "2019-08-01x", "20190801"])
def test_a_date_that_is_no_day(
    run_cli: Callable[..., Run], minimal: Path, command: str, value: str
) -> None:
    _usage_error(run_cli(command, str(minimal), "--today", value), "--today", "YYYY-MM-DD")


@pytest.mark.parametrize("command", CATALOGUE_COMMANDS)
def test_a_catalogue_that_does_not_exist(
    run_cli: Callable[..., Run], tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "catalogs" / "nowhere"
    result = run_cli(command, *NEEDS.get(command, []), "--catalog", str(missing))
    _usage_error(result, f"{missing} does not exist")


@pytest.mark.parametrize("command", CATALOGUE_COMMANDS)
def test_a_file_where_a_catalogue_folder_is_expected(
    run_cli: Callable[..., Run], minimal: Path, command: str
) -> None:
    file = minimal / "units.yaml"
    result = run_cli(command, *NEEDS.get(command, []), "--catalog", str(file))
    _usage_error(result, f"{file} is a file; dutylist takes a catalogue folder")


@pytest.mark.parametrize("command", CATALOGUE_COMMANDS)
def test_a_folder_that_holds_no_catalogue(
    run_cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)  # the default catalogue is the current folder
    _usage_error(run_cli(command, *NEEDS.get(command, [])), "is not a catalogue folder")


def test_one_missing_path_among_several(run_cli: Callable[..., Run], minimal: Path) -> None:
    _usage_error(run_cli("check", str(minimal), str(minimal / "nope")), "nope does not exist")


@pytest.mark.parametrize("command", ["test", "tasks", "matrix", "graph"])
def test_the_catalogue_given_twice(
    run_cli: Callable[..., Run], minimal: Path, tmp_path: Path, command: str
) -> None:
    result = run_cli(command, str(minimal), "--catalog", str(tmp_path))
    _usage_error(result, "give the catalogue once")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--batch", "{folder}"], "is a folder"),
        (["--batch", "{folder}/cases.jsonl"], "no such file"),
        (["weijian", "--batch", "-"], "leave out PROBLEM"),
        ([], "name a problem, or give --batch FILE"),
    ],
)
def test_who_batch_mistakes(
    run_cli: Callable[..., Run], minimal: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    args = [a.replace("{folder}", str(tmp_path)) for a in args]
    _usage_error(run_cli("who", *args, "--catalog", str(minimal)), reason)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("{tmp}/missing/report.out", "missing does not exist"),
        ("{catalog}/units.yaml/report.out", "units.yaml is not a folder"),
        ("{tmp}", "is a folder"),
        ("{tmp}/report.yml", "it would overwrite a YAML file"),
        ("{catalog}/duties.YAML", "it would overwrite a YAML file"),
    ],
)
def test_an_output_that_cannot_or_must_not_be_written(
    run_cli: Callable[..., Run],
    minimal: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    output: str,
    reason: str,
) -> None:
    """Refused before any work is done: nothing reads the catalogue (it would fail)."""
    monkeypatch.setattr("dutylist.load.build._listing", _must_not_run)
    monkeypatch.setattr("dutylist.snapshot.read", _must_not_run)
    target = output.format(tmp=tmp_path, catalog=minimal)
    result = run_cli(command, "--output", target, "--catalog", str(minimal))
    _usage_error(result, reason)
    assert (minimal / "duties.yaml").read_text(encoding="utf-8").startswith("duties:")


def test_an_output_folder_that_cannot_take_a_new_file(
    run_cli: Callable[..., Run], minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, for whom no folder is read-only: the refusal is simulated."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    result = run_cli("check", str(minimal), "--output", str(tmp_path / "report.json"))
    _usage_error(result, "cannot write to", "Permission denied")
    assert list(tmp_path.iterdir()) == [tmp_path / "minimal"]


def test_schema_write_into_a_file(run_cli: Callable[..., Run], minimal: Path) -> None:
    result = run_cli("schema", "--write", str(minimal / "units.yaml"))
    _usage_error(result, "cannot make the folder")


def _must_not_run(*args: object, **kwargs: object) -> None:
    raise AssertionError("the command read the catalogue before checking its arguments")


# -- a bug in dutylist ---------------------------------------------------------------------
MODULES = {
    "check": check,
    "who": who,
    "duties": duties,
    "test": test,
    "tasks": tasks,
    "matrix": matrix,
    "graph": graph,
    "explain": explain,
    "schema": schema,
}
BUG_REPORT = (
    "dutylist: internal error — this is a bug in dutylist, not in your catalogue. "
    "Please report it with the output of the same command run with --debug.\n"
)


def _broken(args: object) -> int:
    return 1 // 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bug_is_one_short_message_and_exit_3(
    run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setattr(MODULES[command], "run", _broken)
    result = run_cli(command, *NEEDS.get(command, []))
    assert result.code == 3
    assert result.err == BUG_REPORT
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", COMMANDS)
def test_the_traceback_of_a_bug_only_under_debug(
    run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setattr(MODULES[command], "run", _broken)
    result = run_cli(command, *NEEDS.get(command, []), "--debug")
    assert result.code == 3
    assert result.err.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError" in result.err
    assert result.err.endswith(BUG_REPORT)


def test_a_bug_deep_inside_the_checker(
    run_cli: Callable[..., Run], minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_check(loaded: object, today: object = None) -> list[object]:
        raise KeyError("a bug")

    monkeypatch.setattr("dutylist.checker.run_checks", failing_check)
    result = run_cli("check", str(minimal), "--format", "json")
    assert (result.code, result.out, result.err) == (3, "", BUG_REPORT)


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_bug(minimal: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "dutylist", "matrix", str(minimal)]
    env = {"PYTHONIOENCODING": "ascii", "DUTYLIST_CACHE": "off", "PATH": ""}
    done = subprocess.run(command, capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "违法建设".encode("unicode_escape") in done.stdout
