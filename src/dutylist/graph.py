"""The catalogue as a networkx graph, and pure analyses over it.

Nodes are `kind:id` strings (`unit:cgj`, `duty:D001`, `problem:noise`, `rule:joint`,
`whistle:street`, `task:T01`, `phase:rollout`, `power:执法`) carrying `kind`, `id`,
`name`, `file` and `line`. Edges carry a `relation`: parent, concerns, lead, support,
needs, holds, blows, reports, sounds, also-report, escalates-to, applies-to, phase.
"""

from __future__ import annotations

import networkx as nx

from dutylist.findings import Location
from dutylist.model import Catalog, Rule
from dutylist.semantics.compiled import Compiled


def node(kind: str, item_id: str) -> str:
    return f"{kind}:{item_id}"


def _add(
    graph: nx.MultiDiGraph, kind: str, item_id: str, name: str, loc: Location | None = None
) -> str:
    key = node(kind, item_id)
    graph.add_node(
        key,
        kind=kind,
        id=item_id,
        name=name,
        file=loc.file if loc else "",
        line=loc.line if loc else 0,
    )
    return key


def build_graph(compiled: Compiled) -> nx.MultiDiGraph:
    catalog = compiled.catalog
    graph = nx.MultiDiGraph(name=catalog.name, catalog=catalog.id)
    _units(graph, catalog)
    for problem in catalog.problems.values():
        _add(graph, "problem", problem.id, problem.name, problem.loc)
    for whistle in catalog.whistles.values():
        _whistle(graph, catalog, whistle.id)
    for duty in catalog.duties:
        key = _add(graph, "duty", duty.id, duty.basis or duty.id, duty.loc)
        graph.add_edge(key, node("problem", duty.problem), relation="concerns")
        graph.add_edge(key, node("unit", duty.lead), relation="lead")
        for unit in duty.support:
            graph.add_edge(key, node("unit", unit), relation="support")
        for power in duty.needs:
            graph.add_node(
                node("power", power), kind="power", id=power, name=power, file="", line=0
            )
            graph.add_edge(key, node("power", power), relation="needs")
    for compiled_rule in compiled.rules:
        _rule(graph, compiled_rule.rule, compiled_rule.problems)
    for phase in catalog.phases.values():
        _add(graph, "phase", phase.id, phase.name, phase.loc)
    for task in catalog.tasks:
        key = _add(graph, "task", task.id, task.name, task.loc)
        graph.add_edge(key, node("unit", task.lead), relation="lead")
        for unit in task.support:
            graph.add_edge(key, node("unit", unit), relation="support")
        graph.add_edge(key, node("phase", task.phase), relation="phase")
    return graph


def _units(graph: nx.MultiDiGraph, catalog: Catalog) -> None:
    for unit in catalog.units.values():
        key = _add(graph, "unit", unit.id, unit.name, unit.loc)
        graph.nodes[key]["unit_kind"] = unit.kind
        for power in unit.powers:
            graph.add_node(
                node("power", power), kind="power", id=power, name=power, file="", line=0
            )
            graph.add_edge(key, node("power", power), relation="holds")
    for unit in catalog.units.values():
        if unit.parent is not None:
            graph.add_edge(node("unit", unit.id), node("unit", unit.parent), relation="parent")


def _whistle(graph: nx.MultiDiGraph, catalog: Catalog, whistle_id: str) -> None:
    whistle = catalog.whistles[whistle_id]
    key = _add(graph, "whistle", whistle.id, whistle.name, whistle.loc)
    for unit in catalog.units.values():
        if whistle.blower in (unit.kind, unit.id):
            graph.add_edge(node("unit", unit.id), key, relation="blows")
        if unit.kind in whistle.reporters:
            graph.add_edge(node("unit", unit.id), key, relation="reports")


def _rule(graph: nx.MultiDiGraph, rule: Rule, problems: frozenset[str]) -> None:
    key = _add(graph, "rule", rule.id, rule.name or rule.id, rule.loc)
    if rule.whistle:
        graph.add_edge(key, node("whistle", rule.whistle), relation="sounds")
    for unit in rule.also_report:
        graph.add_edge(key, node("unit", unit), relation="also-report")
    for step in rule.escalate or ():
        when = (
            {"after_minutes": step.after_minutes}
            if step.after_working_days is None
            else {"after_working_days": step.after_working_days}
        )
        graph.add_edge(key, node("unit", step.to), relation="escalates-to", **when)
    for problem in sorted(problems):
        graph.add_edge(key, node("problem", problem), relation="applies-to")
