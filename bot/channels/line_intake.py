"""The LINE webhook's way in and the inbox's way out.

``Intake``: verify the signature, read each event on its own (``line_events``), triage and
redact in memory (``bot.hearing``), write the batch to the durable inbox with its dedupe records
in one transaction, and only then let the webhook answer 200. Storage down: 503, and LINE's
redelivery brings the batch back.

``Runner``: this process's share of the work. It claims free residents from the inbox, runs each
one's events in order, retries failures with backoff, dead-letters what keeps failing, renews its
leases, and on a graceful stop hands back whatever it holds."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter, Gauge
from sqlmodel import col, select

from bot.channels.line_events import Dropped, LineEvent, Malformed, read_body, verify
from bot.crypto import Keys
from bot.hearing import prepare
from bot.inbox import LEASE, Entry, Inbox, InboxEvent
from bot.messages import Prepared
from bot.models import Conversation, Turn

log = logging.getLogger("tobira.line")

UNSUPPORTED = {"sticker", "image", "video", "audio", "file", "location"}
GROUP_JOINS = {"join", "memberJoined"}
POLL = 0.2  # seconds between looks at the inbox when nothing woke the runner
FAIR_TURNS = 20  # a resident's events run back to back before others get their go
DRAIN_ON_SHUTDOWN = 10.0

WEBHOOKS = Counter("tobira_line_webhooks_total", "LINE webhook requests", ["outcome"])
EVENTS = Counter("tobira_line_events_total", "LINE webhook events", ["type", "outcome"])
INBOX = Gauge("tobira_inbox_events", "LINE events in the durable inbox", ["state"])
DEAD = Counter("tobira_inbox_dead_letters_total", "LINE events given up after retries")
RETRIES = Counter("tobira_inbox_retries_total", "LINE turns retried after a failure")


@dataclass(frozen=True)
class Leave:
    """A group or room the bot was added to: one neutral notice, then leave."""

    chat_type: str
    chat_id: str
    reply_token: str | None


@dataclass
class Accepted:
    status: int
    waiting: list[str]  # user ids whose messages were queued (for the loading animation)
    leaves: list[Leave]


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Intake:
    def __init__(self, secret: str, keys: Keys, inbox: Inbox) -> None:
        self.secret = secret
        self.keys = keys
        self.inbox = inbox
        self.bot_user_id: str | None = None  # learnt from LINE at start-up

    async def accept(self, body: bytes, signature: str) -> Accepted:
        if not verify(self.secret, body, signature):
            WEBHOOKS.labels("bad_signature").inc()
            log.warning("line: webhook with an invalid signature refused")
            return Accepted(400, [], [])
        try:
            destination, events = read_body(body)
        except Malformed as exc:
            WEBHOOKS.labels("malformed").inc()
            log.warning("line: signed webhook with an unusable body refused: %s", exc)
            return Accepted(400, [], [])
        if self.bot_user_id and destination and destination != self.bot_user_id:
            WEBHOOKS.labels("wrong_destination").inc()
            log.warning(
                "line: webhook for another bot (destination mismatch): %d events dropped",
                len(events),
            )
            for index, event in enumerate(events):
                _drop(index, event.type, "wrong_destination")
            return Accepted(200, [], [])
        entries: list[Entry] = []
        users: list[str] = []
        leaves: list[Leave] = []
        for index, event in enumerate(events):
            taken = self._classify(index, event)
            if isinstance(taken, Leave):
                leaves.append(taken)
            elif taken is not None:
                entries.append(taken[0])
                users.append(taken[1])
        try:
            fresh = await self.inbox.enqueue(entries) if entries else []
        except Exception as exc:
            WEBHOOKS.labels("storage_unavailable").inc()
            log.error("line: inbox unavailable (%s): 503, LINE redelivers", type(exc).__name__)
            return Accepted(503, [], [])
        waiting = []
        for entry, user, taken_in in zip(entries, users, fresh, strict=True):
            EVENTS.labels(entry.kind, "queued" if taken_in else "duplicate").inc()
            if not taken_in:
                log.info("line: event %s delivered again, already taken in", entry.event_id)
            elif entry.kind == "message":
                waiting.append(user)
        WEBHOOKS.labels("ok").inc()
        return Accepted(200, waiting, leaves)

    def _classify(self, index: int, event: LineEvent | Dropped) -> tuple[Entry, str] | Leave | None:
        """What to queue for an event; None (logged with its type and reason) to drop it."""
        if isinstance(event, Dropped):
            _drop(index, event.type, event.reason)
            return None
        if event.source_type in ("group", "room"):
            if event.type in GROUP_JOINS and event.chat_id:
                EVENTS.labels(event.type, "leave").inc()
                return Leave(event.source_type, event.chat_id, event.reply_token)
            _drop(index, event.type, "not_one_to_one")
            return None
        if event.source_type != "user" or not event.user_id:
            _drop(index, event.type, "no_user")
            return None
        if event.mode == "standby" and event.type != "unfollow":
            _drop(index, event.type, "standby")
            return None
        entry = self._entry(event, event.user_id)
        if entry is None:
            kind = f"{event.type}:{event.message_type}" if event.message_type else event.type
            _drop(index, kind[:32], "not_handled")
            return None
        return entry, event.user_id

    def _entry(self, event: LineEvent, user_id: str) -> Entry | None:
        kind, detail, heard = _what(event)
        if not kind:
            return None
        if heard is None and kind == "message":
            heard = prepare(event.text, event.postback, self.keys)  # triage and redaction
        return Entry(
            event_id=event.event_id,
            user_key=self.keys.lookup_hash("line", user_id),
            address_enc=self.keys.encrypt(user_id),
            kind=kind,
            detail=detail,
            code=heard.code if heard else None,
            text=heard.text if heard else None,
            entity_types=heard.entity_types if heard else "",
            assessment=heard.assessment if heard else None,
            audience=heard.audience if heard else "self",
            contact_enc=heard.contact_enc if heard else None,
            truncated=heard.truncated if heard else False,
            reply_token=event.reply_token,
            sent_at=event.timestamp,
        )


def _what(event: LineEvent) -> tuple[str, str, Prepared | None]:
    """The kind of turn an event makes ("" for none), and what it says about unsupported content."""
    if event.type in ("message", "messageEdited"):
        if event.message_type == "text" and event.text:
            return "message", "", None
        if event.message_type in UNSUPPORTED and event.type == "message":
            return "unsupported", event.message_type or "", None
        return "", "", None
    if event.type == "postback" and event.postback:
        return "message", "", None
    if event.type in ("follow", "unfollow"):
        return event.type, "", None
    return "", "", None


def _drop(index: int, kind: str, reason: str) -> None:
    EVENTS.labels(kind, f"dropped_{reason}").inc()
    log.info("line: event %d (%s) dropped: %s", index, kind, reason)
    return None


class Runner:
    """Claims residents from the inbox and runs their events, at most ``concurrency`` at once."""

    def __init__(
        self,
        inbox: Inbox,
        turn: Callable[[InboxEvent], Awaitable[None]],
        concurrency: int,
        on_dead: Callable[[InboxEvent], Awaitable[None]] | None = None,
        recover: Callable[[InboxEvent], Awaitable[None]] | None = None,
        rewind: Callable[[InboxEvent], Awaitable[None]] | None = None,
    ) -> None:
        self.inbox = inbox
        self.turn = turn
        self.concurrency = concurrency
        self.on_dead = on_dead
        self.recover = recover  # a turn stored by an attempt that ended: its answer, at most once
        self.rewind = rewind  # a retried turn that was not stored: undo its graph step first
        self._active: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop(), name="inbox-runner"),
            asyncio.create_task(self._heartbeat(), name="inbox-heartbeat"),
        ]

    def wake(self) -> None:
        self._wake.set()

    @property
    def running(self) -> int:
        return len(self._active)

    async def stop(self, drain: float | None = None) -> None:
        """Stop claiming; let the turns under way finish (up to ``drain`` seconds); hand back
        every resident held, so another worker (or the next start) takes their events at once."""
        self._stopping = True
        self._wake.set()
        if self._active:
            wait = DRAIN_ON_SHUTDOWN if drain is None else drain
            await asyncio.wait(list(self._active.values()), timeout=wait)
        for task in [*self._active.values(), *self._tasks]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        try:
            await self.inbox.hand_back()
        except Exception as exc:
            log.warning(
                "line: could not hand residents back (%s); leases run out in %ss",
                type(exc).__name__,
                LEASE,
            )

    async def _loop(self) -> None:
        while not self._stopping:
            free = self.concurrency - len(self._active)
            keys: list[str] = []
            if free > 0:
                try:
                    keys = await self.inbox.claim(free)
                except Exception as exc:
                    log.warning("line: inbox not readable (%s)", type(exc).__name__)
                    await asyncio.sleep(1.0)
                    continue
            for key in keys:
                task = asyncio.create_task(self._resident(key), name="inbox-resident")
                self._active[key] = task
                task.add_done_callback(functools.partial(self._finished, key))
            if keys and len(keys) == free:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL)

    def _finished(self, key: str, _task: object = None) -> None:
        self._active.pop(key, None)
        self._wake.set()

    async def _resident(self, key: str) -> None:
        """One resident's due events, in order, while this worker holds them."""
        try:
            for _ in range(FAIR_TURNS):
                event = await self.inbox.next_for(key)
                if event is None or self._stopping:
                    break
                if event.attempts and await self._stored(event):
                    log.info("line: event %s was stored before its attempt ended", event.event_id)
                    if self.recover is not None:
                        with contextlib.suppress(Exception):
                            await self.recover(event)
                    await self.inbox.done(event)
                    continue
                await self.inbox.started(event)
                try:
                    if event.attempts and self.rewind is not None:
                        await self.rewind(event)  # what the failed attempt did to the graph
                    await self.turn(event)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    await self._failed(event, exc)
                    break
                await _retrying(functools.partial(self.inbox.done, event))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("line: inbox unavailable mid-run (%s)", type(exc).__name__)
        finally:
            with contextlib.suppress(Exception):
                await self.inbox.release(key)

    async def _failed(self, event: InboxEvent, exc: Exception) -> None:
        log.warning(
            "line: event %s (%s) failed, attempt %d: %s",
            event.event_id,
            event.kind,
            event.attempts + 1,
            type(exc).__name__,
        )
        if await self.inbox.failed(event, type(exc).__name__):
            DEAD.inc()
            log.error(
                "line: event %s dead-lettered after %d attempts", event.event_id, event.attempts + 1
            )
            if self.on_dead is not None:
                with contextlib.suppress(Exception):
                    await self.on_dead(event)
        else:
            RETRIES.inc()

    async def _stored(self, event: InboxEvent) -> bool:
        """Whether an earlier attempt (killed, or failed after it stored) got as far as storing
        the turn: the resident's row for a message, the bot's for a follow."""
        role = "resident" if event.kind == "message" else "bot"
        return await stored_turn(self.inbox.db, event, role) is not None

    async def _heartbeat(self) -> None:
        beats = 0
        while True:
            await asyncio.sleep(LEASE / 5)
            beats += 1
            try:
                await self.inbox.renew(list(self._active))
                counts = await self.inbox.counts()
                for state, n in counts.items():
                    INBOX.labels(state).set(n)
                if beats % 10 == 0:
                    await self.inbox.tidy()
            except Exception as exc:
                log.warning("line: inbox heartbeat failed (%s)", type(exc).__name__)


async def stored_turn(db: Any, event: InboxEvent, role: str) -> str | None:
    """The text of the turn ``role`` stored for this event (turns carry the event's time)."""
    at = dt.datetime.fromtimestamp(event.sent_at, dt.UTC)
    near = dt.timedelta(milliseconds=1)
    async with db.session() as s:
        found = await s.exec(
            select(Turn.id, Turn.text)
            .join(Conversation, col(Conversation.id) == col(Turn.conversation_id))
            .where(
                Conversation.key_hash == event.user_key,
                Turn.role == role,
                col(Turn.at) >= at - near,
                col(Turn.at) <= at + near,
            )
            .order_by(col(Turn.seq).desc())
            .limit(1)
        )
        row = found.first()
    return None if row is None else (row[1] or "")


async def _retrying(action: Callable[[], Awaitable[None]], attempts: int = 5) -> None:
    for attempt in range(attempts):
        try:
            await action()
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.2 * 2**attempt)
