"""Why a file could not be read, and where — kept apart from the YAML reader so that
code which only reads bytes (the start-up snapshot) need not import libyaml."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Mark = tuple[int, int]  # 1-based (line, column)


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Why a document could not be read, and where: `code` is a DL0xx finding code."""

    code: str
    mark: Mark
    message_key: str
    args: dict[str, Any]


class YamlRefused(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message_key)
        self.problem = problem
