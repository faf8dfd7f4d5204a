"""The widget on a shared family computer, in real Chromium: quick-exit leaves nothing behind;
reopening shows the stored (redacted) history, staff messages sent while the widget was closed,
and the buttons after the caseworker returns the chat to the bot; resuming another day only
when the person asks (a resume code, or this device remembers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.widget_support import Caseworker, chromium, consent_in_widget, tobira_server

pytestmark = pytest.mark.browser
LOG = "tobira-chat .log"


def test_quick_exit_then_reopening_shows_nothing(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with tobira_server(tmp_path) as tobira, chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        page.goto(f"{tobira.base}/demo")
        page.click("tobira-chat .launcher")
        page.click("tobira-chat button[data-code='a:intro:start']")
        page.fill("tobira-chat textarea", "母のことです。ずっと家にいます")
        page.keyboard.press("Control+Enter")
        expect(page.locator(LOG)).to_contain_text("ずっと家にいます")
        assert (
            page.evaluate("sessionStorage.length") == 1
            and page.evaluate("localStorage.length") == 0
        )
        page.click("tobira-chat .exit")
        page.wait_for_url("about:blank")
        page.go_back()  # the consultation page is not in the history any more
        assert "/demo" not in page.url
        page.goto(f"{tobira.base}/demo")
        assert page.evaluate("sessionStorage.length + localStorage.length") == 0
        page.click("tobira-chat .launcher")
        expect(page.locator(LOG)).to_contain_text("相談してくれて")
        expect(page.locator(LOG)).not_to_contain_text("ずっと家にいます")
        expect(page.locator(LOG)).not_to_contain_text("おかえりなさい")


def test_reopening_shows_history_staff_messages_and_buttons(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with tobira_server(tmp_path) as tobira, chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        page.goto(f"{tobira.base}/demo")
        consent_in_widget(page, expect)
        worker = Caseworker(tobira.base)
        hid = worker.take_and_say("相談員の加藤です。")
        expect(page.locator("tobira-chat .msg.staff")).to_contain_text("相談員の加藤です")
        page.fill("tobira-chat textarea", "電話は090-1234-5678です")
        page.keyboard.press("Control+Enter")
        expect(page.locator(LOG)).to_contain_text("090-1234-5678")  # the echo, on screen only
        page.keyboard.press("Escape")  # minimised; focus back on the launcher
        assert (
            page.evaluate("document.activeElement.shadowRoot.activeElement.className") == "launcher"
        )
        worker.say(hid, "お返事を待っています。")  # sent while the widget is closed
        expect(page.locator("tobira-chat .launcher")).to_contain_text("●")
        page.reload()
        page.click("tobira-chat .launcher")
        staff = page.locator("tobira-chat .msg.staff")
        expect(staff).to_have_count(2)
        expect(staff.nth(1)).to_contain_text("お返事を待っています")
        expect(page.locator(LOG)).not_to_contain_text("090-1234-5678")  # as stored: redacted
        expect(page.locator(LOG)).to_contain_text("電話は")
        expect(page.locator("tobira-chat .options button")).to_have_count(0)  # live: no buttons
        assert worker.api.post(f"/api/console/handoffs/{hid}/return").status_code == 200
        expect(page.locator("tobira-chat .options button").first).to_be_visible()
        expect(page.locator("tobira-chat .options button").first).to_be_focused()


def test_resuming_another_day_only_when_asked(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with tobira_server(tmp_path) as tobira, chromium() as browser:
        context = browser.new_context(locale="ja-JP")
        page = context.new_page()
        page.goto(f"{tobira.base}/demo")
        page.click("tobira-chat .launcher")
        page.click("tobira-chat button[data-code='a:intro:start']")
        page.fill("tobira-chat textarea", "弟のことで相談です")
        page.keyboard.press("Control+Enter")
        expect(page.locator(LOG)).to_contain_text("弟のことで")
        page.click("tobira-chat button[aria-controls='t-menu']")
        page.click("tobira-chat button[aria-controls='t-resume']")
        page.click("tobira-chat .resume button >> nth=0")
        code = page.locator("tobira-chat .resume .code").inner_text()
        assert len(code) == 11 and code[5] == "-"
        page.close()  # the tab closes: sessionStorage is gone, nothing was remembered

        fresh = context.new_page()
        fresh.goto(f"{tobira.base}/demo")
        assert fresh.evaluate("sessionStorage.length + localStorage.length") == 0
        fresh.click("tobira-chat .launcher")
        expect(fresh.locator(LOG)).not_to_contain_text("弟のことで")
        fresh.click("tobira-chat button[aria-controls='t-menu']")
        fresh.click("tobira-chat button[aria-controls='t-resume']")
        fresh.fill("tobira-chat #t-code", "ZZZZZ-ZZZZZ")
        fresh.click("tobira-chat .resume form button")
        expect(fresh.locator(LOG)).to_contain_text("見つかりませんでした")
        fresh.fill("tobira-chat #t-code", code.lower().replace("-", " "))
        fresh.click("tobira-chat .resume form button")
        expect(fresh.locator(LOG)).to_contain_text("弟のことで")

        # remembering on this device is a choice, and can be undone
        fresh.click("tobira-chat button[aria-controls='t-resume']")
        fresh.click("tobira-chat .resume button >> nth=1")
        assert fresh.evaluate("localStorage.length") == 1
        third = context.new_page()
        third.goto(f"{tobira.base}/demo")
        third.click("tobira-chat .launcher")
        expect(third.locator(LOG)).to_contain_text("弟のことで")
        third.click("tobira-chat .exit")
        third.wait_for_url("about:blank")
        assert third.evaluate("localStorage.length") == 0
