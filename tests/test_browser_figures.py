"""A supervisor reads the figures page in a real headless Chromium: the charts are drawn (inline
SVG, no script, nothing from another origin) under the console's strict Content-Security-Policy,
and the numbers on screen are the protected ones. Chromium must be installed (never skipped)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Page, expect

from bot.app import create_app
from handoff.auth import create_staff
from tests.conftest import make_settings
from tests.resident import Resident
from tests.test_browser_console import ARTIFACTS, PASSWORD, chromium, free_port

pytestmark = pytest.mark.browser


async def test_a_supervisor_sees_the_figures_charts_in_the_browser(tmp_path: Path) -> None:
    port = free_port()
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'tobira.db'}"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.02)
        for n in range(6):
            resident = Resident(app.state.service, address=f"browser-fig-{n}")
            await resident.say("相談したいです")
            await resident.skip_until("summary")
            await resident.tap("a:summary:ok")
            await resident.tap("a:consent:agree")
        async with app.state.db.session() as s:
            await create_staff(s, "chief", PASSWORD, "supervisor")
        url = f"http://127.0.0.1:{port}"
        async with chromium() as browser:
            context = await browser.new_context(
                locale="ja-JP", viewport={"width": 1400, "height": 1000}
            )
            page: Page = await context.new_page()
            problems: list[str] = []
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" and "404" not in m.text  # the browser's own /favicon.ico
                    else None
                ),
            )
            page.on(
                "response",
                lambda r: (
                    problems.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            page.on("request", lambda r: None if r.url.startswith(url) else problems.append(r.url))
            await page.goto(f"{url}/console/login")
            await page.fill("#username", "chief")
            await page.fill("#password", PASSWORD)
            await page.click("#login")
            await page.wait_for_url(f"{url}/console/queue")
            await page.click("text=集計")
            await page.wait_for_url(f"{url}/console/figures")
            charts = page.locator("figure svg")
            assert await charts.count() == 9
            monthly = charts.first
            await expect(monthly).to_be_visible()
            box = await monthly.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 100
            # six handoffs in one month: the bar is drawn and labelled 6
            assert await monthly.locator("rect").count() == 1
            await expect(monthly.get_by_text("6", exact=True)).to_have_count(1)
            cell = page.locator('table[data-section="相談の媒体"] td[data-row="計"][data-col="計"]')
            await expect(cell).to_have_text("6")
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "figures.png"), full_page=True)
            assert problems == []
    finally:
        server.should_exit = True
        await task
