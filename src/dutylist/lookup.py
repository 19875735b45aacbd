"""Finding units and problems by what people type: an id, a name or an alias."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


N = TypeVar("N", bound=Named)
CUTOFF = 0.6
NEAR_BEST = 0.05  # suggest runners-up only when they are about as close as the best


class Lookup(Generic[N]):
    """Id, name and alias index over one kind of item."""

    def __init__(self, items: Mapping[str, N]) -> None:
        self.items = items
        self.by_word: dict[str, N] = {}
        for item in items.values():
            for word in (item.name, *item.aliases):
                self.by_word.setdefault(word, item)

    def find(self, text: str) -> N | None:
        return self.items.get(text) or self.by_word.get(text)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Ids of items whose id, name or alias is close to `text`, best first."""
        words: dict[str, str] = {item_id: item_id for item_id in self.items}
        words.update({word: item.id for word, item in self.by_word.items()})
        scored = sorted(
            ((difflib.SequenceMatcher(None, text, word).ratio(), word) for word in words),
            reverse=True,
        )
        if not scored or scored[0][0] < CUTOFF:
            return []
        best = scored[0][0]
        close = [word for score, word in scored if score >= max(CUTOFF, best - NEAR_BEST)]
        return _unique(words[w] for w in close)[:limit]


def did_you_mean(suggestions: Iterable[str]) -> dict[str, str] | None:
    """A `hint` argument for a message, or None when there is nothing to suggest."""
    options = list(suggestions)
    if not options:
        return None
    quoted_en = " or ".join(f"'{s}'" for s in options)
    quoted_zh = "或".join(f"“{s}”" for s in options)
    return {"en": f"did you mean {quoted_en}?", "zh": f"是不是要写{quoted_zh}？"}


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
