"""A table as aligned text for a terminal (a Chinese character takes two columns) or as
markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def table_lines(header: Sequence[Any], rows: Sequence[Sequence[Any]], markdown: bool) -> list[str]:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * len(header)]
        return lines + ["| " + " | ".join(r) + " |" for r in cells[1:]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(header))]
    return ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]


def width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))
