"""Open311 GeoReport v2, so that existing Open311 clients and FixMyStreet-style front
ends can blow whistles and follow them.

A problem is a service (`service_code` = the problem's id); the place comes as
`address_id` (a place's id) or `address_string` (its name or alias); the problem's
attributes as `attribute[KEY]`; the routed lead is the `agency_responsible`, and
`expected_datetime` is when the lead must have arrived. Every response comes as JSON or
XML by the path's suffix, errors as the spec has them: `[{"code", "description"}]`.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from dutylist.model import Catalog
from dutylist.service.failures import Invalid, NotFound
from dutylist.web.context import caller_of, desk_of

PREFIX = "/open311/v2"


class Open311Error(BaseModel):
    code: int
    description: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": list[Open311Error], "description": what}
    for status, what in [
        (400, "the request is wrong: the description says what to write"),
        (403, "no api_key, or one unknown or revoked, or not allowed to do this"),
        (404, "no such service, request or format"),
    ]
}
router = APIRouter(prefix=PREFIX, tags=["open311"], responses=ERRORS)
Format = Literal["json", "xml"]
MAX_RESULTS = 1000  # the spec's suggested cap on a requests search
DEFAULT_DAYS = 90  # without dates, a search covers the last 90 days, as the spec suggests


_desk, _caller = desk_of, caller_of


# -- rendering -----------------------------------------------------------------------------
def render(fmt: str, document: Any, root: str, item: str, status: int = 200) -> Response:
    if fmt == "xml":
        tree = ET.Element(root)
        for entry in document if isinstance(document, list) else [document]:
            _fill(ET.SubElement(tree, item) if isinstance(document, list) else tree, entry)
        text = ET.tostring(tree, encoding="unicode", xml_declaration=False)
        body = '<?xml version="1.0" encoding="utf-8"?>' + text
        return Response(body, status_code=status, media_type="text/xml; charset=utf-8")
    return JSONResponse(document, status_code=status)


_XML_ITEMS = {"attributes": "attribute", "values": "value"}


def _fill(element: ET.Element, entry: Mapping[str, Any]) -> None:
    for key, value in entry.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for inner in value:
                _fill(ET.SubElement(child, _XML_ITEMS.get(key, "item")), inner)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = str(value)


OPEN311_STATUS = {401: 403, 409: 400, 413: 400, 422: 400}  # the spec knows 400, 403, 404


def error_response(request: Request, status: int, message: str) -> Response:
    fmt = "xml" if request.url.path.endswith(".xml") else "json"
    status = OPEN311_STATUS.get(status, status)
    return render(fmt, [{"code": status, "description": message}], "errors", "error", status)


def _fmt(fmt: str) -> Format:
    if fmt not in ("json", "xml"):
        raise NotFound(None, f"no format '{fmt}': json or xml", f"没有“{fmt}”格式：json 或 xml")
    return fmt  # type: ignore[return-value]


def _jurisdiction(catalog: Catalog, asked: str | None) -> None:
    if asked and asked != catalog.id:
        raise NotFound(None, f"jurisdiction_id: this service serves {catalog.id}",
                       f"jurisdiction_id：本服务只受理 {catalog.id}")  # fmt: skip


# -- services ------------------------------------------------------------------------------
@router.get("/services.{fmt}", summary="GET Service List")
async def services(fmt: str, request: Request, jurisdiction_id: str | None = None) -> Response:
    catalog = _desk(request).catalog
    _jurisdiction(catalog, jurisdiction_id)
    listed = [
        {"service_code": p.id, "service_name": p.name, "description": p.name,
         "metadata": bool(p.attributes), "type": "realtime",
         "keywords": ",".join(p.aliases), "group": p.category or ""}
        for p in catalog.problems.values()
    ]  # fmt: skip
    return render(_fmt(fmt), listed, "services", "service")


@router.get("/services/{code}.{fmt}", summary="GET Service Definition")
async def service(
    code: str, fmt: str, request: Request, jurisdiction_id: str | None = None
) -> Response:
    catalog = _desk(request).catalog
    _jurisdiction(catalog, jurisdiction_id)
    problem = catalog.problems.get(code)
    if problem is None:
        raise NotFound(None, f"no service_code '{code}'", f"没有服务代码“{code}”")
    attributes = []
    for order, key in enumerate(problem.attributes, start=1):
        attribute = catalog.attributes[key]
        entry: dict[str, Any] = {
            "variable": True, "code": key, "datatype": _DATATYPE[attribute.type],
            "required": False, "datatype_description": _DESCRIBED[attribute.type],
            "order": order, "description": attribute.name or key,
        }  # fmt: skip
        if attribute.type == "enum":
            entry["values"] = [{"key": v, "name": v} for v in attribute.values]
        elif attribute.type == "boolean":
            entry["values"] = [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]
        attributes.append(entry)
    return render(_fmt(fmt), {"service_code": code, "attributes": attributes},
                  "service_definition", "")  # fmt: skip


_DATATYPE = {"enum": "singlevaluelist", "boolean": "singlevaluelist", "number": "number"}
_DESCRIBED = {"enum": "one of the values", "boolean": "true or false", "number": "a number"}


# -- requests ------------------------------------------------------------------------------
@router.post("/requests.{fmt}", summary="POST Service Request")
async def post_request(fmt: str, request: Request) -> Response:
    """Blow a whistle: form fields `api_key`, `service_code`, `address_id` or
    `address_string`, `attribute[KEY]`, `description`; an `Idempotency-Key` header makes a
    retry a no-op."""
    chosen = _fmt(fmt)
    fields = await _form(request)
    desk = _desk(request)
    _jurisdiction(desk.catalog, fields.get("jurisdiction_id"))
    caller = _caller(request, fields.get("api_key"))
    code = fields.get("service_code")
    if not code:
        raise Invalid(400, "service_code is required", "缺少 service_code")
    place = fields.get("address_id") or fields.get("address_string")
    if not place:
        raise Invalid(400, "address_id or address_string is required (a place of the district)",
                      "须提供 address_id 或 address_string（辖区内的地点）")  # fmt: skip
    values = {k[len("attribute[") : -1]: v for k, v in fields.items()
              if k.startswith("attribute[") and k.endswith("]")}  # fmt: skip
    if code not in desk.catalog.problems:
        raise NotFound(None, f"no service_code '{code}'", f"没有服务代码“{code}”")
    key = request.headers.get("idempotency-key")
    text = fields.get("description")
    from dutylist.web.api import writing

    blown = await writing(desk, desk.blow, caller, code, place, values, text, key)
    lead, limit = blown.answer["lead"]["name"], blown.answer.get("respond_within_minutes")
    notice = f"已吹哨：{lead} 牵头" + (f"，{limit} 分钟内报到" if limit else "")
    return render(chosen, [{"service_request_id": blown.whistle, "service_notice": notice,
                            "account_id": None}], "service_requests", "request",
                  201 if blown.new else 200)  # fmt: skip


@router.get("/requests.{fmt}", summary="GET Service Requests")
def requests(
    fmt: str,
    request: Request,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
    jurisdiction_id: str | None = None,
    api_key: str | None = None,
) -> Response:
    chosen = _fmt(fmt)
    desk = _desk(request)
    _jurisdiction(desk.catalog, jurisdiction_id)
    caller = _caller(request, api_key)
    if service_request_id:
        found = []
        for wanted in service_request_id.split(",")[:MAX_RESULTS]:
            try:
                found.append(desk.view(caller, wanted.strip()))
            except NotFound:
                continue
        return render(chosen, [_request(w) for w in found], "service_requests", "request")
    statuses = set(status.split(",")) if status else {"open", "closed"}
    if not statuses <= {"open", "closed"}:
        raise Invalid(400, "status: open, closed or both", "status：open、closed 或两者")
    until = _date("end_date", end_date) or dt.datetime.now(dt.UTC)
    since = _date("start_date", start_date) or until - dt.timedelta(days=DEFAULT_DAYS)
    codes = set(service_code.split(",")) if service_code else None
    shown: list[dict[str, Any]] = []
    after = 0
    while len(shown) < MAX_RESULTS:
        page = desk.whistles(caller, after=after, limit=200)
        if not page:
            break
        for whistle in page:
            blown = dt.datetime.fromisoformat(whistle["blown_at"])
            if blown < since:
                return render(chosen, shown, "service_requests", "request")
            if (
                blown <= until
                and whistle["status"] in statuses
                and (codes is None or whistle["problem"]["id"] in codes)
            ):
                shown.append(_request(whistle))
        after = page[-1]["number"]
    return render(chosen, shown[:MAX_RESULTS], "service_requests", "request")


@router.get("/requests/{request_id}.{fmt}", summary="GET Service Request")
async def one_request(request_id: str, fmt: str, request: Request, api_key: str | None = None,
                jurisdiction_id: str | None = None) -> Response:  # fmt: skip
    chosen = _fmt(fmt)
    desk = _desk(request)
    _jurisdiction(desk.catalog, jurisdiction_id)
    whistle = desk.view(_caller(request, api_key), request_id)
    return render(chosen, [_request(whistle)], "service_requests", "request")


@router.get("/tokens/{token}.{fmt}", summary="GET service_request_id from a token")
def token(token: str, fmt: str, request: Request, api_key: str | None = None) -> Response:
    """The whistle a request's token (its `Idempotency-Key`) blew."""
    chosen = _fmt(fmt)
    desk = _desk(request)
    from dutylist.service import access

    access.may_read(_caller(request, api_key), desk.public)
    found = desk.store.whistle_by_key(token)
    if found is None:
        raise NotFound(None, f"no request with token '{token}'", f"没有令牌为“{token}”的请求")
    return render(chosen, [{"service_request_id": found.id, "token": token}],
                  "service_requests", "request")  # fmt: skip


