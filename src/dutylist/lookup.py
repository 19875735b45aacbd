"""Finding units and problems by what people type: an id, a name or an alias."""

from __future__ import annotations

import difflib
from collections import Counter
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
MAX_REMEMBERED = 10_000
FULL_SCAN = 2_000  # words: up to this many, every one is compared
CANDIDATES = 64  # suggestions kept per look-up
NEAR_BEST = 0.05  # suggest runners-up only when they are about as close as the best


class Lookup(Generic[N]):
    """Id, name and alias index over one kind of item."""

    def __init__(self, items: Mapping[str, N]) -> None:
        self.items = items
        self.by_word: dict[str, N] = {}
        for item in items.values():
            for word in (item.name, *item.aliases):
                self.by_word.setdefault(word, item)
        self._words: dict[str, str] | None = None  # every id, name and alias → its id
        self._suggested: dict[tuple[str, int], list[str]] = {}
        self._grams: dict[str, list[str]] | None = None  # character pair → words with it

    def find(self, text: str) -> N | None:
        return self.items.get(text) or self.by_word.get(text)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Ids of items whose id, name or alias is close to `text`, best first.

        Remembered per text, and each word first passes difflib's cheap upper bounds
        (as `get_close_matches` does): a batch of 100,000 lines naming unknown places
        among 7,000 communities costs seconds, not hours."""
        known = self._suggested.get((text, limit))
        if known is not None:
            return known
        if self._words is None:
            self._words = {item_id: item_id for item_id in self.items}
            self._words.update({word: item.id for word, item in self.by_word.items()})
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(text)
        scored = []
        for word in self._candidates(text):
            matcher.set_seq1(word)
            if (
                matcher.real_quick_ratio() >= CUTOFF
                and matcher.quick_ratio() >= CUTOFF
                and (score := matcher.ratio()) >= CUTOFF
            ):
                scored.append((score, word))
        scored.sort(reverse=True)
        found: list[str] = []
        if scored:
            best = scored[0][0]
            close = [word for score, word in scored if score >= max(CUTOFF, best - NEAR_BEST)]
            found = _unique(self._words[w] for w in close)[:limit]
        if len(self._suggested) < MAX_REMEMBERED:
            self._suggested[(text, limit)] = found
        return found

    def _candidates(self, text: str) -> list[str]:
        """The words worth comparing with `text`: all of them in a small catalogue; in a
        city of thousands of ids (st161.c07, st161.c08, ...), the few that share the
        most of its rarer character pairs — difflib on every id took 0.3 s a word."""
        assert self._words is not None
        if len(self._words) <= FULL_SCAN:
            return list(self._words)
        if self._grams is None:
            self._grams = {}
            for word in self._words:
                for gram in _grams(word):
                    self._grams.setdefault(gram, []).append(word)
        common = max(CANDIDATES, len(self._words) // 8)
        counts: Counter[str] = Counter()
        for gram in _grams(text):
            posting = self._grams.get(gram, ())
            if len(posting) <= common:
                counts.update(posting)
        return [word for word, _ in counts.most_common(CANDIDATES)]


def _grams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


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
