"""On-call alerts (緊急連絡): someone is told of every P0, and of every P1 outside office hours.

An alert is written to the `alert` table first (one row per target: the city's webhook and/or
its on-call e-mail), then delivered by a background loop with retries and backoff, so a blip of
the receiver delays an alert and never loses it. A row is claimed with a conditional UPDATE, so
two workers never send the same alert twice.

What an alert says: level, category, channel, the time in JST and a console link. Never the
resident's words, never a summary: the person has not consented to share anything; APPI
Art. 27(1)(ii) (protecting life) is the basis for telling staff that someone is in danger.
One alert per conversation per episode: a second P0 within `EPISODE` of the first raises none,
an escalation from P1 to P0 raises a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import and_, func, or_, update
from sqlmodel import Field, SQLModel, col, select

from bot.db import Database
from bot.settings import Settings
from flows.municipality import JST, Municipality, OnCall
from flows.triage import CATEGORY_LABELS, Assessment
from handoff.models import new_id, utcnow

log = logging.getLogger("tobira.alerts")

EPISODE = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
BACKOFF = (2.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0)
CLAIM_FOR = dt.timedelta(seconds=60)


class Alert(SQLModel, table=True):
    """One alert to one target. Holds codes, ids and times only."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    conversation_id: str = Field(index=True, max_length=32)
    level: str = Field(max_length=2)
    category: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    target: str = Field(max_length=8, description="webhook | email")
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(default="pending", max_length=8, index=True)  # pending|sending|sent|failed
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, max_length=120)
    sent_at: dt.datetime | None = None


Sender = Callable[[Alert, str], Awaitable[None]]


def alert_text(alert: Alert, console_link: str) -> str:
    """The neutral body: no resident text, no summary."""
    at = alert.created_at.astimezone(JST).strftime("%Y-%m-%d %H:%M")
    category = CATEGORY_LABELS.get(alert.category, alert.category)
    return (
        f"【tobira 緊急】{alert.level} {category}\n"
        f"チャネル: {alert.channel} / 受信: {at} (JST)\n"
        f"相談員コンソールで確認してください: {console_link}"
    )


