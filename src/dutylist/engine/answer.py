"""The answer to one case, as values (its JSON form is `report.answer_json`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dutylist.model import Escalation


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    lead: str | None


@dataclass(frozen=True, slots=True)
class DecidedBy:
    """The first left-out attribute whose value changes the answer, and what each gives."""

    attribute: str
    options: tuple[tuple[str, Outcome], ...]  # label ("在建", "<500") → outcome


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a case gets that is the same for every case of its cell, wherever it is."""

    status: str  # routed | gap | overlap | undetermined
    problem: str
    lead: str | None
    whistle: str | None = None
    support: tuple[str, ...] = ()
    respond_within_minutes: int | None = None
    escalate: tuple[Escalation, ...] = ()
    basis: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    decided_by: DecidedBy | None = None
    conflicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    respond_within_working_days: int | None = None


class Answer(NamedTuple):
    """The answer to one case: its cell's verdict, the place, and who blows the whistle
    there. Kept apart so that routing a case of a known cell builds three fields — as a
    named tuple, the cheapest immutable value Python builds (a third of the routing
    time went into a frozen dataclass's __init__)."""

    verdict: Verdict
    place: str
    blower: str | None = None

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def problem(self) -> str:
        return self.verdict.problem

    @property
    def lead(self) -> str | None:
        return self.verdict.lead

    @property
    def whistle(self) -> str | None:
        return self.verdict.whistle

    @property
    def support(self) -> tuple[str, ...]:
        return self.verdict.support

    @property
    def respond_within_minutes(self) -> int | None:
        return self.verdict.respond_within_minutes

    @property
    def respond_within_working_days(self) -> int | None:
        return self.verdict.respond_within_working_days

    @property
    def escalate(self) -> tuple[Escalation, ...]:
        return self.verdict.escalate

    @property
    def basis(self) -> tuple[str, ...]:
        return self.verdict.basis

    @property
    def duties(self) -> tuple[str, ...]:
        return self.verdict.duties

    @property
    def rules(self) -> tuple[str, ...]:
        return self.verdict.rules

    @property
    def decided_by(self) -> DecidedBy | None:
        return self.verdict.decided_by

    @property
    def conflicts(self) -> Mapping[str, tuple[str, ...]]:
        return self.verdict.conflicts

    def comparable(self) -> tuple[Any, ...]:
        """Everything a user sees, for holding two engines to the same answers."""
        return (
            self.status,
            self.lead,
            self.whistle,
            self.blower,
            self.support,
            self.respond_within_minutes,
            self.respond_within_working_days,
            tuple((e.after_minutes, e.after_working_days, e.to) for e in self.escalate),
            self.basis,
            self.duties,
            self.rules,
            self.decided_by,
            tuple(sorted(self.conflicts.items())),
        )
