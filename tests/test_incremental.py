"""The language server's incremental re-check gives exactly what a full check gives.

After each random edit — a value, a key, a `when`, a blank or broken line, an entry
split in two, an anchor, a line inserted or deleted — the findings of the workspace
(which re-reads only the edited entries and re-analyses only the problems they touch)
are compared with `dutylist check`'s on the same text written to disk. The edits
come in a sequence, each on the text the last one left, as typing does.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.checker import check_folder
from dutylist.lsp.workspace import Workspace
from tests.randomcat import catalogs

REPO = Path(__file__).parent.parent
TODAY = dt.date(2019, 8, 15)
UNIT_WORDS = ["cgj", "zjj", "ga", "sthj", "u1", "u2", "boss", "cgjj", "城管", "s1", "c11", ""]
KEY_WORDS = ["suport", "lead", "leed", "when", "basis", "at", "needs", "effective"]
JUNK = [
    " ",
    "  ",
    ":",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "#",
    " &a",
    " *a",
    "\t",
    "- ",
    "中",
    ",",
    "!!str ",
]
LISTS = ["[]", "[cgj]", "[zjj, ga]", "[u1, u2]", "[cgjj]", "[c11, s1]", "cgj"]


def _lines_matching(lines: list[str], pattern: str) -> list[int]:
    found = re.compile(pattern)
    return [n for n, line in enumerate(lines) if found.search(line)]


def _edit(draw: Callable[..., Any], text: str) -> str:
    """One edit such as a person makes while typing (or deleting, or pasting)."""
    lines = text.split("\n")
    kind = draw(
        st.sampled_from(
            [
                "value",
                "value",
                "list",
                "key",
                "when",
                "blank",
                "junk",
                "indent",
                "split",
                "insert",
                "delete",
                "id",
                "rename",
                "word",
                "word",
                "lead-line",
            ]
        )
    )
    if kind in ("value", "lead-line"):
        pattern = r"^\s+(lead|problem|whistle|to|parent): \S" if kind == "value" else r"lead: "
        candidates = _lines_matching(lines, pattern)
        if candidates:
            n = draw(st.sampled_from(candidates))
            head = lines[n].split(":", 1)[0]
            lines[n] = f"{head}: {draw(st.sampled_from(UNIT_WORDS))}"
    elif kind == "list":
        candidates = _lines_matching(lines, r"^\s+(-\s+)?(support|also_report|at|needs): ")
        if candidates:
            n = draw(st.sampled_from(candidates))
            head = lines[n].split(":", 1)[0]
            lines[n] = f"{head}: {draw(st.sampled_from(LISTS))}"
    elif kind == "key":
        candidates = _lines_matching(lines, r"^\s+[a-z_]+:")
        if candidates:
            n = draw(st.sampled_from(candidates))
            key = draw(st.sampled_from(KEY_WORDS))
            lines[n] = re.sub(r"^(\s+)[a-z_]+:", rf"\g<1>{key}:", lines[n])
    elif kind == "when":
        whens = _lines_matching(lines, r"^\s+when: \{")
        if len(whens) > 1:
            a, b = draw(st.sampled_from(whens)), draw(st.sampled_from(whens))
            lines[a] = lines[a].split("when:")[0] + "when:" + lines[b].split("when:", 1)[1]
    elif kind == "blank":
        n = draw(st.integers(0, len(lines) - 1))
        lines[n] = ""
    elif kind == "junk":
        n = draw(st.integers(0, len(lines) - 1))
        at = draw(st.integers(0, len(lines[n])))
        lines[n] = lines[n][:at] + draw(st.sampled_from(JUNK)) + lines[n][at:]
    elif kind == "indent":
        n = draw(st.integers(0, len(lines) - 1))
        lines[n] = "  " + lines[n] if draw(st.booleans()) else lines[n].removeprefix("  ")
    elif kind == "split":
        candidates = _lines_matching(lines, r"^\s+(basis|needs|support): ")
        dashes = _lines_matching(lines, r"^\s*- id: ")
        if candidates and dashes:
            n = draw(st.sampled_from(candidates))
            column = len(lines[dashes[0]]) - len(lines[dashes[0]].lstrip())
            lines[n] = " " * column + "- id: DX" + str(draw(st.integers(1, 3)))
    elif kind == "insert":
        n = draw(st.integers(0, len(lines)))
        lines.insert(n, lines[draw(st.integers(0, len(lines) - 1))])
    elif kind == "delete" and len(lines) > 1:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "word":  # a value inside a line, block or flow style alike
        word = re.compile(r"\b(id|parent|kind|lead|problem|to|whistle|category): ([^\s,}\]]+)")
        candidates = _lines_matching(lines, word.pattern)
        if candidates:
            n = draw(st.sampled_from(candidates))
            found = list(word.finditer(lines[n]))
            match = found[draw(st.integers(0, len(found) - 1))]
            renamed = match.group(2) + "x"
            value = draw(st.sampled_from([*UNIT_WORDS, renamed, renamed, "street", "综合执法"]))
            lines[n] = lines[n][: match.start(2)] + value + lines[n][match.end(2) :]
    elif kind == "rename":
        ids = _lines_matching(lines, r"^\s*- id: ")
        if ids:
            n = draw(st.sampled_from(ids))
            lines[n] = lines[n].rstrip() + draw(st.sampled_from(["x", "2", ""]))
    elif kind == "id":
        ids = _lines_matching(lines, r"^\s*- id: ")
        if len(ids) > 1:
            a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
            lines[a] = lines[a].split("id:")[0] + "id:" + lines[b].split("id:", 1)[1]
    return "\n".join(lines)


def _assert_edits_check_alike(folder: Path, files: list[Path], draw: Callable[..., Any]) -> None:
    workspace = Workspace(today=TODAY)
    for path in files:
        workspace.set_text(path, path.read_text("utf-8"))
    workspace.check(files[0])
    for step in range(draw(st.integers(1, 6))):
        path = draw(st.sampled_from(files))
        text = _edit(draw, workspace.text_of(path))
        workspace.set_text(path, text)
        checked = workspace.check(path)
        assert checked is not None
        path.write_text(text, "utf-8")
        _, full = check_folder(folder, TODAY)
        assert checked.findings == full, f"edit {step + 1} of {path.name} reads otherwise"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_edits_to_panlong_check_as_a_full_check_does(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(REPO / "catalogs" / "panlong", root / "catalogs" / "panlong")
        shutil.copytree(REPO / "rules" / "panlong", root / "rules" / "panlong")
        folder = root / "catalogs" / "panlong"
        files = [
            folder / "duties.yaml",
            folder / "duties.yaml",
            folder / "units.yaml",
            folder / "problems.yaml",
            root / "rules" / "panlong" / "dispatch.yaml",
        ]
        _assert_edits_check_alike(folder, files, data.draw)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_edits_to_random_catalogues_check_as_a_full_check_does(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = data.draw(catalogs()).write(Path(scratch))
        files = [folder / "duties.yaml", folder / "duties.yaml", folder.parent / "rules" / "r.yaml"]
        _assert_edits_check_alike(folder, files, data.draw)


def test_an_edit_within_one_duty_reads_and_analyses_only_that_duty_again(tmp_path: Path) -> None:
    """The reuse is real: after changing one duty's lead, every other duty is the very
    item of the check before, and only that duty's problem is compiled again."""
    shutil.copytree(REPO / "catalogs" / "panlong", tmp_path / "catalogs" / "panlong")
    shutil.copytree(REPO / "rules" / "panlong", tmp_path / "rules" / "panlong")
    duties = tmp_path / "catalogs" / "panlong" / "duties.yaml"
    workspace = Workspace(today=TODAY)
    text = duties.read_text("utf-8")
    workspace.set_text(duties, text)
    before = workspace.check(duties)
    assert before is not None and before.loaded.catalog is not None
    workspace.set_text(duties, text.replace("    lead: zrzyj\n", "    lead: cgj\n", 1))
    after = workspace.check(duties)
    assert after is not None and after.loaded.catalog is not None
    old, new = before.loaded.catalog.duties, after.loaded.catalog.duties
    changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a is not b]
    assert [new[n].id for n in changed] == ["D002"]
    assert new[changed[0]].lead == "cgj" and old[changed[0]].lead == "zrzyj"
    old_compiled = before.loaded.cache["compiled"]
    new_compiled = after.loaded.cache["compiled"]
    compiled_again = [
        p for p in new_compiled.problems if new_compiled.problems[p] is not old_compiled.problems[p]
    ]
    assert compiled_again == ["illegal-construction"]