class AlertOutbox:
    """Records alerts and delivers them; `wake()` after recording, `run()` in the background."""

    def __init__(
        self,
        db: Database,
        city: Municipality,
        *,
        public_url: str,
        smtp_url: str | None,
        smtp_from: str,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.db = db
        self.city = city
        self.public_url = public_url.rstrip("/")
        self.smtp_url = smtp_url
        self.smtp_from = smtp_from
        self.clock = clock
        self._wake = asyncio.Event()

    @classmethod
    def for_settings(cls, db: Database, city: Municipality, settings: Settings) -> AlertOutbox:
        return cls(
            db,
            city,
            public_url=settings.public_url,
            smtp_url=settings.smtp_url,
            smtp_from=settings.smtp_from,
        )

    @property
    def oncall(self) -> OnCall | None:
        return self.city.oncall

    def targets(self) -> list[str]:
        oncall = self.oncall
        if oncall is None:
            return []
        out = []
        if oncall.webhook_url:
            out.append("webhook")
        if oncall.email and self.smtp_url:
            out.append("email")
        return out

    def should_alert(self, level: str | None, at: dt.datetime) -> bool:
        if level == "P0":
            return True
        return level == "P1" and not self.city.staffed_at(at)

    async def on_assessment(
        self, conversation_id: str, channel: str, assessment: Assessment, at: dt.datetime
    ) -> None:
        """Someone is told of every P0, and of every P1 outside office hours."""
        level = assessment.level
        if level is None or not self.should_alert(level, at):
            return
        await self.record(
            conversation_id=conversation_id,
            level=level,
            category=assessment.category or "",
            channel=channel,
            at=at,
        )

    async def record(
        self, *, conversation_id: str, level: str, category: str, channel: str, at: dt.datetime
    ) -> int:
        """Write one pending alert per target unless this episode was already alerted."""
        targets = self.targets()
        if not targets:
            return 0
        async with self.db.session() as s:
            recent = await s.exec(
                select(col(Alert.level)).where(
                    col(Alert.conversation_id) == conversation_id,
                    col(Alert.created_at) >= at - EPISODE,
                )
            )
            levels = set(recent)
            if "P0" in levels or level in levels:
                return 0
            for target in targets:
                s.add(
                    Alert(
                        conversation_id=conversation_id,
                        level=level,
                        category=category,
                        channel=channel,
                        target=target,
                        created_at=at,
                        next_attempt_at=at,
                    )
                )
            await s.commit()
        log.warning("alert recorded: level=%s category=%s channel=%s", level, category, channel)
        self._wake.set()
        return len(targets)

    def console_link(self, alert: Alert) -> str:
        return f"{self.public_url}/console/alerts/{alert.conversation_id}"

    async def _claim(self, now: dt.datetime) -> list[Alert]:
        async with self.db.session() as s:
            due = (
                await s.exec(
                    select(Alert).where(
                        or_(
                            and_(
                                col(Alert.status) == "pending",
                                col(Alert.next_attempt_at) <= now,
                            ),
                            and_(
                                col(Alert.status) == "sending",
                                col(Alert.next_attempt_at) <= now,
                            ),
                        )
                    )
                )
            ).all()
            claimed = []
            for a in due:
                result = await s.exec(
                    update(Alert)
                    .where(col(Alert.id) == a.id, col(Alert.status) == a.status)
                    .where(col(Alert.next_attempt_at) == a.next_attempt_at)
                    .values(status="sending", next_attempt_at=now + CLAIM_FOR)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(a)
            await s.commit()
            return claimed

    async def deliver_due(self) -> int:
        """Send every alert that is due; returns how many were sent."""
        now = self.clock()
        sent = 0
        for alert in await self._claim(now):
            try:
                await self._send(alert)
            except Exception as exc:
                await self._failed(alert, exc)
            else:
                sent += 1
                await self._finish(alert, status="sent", sent_at=self.clock(), last_error=None)
        return sent

    async def _finish(self, alert: Alert, **values: Any) -> None:
        async with self.db.session() as s:
            await s.exec(update(Alert).where(col(Alert.id) == alert.id).values(**values))
            await s.commit()

    async def _failed(self, alert: Alert, exc: Exception) -> None:
        attempts = alert.attempts + 1
        reason = type(exc).__name__
        if isinstance(exc, httpx.HTTPStatusError):
            reason = f"HTTP {exc.response.status_code}"
        log.warning(
            "alert delivery failed: target=%s attempt=%d %s", alert.target, attempts, reason
        )
        delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
        await self._finish(
            alert,
            attempts=attempts,
            status="failed" if attempts >= MAX_ATTEMPTS else "pending",
            next_attempt_at=self.clock() + dt.timedelta(seconds=delay),
            last_error=reason[:120],
        )

    async def _send(self, alert: Alert) -> None:
        oncall = self.oncall
        assert oncall is not None
        body = alert_text(alert, self.console_link(alert))
        if alert.target == "webhook":
            assert oncall.webhook_url
            payload: dict[str, Any]
            if oncall.webhook_format == "slack":
                payload = {"text": body}
            else:
                payload = {
                    "level": alert.level,
                    "category": alert.category,
                    "channel": alert.channel,
                    "at": alert.created_at.astimezone(JST).isoformat(),
                    "console_url": self.console_link(alert),
                    "text": body,
                }
            async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
                response = await client.post(
                    oncall.webhook_url, json=payload, headers={"Idempotency-Key": alert.id}
                )
                response.raise_for_status()
        else:
            await self._mail(oncall, alert, body)

    async def _mail(self, oncall: OnCall, alert: Alert, body: str) -> None:
        import aiosmtplib

        assert self.smtp_url
        url = httpx.URL(self.smtp_url)
        message = EmailMessage()
        message["From"] = self.smtp_from
        message["To"] = ", ".join(oncall.email)
        message["Subject"] = f"[tobira] {alert.level} 緊急の相談があります"
        message["Message-ID"] = f"<{alert.id}@tobira>"
        message.set_content(body)
        await aiosmtplib.send(
            message,
            hostname=url.host,
            port=url.port or 25,
            username=url.username or None,
            password=url.password or None,
            start_tls=url.scheme == "smtp+starttls",
            use_tls=url.scheme == "smtps",
            timeout=10,
        )

    def wake(self) -> None:
        self._wake.set()

    async def run(self, every: float = 1.0) -> None:
        """Deliver in the background until cancelled."""
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("alert delivery pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=every)
            self._wake.clear()

    async def health(self) -> str:
        """'ok', or a short reason /readyz and the console show (never content)."""
        async with self.db.session() as s:
            failing = (
                await s.exec(
                    select(func.count())
                    .select_from(Alert)
                    .where(
                        or_(
                            col(Alert.status) == "failed",
                            and_(col(Alert.status) != "sent", col(Alert.attempts) > 0),
                        )
                    )
                )
            ).one()
        return "ok" if failing == 0 else f"{failing} alert(s) not delivered"
