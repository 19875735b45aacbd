"""Whatever bytes or YAML a catalogue file holds, `dutylist check` answers with findings.

Exit 0 or 1 and a well-formed JSON report whose every finding has a file and a line,
never exit 3 (a bug) nor a traceback, and every run ends within a bound. Two kinds of
input: one file's bytes or YAML at random, and whole catalogues built the way people
write them (units, problems, duties, rules, whistles, tasks, cases that mostly refer to
each other) with a few values swapped for junk, on which every command runs.
The budget here is small (CI); `make fuzz` runs the same properties for longer.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dutylist.cli import main
from dutylist.model import UNIT_KINDS
from tests.conftest import MINIMAL

FILES = [
    "catalog.yaml",
    "units.yaml",
    "problems.yaml",
    "duties.yaml",
    "whistles.yaml",
    "tasks.yaml",
    "cases.yaml",
    "../rules/dispatch.yaml",
]
EXAMPLES = int(os.environ.get("DUTYLIST_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS_PER_RUN = 20  # a small catalogue takes well under a second: past this it is a hang
WHOLE_FILE_CODES = {"DL007", "DL106", "DL107"}  # findings about a file, not a place in it
BLOCKING = {"yaml", "schema", "reference", "DL401"}  # what keeps a catalogue from routing


class Hang(BaseException):
    """A run past its bound; a BaseException so that no handler mistakes it for a bug."""


@contextmanager
def bounded(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Hang(f"a run took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with bounded(SECONDS_PER_RUN), redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _assert_located(report: dict[str, Any], files: set[str]) -> None:
    """Every finding names one of the catalogue's files, and a line in it."""
    for f in report["findings"]:
        assert f["file"] and (f["line"] >= 1 or f["code"] in WHOLE_FILE_CODES), f
        assert Path(f["file"]).name in files, f


KEYS = [
    "id",
    "name",
    "kind",
    "parent",
    "lead",
    "support",
    "when",
    "problem",
    "units",
    "duties",
    "rules",
    "root",
    "at",
    "gte",
    "not",
    "whistle",
    "escalate",
    "after",
    "to",
    "stage",
    "phases",
    "tasks",
    "due",
    "status",
    "attributes",
    "values",
    "type",
    "<<",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "qu",
            "jd",
            "cgj",
            "hbj",
            "D1",
            "在建",
            "30m",
            "2019-09-30",
            "no",
            "off",
            "1.10",
            "street",
            "district",
            "",
            "街道吹哨",
            "~",
        ]
    ),
    st.text(max_size=8),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    ),
    max_leaves=25,
)


def _check_survives(file: str, content: bytes) -> None:
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "minimal"
        shutil.copytree(MINIMAL, root)
        (root / "catalog" / file).resolve().write_bytes(content)
        with bounded(SECONDS_PER_RUN), redirect_stdout(out), redirect_stderr(err):
            code = main(["check", str(root / "catalog"), "--format", "json"])
    assert code in (0, 1), err.getvalue()
    assert err.getvalue() == ""
    report = json.loads(out.getvalue())
    assert report["summary"]["errors"] == sum(
        1 for f in report["findings"] if f["severity"] == "error"
    )
    _assert_located(report, {Path(name).name for name in FILES})


@FUZZ
@given(file=st.sampled_from(FILES), content=st.binary(max_size=300))
def test_random_bytes_never_break_check(file: str, content: bytes) -> None:
    _check_survives(file, content)


@FUZZ
@given(file=st.sampled_from(FILES), tree=trees)
def test_random_yaml_never_breaks_check(file: str, tree: object) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True)
    _check_survives(file, text.encode("utf-8"))


@FUZZ
@given(
    file=st.sampled_from(FILES),
    cut=st.integers(0, 2000),
    insert=st.sampled_from(
        [
            "\t",
            ":",
            "- ",
            "{",
            "]",
            "&a ",
            "*a",
            "!!python/none ",
            "\x00",
            "\n  ",
            "'",
            "<<: ",
            "?",
            "|",
            "\ufeff",
            "#",
        ]
    ),
)
def test_mutated_good_files_never_break_check(file: str, cut: int, insert: str) -> None:
    original = (MINIMAL / "catalog" / file).resolve().read_text(encoding="utf-8")
    position = cut % (len(original) + 1)
    mutated = original[:position] + insert + original[position:]
    _check_survives(file, mutated.encode("utf-8"))


# -- whole catalogues, structure-aware -----------------------------------------------------
# a sound district to draw from: unit → (kind, parent); drawn subsets keep every parent
TREE = {
    "qu": ("district", None),
    "jd": ("street", "qu"),
    "jd2": ("street", "qu"),
    "jd.sq": ("community", "jd"),
    "jd2.sq": ("community", "jd2"),
    "cgj": ("department", "qu"),
    "hbj": ("department", "qu"),
    "ld": ("leadership", "qu"),
}
UNIT_IDS = list(TREE)
PROBLEM_IDS = ["p1", "p2", "p3"]
WHISTLE_IDS = ["w1", "w2"]
ENUM = ["在建", "已建成", "no", "off"]
ATTRIBUTES = {
    "stage": {"values": ENUM},
    "area": {"type": "number"},
    "night": {"type": "boolean"},
}
DATES = ["2019-07-10", "2019-09-30", "2019-12-31", "2020-02-29"]
DURATIONS = ["30m", "2h", "7d", "90m"]
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "东 社区", "no", "1.10", "2019-02-30", "1:30", "x" * 80, "~", "nope"]),
    st.lists(st.sampled_from(["qu", None, 1]), max_size=2),
    st.dictionaries(st.sampled_from(["id", "gte", "not", "x"]), st.integers(0, 9), max_size=2),
)
numbers = st.sampled_from([0, 1, 99.5, 100, 1000, -5])
swaps = st.sampled_from([0, 0, 0, 1, 2])  # most catalogues load, so routing runs too


def conditions(attributes: list[str], rule: bool) -> st.SearchStrategy[dict[str, Any]]:
    values: dict[str, st.SearchStrategy[Any]] = {
        "stage": st.one_of(
            st.sampled_from(ENUM),
            st.lists(st.sampled_from(ENUM), min_size=1, max_size=2, unique=True),
            st.builds(lambda v: {"not": v}, st.lists(st.sampled_from(ENUM), min_size=1)),
        ),
        "area": st.dictionaries(st.sampled_from(["gt", "gte", "lt", "lte"]), numbers, min_size=1),
        "night": st.booleans(),
        "at": st.lists(
            st.sampled_from(["jd", "jd2", "jd.sq"]), min_size=1, max_size=2, unique=True
        ),
    }
    keys = [*attributes, "at"]
    if rule:
        values |= {
            "problem": st.sampled_from(PROBLEM_IDS),
            "category": st.sampled_from(["综合执法", "环境保护"]),
        }
        keys = [*attributes, "at", "problem", "category"]
    return st.fixed_dictionaries({}, optional={k: values[k] for k in keys})


