"""The pages as people use them, in a real Chromium against a real `dutylist serve`: a
dispatcher at a street's desk routes a case and blows the whistle; a department's
officer, on a phone, sees it on the board, signs and arrives; nobody sees a form their
role or unit may not use; a signed-out visitor is sent to sign in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dutylist.model import Catalog
from dutylist.service.people import People
from dutylist.session import open_session
from dutylist.store.log import Store
from tests.browser import browser
from tests.conftest import PANLONG
from tests.serving import Server, free_port

__all__ = ["browser"]
PASSWORD = "盘龙-吹哨-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("pages") / "whistles.db"
    store = Store(db)
    catalog: Catalog = open_session(PANLONG, "zh").catalog
    people = People(store)
    people.add(catalog, "wang", "gulou", "dispatcher", PASSWORD)  # 鼓楼街道's desk
    people.add(catalog, "li", "ga", "officer", PASSWORD)  # 区公安分局
    people.add(catalog, "zhao", "scjg", "officer", PASSWORD)  # 区市场监督管理局
    store.close()
    running = Server(db, free_port())
    running.start()
    yield running
    running.stop()


def _signed_in(browser: Any, server: Server, name: str, **context: Any) -> Any:
    page = browser.new_context(locale="zh-CN", **context).new_page()
    page.goto(server.base + "/board")
    assert "/login" in page.url  # a signed-out visitor is sent to sign in
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/board"))  # and comes back where they were going
    return page


def test_a_dispatcher_sees_the_answer_change_as_fields_change_and_blows(
    browser: Any, server: Server
) -> None:
    page = _signed_in(browser, server, "wang")
    page.goto(server.base + "/")
    page.get_by_label("问题类型").fill("噪声扰民")
    page.get_by_label("属地").fill("桃园社区")
    source = page.get_by_label("噪声来源")
    source.wait_for()  # the problem's own attributes appear once it is named
    answer = page.locator("#answer")
    # without the source, the answer depends on it
    page.get_by_label("属地").fill("鼓楼街道")
    page.wait_for_function("document.querySelector('#answer').innerText.includes('尚不确定')")
    assert "source" in answer.inner_text()
    source.select_option("建筑施工")
    page.get_by_label("夜间（22时至次日6时）").select_option("true")
    page.wait_for_function(
        "document.querySelector('#answer .lead')?.innerText === '区生态环境分局'"
    )
    source.select_option("社会生活")
    page.get_by_label("属地").fill("桃园社区")
    page.locator("#answer [data-place='gulou.taoyuan']").wait_for()  # answered for the community
    assert answer.locator(".lead").inner_text() == "区公安分局"
    shown = answer.inner_text()
    assert "30 分钟" in shown and "区市场监督管理局" in shown
    assert re.search(r"✓ duty D021 catalogs/panlong/duties\.yaml:\d+", shown)  # why, at file:line
    answer.get_by_text("其余考虑过的职责与规则").click()
    assert "✗ duty D022" in answer.inner_text()  # and why the others did not apply
    page.get_by_label("来电内容").fill("楼下KTV每晚吵到凌晨两点")
    page.get_by_role("button", name="吹哨").last.click()
    page.wait_for_url(re.compile(r"/w/W\d{6}$"))
    body = page.locator("main").inner_text()
    assert "区公安分局" in body and "楼下KTV每晚吵到凌晨两点" in body
    countdown = page.locator("time.countdown").first
    page.wait_for_function("document.querySelector('time.countdown').innerText.length > 0")
    assert re.fullmatch(r"\d+:\d\d", countdown.inner_text())
    # a dispatcher oversees: reassign and note, but no unit's own steps
    forms = page.locator("form.action button").all_inner_texts()
    assert "改派" in forms and "签收" not in forms


def test_an_officer_on_a_phone_signs_and_arrives(browser: Any, server: Server) -> None:
    desk = _signed_in(browser, server, "wang")
    desk.goto(server.base + "/")
    desk.get_by_label("问题类型").fill("噪声扰民")
    desk.get_by_label("属地").fill("桃园社区")
    desk.get_by_label("噪声来源").select_option("社会生活")
    desk.wait_for_function("document.querySelector('#answer .lead')?.innerText === '区公安分局'")
    desk.get_by_role("button", name="吹哨").last.click()
    desk.wait_for_url(re.compile(r"/w/W\d{6}$"))
    whistle = desk.url.rsplit("/", 1)[1]

    phone = _signed_in(browser, server, "li", viewport=PHONE, is_mobile=True, has_touch=True)
    phone.get_by_role("link", name=re.compile(whistle)).click()
    phone.wait_for_url(re.compile(whistle))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    buttons = phone.locator("form.action button").all_inner_texts()
    assert "签收" in buttons and "退单" in buttons
    assert "改派" not in buttons and "结案" not in buttons and "报到" not in buttons
    phone.get_by_role("button", name="签收").click()
    phone.wait_for_url(re.compile(whistle))
    assert "区公安分局 (牵头): 已签收" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="报到").click()
    assert "区公安分局 (牵头): 已报到" in phone.locator("main").inner_text()
    # another department's officer has only its own obligation to act on
    other = _signed_in(browser, server, "zhao")
    other.goto(server.base + f"/w/{whistle}")
    assert "签收" in other.locator("form.action button").all_inner_texts()
    assert "区公安分局 (牵头): 已报到" in other.locator("main").inner_text()


def test_the_pages_speak_english_when_asked(browser: Any, server: Server) -> None:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(server.base + "/login")
    assert page.get_by_role("button", name="Sign in").is_visible()
    page.goto(server.base + "/login?lang=zh")
    assert page.get_by_role("button", name="登录").is_visible()


def test_a_form_from_elsewhere_is_refused(browser: Any, server: Server, tmp_path: Path) -> None:
    page = _signed_in(browser, server, "wang")
    page.goto(server.base + "/")
    page.evaluate("document.querySelector('#case input[name=csrf_token]').value = 'forged'")
    page.get_by_label("问题类型").fill("噪声扰民")
    page.get_by_label("噪声来源").select_option("社会生活")
    with page.expect_navigation():
        page.evaluate("document.querySelector('#case').submit()")
    assert "表单已失效" in page.locator("main").inner_text()
