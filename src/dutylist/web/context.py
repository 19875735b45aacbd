"""Who is asking, in which language, and of which desk: what every route of the service
reads from its request first (the JSON API, Open311 and the pages alike)."""

from __future__ import annotations

from fastapi import Request

from dutylist.i18n import Lang
from dutylist.service.access import ANONYMOUS, Caller
from dutylist.service.desk import Desk
from dutylist.service.failures import Denied

__all__ = ["caller_of", "desk_of", "lang_of"]


def lang_of(request: Request) -> Lang:
    """`?lang=en|zh`, else the browser's first choice between the two, else Chinese."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        return asked  # type: ignore[return-value]
    for part in request.headers.get("accept-language", "").split(","):
        word = part.split(";")[0].strip().lower()
        if word.startswith("zh"):
            return "zh"
        if word.startswith("en"):
            return "en"
    return "zh"


def caller_of(request: Request, api_key: str | None = None) -> Caller:
    """The unit whose token the request carries (`Authorization: Bearer`, or Open311's
    `api_key`); anonymous without one; 401 for a token that is unknown or revoked."""
    secret = api_key or request.query_params.get("api_key")
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Denied(401, "Authorization: write it as 'Bearer TOKEN'",
                         "Authorization 应写作“Bearer 令牌”")  # fmt: skip
        secret = value.strip()
    if not secret:
        return ANONYMOUS
    unit = desk_of(request).store.unit_of_token(secret)
    if unit is None:
        raise Denied(401, "this token is unknown or was revoked",
                     "令牌无效或已被吊销")  # fmt: skip
    return Caller(unit=unit)


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk
