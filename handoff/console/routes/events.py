"""Live updates by server-sent events: the queue, and one handoff's chat and state."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Response
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse

from handoff import auth, events, queue
from handoff.auth import Principal
from handoff.console import actions, security, views
from handoff.console.deps import ApiUser, PageUser, Services, Svc
from handoff.live import RETRY_AFTER, StreamsFull

router = APIRouter(route_class=security.ConsoleRoute)

SSE_RECHECK_SECONDS = 30.0


def _stream(svc: Services, principal: Principal, topic: str) -> Response:
    if svc.live.full:  # console.js opens the stream again after Retry-After
        return JSONResponse(
            {"detail": "自動更新が混み合っています。しばらくして自動でつなぎ直します。"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER)},
        )

    async def stream() -> AsyncIterator[dict[str, str]]:
        with contextlib.suppress(StreamsFull):  # filled up meanwhile: ends, console.js retries
            async for item in _events(svc, principal, topic):
                yield item

    return EventSourceResponse(
        stream(), ping=15, headers={"X-Accel-Buffering": "no"}, shutdown_event=svc.shutdown
    )


async def _events(svc: Services, principal: Principal, topic: str) -> AsyncIterator[dict[str, str]]:
    async with svc.live.subscribe(topic) as inbox:
        yield {"event": "ready", "data": "{}"}
        while True:
            try:
                event = await asyncio.wait_for(inbox.get(), timeout=SSE_RECHECK_SECONDS)
            except TimeoutError:
                # A signed-out or deactivated caseworker stops receiving at the next check.
                async with svc.db.session() as s:
                    still = await auth.principal_for_hash(s, principal.token_hash, principal.via)
                if still is None:
                    return
                continue
            if topic == events.QUEUE and not await _within(svc, principal, event):
                continue
            yield {
                "event": str(event.get("type", "message")),
                "data": json.dumps(event, ensure_ascii=False),
            }


# a handoff that is gone has no agency left to check; its id tells nothing
_GONE = ("handoff_deleted", "handoff_withdrawn")


async def _within(svc: Services, principal: Principal, event: dict[str, object]) -> bool:
    """A queue event reaches only the callers who may see its handoff (agency boundaries)."""
    agencies = svc.visible(principal)
    if agencies is None or event.get("type") in _GONE or "handoff_id" not in event:
        return True  # crisis alert cards (no handoff yet) go to every console, as before
    if "agency_id" in event:  # no query per open console for each new case
        return event["agency_id"] in agencies
    async with svc.db.session() as s:
        return await queue.get(s, str(event.get("handoff_id", "")), agencies) is not None


async def _handoff_stream(svc: Services, principal: Principal, handoff_id: str) -> Response:
    handoff = await actions.load(svc, principal, handoff_id)
    if not views.can_see_chat(principal, handoff):
        raise HTTPException(status_code=403, detail="forbidden")
    return _stream(svc, principal, events.handoff_topic(handoff_id))


@router.get("/console/events/queue", include_in_schema=False)
async def queue_events(svc: Svc, me: PageUser) -> Response:
    return _stream(svc, me, events.QUEUE)


@router.get("/console/handoffs/{handoff_id}/events", include_in_schema=False)
async def handoff_events(handoff_id: str, svc: Svc, me: PageUser) -> Response:
    return await _handoff_stream(svc, me, handoff_id)


@router.get("/api/console/events")
async def api_events(svc: Svc, me: ApiUser) -> Response:
    return _stream(svc, me, events.QUEUE)


@router.get("/api/console/handoffs/{handoff_id}/events")
async def api_handoff_events(handoff_id: str, svc: Svc, me: ApiUser) -> Response:
    return await _handoff_stream(svc, me, handoff_id)
