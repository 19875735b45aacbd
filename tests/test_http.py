"""The HTTP service as its callers meet it — a street's desk, a department's officer, an
Open311 front end — on SQLite and on a real PostgreSQL: the whole loop, who may do what
(401 and 403 on every route that changes something), 409 when two requests race for one
step, a retried blow that is not repeated, and bad input answered with a 4xx that says
what is wrong, never a 500."""

from __future__ import annotations

import datetime as dt
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dutylist.dispatcher import Dispatcher
from dutylist.service.desk import Desk
from dutylist.store.log import Store
from dutylist.web.app import create_app
from tests.conftest import PANLONG
from tests.postgres import db, postgres_url

__all__ = ["db", "postgres_url"]

NOISE_AT_TAOYUAN = {"problem": "噪声扰民", "place": "桃园社区",
                    "values": {"source": "社会生活", "night": True}}  # fmt: skip
# who that case obliges, by the bundled catalogue's D021 (read from duties.yaml, not the code)
OBLIGED = {"ga", "scjg", "wlj", "sthj", "cgj"}


@pytest.fixture(scope="module")
def dispatcher() -> Dispatcher:
    return Dispatcher(PANLONG)


class Service:
    """A client of the service, with a token for each unit a test needs."""

    def __init__(self, client: TestClient, store: Store) -> None:
        self.client, self.store = client, store
        self.tokens: dict[str, str] = {}

    def token(self, unit: str) -> str:
        if unit not in self.tokens:
            self.tokens[unit] = self.store.create_token(unit)[1]
        return self.tokens[unit]

    def as_(self, unit: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(unit)}"} if unit else {}

    def post(self, path: str, unit: str | None = None, **kwargs: Any) -> Any:
        headers = {**self.as_(unit), **kwargs.pop("headers", {})}
        return self.client.post(path, headers=headers, **kwargs)

    def get(self, path: str, unit: str | None = None, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.as_(unit), **kwargs)

    def blow(self, by: str = "gulou", **case: Any) -> str:
        response = self.post("/api/whistles", by, json={**NOISE_AT_TAOYUAN, **case})
        assert response.status_code == 201, response.text
        return str(response.json()["whistle"])

    def step(self, whistle: str, action: str, token_of: str, **body: Any) -> Any:
        """`token_of`'s token does `action`; the body may name another unit (`unit=…`)."""
        return self.post(f"/api/whistles/{whistle}/{action}", token_of, json=body or None)


@pytest.fixture
def service(dispatcher: Dispatcher, db: str) -> Iterator[Service]:
    store = Store(db)
    with TestClient(create_app(Desk(dispatcher, store))) as client:
        yield Service(client, store)
    store.close()


@pytest.fixture
def public_service(dispatcher: Dispatcher, tmp_path: Any) -> Iterator[Service]:
    store = Store(tmp_path / "public.db")
    with TestClient(create_app(Desk(dispatcher, store, public=True))) as client:
        yield Service(client, store)
    store.close()


