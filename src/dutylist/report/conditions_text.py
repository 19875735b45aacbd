"""Conditions as the user wrote them, for every text a person reads."""

from __future__ import annotations

from typing import Any

from dutylist.model import Condition


def condition_text(condition: Condition) -> str:
    """A condition as the user wrote it, on one line: `stage: 在建`, `area_m2: {gte: 1000}`."""
    if condition.bounds or condition.excludes is not None:
        parts = [f"{k}: {scalar_text(v)}" for k, v in (condition.bounds or {}).items()]
        if condition.excludes is not None:
            parts.append("not: [" + ", ".join(scalar_text(v) for v in condition.excludes) + "]")
        return f"{condition.attribute}: {{{', '.join(parts)}}}"
    values = condition.equals or ()
    if len(values) == 1:
        return f"{condition.attribute}: {scalar_text(values[0])}"
    return f"{condition.attribute}: [{', '.join(scalar_text(v) for v in values)}]"


def scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
