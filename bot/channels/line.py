"""LINE Official Account channel: ``POST /line/webhook`` in, replies and pushes out.

The webhook verifies the signature, reads each event on its own, triages and redacts it in
memory and writes it to the durable inbox (``bot.inbox``, with its dedupe record in the same
transaction) before it answers 200 (``line_intake.Intake``); only storage being down gets a 503,
and LINE's redelivery brings the batch back. Workers in any number of processes take residents
from the inbox and run each one's turns strictly in order (``line_intake.Runner``), answering
with the reply token while it is fresh, or by push with an ``X-Line-Retry-Key`` once it is not.
429 and 5xx are retried with backoff; a turn that fails is retried and, at last, dead-lettered.
The profile API is never called; the raw user id lives in memory for one turn and is stored
only as a keyed hash and an encrypted copy. Logs carry event ids, event types, reasons and
counts, never text or raw ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException
from prometheus_client import Counter, Histogram
from sqlalchemy import delete

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
from bot.channels.line_intake import WEBHOOKS, Intake, Leave, Runner, stored_turn, worker_name
from bot.channels.line_render import render
from bot.inbox import Inbox, InboxEvent, load_assessment
from bot.messages import Inbound, Option, Prepared, Reply
from bot.models import ProcessedEvent
from bot.settings import Settings
from flows.locale import t

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

SENDS = Counter("tobira_line_sends_total", "Messages sent to LINE", ["method", "outcome"])
TURN_SECONDS = Histogram(
    "tobira_line_turn_seconds",
    "From webhook accepted to answer accepted by LINE",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)


@dataclass(frozen=True)
class Job:
    """One event's turn: who to answer and with which reply token while it is fresh."""

    event_id: str
    user_id: str
    reply_token: str | None
    received: float  # epoch seconds the webhook took it in
    sent_at: float  # the event's timestamp (epoch seconds), from LINE

    def age(self, later: float = 0.0) -> float:
        return time.time() + later - min(self.received, self.sent_at)


