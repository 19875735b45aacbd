"""The JSON API: route a case, blow a whistle, follow it, read the stats.

Units act with their tokens (`Authorization: Bearer dl_…`); a retried blow with the same
`Idempotency-Key` header is the same whistle (200 instead of 201).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from dutylist.report.answer_json import answer_json
from dutylist.report.stats_table import to_csv
from dutylist.service import access
from dutylist.service.access import Caller
from dutylist.service.desk import ACTIONS, MAX_TEXT
from dutylist.service.failures import Invalid
from dutylist.web.context import caller_of, desk_of


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="DL6xx for a case that cannot be read, else a word")
    message: str = Field(description="what is wrong, in the caller's language")
    hint: str | None = Field(description="what to write instead")


class ErrorBody(BaseModel):
    """Every refusal of the JSON API."""

    error: ErrorDetail


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": what}
    for status, what in [
        (400, "the body could not be read"),
        (401, "no token, or one unknown or revoked"),
        (403, "the token's unit may not do this"),
        (404, "no such whistle"),
        (409, "the whistle's state does not allow it (now)"),
        (413, "the body is too large"),
        (422, "the request's content is wrong: the message says what to write"),
    ]
}
router = APIRouter(prefix="/api", tags=["api"], responses=REFUSALS)
T = TypeVar("T")

Value = str | float | bool
Action = Literal["sign", "arrive", "resolve", "reject", "reassign", "note", "evaluate", "close",
                 "reopen"]  # fmt: skip
assert set(Action.__args__) == set(ACTIONS)  # type: ignore[attr-defined]


async def _caller(request: Request) -> Caller:
    return await reading(desk_of(request), caller_of, request)


_desk = desk_of


# async, like the reads: run on the event loop (a token is one indexed look-up), not
# handed to a worker thread and back on every request
CallerDep = Annotated[Caller, Depends(_caller)]


async def reading(desk: Any, step: Callable[..., T], *args: Any) -> T:
    """Run a read: on SQLite in the event loop (a look-up in a local file takes well under
    a millisecond); on a server database in a worker thread, so that the loop is not held
    while the query crosses the network."""
    if desk.store.engine.dialect.name == "sqlite":
        return step(*args)
    return await run_in_threadpool(step, *args)


async def writing(desk: Any, step: Callable[..., T], *args: Any) -> T:
    """Run a write. On SQLite, in the event loop itself: the store has one writer at a
    time anyway and a commit takes well under a millisecond, so handing it to a worker
    thread and back only adds waiting (8 clients blowing: 313/s and p99 144 ms in
    threads, 580/s and 26 ms inline). On a server database, whose lock may be held by
    another machine's service, in a worker thread, so the loop keeps serving reads."""
    if desk.store.engine.dialect.name == "sqlite":
        return step(*args)
    return await run_in_threadpool(step, *args)


def _json(document: Any, status: int = 200) -> Response:
    """A document that is JSON already (plain dicts and lists, made by the desk): sent
    as it is, without FastAPI's re-validation of a large nested answer."""
    return JSONResponse(document, status_code=status)


class Case(BaseModel):
    """A case as a dispatcher writes it: names, aliases or ids."""

    model_config = ConfigDict(extra="forbid")
    problem: str = Field(max_length=200, examples=["噪声扰民"])
    place: str | None = Field(default=None, max_length=200, examples=["桃园社区"])
    values: dict[str, Value] = Field(
        default_factory=dict, max_length=50, examples=[{"source": "社会生活", "night": True}]
    )


class Blow(Case):
    text: str | None = Field(default=None, max_length=MAX_TEXT,
                             examples=["桃源街菜市场门口每天晚上烧烤油烟很大"])  # fmt: skip


class Step(BaseModel):
    """What an action carries: `unit` (a unit's own step; default: the token's unit),
    `reason` + `duty` + `text` (reject), `to` + `support` (reassign), `by` + `score`
    (evaluate), `text` (note)."""

    model_config = ConfigDict(extra="forbid")
    unit: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=50, examples=["不属于职责范围"])
    duty: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    to: str | None = Field(default=None, max_length=200)
    support: list[str] | None = Field(default=None, max_length=50)
    by: Literal["street", "resident"] | None = None
    score: int | None = Field(default=None, ge=1, le=5)
    at: dt.datetime | None = Field(
        default=None, description="when it happened (default: now); never in the future"
    )


class Sweep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    now: dt.datetime | None = Field(default=None, description="judge as of (default: now)")


@router.get("/health")
async def health(request: Request) -> dict[str, Any]:
    """Is the service up, and on which catalogue."""
    desk = _desk(request)
    session = desk.dispatcher.session
    return {"ok": True, "catalog": session.catalog.id, "digest": session.digest}


