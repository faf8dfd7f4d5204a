"""The chat widget: its JSON API over HTTP, and a resident using it in a real headless Chromium
while a caseworker answers from the console API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SECRET

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
TOBIRA = str(Path(sys.executable).parent / "tobira")
SESSION = "w" * 22


async def _post(client: httpx.AsyncClient, **payload: Any) -> httpx.Response:
    return await client.post("/api/chat/send", json={"session": SESSION, **payload})


async def test_the_widget_api_runs_the_same_intake(sqlite_app: Any) -> None:
    transport = httpx.ASGITransport(app=sqlite_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        first = (await _post(client, event="follow")).json()
        assert any("相談してくれて" in m for m in first["messages"])
        assert {"code": "a:intro:start", "label": "話してみる"} in first["options"]
        second = (await _post(client, code="a:intro:start")).json()
        assert "どなたのこと" in second["messages"][-1]
        page = await client.get("/demo")
        assert (
            '<script src="/widget.js"' in page.text
            and "script-src 'self'" in page.headers["content-security-policy"]
        )
        assert (
            (await client.get("/widget.js")).headers["content-type"].startswith("text/javascript")
        )


async def test_bad_widget_input_gets_a_kind_answer_and_leaves_nothing(sqlite_app: Any) -> None:
    transport = httpx.ASGITransport(app=sqlite_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        broken = await client.post(
            "/api/chat/send", content=b'{"session": "', headers={"content-type": "application/json"}
        )
        assert broken.status_code == 400 and "もう一度" in broken.json()["error"]
        huge = await client.post("/api/chat/send", content=b"x" * (70 * 1024))
        assert huge.status_code == 413 and "長すぎます" in huge.json()["error"]
        empty = await _post(client, text="   ")
        assert empty.status_code == 400
        bad_session = await client.post(
            "/api/chat/send", json={"session": "../../etc", "text": "こんにちは"}
        )
        assert bad_session.status_code == 400
        assert (
            await client.get("/api/chat/events", params={"session": SESSION})
        ).status_code == 404
    assert await sqlite_app.state.service.conversation_count() == 0
    long_text = "息子のことです。" * 625  # 5,000 characters
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        ok = await _post(client, text=long_text)
        assert ok.status_code == 200 and ok.json()["messages"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOBIRA_", "LINE_"))}
    env.update(
        {"TOBIRA_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "TOBIRA_SECRET_KEY": SECRET}
    )
    added = subprocess.run([TOBIRA, "staff", "add", "kato", "--role", "staff", "--password-stdin"],
                           input="kato-password-2026\n", text=True, env=env, capture_output=True, timeout=60)  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = _free_port()
    proc = subprocess.Popen([TOBIRA, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.browser
def test_a_resident_on_the_widget_consents_and_hears_from_a_caseworker(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(locale="ja-JP")
        page.goto(f"{server}/demo")
        page.click("#tobira-open")
        expect(page.locator(".tobira-log")).to_contain_text("相談してくれて")
        page.click("button[data-code='a:intro:start']")
        expect(page.locator(".tobira-log")).to_contain_text("どなたのこと")
        page.fill(".tobira-form textarea", "<img src=x onerror=alert(1)>相談員と話したい")
        page.click(".tobira-form button[type=submit]")
        expect(page.locator(".tobira-log")).to_contain_text(
            "<img src=x onerror=alert(1)>"
        )  # shown as text
        assert page.locator(".tobira-log img").count() == 0
        page.fill(".tobira-form textarea", "相談員と話したい")
        page.click(".tobira-form button[type=submit]")
        page.click("button[data-code='a:summary:ok']")
        page.click("button[data-code='a:consent:agree']")
        expect(page.locator(".tobira-log")).to_contain_text(
            "ありがとうございます。まとめを相談員に引き継ぎます"
        )

        api = httpx.Client(base_url=server, timeout=10)
        token = api.post(
            "/api/console/login", json={"username": "kato", "password": "kato-password-2026"}
        ).json()["token"]
        api.headers["Authorization"] = f"Bearer {token}"
        handoff = api.get("/api/console/handoffs").json()["handoffs"][0]
        assert api.post(f"/api/console/handoffs/{handoff['id']}/claim").status_code == 200
        assert api.post(f"/api/console/handoffs/{handoff['id']}/live").status_code == 200
        sent = api.post(
            f"/api/console/handoffs/{handoff['id']}/messages",
            json={"text": "相談員の加藤です。お話を聞かせてください。"},
        )
        assert sent.status_code == 200, sent.text
        expect(page.locator(".tobira-staff")).to_contain_text("相談員の加藤です")
        page.screenshot(path=str(ARTIFACTS / "widget-live-chat.png"))

        page.click("#tobira-exit")  # quick exit leaves nothing on screen
        page.wait_for_url("about:blank")
        browser.close()
