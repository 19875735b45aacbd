"""Choosing an engine by name: `index` (default) or `durable` (the independent check)."""

from __future__ import annotations

from dutylist.engine.index import IndexEngine
from dutylist.engine.router import Router
from dutylist.errors import UsageError
from dutylist.semantics.compiled import Compiled

ENGINES = ("index", "durable")


def make_engine(compiled: Compiled, name: str = "index") -> Router:
    if name == "index":
        return IndexEngine(compiled)
    if name == "durable":
        from dutylist.engine.durable import DurableEngine, DurableUnavailable

        try:
            return DurableEngine(compiled)
        except DurableUnavailable as error:
            raise UsageError(str(error), "use the default engine: --engine index") from None
    raise UsageError(f"unknown engine {name}", f"one of: {', '.join(ENGINES)}")
