"""The HTTP service: one FastAPI application over one desk (catalogue + store).

Every refusal is a 4xx in the caller's language with the same body shape,
`{"error": {"status", "code", "message", "hint"}}` (Open311's own `[{code,
description}]` under `/open311`); a body over the limit is refused before it is read
whole; nothing a caller sends can produce a 500 — one that happens anyway is a bug, and
its body says so without showing the traceback.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from dutylist import __version__
from dutylist.errors import CaseError, UsageError
from dutylist.service.desk import Desk
from dutylist.service.failures import Refused
from dutylist.service.people import People
from dutylist.web import api, open311, pages
from dutylist.web.context import lang_of

STATIC = Path(__file__).parent / "static"

MAX_BODY = 256 * 1024  # bytes: a whistle with a long text and attributes is a few KiB
log = logging.getLogger("dutylist.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(desk: Desk, sweep_every: float = 0) -> FastAPI:
    """The service over `desk`; every `sweep_every` seconds (0: never) it escalates the
    whistles whose time limit has passed, on the real clock."""
    app = FastAPI(
        lifespan=_sweeping(desk, sweep_every),
        title="dutylist",
        version=__version__,
        description=(
            "街乡吹哨、部门报到: route a case on the responsibility list, blow its whistle, "
            "and follow it — sign (签收), arrive (报到), resolve, reject (退单), evaluate. "
            "Units act with their API tokens (`Authorization: Bearer …`); Open311 "
            "GeoReport v2 under /open311/v2."
        ),
    )
    app.state.desk = desk
    app.state.people = People(desk.store)
    app.include_router(api.router)
    app.include_router(open311.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(pages.SignInFirst, _sign_in_first)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(UsageError, _usage)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _bug)
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    return app


def _sweeping(desk: Desk, every: float) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()

        def sweep() -> None:
            while not stop.wait(every):
                try:
                    desk.store.sweep()
                except Exception:  # a sweep that fails is retried at the next tick
                    log.exception("the sweep failed")

        worker = threading.Thread(target=sweep, name="dutylist-sweep", daemon=True)
        if every > 0:
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker.is_alive():
                worker.join(timeout=10)

    return lifespan


# -- refusals ------------------------------------------------------------------------------
def error_response(
    request: Request, status: int, code: str, message: str, hint: str | None = None
) -> Response:
    if request.url.path.startswith(open311.PREFIX):
        return open311.error_response(request, status, message)
    if not request.url.path.startswith(("/api", "/docs", "/openapi", "/static")):
        return _error_page(request, status, message)
    body = {"error": {"status": status, "code": code, "message": message, "hint": hint}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _error_page(request: Request, status: int, message: str) -> Response:
    """A refusal on a page, as a page (with the way back)."""
    from dutylist.web.words import words

    session = pages._session(request)
    html = pages.templates.get_template("error.html").render(
        t=words(lang_of(request)), lang=lang_of(request), session=session,
        path=request.url.path, csrf=session.csrf if session else "", message=message,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


async def _sign_in_first(request: Request, error: Exception) -> Response:
    return pages.sign_in_first(request)


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    lang = lang_of(request)
    return error_response(request, error.status, error.code, error.message(lang), error.hint)


async def _usage(request: Request, error: Exception) -> Response:
    """A case that cannot be read (unknown problem, place, attribute, value)."""
    assert isinstance(error, UsageError)
    reason, hint = error.localised(lang_of(request))
    code = error.code if isinstance(error, CaseError) else "invalid"
    status = 404 if code in ("DL601",) and request.url.path.startswith(open311.PREFIX) else 422
    return error_response(request, status, code, reason, hint)


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    lang = lang_of(request)
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
        parts.append(f"{where}: {problem.get('msg', 'invalid')}" if where else problem["msg"])
    said = "; ".join(parts) or "the request is not what this route takes"
    message = said if lang == "en" else f"请求有误：{said}"
    return error_response(request, 422, "invalid", message, "see the schema at /docs")


async def _http(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    lang = lang_of(request)
    words = {
        400: ("the request could not be read (is the body valid JSON in UTF-8?)",
              "无法读取请求（请求体是否为 UTF-8 编码的有效 JSON？）"),
        404: ("no such page or resource", "没有这个地址"),
        405: ("this method is not allowed here", "此地址不支持该请求方法"),
    }.get(error.status_code)  # fmt: skip
    message = (words[1] if lang == "zh" else words[0]) if words else str(error.detail)
    return error_response(request, error.status_code, "http", message)


async def _bug(request: Request, error: Exception) -> Response:
    log.exception("dutylist failed on %s %s", request.method, request.url.path)
    message = "dutylist failed: this is a bug; the server's log has the details"
    return error_response(request, 500, "bug", message)


# -- the body limit ------------------------------------------------------------------------
class BodyLimit:
    """Refuse a body larger than `limit` bytes with 413, before the route reads it: by
    its Content-Length when it has one, else by counting as it arrives (the body is
    held until it is whole, which the limit keeps small)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(scope, send)
            return
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._too_large(scope, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        zh = not any(
            b"en" in v[:2] for k, v in scope.get("headers") or () if k == b"accept-language"
        )
        message = (
            f"请求体过大：最多 {self.limit // 1024} KiB"
            if zh
            else f"the request body is too large: at most {self.limit // 1024} KiB"
        )
        body = json.dumps(
            {"error": {"status": 413, "code": "too-large", "message": message, "hint": None}},
            ensure_ascii=False,
        ).encode("utf-8")
        await send({
            "type": "http.response.start", "status": 413,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body})
