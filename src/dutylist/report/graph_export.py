"""The responsibility graph as DOT, GraphML, JSON (node-link) or Mermaid."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import networkx as nx

STYLE = {
    "unit": "box",
    "problem": "ellipse",
    "duty": "note",
    "rule": "diamond",
    "whistle": "octagon",
    "task": "folder",
    "phase": "tab",
    "power": "plaintext",
}


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def to_dot(graph: nx.MultiDiGraph) -> str:
    lines = [f"digraph {_quote(str(graph.graph.get('catalog', 'dutylist')))} {{", "  rankdir=LR;"]
    for key, data in graph.nodes(data=True):
        label = f"{data.get('name', key)}\n{key}"
        shape = STYLE.get(str(data.get("kind")), "box")
        lines.append(f"  {_quote(key)} [label={_quote(label)}, shape={shape}];")
    for source, target, data in graph.edges(data=True):
        lines.append(
            f"  {_quote(source)} -> {_quote(target)} [label={_quote(data.get('relation', ''))}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_graphml(graph: nx.MultiDiGraph) -> str:
    buffer = io.BytesIO()
    clean = nx.MultiDiGraph(**{k: str(v) for k, v in graph.graph.items()})
    for key, data in graph.nodes(data=True):
        clean.add_node(key, **{k: v for k, v in data.items() if v is not None})
    for source, target, data in graph.edges(data=True):
        clean.add_edge(source, target, **{k: v for k, v in data.items() if v is not None})
    nx.write_graphml(clean, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def to_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _mermaid_id(key: str, ids: dict[str, str]) -> str:
    return ids.setdefault(key, f"n{len(ids)}")


def to_mermaid(graph: nx.MultiDiGraph) -> str:
    ids: dict[str, str] = {}
    lines = ["flowchart LR"]
    for key, data in graph.nodes(data=True):
        name = str(data.get("name", key)).replace('"', "'")
        lines.append(f'  {_mermaid_id(key, ids)}["{name}<br/><small>{key}</small>"]')
    for source, target, data in graph.edges(data=True):
        relation = data.get("relation", "")
        lines.append(f"  {_mermaid_id(source, ids)} -->|{relation}| {_mermaid_id(target, ids)}")
    return "\n".join(lines) + "\n"


EXPORTERS: dict[str, Callable[[nx.MultiDiGraph], str]] = {
    "dot": to_dot,
    "graphml": to_graphml,
    "json": to_json,
    "mermaid": to_mermaid,
}
