"""What several checks share, computed once per catalogue: the compiled model and the sweep."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dutylist.analysis.sweep import Sweep, sweep
from dutylist.load.build import Loaded
from dutylist.semantics.compiled import Compiled

if TYPE_CHECKING:
    from networkx import MultiDiGraph


def compiled_of(loaded: Loaded) -> Compiled:
    if "compiled" not in loaded.cache:
        assert loaded.catalog is not None
        loaded.cache["compiled"] = Compiled(loaded.catalog)
    compiled: Compiled = loaded.cache["compiled"]
    return compiled


def sweep_of(loaded: Loaded) -> Sweep:
    if "sweep" not in loaded.cache:
        loaded.cache["sweep"] = sweep(compiled_of(loaded))
    result: Sweep = loaded.cache["sweep"]
    return result


def graph_of(loaded: Loaded) -> MultiDiGraph:
    if "graph" not in loaded.cache:
        # networkx takes a tenth of a second to import; `who` never needs it
        from dutylist.graph import build_graph

        loaded.cache["graph"] = build_graph(compiled_of(loaded))
    graph: MultiDiGraph = loaded.cache["graph"]
    return graph
