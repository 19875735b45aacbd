"""The corpus of broken and hostile catalogues (tests/corpus/README.md): for each entry,
`dutylist check` reports exactly the expected findings — code, file and line — and every
other command ends with a finding, a one-line reason or an answer, never a traceback.

Small entries are files in tests/corpus/<entry>/ laid over a copy of the minimal
catalogue; the huge ones (50 MB, 100,000 units, 10,000 levels of nesting) and those git
cannot hold (links, pipes, folders named like files) are built here by a recipe.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from dutylist.checker import check_folder
from dutylist.load.limits import (
    MAX_CATALOG_BYTES,
    MAX_CATALOG_NODES,
    MAX_DEPTH,
    MAX_EXPANSION_FACTOR,
    MAX_EXPANSION_FLOOR,
    MAX_FILE_BYTES,
    MB,
    Budget,
)
from tests.conftest import MINIMAL, Run

CORPUS = Path(__file__).parent / "corpus"
WHOLE_FILE_CODES = {"DL007", "DL106", "DL107"}  # findings about a file, not a place in it
BLOCKING_PREFIXES = ("DL0", "DL1", "DL2", "DL401")  # yaml, schema, reference; a unit cycle
SECONDS_PER_COMMAND = 30.0  # far above any entry's time: a run past it counts as a hang
# the 100,000 units take 4 s a check: its other report formats are left to the other entries
ONE_FORMAT_RECIPES = {"many_units"}


@dataclass(frozen=True)
class Entry:
    name: str
    folder: Path
    about: str
    findings: list[dict[str, Any]]
    remove: list[str]
    recipe: str | None
    args: dict[str, Any]

    @classmethod
    def read(cls, folder: Path) -> Entry:
        spec = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
        return cls(
            name=folder.name,
            folder=folder,
            about=spec["about"],
            findings=spec["findings"],
            remove=spec.get("remove", []),
            recipe=spec.get("recipe"),
            args=spec.get("args", {}),
        )

    def build(self, root: Path) -> Path:
        """The entry as a catalogue under `root` (catalog/, rules/); returns catalog/."""
        shutil.copytree(MINIMAL, root)
        for relative in self.remove:
            (root / relative).unlink()
        for source in sorted(self.folder.rglob("*")):
            if source.is_file() and source.name != "expect.yaml":
                target = root / source.relative_to(self.folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        if self.recipe is not None:
            RECIPES[self.recipe](root, **self.args)
        return root / "catalog"


ENTRIES = [Entry.read(folder) for folder in sorted(CORPUS.iterdir()) if folder.is_dir()]


# -- recipes: entries too big for the repository, or that git cannot hold ------------------
def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def nesting(root: Path, file: str, levels: int, style: str) -> None:
    if style == "flow-list":
        value = " " + "[" * levels + "]" * levels + "\n"
    elif style == "flow-mapping":
        value = " " + "{a: " * levels + "1" + "}" * levels + "\n"
    elif style == "block-list":
        value = "\n  " + "- " * levels + "x\n"
    else:  # block-mapping, two spaces a level
        value = "\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(levels))
    _append(root / file, "description:" + value)


def huge_units(root: Path, file: str, mb: float) -> None:
    """`mb` megabytes of good units, one a line."""
    line = "  - {id: u%07d, name: 单位%07d, kind: department, parent: qu}\n"
    count = int(mb * MB) // len((line % (0, 0)).encode()) + 1
    body = "".join(line % (i, i) for i in range(count))
    (root / file).write_text((root / file).read_text(encoding="utf-8") + body, encoding="utf-8")


def padded(root: Path, file: str, mb: float) -> None:
    """The file as it is, then one comment line that brings it to `mb` megabytes."""
    path = root / file
    size = path.stat().st_size
    _append(path, "# " + "x" * (int(mb * MB) - size - 3) + "\n")


def big_rules(root: Path, files: list[str], mb: float) -> None:
    for name in files:
        rule = f"rules:\n  - id: pad-{Path(name).stem}\n    when: {{problem: noise}}\n"
        padding = "# " + "x" * (int(mb * MB) - len(rule) - 3) + "\n"
        (root / "rules" / name).write_text(rule + padding, encoding="utf-8")


def long_id(root: Path, file: str, chars: int) -> None:
    _append(root / file, "  - {id: " + "a" * chars + " b, name: 长, kind: department}\n")


def long_value(root: Path, file: str, mb: float) -> None:
    _append(root / file, "description: " + "长" * int(mb * MB / 3) + "\n")


def many_units(root: Path, count: int) -> None:
    """`count` units: the minimal catalogue's six and the rest communities of street jd."""
    path = root / "catalog" / "units.yaml"
    text = path.read_text(encoding="utf-8")
    rest = "".join(
        f"  - {{id: jd.c{i}, name: 社区{i}, kind: community, parent: jd}}\n"
        for i in range(count - text.count("id:"))
    )
    path.write_text(text + rest, encoding="utf-8")


def link(root: Path, link: str, to: str, dangling: bool = False) -> None:
    """Make `link` a symbolic link to `to` (relative to root, or absolute)."""
    path, target = root / link, root / to
    if not dangling and not target.exists():
        original = MINIMAL / link if (MINIMAL / link).exists() else MINIMAL / "catalog/units.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, target)
    path.unlink(missing_ok=True)
    path.symlink_to(os.path.relpath(target, path.parent))


