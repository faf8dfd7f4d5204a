"""In a real browser: a person in danger who has not consented appears in the console queue at
once as an alert card (no reload, no words), and the caseworker's message from the card's page
reaches them on LINE after the bot's 「相談員が読んでいます」."""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Page, expect

from bot.app import create_app
from handoff.auth import create_staff
from tests.conftest import make_settings
from tests.fakeline import text_event
from tests.test_browser_console import (
    ARTIFACTS,
    LINE_SECRET,
    LINE_TOKEN,
    PASSWORD,
    SECRET,
    USER,
    FakeLine,
    Resident,
    chromium,
    fake_line,  # noqa: F401 (fixture)
    free_port,
)

WORDS = "今夜、首を吊ります。ロープも用意した"


async def test_the_alert_card_appears_live_and_the_caseworker_writes_from_it(
    tmp_path: Path,
    fake_line: FakeLine,  # noqa: F811
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
        resident = Resident(fake_line, f"{url}/line/webhook")
        async with chromium() as browser:
            context = await browser.new_context(locale="ja-JP")
            page: Page = await context.new_page()
            csp: list[str] = []
            page.on(
                "console", lambda m: csp.append(m.text) if "Content Security" in m.text else None
            )
            await page.goto(f"{url}/console/queue")
            await page.fill("#username", "sato")
            await page.fill("#password", PASSWORD)
            await page.click("#login")
            await page.wait_for_url(f"{url}/console/queue")
            await expect(page.locator("#live-status")).to_have_text("自動更新：接続中")
            await page.evaluate("window.__sameDocument = true")

            await resident.send(text_event(USER, WORDS))  # no consent, no handoff
            card = page.locator("#alerts tbody tr")
            await card.first.wait_for(timeout=15_000)
            assert await page.evaluate("window.__sameDocument === true"), "the queue reloaded"
            shown = await page.inner_text("#alerts")
            assert "P0" in shown and "自殺の危険" in shown and "LINE" in shown
            assert "首" not in await page.content()  # no words, no summary
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "console-alert-card.png"), full_page=True)

            await card.first.locator("a.open").click()
            await page.wait_for_selector("#alert-card")
            pushes = len(fake_line.pushes)
            await page.fill("#alert-text", "市の相談員の佐藤です。いま、どこにいますか。")
            await page.click("#alert-send")
            await expect(page.locator(".notice")).to_have_text("送信しました。")
            await fake_line.wait_for(lambda f: len(f.pushes) > pushes, timeout=15)
            texts = fake_line.pushes[-1].texts
            assert "相談員が読んでいます" in texts[0]
            assert texts[1] == "市の相談員の佐藤です。いま、どこにいますか。"
            assert csp == []
            await context.close()
    finally:
        server.should_exit = True
        await task
