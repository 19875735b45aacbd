"""Two processes reading one catalogue together, each one half of the duties file
(`load.halves`, a cold `who --batch --jobs 2`): what they make is the whole reading,
exactly, or they both read it whole."""

from __future__ import annotations

import marshal
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from dutylist import snapshot
from dutylist.halves import Partner, load_in_halves, split_point
from dutylist.load.build import load_catalog
from dutylist.model import Catalog
from tests.conftest import PANLONG
from tests.randomcat import RandomCatalog, catalogs

HERE = Path(__file__).parent


def _together(
    first: Path, second: Path, before_second: Callable[[], None] = lambda: None
) -> tuple[Catalog | None, Catalog | None]:
    """What each side made: this process reads `first` as side 0, a forked one `second`
    as side 1 and sends back its catalogue (or None)."""
    mine, theirs = Partner.pair()
    back_reads, back_writes = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked side reports through the pipe
        code = 0
        try:
            os.close(back_reads)
            theirs.forget_other_end()
            before_second()
            loaded = load_in_halves(second, theirs)
            theirs.close()
            made = None if loaded is None else snapshot.pack(loaded.catalog)
            with open(back_writes, "wb") as stream:
                stream.write(marshal.dumps(made))
        except BaseException:
            code = 4
        finally:
            os._exit(code)
    theirs.close()
    os.close(back_writes)
    loaded = load_in_halves(first, mine)
    mine.close()
    with open(back_reads, "rb") as stream:
        sent = stream.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    packed = marshal.loads(sent)
    return (
        None if loaded is None else loaded.catalog,
        None if packed is None else snapshot.unpack(packed),
    )


def _whole(folder: Path) -> Catalog:
    loaded = load_catalog(folder, positions=False)
    assert loaded.catalog is not None
    return loaded.catalog


def _assert_whole(made: Catalog | None, folder: Path) -> None:
    whole = _whole(folder)
    assert made is not None
    assert made == whole  # every field of every item, in the same order
    assert [d.loc for d in made.duties] == [d.loc for d in whole.duties]
    assert [d.when for d in made.duties] == [d.when for d in whole.duties]


def test_both_processes_make_the_whole_panlong_catalogue() -> None:
    first, second = _together(PANLONG, PANLONG)
    _assert_whole(first, PANLONG)
    _assert_whole(second, PANLONG)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(catalogs())
def test_both_processes_make_the_whole_of_random_catalogues(
    tmp_path_factory: pytest.TempPathFactory, random_catalog: RandomCatalog
) -> None:
    folder = random_catalog.write(tmp_path_factory.mktemp("random"))
    if split_point((folder / "duties.yaml").read_text("utf-8")) is None:
        first, second = _together(folder, folder)
        assert first is None and second is None  # fewer than two duties: read whole
        return
    first, second = _together(folder, folder)
    _assert_whole(first, folder)
    _assert_whole(second, folder)


def test_a_city_catalogue_is_made_whole(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(HERE.parent / "benchmarks"))
    from synth import generate

    generate(tmp_path, scale=0.1, seed=3, overlaps=2, gaps=2)
    folder = tmp_path / "catalogs" / "synth"
    first, second = _together(folder, folder)
    _assert_whole(first, folder)
    _assert_whole(second, folder)


def _copy(tmp_path: Path, name: str = "copy") -> Path:
    """Panlong and its rules under `tmp_path / name`; read in halves as it is."""
    folder = tmp_path / name / "catalogs" / "panlong"
    shutil.copytree(PANLONG, folder)
    shutil.copytree(HERE.parent / "rules" / "panlong", tmp_path / name / "rules" / "panlong")
    first, second = _together(folder, folder)
    assert first is not None and second is not None  # so what a test changes is why not
    return folder


def _duties(folder: Path) -> Path:
    return folder / "duties.yaml"


def _second_half_entry(folder: Path) -> int:
    """The offset of the entry the second half starts with."""
    point = split_point(_duties(folder).read_text("utf-8"))
    assert point is not None
    return point[1]


def test_the_split_is_at_an_entry_of_the_duties_list() -> None:
    text = _duties(PANLONG).read_text("utf-8")
    point = split_point(text)
    assert point is not None
    lines_before, offset = point
    assert text.count("\n", 0, offset) == lines_before
    line = text[offset : text.index("\n", offset)]
    assert line.startswith("  - id: D")  # the list's column, an entry's first line
    entries = text.count("\n  - id: D")
    assert abs(text.count("\n  - id: D", 0, offset) - entries // 2) <= 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda t: t.replace("  - id: D031", "  - &one\n    id: D031", 1), "an anchor"),
        (lambda t: t.replace("    problem:", "\tproblem:", 1), "a tab"),
        (lambda t: "%YAML 1.2\n---\n" + t, "a directive and a document marker"),
        (lambda t: t + "\nmore: 1\n", "another top-level key"),
        (lambda t: t.replace("duties:", "duties: # 职责\n# 注释\nx: 1\nduties:", 1), "two keys"),
    ],
)
def test_no_split_where_something_could_reach_across_it(
    change: Callable[[str], str], why: str
) -> None:
    text = _duties(PANLONG).read_text("utf-8")
    assert split_point(text) is not None
    assert split_point(change(text)) is None, why