async def _form(request: Request) -> dict[str, str]:
    """The posted fields. A urlencoded body is read as UTF-8 whether its characters are
    percent-encoded or sent as they are (`curl -d 描述=…` does the latter)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("", "application/x-www-form-urlencoded"):
        body = await request.body()
        try:
            text = body.decode("utf-8")
            pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise Invalid(400, "the form is not UTF-8", "表单须为 UTF-8 编码") from None
        return dict(pairs)
    if kind != "multipart/form-data":
        raise Invalid(400, f"send the fields as a form, not {kind}",
                      f"请以表单提交字段，而不是 {kind}")  # fmt: skip
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def _request(whistle: Mapping[str, Any]) -> dict[str, Any]:
    """One whistle as an Open311 service request."""
    lead = next((o for o in whistle["obligations"] if o["lead"]), None)
    notes = "; ".join(f"{o['name']}: {o['state']}" for o in whistle["obligations"])
    events = whistle.get("events") or []
    updated = events[-1]["at"] if events else whistle["blown_at"]
    return {
        "service_request_id": whistle["id"],
        "status": whistle["status"],
        "status_notes": notes,
        "service_name": whistle["problem"]["name"],
        "service_code": whistle["problem"]["id"],
        "description": whistle.get("text"),
        "agency_responsible": whistle["lead"]["name"],
        "service_notice": None,
        "requested_datetime": whistle["blown_at"],
        "updated_datetime": updated,
        "expected_datetime": lead["due_at"] if lead else None,
        "address": whistle["place"]["name"],
        "address_id": whistle["place"]["id"],
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _date(field: str, text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        example = "2026-12-01T00:00:00+08:00"
        raise Invalid(400, f"{field}: a W3C date and time, e.g. {example}",
                      f"{field}：须为 W3C 日期时间，如 {example}") from None  # fmt: skip
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