@st.composite
def catalogues(draw: st.DrawFn) -> dict[str, Any]:
    """A catalogue as data: file name → document; mostly sound, with a few junk values."""
    present = ["qu"]
    for unit_id in UNIT_IDS[1:]:
        if TREE[unit_id][1] in present and draw(st.integers(0, 3)):
            present.append(unit_id)
    units: list[dict[str, Any]] = []
    for unit_id in present:
        kind, parent = TREE[unit_id]
        unit: dict[str, Any] = {"id": unit_id, "name": f"单位{unit_id}", "kind": kind}
        if parent:
            unit["parent"] = parent
        if kind == "department" and draw(st.booleans()):
            unit["powers"] = draw(st.lists(st.sampled_from(["执法", "审批"]), unique=True))
        units.append(unit)
    unit_ids = st.sampled_from(present)
    support = st.lists(unit_ids, max_size=2, unique=True)
    problems: list[dict[str, Any]] = []
    duties: list[dict[str, Any]] = []
    for problem_id in draw(st.lists(st.sampled_from(PROBLEM_IDS), unique=True, max_size=3)):
        attrs = draw(st.lists(st.sampled_from(sorted(ATTRIBUTES)), unique=True, max_size=3))
        category = draw(st.sampled_from(["综合执法", "环境保护"]))
        problems.append(
            {"id": problem_id, "name": problem_id, "category": category, "attributes": attrs}
        )
        for _ in range(draw(st.integers(0, 3))):
            duty: dict[str, Any] = {
                "id": f"D{len(duties)}",
                "problem": problem_id,
                "lead": draw(unit_ids),
            }
            duty["when"] = draw(conditions(attrs, rule=False))
            duty["support"] = draw(support)
            if draw(st.booleans()):
                duty["needs"] = ["执法"]
            duties.append(duty)
    whistles = [
        {"id": w, "name": w, "blower": draw(st.sampled_from(["street", "community", "qu"]))}
        | {"reporters": draw(st.lists(st.sampled_from(UNIT_KINDS), min_size=1, unique=True))}
        for w in draw(st.lists(st.sampled_from(WHISTLE_IDS), unique=True))
    ]
    rules = []
    for index in range(draw(st.integers(0, 4))):
        attrs = sorted({a for p in problems for a in p["attributes"]})
        rule: dict[str, Any] = {"id": f"r{index}", "when": draw(conditions(attrs, rule=True))}
        optional = {
            "whistle": st.sampled_from([w["id"] for w in whistles] or ["w1"]),
            "respond_within": st.sampled_from(DURATIONS),
            "escalate": st.lists(
                st.fixed_dictionaries({"after": st.sampled_from(DURATIONS), "to": unit_ids}),
                max_size=2,
            ),
            "also_report": support,
        }
        rule |= draw(st.fixed_dictionaries({}, optional=optional))
        rules.append(rule)
    phases = [{"id": "ph", "name": "阶段", "start": "2019-07-10"}]
    tasks = [
        {
            "id": f"T{index}",
            "name": "任务",
            "lead": draw(unit_ids),
            "phase": "ph",
            "due": draw(st.sampled_from(DATES)),
            "status": draw(st.sampled_from(["not-started", "in-progress"])),
        }
        for index in range(draw(st.integers(0, 2)))
    ]
    cases = [
        {
            "name": f"用例{index}",
            "problem": draw(st.sampled_from([p["id"] for p in problems] or ["p1"])),
            "at": draw(st.sampled_from(["qu", "jd", "jd.sq"])),
            "with": draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "stage": st.sampled_from(ENUM),
                        "area": numbers,
                        "night": st.booleans(),
                    },
                )
            ),
            "expect": {"lead": draw(unit_ids)}
            | draw(
                st.fixed_dictionaries(
                    {}, optional={"status": st.sampled_from(["routed", "gap", "overlap"])}
                )
            ),
        }
        for index in range(draw(st.integers(0, 2)))
    ]
    files: dict[str, Any] = {
        "catalog.yaml": {
            "id": "fz",
            "name": "模糊测试区",
            "root": "qu",
            "rules": "../rules",
            "defaults": {"respond_within": draw(st.sampled_from(DURATIONS))},
        },
        "units.yaml": {"units": units},
        "problems.yaml": {"attributes": ATTRIBUTES, "problems": problems},
        "duties.yaml": {"duties": duties},
        "whistles.yaml": {"whistles": whistles},
        "tasks.yaml": {"phases": phases, "tasks": tasks},
        "cases.yaml": {"cases": cases},
        "../rules/dispatch.yaml": {"rules": rules},
    }
    files = copy.deepcopy(files)  # junk goes into this catalogue, never into ATTRIBUTES
    for _ in range(draw(swaps)):
        _swap_for_junk(draw, files)
    return files


def _swap_for_junk(draw: st.DrawFn, files: dict[str, Any]) -> None:
    """Walk from one file down to a random value and put junk in its place."""
    node: Any = files
    while True:
        keys = sorted(node, key=str) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return
        key = draw(st.sampled_from(keys))
        inner = node[key]
        if not isinstance(inner, (dict, list)) or not inner or draw(st.booleans()):
            node[key] = draw(junk)
            return
        node = inner


def _write(files: dict[str, Any], root: Path, flow: bool) -> None:
    (root / "catalog").mkdir(parents=True)
    (root / "rules").mkdir()
    for name, document in files.items():
        text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow, width=100)
        (root / "catalog" / name).resolve().write_text(text, encoding="utf-8")


@FUZZ
@given(files=catalogues(), flow=st.booleans())
def test_every_command_survives_whole_random_catalogues(files: dict[str, Any], flow: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "fuzz"
        _write(files, root, flow)
        catalog = str(root / "catalog")
        code, out, err = _run("check", catalog, "--format", "json", "--today", "2019-08-01")
        assert code in (0, 1) and err == "", err
        report = json.loads(out)
        _assert_located(report, {Path(name).name for name in files})
        blocking = any(f["code"] in BLOCKING or f["kind"] in BLOCKING for f in report["findings"])
        event("cannot be loaded" if blocking else "loads")
        for args in (
            ["who", "p1", "--at", "jd", "--set", "night=true", "--explain"],
            ["who", "p2", "--format", "json"],
            ["duties", "cgj"],
            ["test"],
            ["test", "--engine", "durable"],
            ["tasks", "--today", "2019-08-01"],
            ["matrix", "--format", "html"],
            ["graph", "--format", "graphml"],
        ):
            code, out, err = _run(*args, "--catalog", catalog, "--lang", "en")
            event(f"{args[0]} exit {code}")
            assert code in (0, 1, 2) and "Traceback" not in err, (args, err)
            if blocking:
                assert code == 2 and "cannot be loaded" in err, (args, err)
