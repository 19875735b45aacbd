"""What several checks share, computed once per catalogue: the compiled model and the sweep."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dutylist.analysis.sweep import Sweep, sweep
from dutylist.findings import Finding
from dutylist.load.build import Loaded
from dutylist.semantics.compiled import Compiled

EARLIER = "earlier"  # the cache of a check of the same catalogue before an edit


def reuse(loaded: Loaded, earlier: Loaded) -> None:
    """Let this check reuse what a check of an earlier version of the catalogue worked
    out, for every problem that nothing changed in (`dutylist lsp`)."""
    loaded.cache[EARLIER] = earlier.cache


def done_reusing(loaded: Loaded) -> None:
    """After the checks: keep what was reused, not the earlier version itself."""
    loaded.cache.pop(EARLIER, None)
    compiled = loaded.cache.get("compiled")
    if compiled is not None:
        compiled.forget_earlier()


def compiled_of(loaded: Loaded) -> Compiled:
    if "compiled" not in loaded.cache:
        assert loaded.catalog is not None
        earlier = loaded.cache.get(EARLIER, {}).get("compiled")
        loaded.cache["compiled"] = Compiled(loaded.catalog, earlier)
    compiled: Compiled = loaded.cache["compiled"]
    return compiled


def sweep_of(loaded: Loaded) -> Sweep:
    if "sweep" not in loaded.cache:
        earlier = loaded.cache.get(EARLIER, {}).get("sweep")
        loaded.cache["sweep"] = sweep(compiled_of(loaded), earlier)
    result: Sweep = loaded.cache["sweep"]
    return result


class ItemMemo:
    """A check's findings for each item (a duty, a rule), carried over from the check
    before an edit for every item read again unchanged, while what the findings depend
    on beyond the item itself — the `frame` — is equal too."""

    def __init__(self, loaded: Loaded, name: str, frame: tuple[Any, ...]) -> None:
        self.frame: tuple[Any, ...] = frame
        before = loaded.cache.get(EARLIER, {}).get(name)
        same = isinstance(before, ItemMemo) and before.frame == frame
        self.before: dict[int, tuple[Any, list[Finding]]] = before.table if same else {}
        self.table: dict[int, tuple[Any, list[Finding]]] = {}
        loaded.cache[name] = self

    def findings(self, item: Any, work: Callable[[], Iterable[Finding]]) -> list[Finding]:
        known = self.before.get(id(item))
        found = known[1] if known is not None and known[0] is item else list(work())
        self.table[id(item)] = (item, found)
        return found
