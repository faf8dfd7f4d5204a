"""A caseworker in a real headless Chromium and a resident on the fake LINE platform.

The caseworker signs in, sees the resident's handoff appear without reloading, opens it, claims
it and replies; the reply reaches the resident by LINE push; the resident's answer (markup and
all) shows inert in the chat; the caseworker returns the chat to the bot and the bot resumes.

Run twice: one in-process server on SQLite, and two real ``uvicorn`` processes sharing PostgreSQL
and Redis (caseworker on one, the resident's webhook on the other). Chromium must be installed
(Debian package ``chromium``): a missing browser fails the test, it never skips."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlmodel import select

from bot.app import create_app
from bot.db import Database
from handoff.auth import create_staff
from handoff.models import Handoff
from tests.conftest import REPO, fresh_pg_database, make_settings
from tests.fakeline import Call, FakeLine, follow_event, postback_event, text_event

CHROMIUM = os.environ.get("TOBIRA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts"
LINE_SECRET = "browser-test-channel-secret-0000"
LINE_TOKEN = "browser-test-access-token"
SECRET = "browser-test-secret-key-0123456789"
PASSWORD = "correct horse battery"
USER = "Ubrowserresident0001"
MARKUP = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><a href="javascript:window.__xss=3">押して</a>'

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium' "
            "(CI does; never `playwright install`)"
        )
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Resident:
    """A LINE user posting signed webhooks to one server and reading what the fake LINE got."""

    fake: FakeLine
    webhook_url: str
    user: str = USER

    async def post(self, event: dict[str, Any]) -> None:
        body, sig = self.fake.webhook([event])
        async with httpx.AsyncClient(timeout=20) as client:
            r = await client.post(
                self.webhook_url,
                content=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Line-Signature": sig,
                },
            )
        assert r.status_code == 200, r.text

    async def send(self, event: dict[str, Any]) -> Call:
        """Post an event and wait for the bot's answer to reach LINE."""
        before = len(self.fake.delivered)
        await self.post(event)
        await self.fake.wait_for(lambda f: len(f.delivered) > before, timeout=20)
        await asyncio.sleep(0.2)  # a reply may come in more than one call
        return self.fake.delivered[-1]

    async def hand_off(self) -> None:
        """Talk to the bot, skipping what can be skipped, until consenting to the handoff."""
        call = await self.send(follow_event(self.user))
        call = await self.send(text_event(self.user, "親のことで相談したいです"))
        for _ in range(60):
            offered = [a["data"] for a in call.quick_replies]
            if "a:consent:agree" in offered:
                await self.send(postback_event(self.user, "a:consent:agree"))
                return
            pick = next(
                (c for c in ("a:intro:start", "a:summary:ok", "u:skip", "m:done") if c in offered),
                None,
            ) or next((c for c in offered if c.startswith("a:")), None)
            assert pick, f"no way forward from {offered} after {call.texts}"
            call = await self.send(postback_event(self.user, pick))
        raise AssertionError("never reached the consent question")


async def caseworker_flow(
    browser: Browser, console_url: str, resident: Resident, label: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1400, "height": 1000})
    page: Page = await context.new_page()
    csp_errors: list[str] = []
    dialogs: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("dialog", lambda d: dialogs.append(d.message))

    # sign in
    await page.goto(f"{console_url}/console/queue")
    assert "/console/login" in page.url
    await page.fill("#username", "sato")
    await page.fill("#password", PASSWORD)
    await page.click("#login")
    await page.wait_for_url(f"{console_url}/console/queue")
    # (expect() rather than wait_for_function: the console's CSP forbids eval, rightly)
    await expect(page.locator("#live-status")).to_have_text("自動更新：接続中")
    await page.evaluate("window.__sameDocument = true")

    # a resident hands off over LINE; the queue shows it without a reload
    await resident.hand_off()
    row = page.locator("#waiting tbody tr")
    await row.first.wait_for(timeout=15_000)
    assert await page.evaluate("window.__sameDocument === true"), "the queue page was reloaded"
    assert (await page.title()).startswith("(1)")
    await page.screenshot(path=str(ARTIFACTS / f"console-queue-{label}.png"), full_page=True)

    # open it: the summary (A票) first
    await row.first.locator("a.open").click()
    await page.wait_for_selector(".sheet-title")
    assert "相談受付・申込票" in await page.inner_text(".sheet-title")
    await page.screenshot(path=str(ARTIFACTS / f"console-handoff-{label}.png"), full_page=True)

    # claim, then reply: the bot goes silent and the reply reaches LINE by push
    await page.click("#claim")
    await page.wait_for_selector("#reply")
    pushes_before = len(resident.fake.pushes)
    await page.fill("#reply", "相談員の佐藤です。メッセージを拝見しました。")
    await page.click("#send")
    # the first reply takes the chat over: the page reloads with the live-chat buttons
    await expect(page.locator("#messages li.staff .text").first).to_contain_text("相談員の佐藤です")
    await page.locator("#return").wait_for()
    await page.locator('body[data-live="ready"]').wait_for()
    await resident.fake.wait_for(
        lambda f: any(
            c.to == resident.user and "相談員の佐藤です。メッセージを拝見しました。" in c.texts
            for c in f.pushes[pushes_before:]
        ),
        timeout=15,
    )

    # the resident answers (with markup): the bot stays silent, the console shows it as text
    delivered_before = len(resident.fake.delivered)
    await resident.post(text_event(resident.user, MARKUP))
    # wait for this message itself (earlier resident turns are on the page already)
    shown = page.locator("#messages li.resident .text").filter(has_text="押して").last
    await shown.wait_for(timeout=15_000)
    text = await shown.text_content() or ""
    assert "<script>" in text or "〔" in text  # shown as characters (or redacted), never run
    assert await page.locator("#messages script, #messages img, #messages a").count() == 0
    assert await page.evaluate("window.__xss === undefined")
    await asyncio.sleep(1.0)
    assert len(resident.fake.delivered) == delivered_before, "the bot answered during a live chat"
    await page.screenshot(path=str(ARTIFACTS / f"console-chat-{label}.png"), full_page=True)

    # back to the bot: it re-asks its open question by push, and answers the next tap
    await page.click("#return")
    await page.wait_for_selector("#state")
    assert "ボット対応中" in await page.inner_text("#state")
    await resident.fake.wait_for(lambda f: len(f.delivered) > delivered_before, timeout=15)
    resumed = resident.fake.delivered[-1]
    assert resumed.to == resident.user and resumed.texts
    offered = [a["data"] for a in resumed.quick_replies]
    if offered:
        answer = await resident.send(postback_event(resident.user, offered[0]))
    else:
        answer = await resident.send(text_event(resident.user, "わかりました"))
    assert answer.texts

    assert dialogs == []
    assert csp_errors == [], csp_errors
    await context.close()


