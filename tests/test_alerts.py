"""On-call alerts: one alert per emergency reaches a loopback webhook and a local SMTP sink,
carries no resident text, is retried when the receiver fails, and the failure is visible."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller

from bot.alerts import AlertOutbox
from bot.db import Database, migrate
from flows.municipality import Municipality

DEMO = Path(__file__).resolve().parents[1] / "bot/cities/demo.yaml"
SUNDAY_3AM = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)  # Sun 29 Nov 03:00 JST


class Receiver:
    """A webhook receiver on loopback that can be told to fail."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.fail_next = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_next > 0:
                    outer.fail_next -= 1
                    self.send_response(503)
                else:
                    outer.bodies.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Sink:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as probe:  # the controller checks readiness on the port it is given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def city_with_oncall(webhook: str) -> Municipality:
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["oncall"] = {"webhook_url": webhook, "email": ["oncall@city.tobira.example.jp"]}
    return Municipality.model_validate(raw)


async def test_one_p0_at_night_sends_one_webhook_and_one_mail_without_text(
    db_url: str, receiver: Receiver, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    await asyncio.to_thread(migrate, db_url)
    db = Database(db_url)
    clock = [SUNDAY_3AM]
    outbox = AlertOutbox(
        db,
        city_with_oncall(receiver.url),
        public_url="https://tobira.example",
        smtp_url=f"smtp://127.0.0.1:{port}",
        smtp_from="tobira@city.tobira.example.jp",
        clock=lambda: clock[0],
    )
    try:
        assert outbox.should_alert("P1", SUNDAY_3AM) and outbox.should_alert("P0", SUNDAY_3AM)
        for _ in range(3):  # the same emergency written three times is one alert
            await outbox.record(
                conversation_id="c1",
                level="P0",
                category="suicide_imminent",
                channel="line",
                at=SUNDAY_3AM,
            )
        assert await outbox.deliver_due() == 2
        assert await outbox.deliver_due() == 0
        assert len(receiver.bodies) == 1 and len(sink.messages) == 1
        body = receiver.bodies[0]
        assert body["level"] == "P0" and body["channel"] == "line"
        assert body["console_url"].startswith("https://tobira.example/console/")
        assert "2026-11-29T03:00" in body["at"]
        mail = email.message_from_string(sink.messages[0], policy=email.policy.default)
        assert isinstance(mail, EmailMessage)
        content = mail.get_content()
        assert "P0" in content and "自殺の危険" in content
        assert "https://tobira.example/console/" in content
        assert await outbox.health() == "ok"
    finally:
        await db.dispose()


async def test_a_failing_receiver_is_retried_and_shows_until_delivered(
    db_url: str, receiver: Receiver
) -> None:
    await asyncio.to_thread(migrate, db_url)
    db = Database(db_url)
    clock = [SUNDAY_3AM]
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["oncall"] = {"webhook_url": receiver.url, "webhook_format": "slack"}
    outbox = AlertOutbox(
        db,
        Municipality.model_validate(raw),
        public_url="https://tobira.example",
        smtp_url=None,
        smtp_from="x@example.jp",
        clock=lambda: clock[0],
    )
    try:
        receiver.fail_next = 2
        await outbox.record(
            conversation_id="c2", level="P1", category="lifeline", channel="web", at=SUNDAY_3AM
        )
        assert await outbox.deliver_due() == 0
        assert await outbox.health() != "ok"
        assert await outbox.deliver_due() == 0  # backing off: not due yet
        clock[0] += dt.timedelta(seconds=3)
        assert await outbox.deliver_due() == 0  # second failure
        clock[0] += dt.timedelta(seconds=10)
        assert await outbox.deliver_due() == 1
        assert receiver.bodies == [{"text": receiver.bodies[0]["text"]}]
        assert "P1" in receiver.bodies[0]["text"]
        assert await outbox.health() == "ok"
    finally:
        await db.dispose()


def test_p1_in_office_hours_raises_no_alert() -> None:
    outbox = AlertOutbox(
        Database("sqlite:///:memory:"),
        city_with_oncall("http://127.0.0.1:9/"),
        public_url="https://tobira.example",
        smtp_url=None,
        smtp_from="x@example.jp",
    )
    tuesday_10am = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)
    assert not outbox.should_alert("P1", tuesday_10am)
    assert outbox.should_alert("P0", tuesday_10am)
