"""User-facing failures that are not findings: the command line itself is wrong."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake on the command line (exit 2): one line of reason, one of hint."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