# ---------------------------------------------------------------------------- one server


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    with FakeLine(access_token=LINE_TOKEN, channel_secret=LINE_SECRET) as platform:
        yield platform


async def test_caseworker_takes_over_a_line_chat_in_the_browser(
    tmp_path: Path, fake_line: FakeLine
) -> None:
    import uvicorn

    port = free_port()
    app = create_app(
        make_settings(
            f"sqlite:///{tmp_path / 'tobira.db'}",
            secret_key=SECRET,
            line_api_base=fake_line.url,
            line_channel_secret=LINE_SECRET,
            line_channel_access_token=LINE_TOKEN,
        )
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.02)
        async with app.state.db.session() as s:
            await create_staff(s, "sato", PASSWORD, "staff")
        url = f"http://127.0.0.1:{port}"
        async with chromium() as browser:
            await caseworker_flow(
                browser, url, Resident(fake_line, f"{url}/line/webhook"), "single"
            )
        async with app.state.db.session() as s:
            handoff = (await s.exec(select(Handoff).where(Handoff.claimed_by == "sato"))).one()
        assert handoff.state == "returned_to_bot"
    finally:
        server.should_exit = True
        await task


# ---------------------------------------------------------------------------- two processes


@contextlib.contextmanager
def uvicorn_process(port: int, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "bot.app:app_from_env",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, f"server on {port} exited: {log.read_text()[-2000:]}"
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, (
                    f"server on {port} never ready: {log.read_text()[-2000:]}"
                )
                time.sleep(0.2)
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


@pytest.mark.postgres
async def test_two_server_processes_share_the_queue_and_the_chat(
    tmp_path: Path, fake_line: FakeLine, pg_server: str, redis_url: str
) -> None:
    with fresh_pg_database(pg_server) as database_url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TOBIRA_", "LINE_"))},
            "TOBIRA_DATABASE_URL": database_url,
            "TOBIRA_REDIS_URL": redis_url,
            "TOBIRA_SECRET_KEY": SECRET,
            "TOBIRA_LINE_API_BASE": fake_line.url,
            "LINE_CHANNEL_SECRET": LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        }
        console_port, webhook_port = free_port(), free_port()
        # started one after the other: each runs the migrations at start-up
        with (
            uvicorn_process(console_port, env, tmp_path / "console.log"),
            uvicorn_process(webhook_port, env, tmp_path / "webhook.log"),
        ):
            db = Database(database_url)
            try:
                async with db.session() as s:
                    await create_staff(s, "sato", PASSWORD, "staff")
                async with chromium() as browser:
                    await caseworker_flow(
                        browser,
                        f"http://127.0.0.1:{console_port}",
                        Resident(fake_line, f"http://127.0.0.1:{webhook_port}/line/webhook"),
                        "two-processes",
                    )
                async with db.session() as s:
                    handoff = (
                        await s.exec(select(Handoff).where(Handoff.claimed_by == "sato"))
                    ).one()
                assert handoff.state == "returned_to_bot"
            finally:
                await db.dispose()
