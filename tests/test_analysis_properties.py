"""The checker's overlaps and gaps against a brute-force enumeration of the case space.

No missed finding, no false one: for random small catalogues the set of DL301 findings
(each named by its competing duties) and of DL302 findings (by problem) must equal what
routing every case of the (discretised, class-complete) space plainly gives.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from dutylist.checker import check_folder
from tests.randomcat import RandomCatalog, all_cases, catalogs, matches

EXAMPLES = int(os.environ.get("DUTYLIST_PROPERTY_EXAMPLES", "40"))


def _brute_force(catalog: RandomCatalog) -> tuple[set[tuple[str, frozenset[str]]], set[str]]:
    overlaps: set[tuple[str, frozenset[str]]] = set()
    gaps: set[str] = set()
    for problem in catalog.problems:
        space = all_cases(catalog, problem)
        duties = [d for d in catalog.duties if d["problem"] == problem]
        sets = {
            d["id"]: {i for i, (pl, vs) in enumerate(space) if matches(d, pl, vs, problem, catalog)}
            for d in duties
        }
        for place, values in space:
            hit = [d for d in duties if matches(d, place, values, problem, catalog)]
            if not hit:
                gaps.add(problem)
                continue
            applicable = [d for d in hit if not any(sets[e["id"]] < sets[d["id"]] for e in hit)]
            if len({d["lead"] for d in applicable}) > 1:
                overlaps.add((problem, frozenset(d["id"] for d in applicable)))
    return overlaps, gaps


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=catalogs())
def test_overlaps_and_gaps_are_exactly_the_brute_force_ones(catalog: RandomCatalog) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _, findings = check_folder(catalog.write(Path(scratch)))
    # an escalation that comes back to the lead (DL402, kind cycle) is an analysis finding
    assert not [
        f
        for f in findings
        if f.kind in ("yaml", "schema", "reference", "cycle") and f.code != "DL402"
    ]
    duty_problem = {d["id"]: d["problem"] for d in catalog.duties}
    found_overlaps = {
        (duty_problem[f.subjects[0]], frozenset(f.subjects)) for f in findings if f.code == "DL301"
    }
    found_gaps = {f.subjects[0] for f in findings if f.code == "DL302"}
    expected_overlaps, expected_gaps = _brute_force(catalog)
    assert found_overlaps == expected_overlaps
    assert found_gaps == expected_gaps
    for finding in findings:
        if finding.code in ("DL301", "DL302"):
            _assert_witness_is_complete(finding.witness, catalog)


def _assert_witness_is_complete(witness: dict[str, Any] | Any, catalog: RandomCatalog) -> None:
    assert witness is not None
    assert set(witness["with"]) == set(catalog.problems[witness["problem"]])
