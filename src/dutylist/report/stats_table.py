"""The whistle stats as tables: CSV with every figure (for spreadsheets, from the command
line and `/api/stats` alike), and text or markdown with the figures people read first."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

SHOWN = (
    ("obligations", "任务数"),
    ("response_rate", "响应率"),
    ("on_time_rate", "按时报到率"),
    ("resolution_rate", "解决率"),
    ("satisfaction_rate", "满意率"),
    ("rejected", "退单"),
    ("mean_sign_minutes", "平均签收(分)"),
    ("mean_arrive_minutes", "平均报到(分)"),
    ("p90_arrive_minutes", "报到90%(分)"),
)


def to_csv(rows: Sequence[Mapping[str, Any]], by: str) -> str:
    """Every figure, the first column named for what the rows are grouped by."""
    out = io.StringIO()
    columns = [k for k in (rows[0] if rows else {}) if k != "key"]
    writer = csv.writer(out)
    writer.writerow([by, *columns])
    writer.writerows([[r["key"], *(r[c] for c in columns)] for r in rows])
    return out.getvalue()


def to_table(rows: Sequence[Mapping[str, Any]], by: str, markdown: bool = False) -> str:
    def cell(value: Any, name: str) -> str:
        if value is None:
            return "-"
        return f"{value:.0%}" if name.endswith("_rate") else str(value)

    header = [by, *(zh for _, zh in SHOWN)]
    table = [[str(r["key"]), *(cell(r[name], name) for name, _ in SHOWN)] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in table]) + "\n"
    return "\n".join("  ".join(row) for row in [header, *table]) + "\n"
