"""LINE Official Account channel: ``POST /line/webhook`` in, replies and pushes out.

The webhook only verifies the signature, drops redeliveries, turns each event into an `Inbound`
and queues it behind the same resident's earlier events, then answers 200: LINE wants an answer
within 2 seconds however busy the service is. Bounded workers run the turns (one resident's in
arrival order, different residents in parallel) and answer with the reply token while it is
fresh, or by push with an ``X-Line-Retry-Key`` once it is not. 429 and 5xx are retried with
backoff. The profile API is never called; the raw user id lives in memory for one turn and is
handed to the conversation service, which stores only a keyed hash and an encrypted copy. Logs
carry event ids, event types, hashed ids and counts, never text or raw ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request, Response
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException
from prometheus_client import Counter, Histogram
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bot.channels.line_api import (
    REQUEST_TIMEOUT,
    Undeliverable,
    credentials,
    error_message,
    make_api,
    retry_after,
    retryable,
    status_of,
)
from bot.channels.line_dispatch import KeyedDispatcher
from bot.channels.line_render import render
from bot.messages import Inbound, Option, Reply
from bot.models import ProcessedEvent
from bot.settings import Settings

log = logging.getLogger("tobira.line")
router = APIRouter()

CHANNEL = "line"
WEBHOOK_PATH = "/line/webhook"
MAX_BODY = 1024 * 1024
REPLY_TOKEN_FRESH = 50.0  # seconds; LINE's reply tokens last about a minute
PUSH_RETRY_FOR = 60.0  # seconds of retrying a push before giving up on it
BACKOFF_FIRST = 0.25
BACKOFF_MAX = 8.0
LOADING_AFTER = 1.0  # show the loading animation when a turn has not finished by then
LOADING_SECONDS = 20
DEDUPE_TTL = 3 * 24 * 3600  # seconds an event id is remembered
MAX_PENDING = 10_000  # events accepted but not yet processed, across all residents
DRAIN_ON_SHUTDOWN = 10.0
RECORD_EVERY = 0.5  # seconds between batched writes of fresh event ids (no Redis)
UNSUPPORTED = {"sticker", "image", "video", "audio", "file", "location"}

WEBHOOKS = Counter("tobira_line_webhooks_total", "LINE webhook requests", ["outcome"])
EVENTS = Counter("tobira_line_events_total", "LINE webhook events", ["type", "outcome"])
SENDS = Counter("tobira_line_sends_total", "Messages sent to LINE", ["method", "outcome"])
TURN_SECONDS = Histogram(
    "tobira_line_turn_seconds",
    "From webhook accepted to answer accepted by LINE",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One accepted event: only what the turn needs (a location's coordinates never get here)."""

    event_id: str
    user_id: str
    inbound: Inbound
    reply_token: str | None
    received: float  # time.monotonic() when the webhook arrived
    sent_at: float  # the event's timestamp (epoch seconds), from LINE
    durable_claim: bool  # claim the event id in SQL before running: a redelivery, no Redis


def _mode(event: Any) -> str:
    mode = getattr(event, "mode", None)
    return str(getattr(mode, "value", mode) or "active")


def to_inbound(event: Any, user_id: str) -> Inbound | None:
    """The channel-neutral form of a LINE event, or None for events tobira ignores."""
    at = dt.datetime.fromtimestamp((getattr(event, "timestamp", 0) or 0) / 1000, dt.UTC)
    kind = getattr(event, "type", "")
    if kind == "message":
        message = event.message
        mtype = getattr(message, "type", "")
        if mtype == "text":
            return Inbound(CHANNEL, user_id, at, text=message.text)
        if mtype in UNSUPPORTED:
            return Inbound(CHANNEL, user_id, at, event="unsupported", kind=mtype)
        return None
    if kind == "postback":
        return Inbound(CHANNEL, user_id, at, code=event.postback.data)
    if kind == "follow":
        return Inbound(CHANNEL, user_id, at, event="follow")
    if kind == "unfollow":
        return Inbound(CHANNEL, user_id, at, event="unfollow")
    return None


