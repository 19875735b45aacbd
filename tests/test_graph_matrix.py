"""The responsibility graph export and the responsibility matrix, as users open them."""

from __future__ import annotations

import csv
import doctest
import io
import json
from pathlib import Path

import networkx as nx
import pytest

import dutylist.checks.cycles
import dutylist.graph
import dutylist.model
from tests.conftest import REPO

PANLONG = str(REPO / "catalogs" / "panlong")


@pytest.mark.parametrize("module", [dutylist.checks.cycles, dutylist.model])
def test_docstring_examples_run(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0


def test_json_graph_has_the_responsibility_edges(run_cli) -> None:
    result = run_cli("graph", PANLONG, "--format", "json")
    assert result.code == 0
    graph = nx.node_link_graph(
        json.loads(result.out), edges="edges", multigraph=True, directed=True
    )
    relations = {(u, v, d["relation"]) for u, v, d in graph.edges(data=True)}
    assert ("duty:D001", "unit:cgj", "lead") in relations
    assert ("duty:D001", "problem:illegal-construction", "concerns") in relations
    assert ("unit:gulou", "unit:panlong", "parent") in relations
    assert ("unit:gulou", "whistle:street", "blows") in relations
    assert any(r == "escalates-to" for _, _, r in relations)
    assert graph.nodes["duty:D001"]["line"] > 0


def test_graphml_reads_back(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "panlong.graphml"
    assert run_cli("graph", PANLONG, "--format", "graphml", "--output", str(out)).code == 0
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() > 100
    assert graph.nodes["unit:cgj"]["name"] == "区城市管理局"


def test_dot_mermaid_and_only(run_cli) -> None:
    dot = run_cli("graph", PANLONG, "--format", "dot").out
    assert dot.startswith('digraph "panlong"') and '"duty:D001" -> "unit:cgj" [label="lead"]' in dot
    mermaid = run_cli("graph", PANLONG, "--format", "mermaid", "--only", "unit,problem").out
    assert mermaid.startswith("flowchart LR") and "duty:" not in mermaid
    bad = run_cli("graph", PANLONG, "--only", "units")
    assert bad.code == 2 and "unknown node kind" in bad.err


def test_matrix_csv_marks_lead_and_support(run_cli) -> None:
    result = run_cli("matrix", PANLONG, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.out)))
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    cgj = header.index("区城市管理局 (cgj)")
    assert body["illegal-construction"][cgj].startswith("主[stage: 在建")
    assert "配" in body["illegal-construction"][cgj]


def test_matrix_html_is_one_self_contained_page(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "matrix.html"
    assert run_cli("matrix", PANLONG, "--format", "html", "--output", str(out)).code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "权责矩阵" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert 'class="lead"' in page


def test_matrix_text_and_markdown(run_cli) -> None:
    text = run_cli("matrix", PANLONG).out
    assert (
        "违法建设 (illegal-construction)" in text
        and "  主  区城市管理局 (cgj)  D001  [stage: 在建]" in text
    )
    markdown = run_cli("matrix", PANLONG, "--format", "markdown").out
    assert markdown.startswith("| 问题类型 |")
