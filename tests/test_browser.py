"""The pages as people use them, in a real Chromium against a real `dutylist serve`: a
dispatcher at a street's desk routes a case and blows the whistle; a department's
officer, on a phone, sees it on the board, signs and arrives; nobody sees a form their
role or unit may not use; a signed-out visitor is sent to sign in."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
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
    people.add(catalog, "sun", "zjj", "officer", PASSWORD)  # 区住房和城乡建设局: not obliged
    store.close()
    running = Server(db, free_port())
    running.start()
    yield running
    running.stop()


CONSOLE_ERRORS: list[str] = []


@pytest.fixture(autouse=True)
def _no_console_errors() -> Iterator[None]:
    """Every page a test opened showed no error in the browser's console."""
    CONSOLE_ERRORS.clear()
    yield
    assert CONSOLE_ERRORS == []


def _signed_in(browser: Any, server: Server, name: str, **context: Any) -> Any:
    page = browser.new_context(locale="zh-CN", **context).new_page()
    page.on("console", lambda m: CONSOLE_ERRORS.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: CONSOLE_ERRORS.append(str(e)))
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
    problem = page.get_by_label("问题类型")
    problem.fill("zsrm")  # pinyin initials: the autocomplete offers 噪声扰民
    offered = page.locator("#problems option[value='噪声扰民']")
    offered.wait_for(state="attached")
    problem.fill(offered.get_attribute("value") or "")  # as choosing it from the list does
    place = page.get_by_label("属地")
    place.fill("桃园")
    page.locator("#places option[value='桃园社区']").wait_for(state="attached")
    place.fill("桃园社区")
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
    assert "改派" in forms and "评价" in forms and "签收" not in forms


def test_an_officer_on_a_phone_signs_and_arrives_and_the_board_follows(
    browser: Any, server: Server
) -> None:
    desk = _signed_in(browser, server, "wang")
    desk.goto(server.base + "/")
    desk.get_by_label("问题类型").fill("噪声扰民")
    desk.get_by_label("属地").fill("桃园社区")
    desk.get_by_label("噪声来源").select_option("社会生活")
    desk.locator("#answer [data-place='gulou.taoyuan']").wait_for()
    desk.get_by_role("button", name="吹哨").last.click()
    desk.wait_for_url(re.compile(r"/w/W\d{6}$"))
    whistle = desk.url.rsplit("/", 1)[1]
    desk.goto(server.base + "/board")
    card = desk.locator("li.card", has_text=whistle)
    assert "区公安分局 (牵头): 待签收" in card.inner_text()

    phone = _signed_in(browser, server, "li", viewport=PHONE, is_mobile=True, has_touch=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
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
    # the dispatcher's board refreshes itself and shows it
    desk.wait_for_function(
        f"[...document.querySelectorAll('li.card')].some(c => c.innerText.includes('{whistle}')"
        " && c.innerText.includes('区公安分局 (牵头): 已报到'))",
        timeout=20_000,
    )
    # an officer of a unit the whistle does not oblige sees it, and no form for it
    outsider = _signed_in(browser, server, "sun")
    outsider.goto(server.base + f"/w/{whistle}")
    assert outsider.locator("form.action").count() == 0
    assert "区公安分局 (牵头): 已报到" in outsider.locator("main").inner_text()


def test_with_the_clock_moved_on_overdue_and_escalation_appear(
    browser: Any, server: Server
) -> None:
    desk = _signed_in(browser, server, "wang")
    desk.goto(server.base + "/")
    desk.get_by_label("问题类型").fill("噪声扰民")
    desk.get_by_label("属地").fill("桃园社区")
    desk.get_by_label("噪声来源").select_option("社会生活")
    desk.locator("#answer [data-place='gulou.taoyuan']").wait_for()
    desk.get_by_role("button", name="吹哨").last.click()
    desk.wait_for_url(re.compile(r"/w/W\d{6}$"))
    whistle = desk.url.rsplit("/", 1)[1]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)
    swept = subprocess.run(
        [sys.executable, "-m", "dutylist", "whistle", "sweep", "--now", later.isoformat(),
         "--db", str(server.db)], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert swept.returncode == 0 and whistle in swept.stdout
    desk.context.clock.set_fixed_time(later)  # the browser's clock, for the countdowns
    desk.goto(server.base + "/board")
    card = desk.locator("li.card", has_text=whistle)
    assert "已升级" in card.inner_text()
    desk.wait_for_function(
        "[...document.querySelectorAll('time.countdown')].some(t => t.innerText.startsWith('已超时'))"
    )
    assert "overdue" in (card.locator("time.countdown").first.get_attribute("class") or "")


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
    # the live answer's requests were refused too: the 403s in the console are the point
    assert CONSOLE_ERRORS and all("403" in e for e in CONSOLE_ERRORS)
    CONSOLE_ERRORS.clear()
