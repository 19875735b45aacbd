"""What several checks share, computed once per catalogue: the compiled model and the sweep."""

from __future__ import annotations

from dutylist.analysis.sweep import Sweep, sweep
from dutylist.engine.compiled import Compiled
from dutylist.load.build import Loaded


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
