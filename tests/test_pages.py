"""The pages' rules, checked request by request: every page wants a signed-in person,
every form its session's token, every step the person's role and unit; the session
cookie is HttpOnly and SameSite; what people type is shown, never run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dutylist.dispatcher import Dispatcher
from dutylist.service.access import OPERATOR
from dutylist.service.desk import Desk
from dutylist.service.people import People
from dutylist.store.log import Store
from dutylist.web.app import create_app
from tests.conftest import PANLONG, Run

PASSWORD = "a-long-password"
CASE = {"problem": "噪声扰民", "place": "桃园社区", "v.source": "社会生活"}


@pytest.fixture(scope="module")
def dispatcher() -> Dispatcher:
    return Dispatcher(PANLONG)


@pytest.fixture
def desk(dispatcher: Dispatcher, tmp_path: Path) -> Iterator[Desk]:
    store = Store(tmp_path / "w.db")
    desk = Desk(dispatcher, store)
    people = People(store)
    for name, unit, role in [("wang", "gulou", "dispatcher"), ("li", "ga", "officer"),
                             ("qian", "panlong", "policy")]:  # fmt: skip
        people.add(desk.catalog, name, unit, role, PASSWORD)
    yield desk
    store.close()


def _client(desk: Desk) -> TestClient:
    return TestClient(create_app(desk), follow_redirects=False)


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _sign_in(client: TestClient, name: str) -> str:
    token = _token(client.get("/login").text)
    done = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert done.status_code == 303, done.text
    return _token(client.get("/").text)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/board"), ("GET", "/board/rows"), ("GET", "/w/W000001"),
     ("GET", "/dispatch/problem"), ("GET", "/dispatch/place"), ("POST", "/dispatch/answer"), ("POST", "/dispatch/blow"),
     ("POST", "/w/W000001/sign"), ("POST", "/logout")],
)  # fmt: skip
def test_every_page_sends_a_signed_out_visitor_to_sign_in(
    desk: Desk, method: str, path: str
) -> None:
    answer = _client(desk).request(method, path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")


def test_the_session_cookie_is_httponly_and_samesite_and_ends_at_sign_out(desk: Desk) -> None:
    client = _client(desk)
    token = _token(client.get("/login").text)
    signed = client.post("/login", data={"name": "wang", "password": PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    csrf = _token(client.get("/").text)
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/").status_code == 303  # the old cookie opens nothing now


def test_a_wrong_password_or_a_foreign_login_form_signs_nobody_in(desk: Desk) -> None:
    client = _client(desk)
    token = _token(client.get("/login").text)
    wrong = client.post(
        "/login", data={"name": "wang", "password": "nope-nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "用户名或密码不对" in wrong.text
    nobody = client.post(
        "/login", data={"name": "ghost", "password": PASSWORD, "csrf_token": token}
    )
    assert nobody.status_code == 401
    foreign = TestClient(create_app(desk), follow_redirects=False).post(
        "/login", data={"name": "wang", "password": PASSWORD, "csrf_token": "made-up"}
    )
    assert foreign.status_code == 303 and foreign.headers["location"].startswith("/login")
    assert "dutylist_session" not in foreign.headers.get("set-cookie", "")


def test_sign_in_goes_back_only_to_this_site(desk: Desk) -> None:
    client = _client(desk)
    token = _token(client.get("/login?next=//evil.example/").text)
    done = client.post("/login", data={"name": "wang", "password": PASSWORD, "csrf_token": token,
                                       "next": "https://evil.example/"})  # fmt: skip
    assert done.headers["location"] == "/"


def test_every_form_wants_the_sessions_token(desk: Desk) -> None:
    client = _client(desk)
    csrf = _sign_in(client, "wang")
    for path, data in [("/dispatch/answer", CASE), ("/dispatch/blow", CASE),
                       ("/logout", {})]:  # fmt: skip
        refused = client.post(path, data={**data, "csrf_token": "forged"})
        assert refused.status_code == 403, path
        assert "表单已失效" in refused.text
    blown = client.post("/dispatch/blow", data={**CASE, "csrf_token": csrf})
    assert blown.status_code == 303 and blown.headers["location"] == "/w/W000001"


def test_a_person_may_do_only_what_their_role_and_unit_allow(desk: Desk) -> None:
    whistle = desk.blow(OPERATOR, "noise", "gulou.taoyuan", {"source": "社会生活"}).whistle
    officer = _client(desk)
    csrf = _sign_in(officer, "li")
    page = officer.get(f"/w/{whistle}").text
    assert f'action="/w/{whistle}/sign"' in page
    assert (
        f'action="/w/{whistle}/reassign"' not in page and f'action="/w/{whistle}/close"' not in page
    )
    refused = officer.post(f"/w/{whistle}/reassign", data={"to": "cgj", "csrf_token": csrf})
    assert refused.status_code == 403
    blow = officer.post("/dispatch/blow", data={**CASE, "csrf_token": csrf})
    assert blow.status_code == 403  # an officer does not blow whistles
    assert officer.post(f"/w/{whistle}/sign", data={"csrf_token": csrf}).status_code == 303
    again = officer.post(f"/w/{whistle}/sign", data={"csrf_token": csrf})
    assert again.status_code == 409 and "已签收" in again.text
    policy = _client(desk)
    policy_csrf = _sign_in(policy, "qian")
    assert 'class="card action' not in policy.get(f"/w/{whistle}").text
    assert (
        policy.post(
            f"/w/{whistle}/note", data={"text": "看看", "csrf_token": policy_csrf}
        ).status_code
        == 403
    )


def test_what_people_type_is_shown_not_run(desk: Desk) -> None:
    client = _client(desk)
    csrf = _sign_in(client, "wang")
    client.post("/dispatch/blow", data={**CASE, "csrf_token": csrf,
                                        "text": "<script>alert(1)</script>"})  # fmt: skip
    client.post(
        "/w/W000001/note", data={"text": "<img src=x onerror=alert(2)>", "csrf_token": csrf}
    )
    page = client.get("/w/W000001").text
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_the_stats_page_shows_the_rates_and_downloads_them(desk: Desk) -> None:
    whistle = desk.blow(OPERATOR, "noise", "gulou.taoyuan", {"source": "社会生活"}).whistle
    desk.act(OPERATOR, whistle, "sign", "ga")
    client = _client(desk)
    _sign_in(client, "qian")
    page = client.get("/stats?by=unit").text
    assert "区公安分局" in page and "100%" in page  # ga signed at once: 响应率 100%
    assert "区市场监督管理局" in page and "0%" in page
    by_street = client.get("/stats?by=street").text
    assert "鼓楼街道" in by_street and "20%" in by_street  # one of five signed
    csv_file = client.get("/stats.csv?by=unit")
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.text.splitlines()[0].startswith("unit,obligations")
    assert client.get("/stats?since=soon").status_code == 422


def test_the_catalogue_page_links_each_witness_to_the_dispatch_page(
    desk: Desk, run_cli: Callable[..., Run]
) -> None:
    client = _client(desk)
    _sign_in(client, "qian")
    page = client.get("/catalog").text
    checked = json.loads(run_cli("check", str(PANLONG), "--format", "json").out)
    wanted = sorted(f["code"] for f in checked["findings"])
    assert sorted(re.findall(r"<b>(DL\d{3})</b>", page)) == wanted  # what `check` finds
    link = re.search(r'href="(/\?problem=illegal-construction[^"]+)"', page)
    assert link, page
    filled = client.get(link.group(1).replace("&amp;", "&")).text
    assert 'value="illegal-construction"' in filled
    assert re.search(r'<option value="在建" selected', filled)
    assert client.get("/catalog/matrix").status_code == 200
    assert "T01" in client.get("/catalog/tasks").text


def test_people_are_added_from_the_command_line(
    run_cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    db = str(tmp_path / "people.db")
    add = ("user", "add", "li", "--unit", "公安", "--role", "officer", "--catalog", str(PANLONG),
           "--db", db, "--password-stdin")  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    added = run_cli(*add)
    assert added.code == 0 and "li: officer of 区公安分局 (ga)" in added.out
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert run_cli(*add).code == 2  # there is one already
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    short = run_cli("user", "add", "wu", "--unit", "ga", "--role", "officer", "--catalog",
                    str(PANLONG), "--db", db, "--password-stdin")  # fmt: skip
    assert short.code == 2 and "at least 8" in short.err
    assert "li  ga  officer" in run_cli("user", "list", "--db", db).out
    store = Store(db)
    try:
        assert People(store).sign_in("li", "a-long-password") is not None
        assert run_cli("user", "disable", "li", "--db", db).code == 0
        assert People(store).sign_in("li", "a-long-password") is None
    finally:
        store.close()


def test_the_board_filters_by_what_people_type_and_offers_names(desk: Desk) -> None:
    noise = desk.blow(OPERATOR, "noise", "gulou.taoyuan", {"source": "社会生活"}).whistle
    client = _client(desk)
    _sign_in(client, "qian")
    assert noise in client.get("/board").text
    assert noise in client.get("/board?unit=区公安分局&problem=噪声扰民").text
    assert noise not in client.get("/board?unit=区住房和城乡建设局").text  # not obliged
    assert noise not in client.get("/board?problem=火星问题").text  # names nothing
    assert noise not in client.get("/board?status=closed").text
    offered = client.get("/suggest/unit?list=units&unit=公安").text
    assert offered.startswith('<datalist id="units">') and 'value="区公安分局"' in offered
    assert 'value="噪声扰民"' in client.get("/suggest/problem?list=p&q=zsrm").text  # pinyin
    assert client.get("/suggest/unit?list=<script>").status_code == 404


def test_places_are_offered_with_where_they_sit(desk: Desk) -> None:
    [taoyuan] = desk.suggest("place", "桃园")
    assert (taoyuan.value, taoyuan.label) == ("桃园社区", "鼓楼街道 · gulou.taoyuan")
    assert [s.value for s in desk.suggest("place", "zyl")] == ["状元楼社区"]  # pinyin initials
    assert desk.suggest("problem", "噪音")[0].value == "噪声扰民"  # an alias
