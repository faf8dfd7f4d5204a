"""Accessible and comfortable, in real Chromium with axe-core: the demo page with the widget open
and every console page have no critical or serious violation; a keyboard alone completes an
intake; focus is managed and visible; Escape minimises; tap targets are ≥ 44 px on a phone; the
larger-text toggle and the language switch (chrome and dates too) work; the console fits a
390 px phone. Screenshots at 1280×800 and 390×844 go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.widget_support import (
    ARTIFACTS,
    PASSWORD,
    STAFF,
    Caseworker,
    axe,
    chromium,
    consent_in_widget,
    tobira_server,
)

pytestmark = pytest.mark.browser
# axe-core is injected as an inline script and wait_for_function evaluates strings: the pages'
# strict CSP would rightly refuse both, so these tests bypass it (test_widget_embed keeps it on)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 640, "height": 400}  # 1280×800 at 200 % zoom
FOCUSED = "(() => { const a = document.activeElement; return a && a.shadowRoot ? a.shadowRoot.activeElement : a; })()"


def focused(page: Any, what: str) -> Any:
    return page.evaluate(f"(() => {{ const f = {FOCUSED}; return f && f.{what}; }})()")


def tab_to(page: Any, code: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, "getAttribute('data-code')") == code:
            return
    raise AssertionError(f"Tab never reached the button {code}")


def test_a_keyboard_alone_completes_an_intake(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with tobira_server(tmp_path) as tobira, chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport=DESKTOP, bypass_csp=True)
        page.goto(f"{tobira.base}/demo")
        page.keyboard.press("Tab")
        assert focused(page, "className") == "launcher"
        page.keyboard.press("Enter")
        expect(page.locator("tobira-chat .log")).to_contain_text("相談してくれて")
        page.wait_for_function(f"{FOCUSED}.getAttribute('data-code') === 'a:intro:start'")
        ring = page.evaluate(f"getComputedStyle({FOCUSED}).outlineWidth")
        assert ring == "3px"  # the focus is visible
        page.keyboard.press("Enter")
        expect(page.locator("tobira-chat .log")).to_contain_text("どなたのこと")
        for _ in range(30):
            page.keyboard.press("Tab")
            if focused(page, "id") == "t-input":
                break
        page.keyboard.type("相談員と話したい")
        page.keyboard.press("Control+Enter")
        page.wait_for_function(f"{FOCUSED}.getAttribute('data-code') !== null")
        page.keyboard.press("Shift+Tab")
        tab_to(page, "a:summary:ok")
        page.keyboard.press("Enter")
        expect(page.locator("tobira-chat button[data-code='a:consent:agree']")).to_be_visible()
        tab_to(page, "a:consent:agree")
        page.keyboard.press("Enter")
        expect(page.locator("tobira-chat .log")).to_contain_text("まとめを相談員に引き継ぎます")
        page.keyboard.press("Escape")
        expect(page.locator("tobira-chat .panel")).to_be_hidden()
        assert focused(page, "className") == "launcher"
        assert len(Caseworker(tobira.base).handoffs()) == 1


def test_the_widget_open_passes_axe_and_fits_a_phone(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    with tobira_server(tmp_path) as tobira, chromium() as browser:
        for name, size in (("1280x800", DESKTOP), ("390x844", PHONE), ("zoom200", ZOOMED)):
            page = browser.new_page(locale="ja-JP", viewport=size, bypass_csp=True)
            page.goto(f"{tobira.base}/demo")
            consent_in_widget(page, expect)
            Caseworker(tobira.base).take_and_say("相談員の加藤です。")
            expect(page.locator("tobira-chat .msg.staff")).to_contain_text("相談員の加藤です")
            page.click("tobira-chat button[aria-controls='t-menu']")
            page.fill("tobira-chat textarea", "やっぱり削除")
            page.keyboard.press("Control+Enter")
            page.fill("tobira-chat textarea", "削除")
            page.keyboard.press("Control+Enter")
            expect(page.locator("tobira-chat .options button").first).to_be_visible()
            page.locator("tobira-chat .log").evaluate("l => { l.scrollTop = l.scrollHeight; }")
            assert axe(page) == []
            page.screenshot(path=str(ARTIFACTS / f"widget-open-{name}.png"))
            if size is PHONE:
                small = page.evaluate(
                    "[...document.querySelector('tobira-chat').shadowRoot.querySelectorAll('button, select, textarea')]"
                    ".filter(b => b.offsetParent).map(b => b.getBoundingClientRect())"
                    ".filter(r => r.height < 44 || r.width < 44).length"
                )
                assert small == 0
                assert page.locator("tobira-chat .log").bounding_box()["height"] > 250  # type: ignore[index]
            if size is ZOOMED:  # the answers scroll sideways in one row; the log keeps its room
                page.click("tobira-chat button[aria-controls='t-menu']")  # the menu folds away
                assert page.locator("tobira-chat .log").bounding_box()["height"] > 180  # type: ignore[index]
            page.close()


def test_language_switch_and_larger_text(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with tobira_server(tmp_path) as tobira, chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport=DESKTOP, bypass_csp=True)
        page.goto(f"{tobira.base}/demo")
        consent_in_widget(page, expect)
        Caseworker(tobira.base).take_and_say("相談員の加藤です。")
        staff_time = page.locator("tobira-chat .msg.staff time")
        expect(staff_time).to_have_text(re.compile(r"^\d+/\d+\(.\) \d\d:\d\d$"))
        size = page.locator("tobira-chat .log p").first.evaluate(
            "p => parseFloat(getComputedStyle(p).fontSize)"
        )
        page.click("tobira-chat button[aria-controls='t-menu']")
        page.click("tobira-chat .menu button[aria-pressed]")
        bigger = page.locator("tobira-chat .log p").first.evaluate(
            "p => parseFloat(getComputedStyle(p).fontSize)"
        )
        assert bigger >= size * 1.2
        expect(page.locator("tobira-chat .menu button[aria-pressed]")).to_have_attribute(
            "aria-pressed", "true"
        )
        page.select_option("tobira-chat #t-lang", "en")
        expect(page.locator("tobira-chat .form button")).to_have_text("Send")
        expect(page.locator("tobira-chat .exit")).to_have_text("Quick exit")
        expect(page.locator("tobira-chat .msg.staff .who")).to_have_text("Caseworker (相談員)")
        expect(staff_time).to_have_text(
            re.compile(r"^[A-Z][a-z]{2} \d+ [A-Z][a-z]{2},? \d\d:\d\d$")
        )
        page.fill("tobira-chat textarea", "thank you")
        page.keyboard.press("Control+Enter")
        page.keyboard.press("Escape")
        expect(page.locator("tobira-chat .launcher")).to_have_text("Talk to us")
        assert page.evaluate("document.querySelector('tobira-chat').getAttribute('lang')") == "en"
        page.click("tobira-chat .launcher")
        page.select_option("tobira-chat #t-lang", "ja-easy")
        expect(page.locator("tobira-chat .form button")).to_have_text("おくる")


def test_every_console_page_passes_axe_and_fits_a_phone(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    with tobira_server(tmp_path) as tobira, chromium() as browser:
        resident = browser.new_page(locale="ja-JP")
        resident.goto(f"{tobira.base}/demo")
        consent_in_widget(resident, expect, scope="a:consent:agree_transcript")  # page w/ record
        hid = Caseworker(tobira.base).take_and_say("相談員の加藤です。")
        for name, size in (("1280x800", DESKTOP), ("390x844", PHONE)):
            context = browser.new_context(locale="ja-JP", viewport=size, bypass_csp=True)
            page = context.new_page()
            pages: list[tuple[str, str]] = []
            page.goto(f"{tobira.base}/console/login")
            pages.append(("login", page.url))
            check_console_page(page, f"login-{name}", size)
            page.fill("#username", STAFF)
            page.fill("#password", PASSWORD)
            page.click("#login")
            page.wait_for_url("**/console/queue")
            check_console_page(page, f"queue-{name}", size)
            page.goto(f"{tobira.base}/console/handoffs/{hid}")
            page.fill("#reason", "相談内容の確認のため")
            page.click("#show-transcript")
            expect(page.locator("#transcript")).to_contain_text("（選択：話してみる）")
            expect(page.locator("#transcript")).not_to_contain_text("a:intro:start")
            check_console_page(page, f"handoff-{name}", size)
            page.goto(f"{tobira.base}/console/audit")
            check_console_page(page, f"audit-{name}", size)
            page.goto(f"{tobira.base}/console/staff")
            check_console_page(page, f"staff-{name}", size)
            context.close()


def check_console_page(page: Any, name: str, size: dict[str, int]) -> None:
    assert page.locator("h1").count() == 1, name
    assert axe(page) == [], name
    if size is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)
