"""Autocomplete for the dispatch page: problems and places by what a dispatcher starts
to type — an id, a name, an alias, or the pinyin initials of a name (zsrm → 噪声扰民)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from dutylist.lookup import Named

LIMIT = 20


@dataclass(frozen=True)
class Suggestion:
    value: str  # what goes into the field: the name, or the id where names repeat
    label: str  # what is shown beside it


def initials(text: str) -> str:
    """The pinyin initials of Chinese characters, other characters as they are:
    噪声扰民 → zsrm, 12345热线 → 12345rx."""
    return "".join(part[0] for part in lazy_pinyin(text, style=Style.FIRST_LETTER) if part)


class Suggestions:
    def __init__(
        self, items: Iterable[Named], where: Callable[[Named], str | None] | None = None
    ) -> None:
        """`where`: what to show of an item's place in the tree (a community's street)."""
        listed = list(items)
        repeated = Counter(item.name for item in listed)
        self._entries: list[tuple[tuple[str, ...], Suggestion]] = []
        for item in listed:
            words = (item.id, item.name, *item.aliases)
            spoken = [initials(w).lower() for w in (item.name, *item.aliases)]
            keys = tuple(dict.fromkeys([w.lower() for w in words] + spoken))
            value = item.name if repeated[item.name] == 1 else item.id
            above = where(item) if where else None
            label = " · ".join(dict.fromkeys(
                w for w in (above, *words) if w and w != value
            ))  # fmt: skip
            self._entries.append((keys, Suggestion(value, label)))

    def find(self, typed: str, limit: int = LIMIT) -> list[Suggestion]:
        """Exact matches first, then those starting with what was typed, then those
        containing it; at most `limit`."""
        wanted = typed.strip().lower()
        if not wanted:
            return [s for _, s in self._entries[:limit]]
        ranked: list[tuple[int, int, Suggestion]] = []
        for order, (keys, suggestion) in enumerate(self._entries):
            rank = min(
                (0 if key == wanted else 1 if key.startswith(wanted) else 2
                 for key in keys if wanted in key),
                default=None,
            )  # fmt: skip
            if rank is not None:
                ranked.append((rank, order, suggestion))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [s for _, _, s in ranked[:limit]]
