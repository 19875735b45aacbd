"""The default engine: a cell look-up, microseconds per case.

Cases of one problem fall into the cells of `semantics.cells`; every case in a cell
matches the same duties and rules, so a cell's verdict is decided once and kept in a
table indexed by the cell's number. Routing a case is: check and classify its values
(which gives the cell's number), read the table, and add the place and its blower.
`prepare()` fills every table ahead of time; otherwise a cell is decided the first time
a case falls in it. Cells that match alike share one verdict. The tables are rebuilt,
never patched, when the catalogue changes.
"""

from __future__ import annotations

from typing import Any

from dutylist.engine.answer import Answer, Verdict
from dutylist.engine.router import NO_VALUES, Router, Values, build_verdict
from dutylist.semantics.cells import CellSpace, cell_space
from dutylist.semantics.compiled import Compiled, CompiledProblem
from dutylist.semantics.precedence import DutyDecision, RuleDecision, decide_duties, decide_rules

MISSING = object()


class CellTable:
    """One problem's verdicts, by cell number."""

    def __init__(self, space: CellSpace) -> None:
        self.space = space
        self.verdicts: list[Verdict | None] = [None] * space.size
        self.by_masks: dict[tuple[int, int], Verdict] = {}
        self.partial: dict[tuple[Any, ...], Verdict] = {}  # cases that leave values out
        # cells with different masks often share the duties' or the rules' part
        self.duty_decisions: dict[int, DutyDecision] = {}
        self.rule_decisions: dict[int, RuleDecision] = {}

    def fill(self, index: int, compiled: Compiled) -> Verdict:
        masks = self.space.cell_masks(index)
        verdict = self.by_masks.get(masks)
        if verdict is None:
            duty_mask, rule_mask = masks
            compiled_problem = self.space.compiled_problem
            duties = self.duty_decisions.get(duty_mask)
            if duties is None:
                duties = decide_duties(compiled_problem, bits(duty_mask))
                self.duty_decisions[duty_mask] = duties
            rules = self.rule_decisions.get(rule_mask)
            if rules is None:
                rules = decide_rules(compiled_problem, bits(rule_mask))
                self.rule_decisions[rule_mask] = rules
            verdict = build_verdict(
                compiled, compiled_problem, duties.status, duties.lead, [duties], rules
            )
            self.by_masks[masks] = verdict
        self.verdicts[index] = verdict
        return verdict

    def fill_all(self, compiled: Compiled) -> None:
        for index, verdict in enumerate(self.verdicts):
            if verdict is None:
                self.fill(index, compiled)


def bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


class IndexEngine(Router):
    name = "index"

    def __init__(self, compiled: Compiled) -> None:
        super().__init__(compiled)
        self._tables: dict[str, CellTable] = {}
        self._root = compiled.catalog.root
        # whistle → place → blower: two look-ups cost less than making and hashing a pair
        self._blowers: dict[str, dict[str, str | None]] = {}

    def prepare(self) -> IndexEngine:
        """Decide every cell of every problem now rather than on first sight: for a
        long-running dispatcher that wants every answer equally fast."""
        for problem in self.catalog.problems:
            self._table(problem).fill_all(self.compiled)
        for whistle in self.catalog.whistles:
            at = self._blowers.setdefault(whistle, {})
            for place in self.compiled.tree.places:
                at[place] = self.blower(whistle, place)
        return self

    def _table(self, problem: Any) -> CellTable:
        table = self._tables.get(problem) if type(problem) is str else None
        if table is None:
            table = CellTable(cell_space(self.compiled, problem))  # DL601 if unknown
            self._tables[problem] = table
        return table

    def match(
        self, compiled_problem: CompiledProblem, place: str, values: Values
    ) -> tuple[list[int], list[int]]:
        space = self._table(compiled_problem.problem.id).space
        duties, rules = space.masks(space.place_class(place), space.classes_given(values))
        return bits(duties), bits(rules)

    def route(self, problem: str, place: str | None = None, values: Values | None = None) -> Answer:
        table = self._tables.get(problem) if type(problem) is str else None
        if table is None:
            table = self._table(problem)
        if place is None:
            place = self._root
        given = NO_VALUES if values is None else values
        index = table.space.locate(place, given)  # checks every value: CaseError if wrong
        if index is None:
            verdict = self._partial_verdict(table, place, given)
        else:
            verdict = table.verdicts[index] or table.fill(index, self.compiled)
        whistle = verdict.whistle
        if whistle is None:
            return Answer(verdict, place, None)
        at = self._blowers.get(whistle)
        blower = MISSING if at is None else at.get(place, MISSING)
        if blower is MISSING:
            blower = self.blower(whistle, place)
            self._blowers.setdefault(whistle, {})[place] = blower
        return Answer(verdict, place, blower)  # type: ignore[arg-type]

    def _partial_verdict(self, table: CellTable, place: str, given: Values) -> Verdict:
        space = table.space
        key = (space.place_class(place), *space.classes_given(given))
        verdict = table.partial.get(key)
        if verdict is None:
            verdict = self.judge_partial(space, place, given)
            table.partial[key] = verdict
        return verdict