def _panlong(root: Path) -> Path:
    shutil.copytree(REPO / "catalogs" / "panlong", root / "catalogs" / "panlong")
    shutil.copytree(REPO / "rules" / "panlong", root / "rules" / "panlong")
    return root / "catalogs" / "panlong"


def _replace_line(number: int, old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        lines = text.split("\n")
        assert old in lines[number - 1], lines[number - 1]
        lines[number - 1] = lines[number - 1].replace(old, new)
        return "\n".join(lines)

    return edit


def _assert_sequence_alike(folder: Path, path: Path, edits: list[Callable[[str], str]]) -> None:
    workspace = Workspace(today=TODAY)
    workspace.set_text(path, path.read_text("utf-8"))
    workspace.check(path)
    for number, edit in enumerate(edits, 1):
        text = edit(workspace.text_of(path))
        workspace.set_text(path, text)
        checked = workspace.check(path)
        assert checked is not None
        path.write_text(text, "utf-8")
        _, full = check_folder(folder, TODAY)
        assert checked.findings == full, f"edit {number} reads otherwise"


def test_an_entry_split_in_two_moves_the_schema_problems_after_it(tmp_path: Path) -> None:
    """A typo in D004's key, then a line of D002 turned into a new entry: D004's
    problem is now at the next list position, as a full reading says."""
    folder = _panlong(tmp_path)
    _assert_sequence_alike(
        folder,
        folder / "duties.yaml",
        [_replace_line(48, "lead:", "leed:"), _replace_line(30, "    lead: zrzyj", "  - id: DX1")],
    )


def test_an_anchor_written_into_an_entry_is_read_with_the_whole_file(tmp_path: Path) -> None:
    """D001 names an anchor that D005 uses; then D003 defines the same anchor anew, which
    changes what D005 says: only a reading of the whole file sees that."""
    folder = _panlong(tmp_path)
    _assert_sequence_alike(
        folder,
        folder / "duties.yaml",
        [
            _replace_line(22, "lead: cgj", "lead: &a zjj"),
            _replace_line(56, "lead: cgj", "lead: *a"),
            _replace_line(38, "lead: cgj", "lead: &a ga"),
        ],
    )


def test_a_tab_or_a_broken_line_is_reported_as_a_full_reading_does(tmp_path: Path) -> None:
    folder = _panlong(tmp_path)
    _assert_sequence_alike(
        folder,
        folder / "duties.yaml",
        [
            _replace_line(30, "    lead: zrzyj", "\tlead: zrzyj"),
            _replace_line(30, "\tlead: zrzyj", "    lead: [zrzyj"),
            _replace_line(30, "    lead: [zrzyj", "    lead: zrzyj"),
        ],
    )


def test_re_checking_keeps_no_earlier_version(tmp_path: Path) -> None:
    """Each re-check reuses the one before and lets it go: after a hundred edits the
    workspace holds no more than after twenty (versions do not chain)."""
    import gc
    import tracemalloc

    folder = _panlong(tmp_path)
    duties = folder / "duties.yaml"
    text = duties.read_text("utf-8")
    workspace = Workspace(today=TODAY)
    held = []
    tracemalloc.start()
    try:
        for edit in range(100):
            lead = "    lead: cgj\n" if edit % 2 else "    lead: zjj\n"
            workspace.set_text(duties, text.replace("    lead: zrzyj\n", lead, 1))
            assert workspace.check(duties) is not None
            if edit in (19, 99):
                gc.collect()
                held.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert held[1] - held[0] < 200_000, held


def test_a_value_moved_along_its_line_is_pointed_at_where_it_now_is(tmp_path: Path) -> None:
    """Spaces before a lead change no duty's meaning, only where its lead is written:
    the overlap found on that lead points at its new column."""
    folder = _panlong(tmp_path)
    _assert_sequence_alike(
        folder,
        folder / "duties.yaml",
        [
            _replace_line(29, "{stage: 已建成}", "{stage: 在建}"),  # D002 now overlaps D001
            _replace_line(30, "lead: zrzyj", "lead:    zrzyj"),  # only the column moves
        ],
    )


def test_nodes_are_counted_as_the_reader_counts_them() -> None:
    """A spliced file is charged what a reading of the whole file would charge."""
    from dutylist.load.limits import Budget
    from dutylist.load.yamlread import node_count, parse_document

    for path in [*(REPO / "catalogs" / "panlong").glob("*.yaml"),
                 *(REPO / "rules" / "panlong").glob("*.yaml")]:  # fmt: skip
        budget = Budget()
        document = parse_document(path.read_text("utf-8"), budget)
        assert node_count(document) == budget.nodes, path.name