@router.get("/problems")
async def problems(request: Request) -> dict[str, Any]:
    """The problems of the catalogue, with the attributes each takes (public)."""
    catalog = _desk(request).catalog
    listed = []
    for problem in catalog.problems.values():
        attributes = []
        for key in problem.attributes:
            attribute = catalog.attributes[key]
            attributes.append({"id": key, "name": attribute.name or key, "type": attribute.type,
                               "values": list(attribute.values)})  # fmt: skip
        listed.append({"id": problem.id, "name": problem.name, "aliases": list(problem.aliases),
                       "category": problem.category, "attributes": attributes})  # fmt: skip
    return {"catalog": catalog.id, "problems": listed}


@router.post("/route")
async def route(case: Case, request: Request) -> dict[str, Any]:
    """Who must report for this case — the answer of `dutylist who` (public: it reads
    only the catalogue)."""
    session, _, answer = _desk(request).route(case.problem, case.place, case.values)
    return answer_json(answer, session.catalog)


@router.post("/whistles", status_code=201, responses={200: {"description": "a retried blow"}})
async def blow(
    body: Blow,
    request: Request,
    caller: CallerDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Route the case and blow its whistle (the place's blower, a unit above it or the
    district). 201 with the new whistle; 200 when the `Idempotency-Key` was seen before."""
    desk = _desk(request)
    blown = await writing(desk, desk.blow, caller, body.problem, body.place, body.values,
                          body.text, idempotency_key)  # fmt: skip
    document = {"whistle": blown.whistle, "new": blown.new, "answer": blown.answer}
    return JSONResponse(document, status_code=201 if blown.new else 200,
                        headers={"Location": f"/api/whistles/{blown.whistle}"})  # fmt: skip


@router.get("/whistles")
def whistles(
    request: Request,
    caller: CallerDep,
    after: Annotated[int, Query(ge=0, le=10**12, description="whistles numbered below this")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    problem: Annotated[str | None, Query(max_length=200)] = None,
    street: Annotated[str | None, Query(max_length=200)] = None,
    status: Literal["open", "closed"] | None = None,
    unit: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Whistles, newest first, a page at a time (`after` = the last number seen)."""
    found = _desk(request).whistles(caller, after, limit, problem, street, status, unit)
    return _json({"whistles": found, "next": found[-1]["number"] if len(found) else None})


@router.get("/whistles/{whistle_id}")
async def whistle(whistle_id: Annotated[str, Field(max_length=40)], request: Request,
            caller: CallerDep) -> Response:  # fmt: skip
    """One whistle: each obligation's state and deadline, what may happen next, the
    timeline."""
    desk = _desk(request)
    return _json(await reading(desk, desk.view, caller, whistle_id))


@router.post("/whistles/{whistle_id}/{action}")
async def act(
    whistle_id: Annotated[str, Field(max_length=40)],
    action: Action,
    request: Request,
    caller: CallerDep,
    body: Step | None = None,
) -> Response:
    """One step: sign (签收), arrive (报到), resolve (办结), reject (退单) — a unit's own;
    reassign (改派), close (结案), reopen, evaluate (评价) — the blower's, or above;
    note (备注). 409 when the whistle's state does not allow it (another request may
    have done it first)."""
    step = body or Step()
    at = None
    if step.at is not None:
        moment = step.at if step.at.tzinfo else step.at.replace(tzinfo=dt.UTC)
        if moment > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1):
            raise Invalid(422, "at: a step cannot happen in the future", "at：不能晚于现在")
        from dutylist.store.log import stamp

        at = stamp(moment)
    data = step.model_dump(exclude={"unit", "at"}, exclude_none=True)
    desk = _desk(request)
    await writing(desk, desk.act, caller, whistle_id, action, step.unit, data, at)
    return _json(desk.view(caller, whistle_id))


@router.post("/sweep")
async def sweep(request: Request, caller: CallerDep, body: Sweep | None = None) -> Response:
    """Escalate every whistle whose time limit has passed (the district's token)."""
    now = body.now if body is not None else None
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    desk = _desk(request)
    escalated = await writing(desk, desk.sweep, caller, now)
    return _json({"escalated": [{"whistle": e.whistle, **e.data} for e in escalated]})


@router.get("/stats", responses={200: {"content": {"text/csv": {}}}})
def stats(
    request: Request,
    caller: CallerDep,
    by: Literal["unit", "street", "problem", "week"] = "unit",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """响应率, 按时报到率, 解决率, 满意率, 退单 and the times, by unit, street, problem or
    week, for the whistles blown in [since, until)."""
    desk = _desk(request)
    access.may_read(caller, desk.public)
    rows = desk.store.stats(by, since, until)
    if format == "csv":
        saved_as = {"Content-Disposition": f'attachment; filename="stats-{by}.csv"'}
        return Response(to_csv(rows, by), media_type="text/csv; charset=utf-8", headers=saved_as)
    return _json({"by": by, "rows": rows})
