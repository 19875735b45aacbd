"""Nothing is lost: no command changes a byte of the catalogue it reads, and every report
written to a file is written whole or not at all, never over a catalogue file."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from dutylist.errors import UsageError
from dutylist.output import write_atomic
from tests.conftest import Run

OUT = "{out}"  # stands for a report path outside the catalogue
COMMANDS = [
    ["check", "{catalog}"],
    ["check", "{catalog}", "--format", "json", "--output", OUT + "/check.json"],
    ["check", "{catalog}", "--format", "sarif", "--output", OUT + "/check.sarif"],
    ["check", "{catalog}", "--format", "github", "--strict", "--today", "2019-08-01"],
    ["who", "weijian", "--at", "jd", "--set", "stage=在建", "--explain", "--catalog", "{catalog}"],
    ["who", "--batch", OUT + "/cases.jsonl", "--format", "json", "--catalog", "{catalog}"],
    ["duties", "cgj", "--format", "json", "--catalog", "{catalog}"],
    ["test", "{catalog}", "--format", "junit", "--output", OUT + "/cases.xml"],
    ["test", "{catalog}", "--engine", "durable"],
    ["tasks", "{catalog}", "--format", "html", "--output", OUT + "/tasks.html"],
    ["matrix", "{catalog}", "--format", "csv", "--output", OUT + "/matrix.csv"],
    ["graph", "{catalog}", "--format", "graphml", "--output", OUT + "/graph.graphml"],
    ["explain", "DL007", "--catalog", "{catalog}"],
    ["schema", "--write", OUT + "/schemas"],
]


def _fingerprint(root: Path) -> dict[str, str]:
    """Every file and folder under `root` with a checksum of its bytes."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[name] = "folder"
    return found


def _ids(command: list[str]) -> str:
    return " ".join(command).replace(OUT, "OUT").replace("{catalog}", "CAT")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "cases.jsonl").write_text('{"problem": "noise", "at": "jd"}\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", COMMANDS, ids=[_ids(c) for c in COMMANDS])
@pytest.mark.parametrize("state", ["sound", "broken"])
def test_no_command_changes_the_catalogue(
    run_cli: Callable[..., Run], minimal: Path, out: Path, command: list[str], state: str
) -> None:
    if state == "broken":  # a catalogue with a finding in every kind of file it reads
        duties = minimal / "duties.yaml"
        duties.write_text(duties.read_text(encoding="utf-8") + "  - {id: D4}\n", "utf-8")
        (minimal.parent / "rules" / "extra.yaml").write_bytes(b"rules: [\xff]\n")
    root = minimal.parent  # catalog/ and rules/
    before = _fingerprint(root)
    args = [a.replace("{catalog}", str(minimal)).replace(OUT, str(out)) for a in command]
    result = run_cli(*args)
    assert result.code in ((0, 1) if state == "sound" else (0, 1, 2)), result.err
    assert "internal error" not in result.err
    assert _fingerprint(root) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", ["check", "test", "tasks", "matrix", "graph"])
@pytest.mark.parametrize("name", ["units.yaml", "../rules/dispatch.yaml", "CASES.YML"])
def test_a_report_never_replaces_a_catalogue_file(
    run_cli: Callable[..., Run], minimal: Path, command: str, name: str
) -> None:
    root = minimal.parent
    before = _fingerprint(root)
    result = run_cli(command, str(minimal), "--output", str(minimal / name))
    assert result.code == 2
    assert "it would overwrite a YAML file" in result.err
    assert _fingerprint(root) == before


def test_a_link_named_like_a_report_is_replaced_not_written_through(
    run_cli: Callable[..., Run], minimal: Path, tmp_path: Path
) -> None:
    units = minimal / "units.yaml"
    kept = units.read_bytes()
    report = tmp_path / "report.json"
    report.symlink_to(units)
    assert run_cli("check", str(minimal), "--format", "json", "--output", str(report)).code == 0
    assert not report.is_symlink()
    assert report.read_text(encoding="utf-8").startswith("{")
    assert units.read_bytes() == kept


def test_a_reader_sees_the_old_report_or_the_new_one_never_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.txt"
    report.write_text("old report\n", encoding="utf-8")
    new = "new report\n" * 10_000
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def watching_replace(source: str, target: Path) -> None:
        seen.append((Path(source).read_text(encoding="utf-8"), target.read_text("utf-8")))
        assert Path(source).parent == target.parent  # a rename within one folder is atomic
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", watching_replace)
    write_atomic(report, new)
    assert seen == [(new, "old report\n")]
    assert report.read_text(encoding="utf-8") == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_old_report_whole_and_leaves_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    report = tmp_path / "report.txt"
    report.write_text("old report\n", encoding="utf-8")

    def failing_fsync(descriptor: int) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", failing_fsync)
    expected = UsageError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        write_atomic(report, "new report\n")
    assert report.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_a_failed_write_is_a_usage_error_on_the_command_line(
    run_cli: Callable[..., Run], minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    result = run_cli("matrix", str(minimal), "--output", str(tmp_path / "m.csv"))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"dutylist: cannot write {tmp_path / 'm.csv'}: No space left on device",
        "hint: check the path is writable",
    ]


def test_a_replaced_report_keeps_its_permissions_and_a_new_one_gets_the_usual(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared.html"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o664)
    write_atomic(shared, "new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664

    fresh = tmp_path / "fresh.html"
    write_atomic(fresh, "new")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_a_report_holds_names_the_disk_cannot_encode(tmp_path: Path) -> None:
    """A file name that is not UTF-8 still gets a report, as an escape, not a crash."""
    report = tmp_path / "r.txt"
    write_atomic(report, "catalogs/\udcff/units.yaml: DL001\n")
    assert report.read_text(encoding="utf-8") == "catalogs/\\udcff/units.yaml: DL001\n"
