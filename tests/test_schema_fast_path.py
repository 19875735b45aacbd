"""The fast schema check (fastjsonschema) and jsonschema must agree on every document:
the fast one decides 'valid', jsonschema explains 'invalid'. A disagreement would let a
bad file through silently or report nothing for a file called invalid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist.load.paths import FILE_KINDS
from dutylist.load.schema import _validator, passes
from dutylist.load.yamlread import parse_document
from tests.conftest import MINIMAL
from tests.test_fuzz_no_traceback import trees

EXAMPLES = int(os.environ.get("DUTYLIST_FUZZ_EXAMPLES", "60"))
GOOD = {
    "catalog": "catalog/catalog.yaml",
    "units": "catalog/units.yaml",
    "problems": "catalog/problems.yaml",
    "duties": "catalog/duties.yaml",
    "whistles": "catalog/whistles.yaml",
    "tasks": "catalog/tasks.yaml",
    "cases": "catalog/cases.yaml",
    "rules": "rules/dispatch.yaml",
}
MUTATIONS = [
    ("2019-09-30", "2019-02-30"),
    ("2019-09-30", "20190930"),
    ("30m", "30"),
    ("cgj", "城管"),
    ("[hbj]", "hbj"),
    ("lead:", "leed:"),
    ("gte: 1000", "gte: '1000'"),
    ("true", "'true'"),
    ("department", "dept"),
    ("在建, 已建成", ""),
    ("{id:", "{id: 1,"),
    ("done", "finished"),
]


def _agree(kind: str, document: object) -> None:
    slow_ok = not any(True for _ in _validator(kind).iter_errors(document))
    assert passes(kind, document) == slow_ok, (kind, document)


@pytest.mark.parametrize("kind", FILE_KINDS)
@pytest.mark.parametrize(("old", "new"), MUTATIONS)
def test_agree_on_near_misses(kind: str, old: str, new: str) -> None:
    text = (MINIMAL / GOOD[kind]).read_text(encoding="utf-8")
    _agree(kind, parse_document(text.replace(old, new)))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(FILE_KINDS), tree=trees)
def test_agree_on_random_documents(kind: str, tree: object) -> None:
    _agree(kind, tree)


def test_bundled_files_pass_both() -> None:
    root = Path(__file__).parent.parent
    for kind, path in [
        ("units", "catalogs/panlong/units.yaml"),
        ("duties", "catalogs/panlong/duties.yaml"),
    ]:
        document = parse_document((root / path).read_text(encoding="utf-8"))
        assert passes(kind, document)
        _agree(kind, document)
