"""A whistle's life, as a state machine over its events (pure: no database here).

The street blows the whistle; each unit the answer obliges (the lead and every
supporting unit) signs for it (签收), arrives (报到) and resolves its part, or rejects it
(退单) with a reason from a fixed list and the duty it disputes; the blower or the
district may then reassign it. Anyone may add a note. Once every obligation is resolved
the blower closes the whistle; the street and the resident evaluate it (反向考评,
satisfaction 1–5 each); a closed whistle may be reopened. A whistle's state is never
stored: it is what its events, folded in order, give — and an event that its state does
not allow is refused with the state and what is allowed from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

# obligation states of one unit
PENDING, SIGNED, ARRIVED, RESOLVED, REJECTED = (
    "pending",
    "signed",
    "arrived",
    "resolved",
    "rejected",
)
# what each unit event needs the obligation to be in, and what it makes it
UNIT_MOVES: Mapping[str, tuple[frozenset[str], str]] = {
    "sign": (frozenset({PENDING}), SIGNED),
    "arrive": (frozenset({SIGNED}), ARRIVED),
    "resolve": (frozenset({ARRIVED}), RESOLVED),
    "reject": (frozenset({PENDING, SIGNED, ARRIVED}), REJECTED),
}
NOT_OBLIGED = "not obliged"
REJECT_REASONS = ("属地不符", "权属不清", "职能交叉", "不属于职责范围", "其他")
WHISTLE_EVENTS = ("blow", "reassign", "escalate", "close", "reopen", "evaluate", "note")
EVENT_KINDS = (*WHISTLE_EVENTS, *UNIT_MOVES)


# what the actions and states are called in Chinese, for the refusals people read
WORDS_ZH: Mapping[str, str] = {
    "blow": "吹哨", "sign": "签收", "arrive": "报到", "resolve": "办结", "reject": "退单",
    "reassign": "改派", "escalate": "升级督办", "close": "结案", "reopen": "重新开启",
    "evaluate": "评价", "note": "备注", "read": "读取",
    PENDING: "待签收", SIGNED: "已签收", ARRIVED: "已报到", RESOLVED: "已办结", REJECTED: "已退单",
    "open": "办理中", "closed": "已结案", "not blown": "尚未吹哨",
}  # fmt: skip


class IllegalTransition(Exception):
    """An event the whistle's state does not allow; says the state and what is allowed."""

    def __init__(self, kind: str, state: str, allowed: Iterable[str], unit: str | None = None):
        self.kind = kind
        self.state = state
        self.allowed = tuple(sorted(allowed))
        self.unit = unit
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        kind, state, unit = self.kind, self.state, self.unit
        if lang == "zh":
            zh = WORDS_ZH.get
            shown = "、".join(zh(a, a) for a in self.allowed) or "无"
            if state == NOT_OBLIGED:
                obliged = "、".join(self.allowed) or "无"
                return f"不能{zh(kind, kind)}：{unit} 不在本次报到单位之列（报到单位：{obliged}）"
            whose = f"{unit} 的任务" if unit else "这次吹哨"
            state_zh = zh(state, state)
            return f"不能{zh(kind, kind)}：{whose}当前为“{state_zh}”；此时可以：{shown}"
        shown = ", ".join(self.allowed) or "nothing"
        if state == NOT_OBLIGED:
            return f"cannot {kind}: {unit} is not obliged by this whistle (obliged: {shown})"
        whose = f"{unit}'s obligation" if unit else "the whistle"
        return f"cannot {kind}: {whose} is {state}; allowed from there: {shown}"