def test_a_list_of_one_entry_is_not_split() -> None:
    assert split_point("duties:\n  - id: D1\n    problem: p\n    lead: u\n") is None
    two = "duties:\n- id: D1\n  lead: u\n- id: D2\n  lead: u\n"
    assert split_point(two) == (3, two.index("- id: D2"))


def _edited(folder: Path, offset: int, old: str, new: str) -> None:
    path = _duties(folder)
    text = path.read_text("utf-8")
    at = text.index(old, offset)
    path.write_text(text[:at] + new + text[at + len(old) :], "utf-8")


def test_a_schema_error_in_either_half_has_both_read_it_whole(tmp_path: Path) -> None:
    for half in (0, 1):
        folder = _copy(tmp_path, f"bad{half}")
        offset = _second_half_entry(folder) if half else 0
        _edited(folder, offset, "    lead: ", "    lead: [")  # a flow list left open
        assert _together(folder, folder) == (None, None)


def test_a_line_at_the_list_column_inside_a_quoted_text_is_no_split(tmp_path: Path) -> None:
    """YAML lets a quoted text go on at any column: a line there that looks like an
    entry leaves the first half inside the quote, a YAML error, so both read it whole."""
    folder = _copy(tmp_path)
    text = _duties(folder).read_text("utf-8")
    d001 = text[text.index("  - id: D001") : text.index("  - id: D002")]
    d002 = text[text.index("  - id: D002") : text.index("  - id: D003")]
    quoted = d001.replace("    basis: 《中华人民共和国城乡规划法》第六十四条、第六十八条\n",
                          '    basis: "《城乡规划法》第六十四条\n  - 第六十八条"\n')  # fmt: skip
    _duties(folder).write_text("duties:\n" + quoted + d002, "utf-8")
    point = split_point(_duties(folder).read_text("utf-8"))
    assert point is not None
    assert _duties(folder).read_text("utf-8")[point[1] :].startswith("  - 第六十八条")
    whole = _whole(folder)  # one reading: D001's basis goes on over the line
    assert whole.duties[0].basis == "《城乡规划法》第六十四条 - 第六十八条"
    assert _together(folder, folder) == (None, None)


def test_an_id_on_both_sides_of_the_split_has_both_read_it_whole(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = _duties(folder).read_text("utf-8")
    offset = _second_half_entry(folder)
    first_id = text[text.index("  - id: ") + 8 : text.index("\n", text.index("  - id: "))]
    second_id = text[offset + 8 : text.index("\n", offset)]
    _edited(folder, offset, f"  - id: {second_id}", f"  - id: {first_id}")
    assert _together(folder, folder) == (None, None)


def test_other_bytes_on_the_other_side_have_both_read_it_whole(tmp_path: Path) -> None:
    """The file changed between the two readings: each side's half is of other bytes."""
    one, other = _copy(tmp_path, "one"), _copy(tmp_path, "other")
    _edited(other, 0, "# ", "#  ")  # a comment, so both read well alone
    assert _together(one, other) == (None, None)


def test_a_partner_that_goes_away_leaves_this_side_to_read_it_whole(tmp_path: Path) -> None:
    mine, theirs = Partner.pair()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - a partner that fails before it reads anything
        theirs.forget_other_end()
        os._exit(4)
    theirs.close()
    assert load_in_halves(PANLONG, mine) is None
    mine.close()
    os.waitpid(pid, 0)


def test_a_cold_two_process_batch_with_a_broken_half_says_where(tmp_path: Path) -> None:
    """The halves decline, the catalogue is read whole with positions, and the error
    is reported at its line as for one process."""
    import subprocess
    import sys

    folder = _copy(tmp_path)
    offset = _second_half_entry(folder)
    _edited(folder, offset, "    lead: ", "    lead: nobody-")
    text = _duties(folder).read_text("utf-8")
    line = text.count("\n", 0, text.index("lead: nobody-")) + 1
    batch = tmp_path / "cases.jsonl"
    batch.write_text('{"problem": "noise", "at": "gulou"}\n' * 20_000, "utf-8")
    results: dict[str, Any] = {}
    for jobs in ("1", "2"):
        results[jobs] = subprocess.run(
            [sys.executable, "-m", "dutylist", "who", "--batch", str(batch), "--jobs", jobs,
             "--catalog", str(folder), "--lang", "en"],
            capture_output=True, text=True, check=False,
            env={**os.environ, "DUTYLIST_CACHE_DIR": str(tmp_path / f"cache{jobs}")},
        )  # fmt: skip
    assert results["2"].returncode == 2
    assert results["2"].stderr == results["1"].stderr
    assert "DL201" in results["2"].stderr
    assert f"duties.yaml:{line}:11: DL201" in results["2"].stderr  # where, with positions


def test_a_message_that_is_not_a_half_has_this_side_read_it_whole() -> None:
    """Whatever comes down the pipe, this side answers with a catalogue or None."""
    for junk in (b"\x00not marshal", marshal.dumps({"digest": "x"}), marshal.dumps([1, 2])):
        mine, theirs = Partner.pair()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - a partner sending junk
            theirs.forget_other_end()
            theirs.exchange(junk)
            os._exit(0)
        theirs.close()
        assert load_in_halves(PANLONG, mine) is None
        mine.close()
        os.waitpid(pid, 0)
