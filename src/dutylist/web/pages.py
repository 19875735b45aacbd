"""The pages: dispatch (`/`), the board of open whistles (`/board`), one whistle
(`/w/{id}`) and sign-in — server-rendered (Jinja2, autoescaped) with htmx for the live
parts, in Chinese unless the browser or `?lang=en` asks for English. Everything a page
does goes through the desk, with the signed-in person's unit and role.

A signed-out visitor is sent to `/login`; the session is a random secret in an HttpOnly,
SameSite=Lax cookie (the store keeps its hash); every form carries the session's
`csrf_token`, and a POST without the right one is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import urllib.parse
from collections.abc import Mapping
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dutylist.errors import UsageError
from dutylist.report.answer_json import answer_json
from dutylist.report.answer_text import AnswerText, time_limit_text
from dutylist.service import access
from dutylist.service.desk import Desk
from dutylist.service.failures import Refused
from dutylist.service.people import People, caller_of_session
from dutylist.store.accounts import Session
from dutylist.store.lifecycle import REJECT_REASONS
from dutylist.web.context import desk_of, lang_of
from dutylist.web.words import words

router = APIRouter(include_in_schema=False)
COOKIE = "dutylist_session"
LOGIN_COOKIE = "dutylist_login"  # the sign-in form's own token, before there is a session
templates = jinja2.Environment(
    loader=jinja2.PackageLoader("dutylist.web", "templates"),
    autoescape=True,  # every value is escaped unless a template says otherwise
    undefined=jinja2.StrictUndefined,
)


def _local_time(at: str) -> str:
    """A stored moment (UTC) as the street reads it: Beijing time, to the second."""
    moment = dt.datetime.fromisoformat(at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


templates.filters["local"] = _local_time


class SignInFirst(Exception):
    """A page for signed-in people, asked for by a visitor who is not."""


_lang, _desk = lang_of, desk_of


def _people(request: Request) -> People:
    people: People = request.app.state.people
    return people


def _session(request: Request) -> Session | None:
    return _people(request).session(request.cookies.get(COOKIE))


def _signed_in(request: Request) -> Session:
    session = _session(request)
    if session is None:
        raise SignInFirst
    return session


def sign_in_first(request: Request) -> Response:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urllib.parse.urlencode({"next": path}), 303)


def _page(request: Request, name: str, session: Session | None, status: int = 200,
          **context: Any) -> HTMLResponse:  # fmt: skip
    lang = _lang(request)
    html = templates.get_template(name).render(
        t=words(lang), lang=lang, session=session, path=request.url.path,
        csrf=session.csrf if session else "", **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


async def _form(request: Request, session: Session) -> dict[str, str]:
    """The posted fields, once the form's token is the session's."""
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    if not secrets.compare_digest(fields.get("csrf_token", ""), session.csrf):
        raise Refused(403, "this form has expired or did not come from this site: reload it",
                      "表单已失效或并非来自本站：请刷新页面后重试")  # fmt: skip
    return fields


# -- signing in ----------------------------------------------------------------------------
@router.get("/login")
async def login_page(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    page = _page(request, "login.html", None, next=_local(next), login_token=token, error=None)
    page.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                    secure=request.url.scheme == "https")  # fmt: skip
    return page


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    expected = request.cookies.get(LOGIN_COOKIE, "")
    target = _local(fields.get("next", "/"))
    if not expected or not secrets.compare_digest(fields.get("csrf_token", ""), expected):
        return RedirectResponse("/login?" + urllib.parse.urlencode({"next": target}), 303)
    signed = _people(request).sign_in(fields.get("name", ""), fields.get("password", ""))
    if signed is None:
        page = _page(request, "login.html", None, status=401, next=target,
                     login_token=expected, error=words(_lang(request))["wrong_login"])  # fmt: skip
        return page
    done = RedirectResponse(target, 303)
    done.set_cookie(COOKIE, signed.secret, httponly=True, samesite="lax",
                    secure=request.url.scheme == "https", max_age=12 * 3600)  # fmt: skip
    done.delete_cookie(LOGIN_COOKIE)
    return done


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = _signed_in(request)
    await _form(request, session)
    _people(request).sign_out(request.cookies.get(COOKIE, ""))
    done = RedirectResponse("/login", 303)
    done.delete_cookie(COOKIE)
    return done


def _local(target: str) -> str:
    """Only a path of this site is a place to go back to (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


# -- dispatch ------------------------------------------------------------------------------
@router.get("/")
async def dispatch(request: Request, problem: str = "", place: str = "") -> Response:
    session = _signed_in(request)
    desk = _desk(request)
    catalog = desk.catalog
    values = {k[2:]: v for k, v in request.query_params.items() if k.startswith("v.")}
    chosen = _problem(desk, problem)
    del catalog
    return _page(request, "dispatch.html", session, problem=problem, place=place,
                 problem_suggestions=[], fields=_fields(desk, chosen, values))  # fmt: skip


def _problem(desk: Desk, text: str) -> Any:
    return desk.find_problem(text) if text else None


def _fields(desk: Desk, problem: Any, values: Mapping[str, str]) -> list[dict[str, Any]]:
    """The problem's attributes as inputs: enumerations and booleans as selects."""
    if problem is None:
        return []
    catalog = desk.catalog
    shown = []
    for key in problem.attributes:
        attribute = catalog.attributes[key]
        options = list(attribute.values) if attribute.type == "enum" else (
            ["true", "false"] if attribute.type == "boolean" else [])  # fmt: skip
        shown.append({"id": key, "name": attribute.name or key, "type": attribute.type,
                      "options": options, "value": values.get(key, ""),
                      "unit": attribute.unit})  # fmt: skip
    return shown


@router.get("/dispatch/problem")
async def dispatch_problem(request: Request, problem: str = "") -> Response:
    """As the problem is typed: the problems it may be (the datalist, out of band) and,
    once it names one, that problem's attributes as inputs."""
    session = _signed_in(request)
    desk = _desk(request)
    shown = _fields(desk, _problem(desk, problem), {})
    fields = _page(request, "_fields.html", session, fields=shown)
    offered = _page(request, "_problems.html", session, oob=True,
                    problem_suggestions=desk.suggest("problem", problem[:100]))  # fmt: skip
    return HTMLResponse(bytes(fields.body) + bytes(offered.body))


@router.get("/dispatch/place")
async def dispatch_place(request: Request, place: str = "") -> Response:
    session = _signed_in(request)
    return _page(request, "_places.html", session,
                 suggestions=_desk(request).suggest("place", place[:100]))  # fmt: skip


@router.get("/suggest/{field}")
async def suggest(request: Request, field: str, q: str = "", list: str = "") -> Response:
    """A datalist of what `q` (or the input named for the field) may name — a problem, a
    place, a unit — for a filter's input."""
    session = _signed_in(request)
    q = q or request.query_params.get(field, "")
    if field not in ("problem", "place", "unit") or not re.fullmatch(r"[a-z-]{1,30}", list):
        raise Refused(404, "no such list", "没有这个列表")
    return _page(request, "_datalist.html", session, list_id=list,
                 suggestions=_desk(request).suggest(field, q[:100]))  # fmt: skip


def _case_of(fields: Mapping[str, str]) -> tuple[str, str | None, dict[str, str]]:
    values = {k[2:]: v for k, v in fields.items() if k.startswith("v.") and v != ""}
    return fields.get("problem", "").strip(), fields.get("place", "").strip() or None, values


@router.post("/dispatch/answer")
async def dispatch_answer(request: Request) -> Response:
    """The answer as the fields stand, for the live panel (always 200: htmx swaps it)."""
    session = _signed_in(request)
    fields = await _form(request, session)
    problem, place, values = _case_of(fields)
    lang = _lang(request)
    if not problem:
        return _page(request, "_answer.html", session, answer=None, error=None, rows=[])
    desk = _desk(request)
    try:
        opened, case, answer = desk.route(problem, place, values)
    except UsageError as wrong:
        reason, hint = wrong.localised(lang)
        return _page(request, "_answer.html", session, answer=None, rows=[],
                     error=reason + (f"（{hint}）" if hint and lang == "zh" else
                                     f" ({hint})" if hint else ""))  # fmt: skip
    text = AnswerText(opened.catalog, lang)
    rows = [
        {"kind": row.kind, "id": row.id, "where": f"{row.location.file}:{row.location.line}",
         "matched": row.matched, "why": None if row.matched else text.why_not(row)}
        for row in _for_this_problem(desk.considered(opened, case))
    ]  # fmt: skip
    shown = answer_json(answer, opened.catalog)
    limit = None
    if answer.respond_within_minutes is not None or answer.respond_within_working_days:
        limit = time_limit_text(answer.respond_within_minutes,
                                answer.respond_within_working_days, lang)  # fmt: skip
    steps = [
        {"after": time_limit_text(e.after_minutes, e.after_working_days, lang),
         "to": text.unit(e.to)}
        for e in answer.escalate
    ]  # fmt: skip
    return _page(request, "_answer.html", session, answer=shown, rows=rows, error=None,
                 limit=limit, steps=steps, can_blow=answer.status == "routed")  # fmt: skip


SHOWN_NOT_MATCHING = 40  # the page lists this many of the duties and rules that did not match


def _for_this_problem(rows: list[Any]) -> list[Any]:
    """What the page explains: every duty and rule that matched, and of those that did
    not, the ones that could have (a city has thousands of rules for other problems;
    `dutylist who --explain` lists them all)."""
    elsewhere = ("problem", "category")
    near = [r for r in rows if not r.matched and r.reason != "undeclared"
            and not (r.kind == "rule" and r.failed is not None
                     and r.failed.attribute in elsewhere)]  # fmt: skip
    return [r for r in rows if r.matched] + near[:SHOWN_NOT_MATCHING]


@router.post("/dispatch/blow")
async def dispatch_blow(request: Request) -> Response:
    session = _signed_in(request)
    fields = await _form(request, session)
    problem, place, values = _case_of(fields)
    desk = _desk(request)
    try:
        blown = desk.blow(
            caller_of_session(session), problem, place, values, fields.get("text") or None
        )
    except UsageError as wrong:
        raise Refused(422, wrong.localised("en")[0], wrong.localised("zh")[0]) from None
    return RedirectResponse(f"/w/{blown.whistle}", 303)


# -- the board -----------------------------------------------------------------------------
def _board_rows(request: Request, session: Session) -> list[dict[str, Any]]:
    query = request.query_params
    desk = _desk(request)
    status = query.get("status") or "open"
    problem = desk.find_problem(query["problem"]) if query.get("problem") else None
    unit = desk.find_unit(query["unit"]) if query.get("unit") else None
    if (query.get("problem") and problem is None) or (query.get("unit") and unit is None):
        return []  # a filter that names nothing matches nothing
    found = desk.whistles(
        caller_of_session(session), limit=200,
        problem=problem.id if problem else None, street=query.get("street") or None,
        status=None if status == "all" else status, unit=unit,
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    for whistle in found:
        for obligation in whistle["obligations"]:
            due = obligation["due_at"]
            waiting = obligation["state"] in ("pending", "signed")
            obligation["overdue"] = bool(waiting and due and dt.datetime.fromisoformat(due) < now)
    return found


@router.get("/board")
async def board(request: Request) -> Response:
    session = _signed_in(request)
    catalog = _desk(request).catalog
    streets = [u for u in catalog.units.values() if u.kind == "street"]
    return _page(request, "board.html", session, rows=_board_rows(request, session),
                 streets=streets, query=dict(request.query_params))  # fmt: skip


@router.get("/board/rows")
async def board_rows(request: Request) -> Response:
    session = _signed_in(request)
    return _page(request, "_board_rows.html", session, rows=_board_rows(request, session))


# -- one whistle ---------------------------------------------------------------------------
def _whistle_page(request: Request, session: Session, whistle_id: str, status: int = 200,
                  error: str | None = None) -> Response:  # fmt: skip
    desk = _desk(request)
    caller = caller_of_session(session)
    shown = desk.view(caller, whistle_id)
    catalog = desk.catalog
    mine = next((o for o in shown["obligations"] if o["unit"] == caller.unit), None)
    actions = [a for a in (mine["may"] if mine else []) if caller.may(a)]
    if access.oversees(catalog, caller, shown["blower"]["id"]):
        actions += [a for a in shown["may"] if a != "note" and caller.may(a)]
    if caller.may("note") and (mine or access.oversees(catalog, caller, shown["blower"]["id"])):
        actions.append("note")
    duties = [d.id for d in catalog.duties if d.problem == shown["problem"]["id"]]
    return _page(request, "whistle.html", session, status=status, w=shown, actions=actions,
                 reasons=REJECT_REASONS, error=error, duties=duties,
                 units=[u for u in catalog.units.values() if u.kind != "district"])  # fmt: skip


@router.get("/w/{whistle_id}")
async def whistle(request: Request, whistle_id: str) -> Response:
    session = _signed_in(request)
    return _whistle_page(request, session, whistle_id)


@router.post("/w/{whistle_id}/{action}")
async def act(request: Request, whistle_id: str, action: str) -> Response:
    session = _signed_in(request)
    fields = await _form(request, session)
    data: dict[str, Any] = {k: v for k, v in fields.items()
                            if k in ("reason", "duty", "text", "to", "by") and v}  # fmt: skip
    if fields.get("score"):
        data["score"] = int(fields["score"]) if fields["score"].isdigit() else fields["score"]
    try:
        _desk(request).act(caller_of_session(session), whistle_id, action, None, data)
    except Refused as refused:
        if refused.status == 404:
            raise
        message = refused.message(_lang(request))
        return _whistle_page(request, session, whistle_id, refused.status, message)
    return RedirectResponse(f"/w/{whistle_id}", 303)


# -- stats ---------------------------------------------------------------------------------
STAT_COLUMNS = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")


def _period(request: Request) -> tuple[dt.datetime | None, dt.datetime | None]:
    def moment(name: str) -> dt.datetime | None:
        text = request.query_params.get(name)
        if not text:
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise Refused(
                422, f"{name}: a date, YYYY-MM-DD", f"{name}：日期，写作 YYYY-MM-DD"
            ) from None
        return dt.datetime.combine(day, dt.time(), dt.timezone(dt.timedelta(hours=8)))

    return moment("since"), moment("until")


@router.get("/stats")
async def stats(request: Request, by: str = "unit") -> Response:
    session = _signed_in(request)
    if by not in ("unit", "street", "problem", "week"):
        by = "unit"
    desk = _desk(request)
    since, until = _period(request)
    rows = desk.store.stats(by, since, until)
    catalog = desk.catalog
    for row in rows:
        item = catalog.units.get(row["key"]) or catalog.problems.get(row["key"] or "")
        row["name"] = item.name if item is not None else (row["key"] or "—")
    return _page(request, "stats.html", session, rows=rows, by=by, columns=STAT_COLUMNS,
                 query=request.url.query, since=request.query_params.get("since", ""),
                 until=request.query_params.get("until", ""))  # fmt: skip


@router.get("/stats.csv")
async def stats_csv(request: Request, by: str = "unit") -> Response:
    session = _signed_in(request)
    from dutylist.web.api import stats as api_stats

    since, until = _period(request)
    grouping: Any = by if by in ("unit", "street", "problem", "week") else "unit"
    return api_stats(request, caller_of_session(session), grouping, since, until, "csv")


# -- the catalogue -------------------------------------------------------------------------
@router.get("/catalog")
async def catalog_page(request: Request) -> Response:
    session = _signed_in(request)
    desk = _desk(request)
    lang = _lang(request)
    shown = []
    for finding in desk.findings():
        witness = finding.witness
        link = None
        if witness and witness.get("problem"):
            query = {"problem": witness["problem"], "place": witness.get("at") or ""}
            query.update({f"v.{k}": _word(v) for k, v in (witness.get("with") or {}).items()})
            link = "/?" + urllib.parse.urlencode(query)
        shown.append({"code": finding.code, "severity": finding.severity.value,
                      "where": f"{finding.location.file}:{finding.location.line}",
                      "message": finding.message(lang), "link": link})  # fmt: skip
    return _page(request, "catalog.html", session, findings=shown, catalog=desk.catalog)


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@router.get("/catalog/matrix")
async def catalog_matrix(request: Request) -> Response:
    _signed_in(request)
    from dutylist.matrix import build_matrix, to_html

    catalog = _desk(request).catalog
    return HTMLResponse(to_html(build_matrix(catalog), catalog))


@router.get("/catalog/tasks")
async def catalog_tasks(request: Request) -> Response:
    _signed_in(request)
    from dutylist.plan import build_plan
    from dutylist.report.tasks_html import to_html

    return HTMLResponse(to_html(build_plan(_desk(request).catalog, dt.date.today()), "phase",
                                _lang(request)))  # fmt: skip
