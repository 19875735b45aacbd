"""`dutylist diff`: the regions it reports against a brute-force comparison of both sides.

For pairs of random catalogues (independent, or one a small edit of the other), every
case of the discretised space — full and with one attribute left out — is answered by
the plain oracle on each side. A case whose answer differs must lie in exactly one
region, whose old and new answers are the oracle's; a case whose answer does not differ
lies in none; each region's witness shows its change and its place count is the number
of places where the oracle sees it.
"""

from __future__ import annotations

import copy
import itertools
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.cli import main
from dutylist.diff.routing import Region, routing_changes
from dutylist.load.build import load_catalog
from dutylist.semantics.compiled import Compiled
from tests.randomcat import (
    LEADS,
    ORDER,
    PLACES,
    SPACE,
    Oracle,
    RandomCatalog,
    _condition,
    catalogs,
)

EXAMPLES = int(os.environ.get("DUTYLIST_PROPERTY_EXAMPLES", "40"))
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
BLOWER = {"w1": "street", "w2": "community"}


@st.composite
def edited(draw: Any, catalog: RandomCatalog) -> RandomCatalog:
    """The catalogue with one or two edits a policy officer might make."""
    new = copy.deepcopy(catalog)
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(
            st.sampled_from(
                ["lead", "drop", "place", "whistle", "respond", "support"] + ["bound"] * 4
            )
        )
        if edit == "bound":  # a threshold moved, or a condition on a value changed
            item = draw(st.sampled_from(new.duties + new.rules)) if new.duties else None
            if item is not None:
                attributes = new.problems.get(item.get("problem", ""), ORDER)
                if attributes:
                    attribute = draw(st.sampled_from(attributes))
                    item.setdefault("when", {})[attribute] = _condition(draw, attribute)
        elif edit in ("lead", "drop", "place", "support") and new.duties:
            duty = draw(st.sampled_from(new.duties))
            if edit == "lead":
                duty["lead"] = draw(st.sampled_from(LEADS))
            elif edit == "drop":
                new.duties.remove(duty)
            elif edit == "support":
                duty["support"] = draw(st.lists(st.sampled_from(LEADS), max_size=2, unique=True))
            else:
                duty.setdefault("when", {})["at"] = [draw(st.sampled_from(list(PLACES)))]
        elif edit in ("whistle", "respond") and new.rules:
            rule = draw(st.sampled_from(new.rules))
            if edit == "whistle":
                rule["whistle"] = draw(st.sampled_from(["w1", "w2"]))
            else:
                rule["respond_within"] = draw(st.sampled_from(["10m", "1h", "2h"]))
    return new


@st.composite
def pairs(draw: Any) -> tuple[RandomCatalog, RandomCatalog]:
    old = draw(catalogs())
    new = draw(catalogs()) if draw(st.integers(0, 3)) == 0 else draw(edited(old))
    return old, new


def _compiled(catalog: RandomCatalog, root: Path) -> Compiled:
    loaded = load_catalog(catalog.write(root))
    assert loaded.catalog is not None and not loaded.findings
    return Compiled(loaded.catalog)


