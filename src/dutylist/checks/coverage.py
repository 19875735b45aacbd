"""Gaps (真空): cases no duty covers, and cases no rule gives a whistle."""

from __future__ import annotations

from collections.abc import Iterator

from dutylist.checks.context import sweep_of
from dutylist.codes import finding
from dutylist.findings import Finding
from dutylist.load.build import Loaded

CODES = ("DL302", "DL303")


def check(loaded: Loaded) -> Iterator[Finding]:
    for result in sweep_of(loaded).problems.values():
        problem = result.compiled_problem.problem
        duties = [d.duty.id for d in result.compiled_problem.duties]
        if result.gap is not None:
            key = "DL302" if duties else "DL302.none"
            yield finding(
                "DL302",
                problem.loc,
                key,
                {
                    "problem": problem.id,
                    "name": problem.name,
                    "cells": result.gap_cells,
                    "total": result.cells,
                },
                subjects=[problem.id, *duties],
                witness=result.gap,
            )
        if result.whistle_gap is not None:
            yield finding(
                "DL303",
                problem.loc,
                args={"problem": problem.id, "name": problem.name},
                subjects=[problem.id],
                witness=result.whistle_gap,
            )
