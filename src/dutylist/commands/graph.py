"""`dutylist graph [PATH] --format dot|graphml|json|mermaid`: export the responsibility graph."""

from __future__ import annotations

import argparse

from dutylist.commands.common import (
    EXIT_OK,
    add_common,
    add_output,
    add_path,
    add_subcommand,
    catalog_path,
    emit,
    lang_of,
)
from dutylist.errors import UsageError
from dutylist.session import open_session

EXAMPLES = """\
examples:
  dutylist graph catalogs/panlong --format dot --output panlong.dot
  dot -Tsvg panlong.dot > panlong.svg                          (with Graphviz)
  dutylist graph catalogs/panlong --format graphml --output panlong.graphml   (Gephi, yEd)
  dutylist graph catalogs/panlong --format mermaid --only unit,duty,problem
  dutylist graph catalogs/panlong --format json | jq '.nodes | length'
"""
FORMATS = ("dot", "graphml", "json", "mermaid")
KINDS = ("unit", "problem", "duty", "rule", "whistle", "task", "phase", "power")


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "graph",
        "export the responsibility graph (units, problems, duties, rules, whistles, tasks)",
        "Export the catalogue as a graph: units with their hierarchy, problems, duties, "
        "rules, whistles, tasks and powers, with edges for lead, support, needs, holds, "
        "blows, reports, sounds, also-report, escalates-to, applies-to and parent.",
        EXAMPLES,
    )
    add_path(parser)
    add_common(parser, FORMATS)
    parser.add_argument(
        "--only",
        metavar="KINDS",
        help=f"keep only these node kinds, comma-separated ({', '.join(KINDS)})",
    )
    add_output(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # networkx is imported here, not at start-up, so that other commands start fast
    from dutylist.graph import build_graph
    from dutylist.report.graph_export import EXPORTERS

    wanted = {k.strip() for k in (args.only or "").split(",") if k.strip()}
    unknown = wanted - set(KINDS)
    if unknown:  # a mistake on the command line, told before the catalogue is read
        raise UsageError(
            f"unknown node kind(s): {', '.join(sorted(unknown))}",
            f"choose from: {', '.join(KINDS)}",
        )
    session = open_session(catalog_path(args, args.path), lang_of(args))
    graph = build_graph(session.compiled)
    if wanted:
        graph = graph.subgraph(
            [n for n, d in graph.nodes(data=True) if d.get("kind") in wanted]
        ).copy()
    emit(EXPORTERS[args.format](graph), args.output)
    return EXIT_OK
