"""Who may do what to a whistle.

A caller is a unit (it presented one of the unit's tokens), the local operator (the
command line, run by whoever holds the database file) or nobody. The rules are the
reform's own: a unit acts only on its own obligation — a department cannot sign for
another; the whistle is overseen (reassigned, closed, reopened, evaluated) by the unit
that blew it or a unit above it, the district always; only a blower, or a unit above the
place's blower, may blow. Reading is for callers with a token, or for anyone when the
deployment makes whistles public.
"""

from __future__ import annotations

from dataclasses import dataclass

from dutylist.model import Catalog
from dutylist.service.failures import Denied

UNIT_ACTIONS = frozenset({"sign", "arrive", "resolve", "reject"})
OVERSIGHT_ACTIONS = frozenset({"reassign", "close", "reopen", "evaluate"})


# what each role of a signed-in person may do, within what their unit may (a token has
# no role: it may do all its unit may)
ROLES: dict[str, frozenset[str]] = {
    "dispatcher": frozenset({"blow", "reassign", "close", "reopen", "evaluate", "note"}),
    "officer": frozenset({"sign", "arrive", "resolve", "reject", "note"}),
    "policy": frozenset(),  # reads the catalogue, the board and the stats
    "admin": frozenset({"blow", *UNIT_ACTIONS, *OVERSIGHT_ACTIONS, "note"}),
}
ROLE_NAMES = {"dispatcher": "调度员", "officer": "部门/社区工作人员", "policy": "政策人员",
              "admin": "管理员"}  # fmt: skip


@dataclass(frozen=True)
class Caller:
    unit: str | None = None  # the unit its token (or its person) acts for
    operator: bool = False  # the command line: may act for any unit
    role: str | None = None  # a signed-in person's role; None for a token

    def may(self, kind: str) -> bool:
        """Whether the caller's role allows `kind` at all (its unit is judged apart)."""
        return self.role is None or kind in ROLES.get(self.role, frozenset())

    @property
    def anonymous(self) -> bool:
        return self.unit is None and not self.operator


OPERATOR = Caller(operator=True)
ANONYMOUS = Caller()


def units_above(catalog: Catalog, unit: str | None) -> list[str]:
    """`unit` and every unit it sits inside, up to the district."""
    chain: list[str] = []
    while unit is not None and unit in catalog.units and unit not in chain:
        chain.append(unit)
        unit = catalog.units[unit].parent
    return chain


def oversees(catalog: Catalog, caller: Caller, blower: str | None) -> bool:
    """The caller blew the whistle, sits above its blower, or is the district."""
    if caller.operator:
        return True
    if caller.unit is None:
        return False
    return caller.unit == catalog.root or caller.unit in units_above(catalog, blower)


def require_signed_in(caller: Caller) -> None:
    if caller.anonymous:
        raise Denied(
            401,
            "sign in first: send the unit's token as 'Authorization: Bearer TOKEN' "
            "(or api_key=TOKEN); make one with: dutylist token create UNIT",
            "请先登录：以“Authorization: Bearer 令牌”（或 api_key=令牌）发送本单位的令牌；"
            "生成令牌：dutylist token create 单位",
        )


def _role(caller: Caller, kind: str) -> None:
    if not caller.may(kind):
        role = caller.role or ""
        raise Denied(
            403,
            f"a {role} cannot {kind}",
            f"{ROLE_NAMES.get(role, role)}不能执行此操作",
        )


def may_blow(catalog: Catalog, caller: Caller, blower: str | None) -> None:
    """Only the place's blower, a unit above it or the district blows its whistle."""
    require_signed_in(caller)
    _role(caller, "blow")
    if not oversees(catalog, caller, blower):
        shown = blower or catalog.root
        raise Denied(
            403,
            f"{caller.unit} cannot blow this whistle: it is {shown}'s to blow "
            f"(or a unit's above it)",
            f"{caller.unit} 不能吹这声哨：应由 {shown}（或其上级）吹哨",
        )


def may_act(
    catalog: Catalog, caller: Caller, kind: str, unit: str | None, blower: str | None,
    obliged: frozenset[str],
) -> None:  # fmt: skip
    """Refuse `kind` on a whistle blown by `blower` that obliges `obliged`, acting for
    `unit`, unless the caller is the one the rules allow."""
    require_signed_in(caller)
    if caller.operator:
        return
    _role(caller, kind)
    if kind in UNIT_ACTIONS:
        if unit != caller.unit:
            raise Denied(
                403,
                f"{caller.unit} cannot {kind} for {unit}: a unit acts only on its own obligation",
                f"{caller.unit} 不能替 {unit} 操作：各单位只能处理本单位的任务",
            )
        return
    if kind in OVERSIGHT_ACTIONS:
        if not oversees(catalog, caller, blower):
            raise Denied(
                403,
                f"{caller.unit} cannot {kind} this whistle: only {blower or catalog.root}, "
                f"which blew it, a unit above it or the district may",
                f"{caller.unit} 无权对这声哨执行此操作：只有吹哨单位 "
                f"{blower or catalog.root}、其上级或区级可以",
            )
        return
    if kind == "note" and not (caller.unit in obliged or oversees(catalog, caller, blower)):
        raise Denied(
            403,
            f"{caller.unit} cannot add a note: it is neither obliged by this whistle nor "
            "overseeing it",
            f"{caller.unit} 不能添加备注：既不是报到单位，也不是吹哨单位或其上级",
        )


def may_read(caller: Caller, public: bool) -> None:
    if not public:
        require_signed_in(caller)