class LineChannel:
    def __init__(self, settings: Settings, service: Any, keys: Any, db: Any, redis: Any) -> None:
        self.settings = settings
        self.service = service
        self.keys = keys
        self.db = db
        self.redis = redis
        self.inbox = Inbox(db, worker_name())
        self.intake = Intake(settings.line_channel_secret.get_secret_value(), keys, self.inbox)
        self.runner = Runner(
            self.inbox,
            self._run,
            settings.line_workers,
            self._dead,
            recover=self._recover,
            rewind=self._rewind,
        )
        self.accepting = False
        self._client: AsyncApiClient | None = None
        self.api: AsyncMessagingApi | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self._loading_timers: dict[str, asyncio.TimerHandle] = {}

    # ---- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self._client, self.api = make_api(self.settings)
        self.intake.bot_user_id = await self._bot_user_id()
        if self.db.engine.dialect.name == "sqlite":
            await self.inbox.release_all()  # one process: any lease left is a previous run's
        self.runner.start()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="line-dedupe-sweeper")
        self.accepting = True

    async def stop(self) -> None:
        self.accepting = False
        for timer in self._loading_timers.values():
            timer.cancel()
        self._loading_timers.clear()
        await self.runner.stop()
        for task in [self._sweeper, *self._background]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._client is not None:
            await self._client.close()

    async def _bot_user_id(self) -> str | None:
        """The channel's bot user id, to check each webhook's ``destination`` against."""
        assert self.api is not None
        try:
            info = await self.api.get_bot_info(_request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:
            log.warning(
                "line: bot info not available (%s); destination not checked", type(exc).__name__
            )
            return None
        return str(info.user_id) if info.user_id else None

    async def backlog(self) -> int:
        """Events in the inbox not yet done (queued or running), dead letters aside."""
        return (await self.inbox.counts())["queued"]

    # ---- the webhook: verify, read, triage and redact, store, then 200 ----------------------
    async def accept(self, body: bytes, signature: str) -> int:
        """Take one webhook request in; the HTTP status to answer LINE with."""
        if not self.accepting:
            WEBHOOKS.labels("shutting_down").inc()
            return 503
        accepted = await self.intake.accept(body, signature)
        if accepted.waiting:
            self.runner.wake()
        for user_id in accepted.waiting:
            self._arm_loading(user_id)
        for leave in accepted.leaves:
            self._in_background(self._leave(leave))
        return accepted.status

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
    async def _run(self, event: InboxEvent) -> None:
        """One event's turn; raises when the service fails, so the inbox retries it."""
        user_id = self.keys.decrypt(event.address_enc)
        if user_id is None:
            raise Undeliverable("decrypt", "undecryptable address")
        job = Job(event.event_id, user_id, event.reply_token, event.received_at, event.sent_at)
        at = dt.datetime.fromtimestamp(event.sent_at, dt.UTC)
        prepared = Prepared(
            code=event.code,
            text=event.text,
            entity_types=event.entity_types,
            assessment=load_assessment(event.assessment),
            contact_enc=event.contact_enc,
            truncated=bool(event.truncated),
            audience=event.audience,
        )
        inbound = Inbound(
            CHANNEL,
            user_id,
            at,
            event=event.kind,
            kind=event.detail,
            prepared=prepared,
            event_id=event.event_id,
        )
        reply: Reply = await self.service.handle(inbound)
        if reply.silent or not reply.messages or event.kind == "unfollow":
            return
        try:
            await self.deliver(user_id, reply, job.reply_token, job)
        except Undeliverable as exc:
            log.error(
                "line: answer to event %s not delivered: %s %s, attempts=%d",
                job.event_id,
                exc.method,
                exc.status,
                exc.attempts,
            )
            return
        TURN_SECONDS.observe(job.age())

    async def _recover(self, event: InboxEvent) -> None:
        """A worker died after storing this turn; whether its answer went out is unknown. The
        reply token settles it: LINE takes a token once, so the stored answer is sent with it
        again and LINE refuses it if it was used. No token, or a stale one: nothing is sent
        (a second answer by push could not be told from the first)."""
        user_id = self.keys.decrypt(event.address_enc)
        job = Job(
            event.event_id, user_id or "", event.reply_token, event.received_at, event.sent_at
        )
        if user_id is None or not event.reply_token or not self._token_fresh(job):
            return
        answer = await stored_turn(self.db, event, "bot")
        if answer:
            batch: list[Message] = [
                TextMessage(text=answer[:5000], quickReply=None, quoteToken=None)
            ]
            if await self._reply(event.reply_token, batch, job):
                log.info("line: answer to event %s sent after its worker stopped", event.event_id)

    async def _rewind(self, event: InboxEvent) -> None:
        dropped = await self.service.turns.rewind(event.user_key, event.event_id)
        if dropped:
            log.info(
                "line: event %s: %d checkpoint(s) of its failed attempt undone",
                event.event_id,
                dropped,
            )

    async def _dead(self, event: InboxEvent) -> None:
        """Given up after retries: the resident at least hears that they should write again."""
        user_id = self.keys.decrypt(event.address_enc)
        if user_id is not None and event.kind != "unfollow":
            await self.push(user_id, [t("ja", "error.try_again")], [])

    async def _leave(self, leave: Leave) -> None:
        """Added to a group or room: say once, neutrally, that this account is for 1:1 talks."""
        assert self.api is not None
        notice = [TextMessage(text=t("ja", "line.group_notice"), quickReply=None, quoteToken=None)]
        try:
            if leave.reply_token:
                await self.api.reply_message(
                    ReplyMessageRequest(replyToken=leave.reply_token, messages=notice),
                    _request_timeout=REQUEST_TIMEOUT,
                )
            if leave.chat_type == "group":
                await self.api.leave_group(leave.chat_id, _request_timeout=REQUEST_TIMEOUT)
            else:
                await self.api.leave_room(leave.chat_id, _request_timeout=REQUEST_TIMEOUT)
            log.info("line: left a %s it was added to", leave.chat_type)
        except Exception as exc:
            log.warning("line: could not leave a %s: %s", leave.chat_type, status_of(exc))

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

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
        self._in_background(self._loading_if_waiting(user_id))

    async def _loading_if_waiting(self, user_id: str) -> None:
        with contextlib.suppress(Exception):
            if not await self.inbox.waiting(self.keys.lookup_hash(CHANNEL, user_id)):
                return  # answered within the second
        await self._show_loading(user_id)
        # Still waiting when this animation runs out: look again then.
        if self.accepting:
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
        return job.age() < REPLY_TOKEN_FRESH

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
        return job.age(delay) < REPLY_TOKEN_FRESH

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


__all__ = ["LineChannel", "router", "shutdown", "startup"]