# -- the loop ------------------------------------------------------------------------------
def test_open311_blow_sign_arrive_resolve_close_evaluate(service: Service) -> None:
    services = service.get("/open311/v2/services.json").json()
    noise = next(s for s in services if s["service_code"] == "noise")
    assert noise["service_name"] == "噪声扰民" and noise["metadata"] is True
    definition = service.get("/open311/v2/services/noise.json").json()
    source = next(a for a in definition["attributes"] if a["code"] == "source")
    assert source["datatype"] == "singlevaluelist"
    assert {v["key"] for v in source["values"]} == {"社会生活", "建筑施工", "工业", "交通"}

    posted = service.client.post(
        "/open311/v2/requests.json",
        data={"api_key": service.token("gulou"), "service_code": "noise",
              "address_string": "桃园社区", "attribute[source]": "社会生活",
              "attribute[night]": "true", "description": "楼下KTV每晚吵到两点"},
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    whistle = posted.json()[0]["service_request_id"]

    request = service.get(f"/open311/v2/requests/{whistle}.json", "gulou").json()[0]
    assert request["status"] == "open"
    assert request["agency_responsible"] == "区公安分局"
    assert request["address_id"] == "gulou.taoyuan"
    assert request["description"] == "楼下KTV每晚吵到两点"
    requested = dt.datetime.fromisoformat(request["requested_datetime"])
    expected = dt.datetime.fromisoformat(request["expected_datetime"])
    assert expected - requested == dt.timedelta(minutes=30)  # Panlong's 30 minutes

    shown = service.get(f"/api/whistles/{whistle}", "ga").json()
    assert {o["unit"] for o in shown["obligations"]} == OBLIGED
    for unit in sorted(OBLIGED):
        for action in ("sign", "arrive", "resolve"):
            done = service.step(whistle, action, unit)
            assert done.status_code == 200, done.text
    closed = service.step(whistle, "close", "gulou")
    assert closed.json()["status"] == "closed"
    street = {"by": "street", "score": 5}
    resident = {"by": "resident", "score": 3}
    assert (
        service.post(f"/api/whistles/{whistle}/evaluate", "gulou", json=street).status_code == 200
    )
    assert (
        service.post(f"/api/whistles/{whistle}/evaluate", "gulou", json=resident).status_code == 200
    )
    final = service.get(f"/open311/v2/requests/{whistle}.json", "gulou").json()[0]
    assert final["status"] == "closed"

    stats = service.get("/api/stats?by=unit", "gulou").json()["rows"]
    ga = next(r for r in stats if r["key"] == "ga")
    assert (ga["obligations"], ga["resolved"], ga["resolution_rate"]) == (1, 1, 1.0)
    assert ga["satisfaction_rate"] == 0.5  # one of the two evaluations scored 4 or 5


def test_open311_speaks_xml_too(service: Service) -> None:
    listed = ET.fromstring(service.get("/open311/v2/services.xml").content)
    assert listed.tag == "services"
    assert "noise" in {s.findtext("service_code") for s in listed.findall("service")}
    posted = service.client.post(
        "/open311/v2/requests.xml",
        data={"api_key": service.token("gulou"), "service_code": "noise",
              "address_id": "gulou.taoyuan", "attribute[source]": "社会生活"},
    )  # fmt: skip
    assert posted.status_code == 201
    created = ET.fromstring(posted.content)
    whistle = created.find("request/service_request_id")
    assert whistle is not None and whistle.text
    read = ET.fromstring(service.get(f"/open311/v2/requests/{whistle.text}.xml", "gulou").content)
    assert read.findtext("request/agency_responsible") == "区公安分局"
    missing = service.get("/open311/v2/requests/W999999.xml", "gulou")
    assert missing.status_code == 404
    assert ET.fromstring(missing.content).findtext("error/code") == "404"


def test_open311_errors_are_the_specs(service: Service) -> None:
    form = {"service_code": "noise", "address_string": "桃园社区"}
    no_key = service.client.post("/open311/v2/requests.json", data=form)
    assert no_key.status_code == 403
    assert set(no_key.json()[0]) == {"code", "description"}
    key = service.token("gulou")
    unknown_code = service.client.post(
        "/open311/v2/requests.json", data={**form, "api_key": key, "service_code": "nope"}
    )
    assert unknown_code.status_code == 404
    no_place = service.client.post(
        "/open311/v2/requests.json", data={"api_key": key, "service_code": "noise"}
    )
    assert no_place.status_code == 400 and "address" in no_place.json()[0]["description"]
    wrong_value = service.client.post(
        "/open311/v2/requests.json", data={**form, "api_key": key, "attribute[night]": "maybe"}
    )
    assert wrong_value.status_code == 400 and "night" in wrong_value.json()[0]["description"]
    assert service.get("/open311/v2/services/nope.json").status_code == 404
    assert service.get("/open311/v2/services.yaml").status_code == 404


def test_open311_lists_requests_by_status_and_code(service: Service) -> None:
    first = service.blow()
    second = service.blow()
    for unit in sorted(OBLIGED):
        for action in ("sign", "arrive", "resolve"):
            service.step(second, action, unit)
    service.step(second, "close", "gulou")
    listed = service.get("/open311/v2/requests.json?status=open", "gulou").json()
    assert [r["service_request_id"] for r in listed] == [first]
    both = service.get("/open311/v2/requests.json?service_code=noise", "gulou").json()
    assert [r["service_request_id"] for r in both] == [second, first]  # newest first
    none = service.get("/open311/v2/requests.json?service_code=fire", "gulou").json()
    assert none == []
    picked = service.get(f"/open311/v2/requests.json?service_request_id={first}", "ga").json()
    assert [r["service_request_id"] for r in picked] == [first]


# -- who may do what -----------------------------------------------------------------------
MUTATING = [
    ("POST", "/api/whistles", NOISE_AT_TAOYUAN),
    *(("POST", f"/api/whistles/W000001/{a}", body) for a, body in [
        ("sign", None), ("arrive", None), ("resolve", None),
        ("reject", {"reason": "不属于职责范围"}), ("reassign", {"to": "cgj"}),
        ("note", {"text": "到场"}), ("evaluate", {"by": "street", "score": 4}),
        ("close", None), ("reopen", None),
    ]),
    ("POST", "/api/sweep", None),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body"), MUTATING)
@pytest.mark.parametrize("token", ["none", "unknown", "revoked", "not bearer"])
def test_every_mutating_route_wants_a_live_token(
    service: Service, method: str, path: str, body: Any, token: str
) -> None:
    whistle = service.blow()
    assert whistle == "W000001"
    number, secret = service.store.create_token("ga")
    service.store.revoke_token(number)
    headers = {
        "none": {},
        "unknown": {"Authorization": "Bearer dl_not-a-token"},
        "revoked": {"Authorization": f"Bearer {secret}"},
        "not bearer": {"Authorization": f"Basic {secret}"},
    }[token]
    response = service.client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["message"]
    assert [e.kind for e in service.store.events(whistle)] == ["blow"]  # nothing happened


@pytest.mark.parametrize(
    ("unit", "action", "body", "why"),
    [
        ("ga", "sign", {"unit": "scjg"}, "a department cannot sign for another"),
        ("ga", "resolve", {"unit": "scjg"}, "nor resolve for it"),
        ("scjg", "reject", {"unit": "ga", "reason": "职能交叉"}, "nor reject for it"),
        ("gulou.taoyuan", "close", None, "a community cannot close its street's whistle"),
        ("ga", "close", None, "a department cannot close the blower's whistle"),
        ("ga", "reassign", {"to": "cgj"}, "a department cannot reassign"),
        ("tuodong", "reassign", {"to": "cgj"}, "another street cannot reassign"),
        ("tuodong", "evaluate", {"by": "street", "score": 1}, "nor evaluate"),
        ("scjg", "reopen", None, "a department cannot reopen"),
        ("zjj", "note", {"text": "看看"}, "a unit neither obliged nor above cannot note"),
    ],
)
def test_a_unit_acts_only_on_what_is_its_own(
    service: Service, unit: str, action: str, body: Any, why: str
) -> None:
    whistle = service.blow()
    response = service.step(whistle, action, unit, **(body or {}))
    assert response.status_code == 403, why
    assert [e.kind for e in service.store.events(whistle)] == ["blow"], why


def test_only_a_blower_or_a_unit_above_blows_and_only_the_district_sweeps(
    service: Service,
) -> None:
    for outsider in ("ga", "tuodong", "gulou.xiaocaiyuan"):
        refused = service.post("/api/whistles", outsider, json=NOISE_AT_TAOYUAN)
        assert refused.status_code == 403, outsider
    assert service.post("/api/whistles", "panlong", json=NOISE_AT_TAOYUAN).status_code == 201
    assert service.post("/api/sweep", "gulou").status_code == 403
    assert service.post("/api/sweep", "panlong").status_code == 200


def test_the_blower_and_the_district_reassign_and_the_new_lead_then_acts(
    service: Service,
) -> None:
    whistle = service.blow()
    rejected = service.step(whistle, "reject", "ga", reason="职能交叉", duty="D021")
    assert rejected.status_code == 200
    moved = service.step(whistle, "reassign", "gulou", to="城管")  # a name is enough
    assert moved.status_code == 200, moved.text
    assert moved.json()["lead"]["id"] == "cgj"
    assert service.step(whistle, "reassign", "panlong", to="ga").status_code == 200
    assert service.step(whistle, "sign", "ga").status_code == 200


def test_reading_wants_a_token_unless_the_deployment_is_public(
    service: Service, public_service: Service
) -> None:
    whistle = service.blow(text="住在3单元的张阿姨来电")
    assert service.get(f"/api/whistles/{whistle}").status_code == 401
    assert service.get("/api/stats").status_code == 401
    assert service.get("/api/whistles").status_code == 401
    assert service.get(f"/api/whistles/{whistle}", "ga").json()["text"] == "住在3单元的张阿姨来电"
    assert service.get("/open311/v2/services.json").status_code == 200  # the list is public

    shown = public_service.blow(text="住在3单元的张阿姨来电")
    anonymous = public_service.get(f"/api/whistles/{shown}")
    assert anonymous.status_code == 200
    assert anonymous.json()["text"] is None  # the caller's words stay with the units
    assert public_service.get("/api/stats").status_code == 200


# -- races and retries ---------------------------------------------------------------------
def _at_once(calls: list[Any]) -> list[int]:
    start = threading.Barrier(len(calls))
    codes: list[int] = [0] * len(calls)

    def run(i: int) -> None:
        start.wait()
        codes[i] = calls[i]().status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


def test_one_obligation_signed_twice_at_once_is_signed_once(service: Service) -> None:
    whistle = service.blow()
    service.token("ga")
    codes = _at_once([lambda: service.step(whistle, "sign", "ga") for _ in range(4)])
    assert codes == [200, 409, 409, 409]
    assert [e.kind for e in service.store.events(whistle)] == ["blow", "sign"]


def test_resolving_twice_at_once_resolves_once(service: Service) -> None:
    whistle = service.blow()
    service.step(whistle, "sign", "ga")
    service.step(whistle, "arrive", "ga")
    codes = _at_once([lambda: service.step(whistle, "resolve", "ga") for _ in range(3)])
    assert codes == [200, 409, 409]
    conflict = service.step(whistle, "resolve", "ga")
    assert conflict.json()["error"]["code"] == "conflict"
    assert "已办结" in conflict.json()["error"]["message"]


def test_a_retried_blow_with_its_idempotency_key_is_the_same_whistle(service: Service) -> None:
    key = {"Idempotency-Key": "12345-20261203-0001"}
    first = service.post("/api/whistles", "gulou", json=NOISE_AT_TAOYUAN, headers=key)
    again = service.post("/api/whistles", "gulou", json=NOISE_AT_TAOYUAN, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["whistle"] == again.json()["whistle"]
    assert again.json()["answer"]["lead"]["id"] == "ga"
    assert len(service.store.whistle_ids()) == 1
    other = {**NOISE_AT_TAOYUAN, "values": {"source": "工业"}, "place": "巡津社区"}
    reused = service.post("/api/whistles", "panlong", json=other, headers=key)
    assert reused.status_code == 409  # the key names another case: refused, not merged
    token = service.get("/open311/v2/tokens/12345-20261203-0001.json", "gulou").json()
    assert token == [{"service_request_id": first.json()["whistle"],
                      "token": "12345-20261203-0001"}]  # fmt: skip


def test_concurrent_retries_of_one_blow_make_one_whistle(service: Service) -> None:
    key = {"Idempotency-Key": "call-7"}
    service.token("gulou")
    codes = _at_once(
        [lambda: service.post("/api/whistles", "gulou", json=NOISE_AT_TAOYUAN, headers=key)
         for _ in range(4)]
    )  # fmt: skip
    assert codes == [200, 200, 200, 201]
    assert len(service.store.whistle_ids()) == 1


# -- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("/api/route", {"problem": "不存在的问题"}, 422, "DL601"),
        ("/api/route", {"problem": "噪声扰民", "place": "火星"}, 422, "DL602"),
        ("/api/route", {"problem": "噪声扰民", "values": {"colour": "红"}}, 422, "DL603"),
        ("/api/route", {"problem": "噪声扰民", "values": {"source": "外星"}}, 422, "DL604"),
        ("/api/route", {"problem": "噪声扰民", "values": {"night": "maybe"}}, 422, "DL605"),
        ("/api/route", {"problem": 42}, 422, "problem"),
        ("/api/route", {"problem": "噪声扰民", "extra": 1}, 422, "extra"),
        ("/api/route", [1, 2], 422, "invalid"),
        ("/api/whistles", {"problem": "噪声扰民", "place": "鼓楼街道"}, 422, "undetermined"),
        ("/api/whistles/W000001/evaluate", {"by": "street", "score": "five"}, 422, "score"),
        ("/api/whistles/W000001/evaluate", {"by": "street", "score": 9}, 422, "score"),
        ("/api/whistles/W000001/evaluate", {"by": "mayor", "score": 3}, 422, "by"),
        ("/api/whistles/W000001/reject", {"reason": "不想去"}, 422, "reason"),
        ("/api/whistles/W000001/reject", {"reason": "其他"}, 422, "其他"),
        ("/api/whistles/W000001/reject", {"reason": "职能交叉", "duty": "D999"}, 422, "D999"),
        ("/api/whistles/W000001/reassign", {"to": "火星局"}, 422, "火星局"),
        ("/api/whistles/W000001/note", {"text": ""}, 422, "text"),
        ("/api/whistles/W000001/note", {"text": "长" * 5000}, 422, "text"),
        ("/api/whistles/W000001/fly", None, 422, "action"),
        ("/api/whistles/W000001/sign", {"at": "2099-01-01T00:00:00Z"}, 422, "future"),
        ("/api/whistles/W000001/sign", {"at": "2020-01-01T00:00:00Z"}, 422, "before the whistle"),
        ("/api/whistles/W000002/sign", None, 404, "W000002"),
        ("/api/sweep", {"now": "tomorrow"}, 422, "now"),
    ],
)  # fmt: skip
def test_bad_input_is_a_4xx_that_says_what_is_wrong(
    service: Service, path: str, body: Any, status: int, says: str
) -> None:
    service.blow()
    response = service.post(path, "panlong", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert says in f"{error['code']} {error['message']}", error


@pytest.mark.parametrize(
    ("content", "kind", "status"),
    [
        (b'{"problem": "\xff\xfe"}', "application/json", 400),  # not UTF-8
        (b'{"problem": ', "application/json", 422),  # cut short
        (b"problem=noise", "application/x-www-form-urlencoded", 422),
        (b"x" * 300_000, "application/json", 413),  # over the limit
        (
            b'{"problem": "illegal-construction", "values": {"area_m2": NaN}}',
            "application/json",
            422,
        ),
    ],
)
def test_unreadable_bodies_are_refused_plainly(
    service: Service, content: bytes, kind: str, status: int
) -> None:
    response = service.post("/api/route", content=content, headers={"Content-Type": kind})
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]


def test_a_body_without_a_length_is_still_held_to_the_limit(service: Service) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 10_000

    response = service.post(
        "/api/route", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_the_open311_form_is_read_as_utf8_however_it_is_sent(service: Service) -> None:
    raw = "service_code=noise&address_string=桃园社区&attribute[source]=社会生活&api_key="
    posted = service.client.post(
        "/open311/v2/requests.json",
        content=(raw + service.token("gulou")).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 201, posted.text
    broken = service.client.post(
        "/open311/v2/requests.json", content=b"service_code=\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert broken.status_code == 400


def test_refusals_speak_chinese_unless_asked_otherwise(service: Service) -> None:
    asked = {"problem": "不存在的问题"}
    chinese = service.post("/api/route", json=asked).json()["error"]["message"]
    english = service.post("/api/route?lang=en", json=asked).json()["error"]["message"]
    browser = service.post("/api/route", json=asked, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "未知" in chinese or "没有" in chinese
    assert "unknown" in english.lower()
    assert browser.json()["error"]["message"] == english


def test_the_docs_and_the_schema_are_served(service: Service) -> None:
    assert "swagger" in service.get("/docs").text.lower()
    schema = service.get("/openapi.json").json()
    assert "/api/whistles/{whistle_id}/{action}" in schema["paths"]
    assert "/open311/v2/requests.{fmt}" in schema["paths"]


def test_a_page_number_beyond_any_integer_the_database_holds_is_refused(service: Service) -> None:
    # found by the schema fuzzer: a 64-bit overflow in the database driver was a 500
    response = service.get("/api/whistles?after=9223372036854775808", "gulou")
    assert response.status_code == 422 and "after" in response.json()["error"]["message"]