class LineChannel:
    def __init__(self, settings: Settings, service: Any, keys: Any, db: Any, redis: Any) -> None:
        self.settings = settings
        self.service = service
        self.keys = keys
        self.db = db
        self.redis = redis
        self.parser = WebhookParser(settings.line_channel_secret.get_secret_value())
        self.accepting = False
        self._recent: OrderedDict[str, None] = OrderedDict()  # event ids seen (no Redis)
        self._dispatcher: KeyedDispatcher[Job] = KeyedDispatcher(
            self._run, settings.line_workers, MAX_PENDING, name="line"
        )
        self._client: AsyncApiClient | None = None
        self.api: AsyncMessagingApi | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._recorder: asyncio.Task[None] | None = None
        self._to_record: list[str] = []  # fresh event ids to remember in SQL (no Redis)
        self._background: set[asyncio.Task[Any]] = set()
        self._loading_timers: dict[str, asyncio.TimerHandle] = {}

    # ---- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self._client, self.api = make_api(self.settings)
        self._dispatcher.start()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="line-dedupe-sweeper")
        if self.redis is None:
            self._recorder = asyncio.create_task(
                self._record_forever(), name="line-dedupe-recorder"
            )
        self.accepting = True

    async def stop(self) -> None:
        self.accepting = False
        for timer in self._loading_timers.values():
            timer.cancel()
        self._loading_timers.clear()
        if not await self._dispatcher.drain(DRAIN_ON_SHUTDOWN):
            log.warning("line: %d events still queued at shutdown", self._dispatcher.pending)
        await self._dispatcher.stop()
        for timer in self._loading_timers.values():
            timer.cancel()
        for task in [self._sweeper, self._recorder, *self._background]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self._record_now()
        if self._client is not None:
            await self._client.close()

    @property
    def pending(self) -> int:
        return self._dispatcher.pending

    # ---- the webhook: verify, dedupe, enqueue -----------------------------------------------
    async def accept(self, body: bytes, signature: str) -> int:
        """Take one webhook request in; the HTTP status to answer LINE with."""
        received = time.monotonic()
        try:
            events = self.parser.parse(body.decode("utf-8"), signature)
        except InvalidSignatureError:
            WEBHOOKS.labels("bad_signature").inc()
            log.warning("line: webhook with an invalid signature refused")
            return 400
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            WEBHOOKS.labels("malformed").inc()
            log.warning("line: signed webhook with a malformed body refused")
            return 400
        if not self.accepting:
            WEBHOOKS.labels("shutting_down").inc()
            return 503
        for event in events:
            status = await self._accept_event(event, received)
            if status != 200:
                return status
        WEBHOOKS.labels("ok").inc()
        return 200

    async def _accept_event(self, event: Any, received: float) -> int:
        etype = getattr(event, "type", None) or "unknown"
        event_id = getattr(event, "webhook_event_id", None)
        source = getattr(event, "source", None)
        user_id = getattr(source, "user_id", None)
        if getattr(source, "type", None) != "user" or not user_id or not event_id:
            # Groups and rooms are no place for a consultation; tobira only talks 1:1.
            EVENTS.labels(etype, "ignored_source").inc()
            return 200
        if _mode(event) == "standby" and etype != "unfollow":
            EVENTS.labels(etype, "standby").inc()
            return 200
        inbound = to_inbound(event, user_id)
        if inbound is None:
            EVENTS.labels(etype, "ignored").inc()
            return 200
        context = getattr(event, "delivery_context", None)
        redelivered = bool(getattr(context, "is_redelivery", False))
        claimed = await self._claim_fast(event_id, redelivered)
        if claimed is False:
            EVENTS.labels(etype, "duplicate").inc()
            log.info("line: event %s redelivered, already taken", event_id)
            return 200
        job = Job(
            event_id=event_id,
            user_id=user_id,
            inbound=inbound,
            reply_token=getattr(event, "reply_token", None),
            received=received,
            sent_at=(getattr(event, "timestamp", 0) or 0) / 1000,
            durable_claim=claimed is None and redelivered,
        )
        if not self._dispatcher.submit(user_id, job):
            await self._release(event_id)
            EVENTS.labels(etype, "overloaded").inc()
            WEBHOOKS.labels("overloaded").inc()
            log.error(
                "line: %d events queued; refusing more until the backlog drains", self.pending
            )
            return 503
        EVENTS.labels(etype, "queued").inc()
        if inbound.event == "message":
            self._arm_loading(user_id)
        return 200

    async def _claim_fast(self, event_id: str, redelivered: bool) -> bool | None:
        """True: first sighting, remembered in Redis. False: seen before. None: first sighting
        in this process; the worker must claim it durably in SQL before running it."""
        if event_id in self._recent:
            return False
        self._recent[event_id] = None
        if len(self._recent) > 200_000:
            self._recent.popitem(last=False)
        if self.redis is None:
            if not redelivered:  # a redelivery is claimed by the worker itself, before it runs
                self._to_record.append(event_id)
            return None
        try:
            fresh = await self.redis.set(
                f"tobira:line:event:{event_id}", "1", nx=True, ex=DEDUPE_TTL
            )
        except Exception as exc:
            log.warning("line: redis dedupe unavailable (%s); using SQL", type(exc).__name__)
            if not redelivered:
                self._to_record.append(event_id)
            return None
        return bool(fresh)

    async def _release(self, event_id: str) -> None:
        """Forget an event refused with 503, so that LINE's redelivery of it is taken in."""
        self._recent.pop(event_id, None)
        with contextlib.suppress(ValueError):
            self._to_record.remove(event_id)
        if self.redis is not None:
            with contextlib.suppress(Exception):
                await self.redis.delete(f"tobira:line:event:{event_id}")

    async def _record_forever(self) -> None:
        """Remember fresh event ids in SQL in batches, off the reply path: only a redelivery
        (``deliveryContext.isRedelivery``) ever needs to look them up, and within this process
        the in-memory set already answers."""
        while True:
            await asyncio.sleep(RECORD_EVERY)
            await self._record_now()

    async def _record_now(self) -> None:
        if not self._to_record:
            return
        batch, self._to_record = self._to_record, []
        dialect = self.db.engine.dialect.name
        insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
        now = dt.datetime.now(dt.UTC)
        try:
            async with self.db.session() as s:
                for i in range(0, len(batch), 500):
                    rows = [{"event_id": e, "at": now} for e in batch[i : i + 500]]
                    statement = (
                        insert(ProcessedEvent)
                        .values(rows)
                        .on_conflict_do_nothing(index_elements=["event_id"])
                    )
                    await s.exec(statement)  # type: ignore[call-overload]
        except Exception as exc:
            log.warning("line: could not record %d event ids: %s", len(batch), type(exc).__name__)
            self._to_record[:0] = batch[-10_000:]

    async def _claim_durably(self, event_id: str) -> bool:
        try:
            async with self.db.session() as s:
                s.add(ProcessedEvent(event_id=event_id))
        except IntegrityError:
            return False
        return True

    async def _sweep_forever(self) -> None:
        while True:
            try:
                cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=DEDUPE_TTL)
                async with self.db.session() as s:
                    await s.exec(delete(ProcessedEvent).where(ProcessedEvent.at < cutoff))  # type: ignore[call-overload, arg-type]
            except Exception as exc:
                log.warning("line: could not prune processed events: %s", type(exc).__name__)
            await asyncio.sleep(3600)

    # ---- a turn -----------------------------------------------------------------------------
    async def _run(self, job: Job) -> None:
        if job.durable_claim and not await self._claim_durably(job.event_id):
            EVENTS.labels(job.inbound.event, "duplicate").inc()
            log.info("line: event %s already processed before", job.event_id)
            return
        try:
            reply: Reply = await self.service.handle(job.inbound)
        except Exception as exc:
            log.error(
                "line: event %s (%s) failed in the service: %s\n%s",
                job.event_id,
                job.inbound.event,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            return
        if reply.silent or not reply.messages or job.inbound.event == "unfollow":
            return
        try:
            await self.deliver(job.user_id, reply, job.reply_token, job)
        except Undeliverable as exc:
            log.error(
                "line: answer to event %s not delivered: %s %s, attempts=%d",
                job.event_id,
                exc.method,
                exc.status,
                exc.attempts,
            )
            return
        TURN_SECONDS.observe(time.monotonic() - job.received)

    # ---- the loading animation -------------------------------------------------------------
    def _arm_loading(self, user_id: str) -> None:
        """A second after a message arrives, show LINE's loading animation if the resident is
        still waiting, whether the event is queued or its turn is running."""
        if user_id not in self._loading_timers:
            self._loading_timers[user_id] = asyncio.get_running_loop().call_later(
                LOADING_AFTER, self._loading_due, user_id
            )

    def _loading_due(self, user_id: str) -> None:
        self._loading_timers.pop(user_id, None)
        if not self._dispatcher.has(user_id):
            return  # answered within the second
        task = asyncio.ensure_future(self._show_loading(user_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        # Still waiting when this animation runs out: show it again then.
        self._loading_timers[user_id] = asyncio.get_running_loop().call_later(
            LOADING_SECONDS, self._loading_due, user_id
        )

    async def _show_loading(self, user_id: str) -> None:
        assert self.api is not None
        try:
            await self.api.show_loading_animation(
                ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=LOADING_SECONDS),
                _request_timeout=REQUEST_TIMEOUT,
            )
        except Exception as exc:  # cosmetic: never worth a retry
            log.info("line: loading animation not shown: %s", type(exc).__name__)

    def _token_fresh(self, job: Job | None) -> bool:
        if job is None:
            return False
        age = max(time.monotonic() - job.received, time.time() - job.sent_at)
        return age < REPLY_TOKEN_FRESH

    # ---- sending ----------------------------------------------------------------------------
    async def deliver(
        self, user_id: str, reply: Reply, reply_token: str | None = None, job: Job | None = None
    ) -> None:
        """Send ``reply``: the first batch by reply token while fresh, everything else by push."""
        rendered = render(reply)
        if rendered.dropped_options or rendered.numbered_options:
            log.warning(
                "line: quick replies over the limits: %d dropped, %d numbered",
                rendered.dropped_options,
                rendered.numbered_options,
            )
        for i, batch in enumerate(rendered.batches):
            first = i == 0 and reply_token is not None and self._token_fresh(job)
            if first and reply_token and await self._reply(reply_token, batch, job):
                continue
            await self._push(user_id, batch)

    async def push(self, address: str, messages: list[str], options: list[Option]) -> None:
        """The service's sender for LINE: a caseworker's message or a late answer, by push."""
        await self.deliver(address, Reply(messages=list(messages), options=list(options)))

    async def _reply(self, token: str, batch: list[Message], job: Job | None) -> bool:
        """True when LINE took the reply; False when the token is spent or stale (push instead)."""
        assert self.api is not None
        request = ReplyMessageRequest(replyToken=token, messages=batch)
        attempt = 0
        while True:
            try:
                await self.api.reply_message(request, _request_timeout=REQUEST_TIMEOUT)
                SENDS.labels("reply", "ok").inc()
                return True
            except Exception as exc:
                if not retryable(exc):
                    status = getattr(exc, "status", None)
                    SENDS.labels("reply", f"refused_{status}").inc()
                    if (
                        isinstance(exc, ApiException)
                        and status == 400
                        and "reply token" in error_message(exc).lower()
                    ):
                        return False
                    raise Undeliverable("reply", status_of(exc)) from None
                delay = self._backoff(attempt, exc)
                attempt += 1
                if not self._token_fresh_after(job, delay):
                    SENDS.labels("reply", "stale_after_retries").inc()
                    return False
                SENDS.labels("reply", "retry").inc()
                log.info("line: reply retry %d in %.2fs (%s)", attempt, delay, status_of(exc))
                await asyncio.sleep(delay)

    def _token_fresh_after(self, job: Job | None, delay: float) -> bool:
        if job is None:
            return False
        age = max(time.monotonic() - job.received, time.time() - job.sent_at) + delay
        return age < REPLY_TOKEN_FRESH

    async def _push(self, user_id: str, batch: list[Message]) -> None:
        assert self.api is not None
        request = PushMessageRequest(to=user_id, messages=batch)
        retry_key = str(uuid.uuid4())  # the same key on every retry: LINE delivers once
        give_up = time.monotonic() + PUSH_RETRY_FOR
        attempt = 0
        while True:
            try:
                await self.api.push_message(
                    request, x_line_retry_key=retry_key, _request_timeout=REQUEST_TIMEOUT
                )
                SENDS.labels("push", "ok").inc()
                return
            except Exception as exc:
                if isinstance(exc, ApiException) and exc.status == 409:
                    SENDS.labels("push", "ok_already_accepted").inc()
                    return  # an earlier attempt with this retry key got through
                if not retryable(exc):
                    SENDS.labels("push", f"refused_{getattr(exc, 'status', None)}").inc()
                    raise Undeliverable("push", status_of(exc)) from None
                delay = self._backoff(attempt, exc)
                attempt += 1
                if time.monotonic() + delay > give_up:
                    SENDS.labels("push", "gave_up").inc()
                    raise Undeliverable("push", status_of(exc), attempt) from None
                SENDS.labels("push", "retry").inc()
                log.info("line: push retry %d in %.2fs (%s)", attempt, delay, status_of(exc))
                await asyncio.sleep(delay)

    @staticmethod
    def _backoff(attempt: int, exc: BaseException) -> float:
        hinted = retry_after(exc) if isinstance(exc, ApiException) else None
        if hinted is not None:
            return min(hinted, 30.0)
        return min(BACKOFF_MAX, BACKOFF_FIRST * 2**attempt) * random.uniform(0.8, 1.2)


# ---- the FastAPI side -----------------------------------------------------------------------
async def _read_capped(request: Request, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def webhook(request: Request) -> Response:
    channel: LineChannel | None = getattr(request.app.state, "line", None)
    if channel is None:
        return Response("LINE channel not configured", status_code=404)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        WEBHOOKS.labels("too_large").inc()
        return Response(status_code=413)
    signature = request.headers.get("x-line-signature")
    if not signature:
        WEBHOOKS.labels("no_signature").inc()
        return Response(status_code=400)
    body = await _read_capped(request, MAX_BODY)
    if body is None:
        WEBHOOKS.labels("too_large").inc()
        return Response(status_code=413)
    return Response(status_code=await channel.accept(body, signature))


async def startup(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    secret, token = credentials(settings)
    app.state.line = None
    if not secret and not token:
        log.info(
            "line: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN not set; LINE channel off"
        )
        return
    if not secret or not token:
        missing = "LINE_CHANNEL_SECRET" if not secret else "LINE_CHANNEL_ACCESS_TOKEN"
        raise SystemExit(
            f"{missing} is not set: the LINE channel needs both the channel secret and the access token"
        )
    channel = LineChannel(
        settings=settings,
        service=app.state.service,
        keys=app.state.keys,
        db=app.state.db,
        redis=getattr(app.state, "redis", None),
    )
    await channel.start()
    app.state.line = channel
    senders: dict[str, Callable[[str, list[str], list[Option]], Awaitable[None]]] | None = getattr(
        app.state.service, "senders", None
    )
    if senders is not None:
        senders[CHANNEL] = channel.push
    else:
        log.warning(
            "line: the conversation service has no senders; staff replies cannot reach LINE"
        )


async def shutdown(app: FastAPI) -> None:
    channel: LineChannel | None = getattr(app.state, "line", None)
    if channel is not None:
        await channel.stop()
        app.state.line = None


__all__ = ["LineChannel", "router", "shutdown", "startup", "to_inbound"]
