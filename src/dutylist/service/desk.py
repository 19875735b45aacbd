"""The whistle desk: route a case on the catalogue, blow its whistle into the store,
carry out what units do with it — each step allowed by the whistle's state and by who is
asking — and show a whistle as people read it.

Both the command line and the HTTP service call this and nothing below it, so a blow or
a sign means the same wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dutylist.casein import Case, CaseReader
from dutylist.dated import local_day
from dutylist.dispatcher import Dispatcher
from dutylist.engine.answer import Answer
from dutylist.engine.considered import Considered, considered
from dutylist.errors import UsageError
from dutylist.findings import Finding
from dutylist.lookup import Lookup
from dutylist.model import Catalog, Problem
from dutylist.report.answer_json import answer_json
from dutylist.service import access
from dutylist.service.access import UNIT_ACTIONS, Caller
from dutylist.service.failures import Conflict, Invalid, NotFound
from dutylist.service.suggest import Suggestion, Suggestions
from dutylist.session import Session
from dutylist.store.lifecycle import (
    PENDING,
    REJECT_REASONS,
    IllegalTransition,
    WhistleState,
    apply,
)
from dutylist.store.log import Event, Store, Whistle, stamp
from dutylist.workdays import WorkCalendar

ACTIONS = ("sign", "arrive", "resolve", "reject", "reassign", "note", "evaluate", "close",
           "reopen")  # fmt: skip
EVALUATORS = ("street", "resident")
MAX_TEXT = 2000  # characters of a note, a rejection's explanation, a caller's words


@dataclass(frozen=True)
class Blown:
    whistle: str
    new: bool  # False: a retry with the same idempotency key found it
    answer: dict[str, Any]


class Desk:
    def __init__(
        self,
        dispatcher: Dispatcher | Callable[[], Dispatcher],
        store: Store,
        public: bool = False,
    ) -> None:
        """`dispatcher`, or how to open it when first needed (the command line's steps
        need no catalogue when they name units by id). `public`: anyone may read
        whistles (without the caller's words); otherwise reading needs a token too."""
        self._dispatcher = dispatcher if isinstance(dispatcher, Dispatcher) else None
        self._open = dispatcher if not isinstance(dispatcher, Dispatcher) else None
        self.store = store
        self.public = public
        self._readers: dict[int, tuple[Catalog, CaseReader, Lookup[Any]]] = {}
        self._findings: tuple[tuple[str, dt.date], list[Finding]] | None = None
        self._suggestions: tuple[Session, dict[str, Suggestions]] | None = None

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            assert self._open is not None
            self._dispatcher = self._open()
        return self._dispatcher

    @property
    def catalog(self) -> Catalog:
        return self.dispatcher.session.catalog

    def _reader(
        self, session: Session, catalog: Catalog | None = None
    ) -> tuple[CaseReader, Lookup[Any]]:
        """Names read against the catalogue (or what of it is in force on a day)."""
        catalog = catalog or session.catalog
        held = self._readers.get(id(catalog))
        if held is None or held[0] is not catalog:  # a reload made a new catalogue
            held = (catalog, CaseReader(catalog), Lookup(catalog.units))
            self._readers = {**self._readers, id(catalog): held}
            if len(self._readers) > 8:  # a reload, or many periods: keep the newest
                self._readers = dict(list(self._readers.items())[-8:])
        return held[1], held[2]

    # -- routing and blowing -------------------------------------------------------------
    def route(
        self, problem: str, place: str | None, raw: Mapping[str, Any], on: dt.date | None = None
    ) -> tuple[Session, Case, Answer]:
        """The case read (names and aliases allowed) and its answer by what is in force
        on the day `on` (default today); `CaseError` for a case that cannot be read."""
        session, engine = self.dispatcher.current_on(on)
        case = self._reader(session, engine.catalog)[0].read(problem, place, raw)
        return session, case, engine.route(case.problem.id, case.place.id, case.values)

    def findings(self, today: dt.date | None = None) -> list[Finding]:
        """The catalogue's findings, as `dutylist check` gives them (kept per catalogue
        as read, and per day: overdue tasks change with it)."""
        session = self.dispatcher.session
        key = (session.digest or str(id(session)), today or dt.date.today())
        if self._findings is None or self._findings[0] != key:
            from dutylist.checker import check_folder

            self._findings = (key, check_folder(session.folder, key[1])[1])
        return self._findings[1]

    def suggest(self, field: str, typed: str) -> list[Suggestion]:
        """What a page offers as `field` (problem | place | unit) is typed."""
        session = self.dispatcher.session
        if self._suggestions is None or self._suggestions[0] is not session:
            catalog = session.catalog
            self._suggestions = (session, {
                "problem": Suggestions(catalog.problems.values()),
                "place": Suggestions(
                    (u for u in catalog.units.values() if u.is_place),
                    lambda u: _path_above(catalog, u.id),
                ),
                "unit": Suggestions(catalog.units.values()),
            })  # fmt: skip
        return self._suggestions[1][field].find(typed)

    def find_unit(self, text: str) -> str | None:
        """The id of the unit an id, name or alias names, if any."""
        found = self._reader(self.dispatcher.session)[1].find(text)
        return None if found is None else str(found.id)

    def find_problem(self, text: str) -> Problem | None:
        """The problem an id, name or alias names, if any."""
        try:
            return self._reader(self.dispatcher.session)[0].problem(text)
        except UsageError:
            return None

    def considered(self, session: Session, case: Case) -> list[Considered]:
        """Every duty and rule of the case's problem, matched or not and why (`--explain`)."""
        return considered(session.compiled, case.problem, case.place.id, case.values)

    def blow(
        self,
        caller: Caller,
        problem: str,
        place: str | None,
        raw: Mapping[str, Any],
        text: str | None = None,
        key: str | None = None,
        at: str | None = None,
        actor: str | None = None,
    ) -> Blown:
        """Route the case and blow its whistle; a retry with the same `key` returns the
        whistle the first attempt blew."""
        access.require_signed_in(caller)
        _check_text("text", text)
        when = dt.datetime.fromisoformat(at) if at else dt.datetime.now(dt.UTC)
        day = local_day(when)  # a dated list answers by the day of the blow
        session, case, answer = self.route(problem, place, raw, day)
        catalog = session.catalog
        routed = answer_json(answer, catalog)
        if answer.status != "routed":
            raise Invalid(
                422,
                f"this case is {answer.status}: there is nobody to summon",
                f"此案为“{_STATUS_ZH.get(answer.status, answer.status)}”：没有可以召集的单位",
                f"see why: dutylist who {case.problem.id} --at {case.place.id} --explain",
            )
        access.may_blow(catalog, caller, answer.blower)
        if key is not None:
            _check_key(key)
            earlier = self.store.whistle_by_key(key)
            if earlier is not None:
                return self._replayed(earlier, case, catalog)
        at = stamp(when)
        limits = _limits(catalog, answer, when)
        record = {
            "lead": answer.lead,
            "support": list(answer.support),
            "blower": answer.blower,
            "whistle": answer.whistle,
            **limits,
            "values": case.values,
            "text": text,
            "catalog": catalog.id,
            "catalog_digest": session.digest,
            "answer": routed,
        }
        if session.dated:  # which version answered: the files' digest and the day
            record["in_force_on"] = day.isoformat()
        actor = actor or caller.unit or answer.blower or catalog.root
        whistle_id, new = self.store.blow(case.problem.id, case.place.id, record, actor, key, at)
        if not new:  # the same key, blown by a concurrent retry between our look and now
            return self._replayed(self.store.whistle(whistle_id), case, catalog)
        return Blown(whistle_id, True, routed)

    def _replayed(self, earlier: Whistle, case: Case, catalog: Catalog) -> Blown:
        if (earlier.problem, earlier.place) != (case.problem.id, case.place.id):
            raise Conflict(
                409,
                f"this idempotency key was used for another case ({earlier.id}: "
                f"{earlier.problem} at {earlier.place})",
                f"这个幂等键已用于另一案件（{earlier.id}：{earlier.problem}，{earlier.place}）",
            )
        first = self.store.events(earlier.id)[0]
        return Blown(earlier.id, False, dict(first.data.get("answer") or {}))

    # -- what units do -------------------------------------------------------------------
    def act(
        self,
        caller: Caller,
        whistle_id: str,
        kind: str,
        unit: str | None = None,
        data: Mapping[str, Any] | None = None,
        at: str | None = None,
        actor: str | None = None,
    ) -> WhistleState:
        """One step of a whistle's life by `caller` (for `unit`, in a unit's step): refused
        with `Denied` (who), `Conflict` (the state), `NotFound` or `Invalid` (the data)."""
        if kind not in ACTIONS:
            raise Invalid(422, f"no action '{kind}': one of {', '.join(ACTIONS)}",
                          f"没有“{kind}”这一操作：可选 {'、'.join(ACTIONS)}")  # fmt: skip
        access.require_signed_in(caller)
        if kind in UNIT_ACTIONS:
            named = unit or caller.unit
            if named is None:
                raise Invalid(422, f"say which unit does {kind}: --unit UNIT",
                              "请指明由哪个单位操作：--unit 单位")  # fmt: skip
            unit = self._unit(named, "unit", caller.operator)
        payload = self._data(kind, dict(data or {}), caller.operator)
        if at is not None:
            self._not_before_the_blow(whistle_id, at)

        def guard(state: WhistleState) -> None:
            if caller.operator:  # the command line may act for any unit, catalogue or not
                return
            access.may_act(self.catalog, caller, kind, unit, state.blower,
                           frozenset(state.obligations))  # fmt: skip

        actor = actor or caller.unit or unit or "operator"
        try:
            return self.store.record(whistle_id, kind, actor, unit, payload, at, guard)
        except KeyError:
            raise _no_whistle(whistle_id) from None
        except IllegalTransition as refused:
            raise Conflict(409, refused.message("en"), refused.message("zh")) from None

    def _at_hand(self, operator: bool) -> Session | None:
        """The catalogue to check names against; None for the operator (the command
        line) when there is none at hand — it then names units and duties by id, and the
        whistle's state refuses a unit it does not oblige."""
        try:
            return self.dispatcher.session
        except UsageError:
            if operator:
                return None
            raise

    def _is_duty(self, duty: str, operator: bool) -> bool:
        session = self._at_hand(operator)
        return session is None or any(d.id == duty for d in session.catalog.duties)

    def _not_before_the_blow(self, whistle_id: str, at: str) -> None:
        """A step dated before its whistle was blown is a mistake, not history."""
        try:
            blown = self.store.whistle(whistle_id).blown_at
        except KeyError:
            raise _no_whistle(whistle_id) from None
        if dt.datetime.fromisoformat(at) < dt.datetime.fromisoformat(blown):
            raise Invalid(422, f"at: {at} is before the whistle was blown ({blown})",
                          f"at：{at} 早于吹哨时间（{blown}）")  # fmt: skip

    def _unit(self, text: str, field: str, operator: bool = False) -> str:
        """The id of the unit `text` names (by id alone without a catalogue at hand)."""
        session = self._at_hand(operator)
        if session is None:
            return text
        lookup = self._reader(session)[1]
        found = lookup.find(text) if isinstance(text, str) else None
        if found is None:
            close = lookup.suggest(text) if isinstance(text, str) else []
            hint = f" — did you mean {' or '.join(close)}?" if close else ""
            hint_zh = f"——是不是 {' 或 '.join(close)}？" if close else ""
            raise Invalid(
                422, f"{field}: no unit '{text}'{hint}", f"{field}：没有单位“{text}”{hint_zh}"
            )
        return str(found.id)

    def _data(self, kind: str, data: dict[str, Any], operator: bool = False) -> dict[str, Any]:
        """What an action carries, checked: a rejection's reason from the fixed list and
        the duty it disputes, a reassignment's new lead, an evaluation's score."""
        if kind == "reject":
            reason = data.get("reason")
            if reason not in REJECT_REASONS:
                raise Invalid(422, f"reason: one of {', '.join(REJECT_REASONS)}",
                              f"reason（退单理由）须为：{'、'.join(REJECT_REASONS)}")  # fmt: skip
            text = data.get("text")
            _check_text("text", text)
            if reason == "其他" and not text:
                raise Invalid(422, "reason 其他 needs a text saying what it is",
                              "退单理由为“其他”时须写明 text")  # fmt: skip
            duty = data.get("duty")
            if duty is not None and not self._is_duty(duty, operator):
                raise Invalid(422, f"duty: no duty '{duty}' in the catalogue",
                              f"duty：清单中没有事项“{duty}”")  # fmt: skip
            return {"reason": reason, "duty": duty, **({"text": text} if text else {})}
        if kind == "reassign":
            to = data.get("to")
            if not isinstance(to, str) or not to:
                raise Invalid(422, "to: the unit that leads from now on",
                              "to：改派给哪个单位牵头")  # fmt: skip
            support = data.get("support") or []
            if not isinstance(support, list):
                raise Invalid(422, "support: a list of units", "support：须为单位列表")
            return {"to": self._unit(to, "to"),
                    "support": [self._unit(u, "support") for u in support]}  # fmt: skip
        if kind == "evaluate":
            by, score = data.get("by"), data.get("score")
            if by not in EVALUATORS:
                raise Invalid(
                    422, "by: street or resident", "by：street（街道）或 resident（居民）"
                )
            if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
                raise Invalid(422, "score: a whole number from 1 to 5", "score：1 到 5 的整数")
            return {"by": by, "score": score}
        if kind == "note":
            text = data.get("text")
            if not isinstance(text, str) or not text.strip():
                raise Invalid(422, "text: what the note says", "text：备注内容")
            _check_text("text", text)
            return {"text": text}
        return {}

    # -- reading -------------------------------------------------------------------------
    def view(self, caller: Caller, whistle_id: str) -> dict[str, Any]:
        """A whistle as people read it: the case, the state of each obligation with its
        deadline, what each may do next, and the timeline."""
        access.may_read(caller, self.public)
        try:
            whistle = self.store.whistle(whistle_id)
            timeline = self.store.events(whistle_id)
        except KeyError:
            raise _no_whistle(whistle_id) from None
        return self.describe(whistle, timeline, show_words=not caller.anonymous)

    def whistles(
        self,
        caller: Caller,
        after: int = 0,
        limit: int = 50,
        problem: str | None = None,
        street: str | None = None,
        status: str | None = None,
        unit: str | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first: a page of whistles, filtered."""
        access.may_read(caller, self.public)
        found = []
        for whistle, timeline in self.store.page(after, limit, problem, street, True):
            shown = self.describe(whistle, timeline, show_words=not caller.anonymous)
            if status is not None and shown["status"] != status:
                continue
            if unit is not None and unit not in {o["unit"] for o in shown["obligations"]}:
                continue
            del shown["events"]
            found.append(shown)
        return found

    def describe(
        self, whistle: Whistle, timeline: list[Event], show_words: bool = True
    ) -> dict[str, Any]:
        catalog = self.catalog
        blow = timeline[0].data
        respond = blow.get("respond_within_minutes")
        since: dict[str, str] = {}  # unit → when its current obligation began
        state: WhistleState | None = None
        for event in timeline:
            before = state.obligations if state is not None else {}
            state = apply(state, event.kind, event.unit, event.data)
            for unit_id, obligation in state.obligations.items():
                if obligation == PENDING and before.get(unit_id) != PENDING:
                    since[unit_id] = event.at
        assert state is not None  # a whistle has its blow
        obligations = []
        for unit_id, obligation in state.obligations.items():
            due = None
            if respond is not None and unit_id in since:
                due = _later(since[unit_id], int(respond))
            done = {e.kind: e.at for e in timeline if e.unit == unit_id}
            obligations.append({
                "unit": unit_id, "name": _name(catalog, unit_id), "state": obligation,
                "lead": unit_id == state.lead, "since": since.get(unit_id), "due_at": due,
                "signed_at": done.get("sign"), "arrived_at": done.get("arrive"),
                "resolved_at": done.get("resolve"), "rejected_at": done.get("reject"),
                "may": [a for a in state.allowed(unit_id) if a in UNIT_ACTIONS],
            })  # fmt: skip
        escalated = {int(e["step"]) for e in state.escalations}
        steps = [
            {"after_minutes": int(s["after_minutes"]), "to": s["to"],
             "name": _name(catalog, s["to"]),
             "due_at": _later(whistle.blown_at, int(s["after_minutes"])),
             "escalated": n in escalated}
            for n, s in enumerate(blow.get("escalate") or ())
        ]  # fmt: skip
        return {
            "id": whistle.id,
            "number": whistle.number,
            "problem": {"id": whistle.problem, "name": _problem_name(catalog, whistle.problem)},
            "place": {"id": whistle.place, "name": _name(catalog, whistle.place)},
            "blown_at": whistle.blown_at,
            "blower": {"id": state.blower, "name": _name(catalog, state.blower)},
            "lead": {"id": state.lead, "name": _name(catalog, state.lead)},
            "status": state.status,
            "respond_within_minutes": respond,
            "obligations": obligations,
            "escalation": steps,
            "escalated": bool(state.escalations),
            "rejections": [dict(r) for r in state.rejections],
            "reassignments": state.reassignments,
            "evaluations": dict(state.evaluations),
            "may": [a for a in state.allowed() if a not in UNIT_ACTIONS and a != "escalate"],
            "text": blow.get("text") if show_words else None,
            "values": blow.get("values") or {},
            "catalog_digest": blow.get("catalog_digest"),
            "events": [
                {"seq": e.seq, "at": e.at, "kind": e.kind, "unit": e.unit, "actor": e.actor,
                 "data": _shown_data(e, show_words)}
                for e in timeline
            ],
        }  # fmt: skip

    def sweep(self, caller: Caller, now: dt.datetime | None = None) -> list[Event]:
        """Escalate what is overdue by `now`; the district's (or the operator's) to run."""
        access.require_signed_in(caller)
        if not caller.operator and caller.unit != self.catalog.root:
            raise access.Denied(403, "only the district runs the sweep", "只有区级可以执行督办扫描")
        return self.store.sweep(now)


_STATUS_ZH = {"gap": "无人负责", "overlap": "职责交叉", "undetermined": "尚不确定"}


def _limits(catalog: Catalog, answer: Answer, blown: dt.datetime) -> dict[str, Any]:
    """The answer's time limits as the store keeps them: minutes from the blow (a limit
    in working days ends when the calendar says, to the minute after), with the working
    days and the moment they end kept beside them."""
    calendar = WorkCalendar(catalog.workdays, catalog.holidays)

    def minutes(clock: int | None, working_days: int | None) -> tuple[int | None, str | None]:
        if working_days is None:
            return clock, None
        due = calendar.due(blown, working_days)
        return math.ceil((due - blown).total_seconds() / 60), due.isoformat()

    respond, due = minutes(answer.respond_within_minutes, answer.respond_within_working_days)
    limits: dict[str, Any] = {"respond_within_minutes": respond}
    if due is not None:
        limits.update(respond_within_working_days=answer.respond_within_working_days,
                      respond_due_at=due)  # fmt: skip
    steps = []
    for step in answer.escalate:
        after, step_due = minutes(step.after_minutes, step.after_working_days)
        shown: dict[str, Any] = {"after_minutes": after, "to": step.to}
        if step_due is not None:
            shown.update(after_working_days=step.after_working_days, due_at=step_due)
        steps.append(shown)
    limits["escalate"] = steps
    return limits


def _path_above(catalog: Catalog, unit_id: str) -> str | None:
    """The places a place sits in, below the district: 鼓楼街道 for 桃园社区."""
    chain = access.units_above(catalog, unit_id)[1:]
    names = [catalog.units[u].name for u in chain if u != catalog.root]
    return " / ".join(reversed(names)) or None


def _shown_data(event: Event, show_words: bool) -> dict[str, Any]:
    if event.kind == "blow":
        return {"lead": event.data.get("lead"), "support": event.data.get("support")}
    if not show_words:
        return {k: v for k, v in event.data.items() if k != "text"}
    return dict(event.data)


def _name(catalog: Catalog, unit_id: str | None) -> str | None:
    unit = catalog.units.get(unit_id) if unit_id else None
    return unit.name if unit is not None else unit_id


def _problem_name(catalog: Catalog, problem_id: str) -> str:
    problem = catalog.problems.get(problem_id)
    return problem.name if problem is not None else problem_id


def _later(at: str, minutes: int) -> str:
    moment = dt.datetime.fromisoformat(at) + dt.timedelta(minutes=minutes)
    return moment.isoformat(timespec="microseconds")


def _no_whistle(whistle_id: str) -> NotFound:
    return NotFound(None, f"no whistle {whistle_id}", f"没有这声哨：{whistle_id}")


def _check_text(field: str, text: Any) -> None:
    if text is None:
        return
    if not isinstance(text, str):
        raise Invalid(422, f"{field}: text", f"{field}：须为文字")
    if len(text) > MAX_TEXT:
        raise Invalid(422, f"{field}: at most {MAX_TEXT} characters",
                      f"{field}：最多 {MAX_TEXT} 个字")  # fmt: skip


def _check_key(key: str) -> None:
    if not key or len(key) > 200 or not key.isprintable():
        raise Invalid(422, "Idempotency-Key: 1 to 200 printable characters",
                      "Idempotency-Key：1 到 200 个可打印字符")  # fmt: skip
