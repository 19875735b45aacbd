"""The README's screenshots: the pages as a dispatcher and an officer see them, taken in
Debian's Chromium (Playwright) against a real `dutylist serve` on a fresh store.

    make screenshots          (or .venv/bin/python docs/screens.py): writes docs/screens/*.png
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from dutylist.service.people import People  # noqa: E402
from dutylist.session import open_session  # noqa: E402
from dutylist.store.log import Store  # noqa: E402
from tests.browser import FLAGS, chromium_path  # noqa: E402
from tests.serving import Server, free_port  # noqa: E402

OUT = ROOT / "docs" / "screens"
PASSWORD = "盘龙-吹哨-2026"


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "whistles.db"
        store = Store(db)
        catalog = open_session(ROOT / "catalogs/panlong", "zh").catalog
        people = People(store)
        people.add(catalog, "wang", "gulou", "dispatcher", PASSWORD)
        people.add(catalog, "li", "ga", "officer", PASSWORD)
        store.close()
        server = Server(db, free_port())
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
                for size, viewport, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
                    shoot(browser, server, size, viewport, mobile)
                browser.close()
        finally:
            server.stop()
    for shot in sorted(OUT.glob("*.png")):
        print(shot.relative_to(ROOT))
    return 0


DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot(browser, server, size, viewport, mobile):  # type: ignore[no-untyped-def]
    """Each page as a dispatcher (dispatch, board, stats, catalogue) and as an officer
    (a whistle, after signing), at one size."""
    desk = sign_in(browser, server, "wang", viewport, mobile)
    desk.goto(server.base + "/")
    desk.get_by_label("问题类型").fill("噪声扰民")
    desk.get_by_label("属地").fill("桃园社区")
    desk.get_by_label("噪声来源").select_option("社会生活")
    desk.get_by_label("夜间（22时至次日6时）").select_option("true")
    desk.locator("#answer [data-place='gulou.taoyuan']").wait_for()
    desk.get_by_label("来电内容").fill("楼下KTV每晚吵到凌晨两点，没人管")
    desk.wait_for_timeout(600)
    desk.screenshot(path=OUT / f"dispatch-{size}.png", full_page=True)
    desk.get_by_role("button", name="吹哨").last.click()
    desk.wait_for_url(re.compile(r"/w/W\d{6}$"))
    whistle = desk.url.rsplit("/", 1)[1]
    officer = sign_in(browser, server, "li", viewport, mobile)
    officer.goto(server.base + f"/w/{whistle}")
    officer.get_by_role("button", name="签收").click()
    officer.wait_for_timeout(1200)
    officer.screenshot(path=OUT / f"whistle-{size}.png", full_page=True)
    for page in ("board", "stats", "catalog"):
        desk.goto(server.base + f"/{page}")
        desk.wait_for_timeout(1200)
        desk.screenshot(path=OUT / f"{page}-{size}.png", full_page=page != "catalog")


def sign_in(browser, server, name, viewport, mobile=False):  # type: ignore[no-untyped-def]
    page = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=mobile,
                               has_touch=mobile).new_page()  # fmt: skip
    page.goto(server.base + "/board")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/board"))
    return page


if __name__ == "__main__":
    sys.exit(main())
