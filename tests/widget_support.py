"""What the widget's browser tests share: a real ``tobira serve`` process with a city YAML that
allows one host origin, host pages served from other loopback ports, Debian's Chromium, a
caseworker on the console API, and axe-core (installed by scripts/setup.sh)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, SECRET

ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TOBIRA = str(Path(sys.executable).parent / "tobira")
CHROMIUM = os.environ.get("TOBIRA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
STAFF, PASSWORD = "kato", "kato-password-2026"
HOST_CSS = "button, div, p { background: #f0f !important; font-size: 40px !important; color: red !important; }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def host_page(tobira: str, title: str) -> bytes:
    """A city's page on another origin: its own (hostile) CSS and the one tag from WIDGET.md."""
    return f"""<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<link rel="stylesheet" href="/site.css"></head>
<body><main><h1>{title}</h1><p>市のページです。</p><button type="button" id="site-button">市のボタン</button></main>
<script src="{tobira}/widget.js" data-exit-url="about:blank" defer></script></body></html>""".encode()


@contextlib.contextmanager
def host_site(tobira: str, port: int = 0, title: str = "とびら市 福祉のページ") -> Iterator[str]:
    """Serve the host page on its own loopback port, with a CSP that allows only tobira."""
    csp = (f"default-src 'self'; script-src 'self' {tobira}; style-src 'self' {tobira}; "
           f"connect-src {tobira}; img-src 'self'")  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            css = self.path == "/site.css"
            body = HOST_CSS.encode() if css else host_page(tobira, title)
            self.send_response(200)
            self.send_header("Content-Type", "text/css" if css else "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Tobira:
    base: str
    allowed_host: str  # a loopback origin the city's YAML allows
    host_port: int


@contextlib.contextmanager
def tobira_server(tmp_path: Path) -> Iterator[Tobira]:
    host_port = free_port()
    allowed = f"http://127.0.0.1:{host_port}"
    city = (REPO / "bot" / "cities" / "demo.yaml").read_text(encoding="utf-8")
    city = city.replace("allowed_origins: []", f'allowed_origins: ["{allowed}"]')
    (tmp_path / "city.yaml").write_text(city, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOBIRA_", "LINE_"))}
    env.update({"TOBIRA_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "TOBIRA_SECRET_KEY": SECRET,
                "TOBIRA_MUNICIPALITY": str(tmp_path / "city.yaml")})  # fmt: skip
    added = subprocess.run([TOBIRA, "staff", "add", STAFF, "--role", "admin", "--password-stdin"],
                           input=PASSWORD + "\n", text=True, env=env, capture_output=True, timeout=60)  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([TOBIRA, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
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
        yield Tobira(base, allowed, host_port)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@contextlib.contextmanager
def allowed_host_site(tobira: Tobira) -> Iterator[str]:
    """The host page on exactly the port the city's YAML allows."""
    with host_site(tobira.base, tobira.host_port) as url:
        yield url


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Caseworker:
    def __init__(self, base: str) -> None:
        self.api = httpx.Client(base_url=base, timeout=20)
        token = self.api.post("/api/console/login", json={"username": STAFF, "password": PASSWORD})
        self.api.headers["Authorization"] = f"Bearer {token.json()['token']}"

    def handoffs(self) -> list[dict[str, Any]]:
        return list(self.api.get("/api/console/handoffs").json()["handoffs"])

    def take_and_say(self, text: str) -> str:
        hid = str(next(h["id"] for h in self.handoffs() if h.get("state") == "queued"))
        assert self.api.post(f"/api/console/handoffs/{hid}/claim").status_code == 200
        assert self.api.post(f"/api/console/handoffs/{hid}/live").status_code == 200
        self.say(hid, text)
        return hid

    def say(self, hid: str, text: str) -> None:
        sent = self.api.post(f"/api/console/handoffs/{hid}/messages", json={"text": text})
        assert sent.status_code == 200, sent.text


def consent_in_widget(
    page: Any, expect: Callable[..., Any], scope: str = "a:consent:agree"
) -> None:
    """The resident opens the widget, asks for a caseworker and approves the summary (``scope``:
    the consent button — the summary only, or with the conversation's record)."""
    page.click("tobira-chat .launcher")
    expect(page.locator("tobira-chat .log")).to_contain_text("相談してくれて")
    page.click("tobira-chat button[data-code='a:intro:start']")
    expect(page.locator("tobira-chat .log")).to_contain_text("どなたのこと")
    page.fill("tobira-chat textarea", "相談員と話したい")
    page.keyboard.press("Control+Enter")
    page.click("tobira-chat button[data-code='a:summary:ok']")
    page.click(f"tobira-chat button[data-code='{scope}']")
    expect(page.locator("tobira-chat .log")).to_contain_text("まとめを相談員に引き継ぎます")


def axe(page: Any, context: str | None = None) -> list[dict[str, Any]]:
    """Critical and serious axe-core violations on the page (shadow roots included)."""
    assert AXE.exists(), f"axe-core missing at {AXE}: scripts/setup.sh installs it"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (ctx) => await axe.run(ctx || document, {resultTypes: ['violations']})", context
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]