def folder(root: Path, path: str) -> None:
    (root / path).unlink(missing_ok=True)
    (root / path).mkdir()
    (root / path / "README.txt").write_text("not a catalogue file\n", encoding="utf-8")


def fifo(root: Path, path: str) -> None:
    (root / path).unlink(missing_ok=True)
    os.mkfifo(root / path)


RECIPES: dict[str, Callable[..., None]] = {
    f.__name__: f
    for f in (nesting, huge_units, padded, big_rules, long_id, long_value, many_units, link)
}
RECIPES |= {"folder": folder, "fifo": fifo}


# -- the tests -----------------------------------------------------------------------------
def _relative(file: str, root: Path) -> str:
    """A reported file as a path inside the entry, without resolving the link it may be."""
    path = Path(os.path.abspath(file))
    return path.relative_to(root).as_posix()


def _place(finding: dict[str, Any]) -> tuple[str, str, int]:
    return (finding["code"], finding["file"], finding["line"])


def _timed(run_cli: Callable[..., Run], *args: str) -> Run:
    started = time.perf_counter()
    result = run_cli(*args)
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_COMMAND, f"dutylist {' '.join(args)} took {elapsed:.1f} s"
    assert result.code != 3 and "Traceback" not in result.err, result.err
    assert "internal error" not in result.err
    return result


def _location(expected: dict[str, Any], root: Path) -> str:
    path = str(root / expected["file"])
    return f"{path}:{expected['line']}:" if expected["line"] else path


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_corpus_entry(entry: Entry, tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    root = tmp_path.resolve() / "entry"
    catalog = entry.build(root)

    result = _timed(run_cli, "check", str(catalog), "--format", "json", "--lang", "en")
    report = json.loads(result.out)
    for finding in report["findings"]:
        finding["file"] = _relative(finding["file"], root)
    found = sorted(report["findings"], key=_place)
    assert [_place(f) for f in found] == sorted(map(_place, entry.findings)), entry.about
    assert result.code == (1 if report["summary"]["errors"] else 0)
    for expected, actual in zip(sorted(entry.findings, key=_place), found, strict=True):
        assert actual["line"] >= 1 or actual["code"] in WHOLE_FILE_CODES
        assert actual["column"] == expected.get("column", actual["column"])
        assert expected.get("says", "") in actual["message"]
        assert len(actual["message"]) < 1000, "a message quotes far too much of the file"

    blocking = [f for f in entry.findings if f["code"].startswith(BLOCKING_PREFIXES)]
    for args in (
        ["who", "weijian", "--at", "jd", "--set", "stage=在建", "--set", "area_m2=50"],
        ["duties", "cgj"],
        ["test"],
        ["tasks", "--today", "2019-08-01"],
        ["matrix"],
        ["graph", "--format", "json"],
    ):
        answer = _timed(run_cli, *args, "--catalog", str(catalog), "--lang", "en")
        if blocking:
            assert answer.code == 2, (args, answer.err)
            assert "cannot be loaded" in answer.err
            assert _location(blocking[0], root) in answer.err
        else:
            assert answer.code in (0, 1), (args, answer.err)
            assert answer.err == ""
    if entry.recipe not in ONE_FORMAT_RECIPES:
        for fmt in ("text", "sarif", "github"):
            _timed(run_cli, "check", str(catalog), "--format", fmt)


def test_the_corpus_is_large_and_every_entry_explains_itself() -> None:
    assert len(ENTRIES) >= 60
    for entry in ENTRIES:
        assert entry.about.strip(), entry.name
        assert entry.recipe is None or entry.recipe in RECIPES, entry.name
        for expected in entry.findings:
            assert set(expected) <= {"code", "file", "line", "column", "says"}, entry.name


def test_a_file_without_read_permission(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, whom chmod 000 does not stop: the refusal is simulated at open."""
    real_open = os.open
    denied = minimal / "problems.yaml"

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    _, findings = check_folder(minimal)
    assert [(f.code, Path(f.location.file).name) for f in findings] == [("DL007", "problems.yaml")]
    assert findings[0].message("en") == "cannot read the file: Permission denied"


def test_past_its_node_budget_a_catalogue_file_is_refused_where_it_passes(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4,000,000 nodes take seconds to build: the budget is cut to 300 to see it act.
    The minimal catalogue holds about 330 nodes; the rules file, read last, passes 300."""
    monkeypatch.setattr("dutylist.load.build.Budget", functools.partial(Budget, max_nodes=300))
    _, findings = check_folder(minimal)
    assert [(f.code, Path(f.location.file).name, f.location.line) for f in findings] == [
        ("DL007", "dispatch.yaml", 12)
    ]
    assert "passes 300 YAML values" in findings[0].message("en")


def test_the_readme_states_the_limits_the_code_applies() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    limits = readme.split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    for stated in (
        f"{MAX_FILE_BYTES // MB} MB",
        f"{MAX_CATALOG_BYTES // MB} MB",
        f"{MAX_CATALOG_NODES:,}",
        f"{MAX_DEPTH} levels",
        f"{MAX_EXPANSION_FACTOR}×",
        f"{MAX_EXPANSION_FLOOR:,}",
    ):
        assert stated in limits, stated
