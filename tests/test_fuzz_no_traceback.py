"""Whatever bytes or YAML a catalogue file holds, `dutylist check` answers with findings.

Exit 0 or 1 and a well-formed JSON report, never exit 3 (a bug) nor a traceback.
The budget here is small (CI); `make fuzz` runs the same properties for longer.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.cli import main
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
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["check", str(root / "catalog"), "--format", "json"])
    assert code in (0, 1), err.getvalue()
    assert err.getvalue() == ""
    report = json.loads(out.getvalue())
    assert report["summary"]["errors"] == sum(
        1 for f in report["findings"] if f["severity"] == "error"
    )


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
