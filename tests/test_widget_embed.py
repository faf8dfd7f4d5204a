"""The widget on a city's own site: a host page on one loopback origin embeds ``/widget.js`` from
tobira on another, in real Chromium, under a host CSP that allows only tobira (docs/WIDGET.md).
The resident completes turns and hears from a caseworker; 削除 typed during the live chat is a
command (confirmed, then everything is gone); an origin the city did not list gets no CORS
headers and a kind sentence; the host page's CSS cannot reach the widget."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.widget_support import (
    ARTIFACTS,
    Caseworker,
    allowed_host_site,
    chromium,
    consent_in_widget,
    host_site,
    tobira_server,
)

pytestmark = pytest.mark.browser


def test_preflight_answers_the_citys_origins_only(tmp_path: Path) -> None:
    with tobira_server(tmp_path) as tobira:
        api = httpx.Client(base_url=tobira.base, timeout=10)
        ask = {"Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type,x-tobira-session"}  # fmt: skip
        ok = api.options("/api/chat/send", headers={"Origin": tobira.allowed_host, **ask})
        assert ok.status_code == 204
        assert ok.headers["access-control-allow-origin"] == tobira.allowed_host
        assert "x-tobira-session" in ok.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in ok.headers
        other = "http://127.0.0.1:9"
        refused = api.options("/api/chat/send", headers={"Origin": other, **ask})
        assert not [h for h in refused.headers if h.lower().startswith("access-control-")]
        sneaked = api.post("/api/chat/send", headers={"Origin": other, "X-Tobira-Session": "s" * 22},
                           json={"text": "こんにちは"})  # fmt: skip
        assert sneaked.status_code == 403 and "access-control-allow-origin" not in sneaked.headers
        sent = api.post("/api/chat/send", headers={"Origin": tobira.allowed_host,
                        "X-Tobira-Session": "s" * 22}, json={"event": "follow"})  # fmt: skip
        assert sent.status_code == 200
        assert sent.headers["access-control-allow-origin"] == tobira.allowed_host
        for path in ("/widget.js", "/widget.css", "/api/chat/history"):
            r = api.get(path, headers={"X-Tobira-Session": "s" * 22})
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["referrer-policy"] == "no-referrer", path
        assert "set-cookie" not in sent.headers


def test_a_city_page_on_another_origin_embeds_the_widget(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    with (
        tobira_server(tmp_path) as tobira,
        allowed_host_site(tobira) as site,
        chromium() as browser,
    ):
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 800})
        requests: list[str] = []
        csp: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
        page.goto(site)
        # nothing global but the one element: no stylesheet, id or script added to the page
        assert (
            page.evaluate("document.querySelectorAll('body > *').length") == 3
        )  # main, script, tobira-chat
        assert page.evaluate("document.head.querySelectorAll('link').length") == 1  # the site's own
        assert page.evaluate("document.querySelector('tobira-chat').shadowRoot !== null")
        launcher = page.locator("tobira-chat .launcher")
        assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(47, 111, 94)"
        assert launcher.evaluate("b => getComputedStyle(b).fontSize") != "40px"
        assert not page.evaluate(
            "Object.keys(window).some(k => k.toLowerCase().includes('tobira'))"
        )

        consent_in_widget(page, expect)
        worker = Caseworker(tobira.base)
        worker.take_and_say("相談員の加藤です。お話を聞かせてください。")
        staff = page.locator("tobira-chat .msg.staff")
        expect(staff).to_contain_text("相談員の加藤です")
        expect(staff.locator(".who")).to_have_text("相談員")  # not colour alone
        page.screenshot(path=str(ARTIFACTS / "widget-cross-origin-live.png"))

        # 削除 during the live chat is a command: confirmed, then the chat ends and all is gone
        page.fill("tobira-chat textarea", "削除")
        page.keyboard.press("Control+Enter")
        expect(page.locator("tobira-chat .log")).to_contain_text("すべて削除しますか")
        page.click("tobira-chat button[data-code='a:confirm_delete:yes']")
        expect(page.locator("tobira-chat .log")).to_contain_text("すべて削除しました")
        expect(page.locator("tobira-chat .log")).not_to_contain_text("相談員の加藤です")
        assert worker.handoffs() == []
        assert page.evaluate("sessionStorage.length + localStorage.length") == 0

        hosts = {urlsplit(u).netloc for u in requests if not u.startswith(("data:", "about:"))}
        assert hosts == {urlsplit(site).netloc, urlsplit(tobira.base).netloc}, hosts
        assert csp == []


def test_an_origin_the_city_did_not_list_is_told_kindly(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with tobira_server(tmp_path) as tobira, host_site(tobira.base) as site, chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        page.goto(site)
        page.click("tobira-chat .launcher")
        expect(page.locator("tobira-chat .log")).to_contain_text(
            "このページからは相談チャットを使えない"
        )
        expect(page.locator("tobira-chat .log")).not_to_contain_text("つながりにくい")
        assert page.evaluate("localStorage.length") == 0