@dataclass(frozen=True)
class WhistleState:
    status: str = "open"  # open | closed
    obligations: Mapping[str, str] = field(default_factory=dict)  # unit → its state
    lead: str | None = None
    blower: str | None = None
    rejections: tuple[Mapping[str, Any], ...] = ()
    reassignments: int = 0
    escalations: tuple[Mapping[str, Any], ...] = ()
    evaluations: Mapping[str, int] = field(default_factory=dict)  # street | resident → 1–5

    def allowed(self, unit: str | None = None) -> list[str]:
        """The events this state allows (for `unit`'s obligation when given)."""
        if self.status == "closed":
            return ["evaluate", "note", "reopen"]
        # the street and the resident may evaluate while it is open too (apply takes it):
        # the page and the refusals list what is really allowed
        moves = ["evaluate", "note", "escalate", "reassign"]
        if unit is not None and unit in self.obligations:
            moves += [k for k, (need, _) in UNIT_MOVES.items() if self.obligations[unit] in need]
        if self.obligations and all(s == RESOLVED for s in self.obligations.values()):
            moves.append("close")
        return sorted(moves)


def apply(
    state: WhistleState | None, kind: str, unit: str | None, data: Mapping[str, Any]
) -> WhistleState:
    """The state after one event; `IllegalTransition` when the state does not allow it."""
    if state is None:
        if kind != "blow":
            raise IllegalTransition(kind, "not blown", ["blow"])
        units = [data["lead"], *data.get("support", ())] if data.get("lead") else []
        return WhistleState(
            obligations={u: PENDING for u in dict.fromkeys(units)},
            lead=data.get("lead"),
            blower=data.get("blower"),
        )
    if kind == "blow":
        raise IllegalTransition(kind, state.status, state.allowed(unit), unit)
    if kind == "note":
        return state
    if state.status == "closed":
        if kind == "reopen":
            return replace(state, status="open")
        if kind == "evaluate":
            return _evaluated(state, data)
        raise IllegalTransition(kind, "closed", state.allowed(unit), unit)
    if kind in UNIT_MOVES:
        need, after = UNIT_MOVES[kind]
        current = state.obligations.get(unit or "")
        if current is None:
            raise IllegalTransition(kind, NOT_OBLIGED, state.obligations, unit)
        if current not in need:
            raise IllegalTransition(kind, current, state.allowed(unit), unit)
        obligations = {**state.obligations, unit or "": after}
        if kind == "reject":
            rejection = {"unit": unit, "reason": data.get("reason"), "duty": data.get("duty")}
            return replace(
                state, obligations=obligations, rejections=(*state.rejections, rejection)
            )
        return replace(state, obligations=obligations)
    if kind == "reassign":
        units = [data["to"], *data.get("support", ())]
        obligations = {**{u: s for u, s in state.obligations.items() if s != REJECTED}}
        obligations.update({u: PENDING for u in units if obligations.get(u) != RESOLVED})
        return replace(
            state, obligations=obligations, lead=data["to"], reassignments=state.reassignments + 1
        )
    if kind == "escalate":
        return replace(state, escalations=(*state.escalations, dict(data)))
    if kind == "close":
        if "close" not in state.allowed():
            waiting = sorted(u for u, s in state.obligations.items() if s != RESOLVED)
            raise IllegalTransition(
                kind, "open, waiting for " + ", ".join(waiting), state.allowed()
            )
        return replace(state, status="closed")
    if kind == "evaluate":
        return _evaluated(state, data)
    if kind == "reopen":
        raise IllegalTransition(kind, "open", state.allowed(unit), unit)
    raise IllegalTransition(kind, state.status, state.allowed(unit), unit)


def _evaluated(state: WhistleState, data: Mapping[str, Any]) -> WhistleState:
    return replace(state, evaluations={**state.evaluations, data["by"]: int(data["score"])})


def fold(events: Iterable[tuple[str, str | None, Mapping[str, Any]]]) -> WhistleState:
    """The state that a whistle's events, in order, give."""
    state: WhistleState | None = None
    for kind, unit, data in events:
        state = apply(state, kind, unit, data)
    if state is None:
        raise IllegalTransition("read", "not blown", ["blow"])
    return state