def _seen(oracle: Oracle, problem: str, place: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """What the oracle answers, in the fields a diff compares ('absent': no such problem)."""
    if problem not in oracle.catalog.problems:
        return ("absent",)
    mine = {a: v for a, v in values.items() if a in oracle.catalog.problems[problem]}
    answer = oracle.answer(problem, place, mine)
    return (
        answer["status"],
        answer["lead"],
        tuple(sorted(answer["support"])),
        answer["whistle"],
        BLOWER.get(answer["whistle"]),
        answer["respond_within_minutes"],
        tuple(answer["escalate"]),
    )


def _region_seen(region: Region, side: str) -> tuple[Any, ...]:
    outcome = region.old if side == "old" else region.new
    if outcome.status == "absent":
        return ("absent",)
    return (
        outcome.status,
        outcome.lead,
        outcome.support,
        outcome.whistle,
        outcome.blower,
        outcome.respond_within_minutes,
        tuple((after, to) for after, _, to in outcome.escalate),
    )


FIELDS = ("status", "lead", "support", "whistle", "blower", "respond", "escalate")


def _changed_fields(before: tuple[Any, ...], after: tuple[Any, ...]) -> dict[str, Any]:
    if "absent" in (before[0], after[0]):
        return {"absent": (before[0] == "absent", after[0] == "absent")}
    return {name: (a, b) for name, a, b in zip(FIELDS, before, after, strict=True) if a != b}


def _changed(region: Region) -> dict[str, Any]:
    return _changed_fields(_region_seen(region, "old"), _region_seen(region, "new"))


def _questions(old: RandomCatalog, new: RandomCatalog, problem: str) -> list[tuple[str, dict]]:
    """Every case over both sides' attributes, with every set of them left out."""
    attributes = list(dict.fromkeys(new.problems.get(problem, []) + old.problems.get(problem, [])))
    found = []
    for place in PLACES:
        for count in range(len(attributes) + 1):
            for given_ones in itertools.combinations(attributes, count):
                for combo in itertools.product(*(SPACE[a] for a in given_ones)):
                    found.append((place, dict(zip(given_ones, combo, strict=True))))
    return found


@PROPERTY
@given(pair=pairs())
def test_every_case_whose_answer_changes_is_in_exactly_one_region_with_that_change(
    pair: tuple[RandomCatalog, RandomCatalog],
) -> None:
    old, new = pair
    with tempfile.TemporaryDirectory() as scratch:
        regions = routing_changes(
            _compiled(old, Path(scratch) / "old"), _compiled(new, Path(scratch) / "new")
        )
    assert_regions_are_exact(old, new, regions)


def assert_regions_are_exact(
    old: RandomCatalog, new: RandomCatalog, regions: list[Region], whole: bool = True
) -> None:
    """Every case of both sides, answered by the oracle: a changed answer lies in exactly
    one region with that change, an unchanged one in none; each region's witness shows
    its change and its place count is the places where the oracle sees it. `whole`: the
    witness shows the region's whole old and new answers too (not only what changed — a
    region over several periods keeps its first period's)."""
    oracles = Oracle(old), Oracle(new)
    for problem in dict.fromkeys([*new.problems, *old.problems]):
        mine = [r for r in regions if r.problem == problem]
        places_seen: dict[int, set[str]] = {id(r): set() for r in mine}
        for place, values in _questions(old, new, problem):
            before = _seen(oracles[0], problem, place, values)
            after = _seen(oracles[1], problem, place, values)
            holding = [r for r in mine if r.contains(place, values)]
            if before == after:
                assert not holding, (problem, place, values, before)
                continue
            assert len(holding) == 1, (problem, place, values, before, after, len(holding))
            region = holding[0]
            assert _changed(region) == _changed_fields(before, after)
            places_seen[id(region)].add(place)
        for region in mine:
            witness = region.witness
            shown = (
                _seen(oracles[0], problem, witness["at"], witness["with"]),
                _seen(oracles[1], problem, witness["at"], witness["with"]),
            )
            if whole:
                assert shown == (_region_seen(region, "old"), _region_seen(region, "new"))
            assert _changed_fields(*shown) == _changed(region)
            assert region.places == len(places_seen[id(region)]), region.witness


@PROPERTY
@given(catalog=catalogs())
def test_a_catalogue_compared_with_itself_changes_nothing(catalog: RandomCatalog) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        twice = [_compiled(catalog, Path(scratch) / side) for side in ("a", "b")]
        assert routing_changes(*twice) == []


# -- the command, on the bundled catalogue -------------------------------------------------
PANLONG = Path(__file__).parent.parent / "catalogs" / "panlong"
RULES = Path(__file__).parent.parent / "rules" / "panlong"


def _copy(root: Path) -> Path:
    import shutil

    shutil.copytree(PANLONG, root / "catalogs" / "panlong")
    shutil.copytree(RULES, root / "rules" / "panlong")
    return root / "catalogs" / "panlong"


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "duties.yaml"
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def test_a_threshold_moved_shows_the_cases_that_change_hands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited_folder = _copy(tmp_path)
    _edit(edited_folder, "area_m2: {gte: 1000}", "area_m2: {gte: 500}")
    code = main(["diff", str(PANLONG), str(edited_folder), "--lang", "en", "--exit-code"])
    out = capsys.readouterr().out
    assert code == 1
    assert "illegal-construction" in out
    assert "stage=已建成; area_m2 >=500,<1000" in out
    assert "lead zrzyj → cgj" in out
    assert "--set 'stage=已建成' --set area_m2=500" in out
    # asked without the stage, 500–1000 m² used to depend on it and now goes to cgj
    assert "status undetermined → routed" in out
    assert "duties changed D003" in out


def test_nothing_changed_exits_0_even_with_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = _copy(tmp_path)
    _edit(same, "  - id: D003", "  - id: D003   # a comment moves nothing")
    assert main(["diff", str(PANLONG), str(same), "--exit-code", "--lang", "en"]) == 0
    assert "routing unchanged" in capsys.readouterr().out


def test_a_renamed_duty_is_renamed_not_removed_and_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = _copy(tmp_path)
    _edit(renamed, "  - id: D003 ", "  - id: D003A ")
    assert main(["diff", str(PANLONG), str(renamed), "--format", "json", "--exit-code"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert report["items"]["duty"]["renamed"] == [{"old": "D003", "new": "D003A"}]
    assert report["items"]["duty"]["added"] == report["items"]["duty"]["removed"] == []
    assert report["routing"]["changed"] is False


def test_a_new_overlap_is_a_new_finding_and_a_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    edited_folder = _copy(tmp_path)
    _edit(
        edited_folder,
        "  - id: D003 ",
        "  - id: D003X\n    problem: illegal-construction\n"
        "    when: {stage: 已建成, area_m2: {gte: 1000}}\n    lead: zjj\n\n  - id: D003 ",
    )
    main(["diff", str(PANLONG), str(edited_folder), "--format", "json", "--lang", "en"])
    report = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in report["findings"]["new"]]
    assert "DL301" in codes, codes
    overlap = [r for r in report["routing"]["regions"] if r["new"]["status"] == "overlap"]
    assert overlap and overlap[0]["old"]["lead"] == "cgj"
    assert overlap[0]["witness"]["with"]["area_m2"] >= 1000
    assert report["items"]["duty"]["added"] == ["D003X"]


def test_markdown_is_a_table_for_a_pull_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited_folder = _copy(tmp_path)
    _edit(edited_folder, "area_m2: {gte: 1000}", "area_m2: {gte: 500}")
    main(["diff", str(PANLONG), str(edited_folder), "--format", "markdown", "--lang", "zh"])
    out = capsys.readouterr().out
    assert out.startswith("### 职责清单变更")
    assert "| 问题 | 范围 | 变化 | 单元格 | 地点 | 复现 |" in out
    assert "主责 zrzyj → cgj" in out


# -- git:REV -------------------------------------------------------------------------------
def _git(repo: Path, *words: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *words],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository holding the Panlong catalogue: one commit as bundled, one with the
    threshold moved, and an uncommitted edit in the working tree."""
    repo = tmp_path / "repo"
    repo.mkdir()
    folder = _copy(repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "as bundled")
    _edit(folder, "area_m2: {gte: 1000}", "area_m2: {gte: 500}")
    _git(repo, "commit", "-q", "-am", "threshold 500")
    _edit(folder, "area_m2: {gte: 500}", "area_m2: {gte: 2000}")
    return repo


def test_git_revisions_are_read_without_touching_the_working_tree(
    repository: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    before = (repository / "catalogs/panlong/duties.yaml").read_text("utf-8")
    two_revisions = ["git:HEAD~1:catalogs/panlong", "git:HEAD:catalogs/panlong"]
    code = main(["diff", *two_revisions, "--exit-code", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1
    assert "area_m2 >=500,<1000" in out
    # the bare git:HEAD takes the other side's path: against the uncommitted 2000
    assert main(["diff", "git:HEAD", "catalogs/panlong", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "area_m2 >=500,<2000" in out
    assert "lead cgj → zrzyj" in out
    assert (repository / "catalogs/panlong/duties.yaml").read_text("utf-8") == before
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repository, capture_output=True, text=True
    )
    assert status.stdout.strip() == "M catalogs/panlong/duties.yaml"


def test_findings_of_a_revision_point_at_the_revision(
    repository: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    _edit(
        repository / "catalogs/panlong",
        "    lead: cgj\n    support: [zrzyj, zjj, ga, sfj]",
        "    lead: 城管\n    support: [zrzyj, zjj, ga, sfj]",
    )
    _git(repository, "commit", "-q", "-am", "a typo")
    code = main(["diff", "git:HEAD~2", "catalogs/panlong", "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 1  # the new side cannot be routed: said, and not a silent "unchanged"
    assert "routing not compared" in captured.out
    assert "DL104" in captured.out
    code = main(["diff", "git:HEAD", "git:HEAD~2:catalogs/panlong", "--lang", "en"])
    out = capsys.readouterr()
    assert code == 2 and "names no catalogue folder" in out.err


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("git:no-such-rev:catalogs/panlong", "not a valid object name"),
        ("git:HEAD:catalogs/nowhere", "did not match any files"),
        ("git::catalogs/panlong", "names no revision"),
    ],
)
def test_a_wrong_revision_or_path_is_a_usage_error(
    repository: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spec: str,
    said: str,
) -> None:
    monkeypatch.chdir(repository)
    assert main(["diff", spec, "catalogs/panlong"]) == 2
    assert said in capsys.readouterr().err


def test_checked_on_two_cores_the_report_is_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city-scale pair checks the old side in a second process (its model sent back as
    the snapshot encodes it): the report must not depend on it."""
    from dutylist.diff import sides

    edited_folder = _copy(tmp_path)
    _edit(edited_folder, "area_m2: {gte: 1000}", "area_m2: {gte: 500}")
    words = ["diff", str(PANLONG), str(edited_folder), "--format", "json", "--lang", "en"]
    main(words)
    alone = capsys.readouterr().out
    monkeypatch.setattr(sides, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(sides.os, "cpu_count", lambda: 2)
    main(words)
    assert capsys.readouterr().out == alone
