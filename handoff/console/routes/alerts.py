"""Alert cards: a person in danger who has not consented appears in the queue at once (level,
category, channel, time — no text, no summary), and a caseworker can write to them through the
bot (APPI Art. 27(1)(ii); docs/PRIVACY-CRISIS.md). Every view and message is audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from flows.triage import CATEGORY_LABELS
from handoff import audit
from handoff.console import pages, security
from handoff.console.deps import (
    ApiUser,
    ApiWriter,
    PageUser,
    PageWriter,
    Services,
    Svc,
    form_text,
    json_body,
)
from handoff.ports import CrisisCard, TranscriptTurn

router = APIRouter(route_class=security.ConsoleRoute)
MAX_MESSAGE = 1000


def card_json(card: CrisisCard) -> dict[str, Any]:
    return {**card, "at": card["at"].isoformat()}


async def cards(svc: Services) -> list[CrisisCard]:
    return await svc.crisis.cards() if svc.crisis is not None else []


async def _card(svc: Services, conversation_id: str) -> CrisisCard:
    for card in await cards(svc):
        if card["conversation_id"] == conversation_id:
            return card
    raise HTTPException(status_code=404, detail="no alert for this conversation")


async def _reach(svc: Services, actor: str, conversation_id: str, text: str) -> bool:
    text = text.strip()[:MAX_MESSAGE]
    if not text:
        raise HTTPException(status_code=422, detail="empty message")
    await _card(svc, conversation_id)
    assert svc.crisis is not None
    delivered = await svc.crisis.reach(conversation_id, [text], actor)
    async with svc.db.session() as s:
        await audit.record(
            s, actor, "alert_message", detail=f"conv={conversation_id[:8]} ok={delivered}"
        )
    return delivered


@router.get("/console/alerts/{conversation_id}", include_in_schema=False)
async def alert_page(request: Request, conversation_id: str, svc: Svc, me: PageUser) -> Response:
    card = await _card(svc, conversation_id)
    async with svc.db.session() as s:
        await audit.record(s, me.username, "alert_view", detail=f"conv={conversation_id[:8]}")
    sent = request.query_params.get("sent")
    return pages.page(
        request,
        svc,
        me,
        "alert.html",
        card=card,
        sent=sent,
        since_reached=await since_reached(svc, conversation_id),
        category_labels=CATEGORY_LABELS,
    )


async def since_reached(svc: Services, conversation_id: str) -> list[TranscriptTurn]:
    """The (redacted) turns from a caseworker's first message on: from then the person knows a
    相談員 reads. Nothing written before it is shown without consent."""
    turns = await svc.link.transcript(conversation_id)
    first = next((i for i, turn in enumerate(turns) if turn["role"] == "staff"), len(turns))
    return turns[first:]


@router.post("/console/alerts/{conversation_id}/message", include_in_schema=False)
async def alert_message_form(
    request: Request, conversation_id: str, svc: Svc, me: PageWriter
) -> Response:
    delivered = await _reach(svc, me.username, conversation_id, await form_text(request, "text"))
    target = f"/console/alerts/{conversation_id}?sent={'1' if delivered else '0'}"
    return RedirectResponse(target, status_code=303)


@router.get("/api/console/alerts")
async def api_alerts(svc: Svc, me: ApiUser) -> Response:
    found = await cards(svc)
    async with svc.db.session() as s:
        await audit.record(s, me.username, "alert_view", detail=f"api count={len(found)}")
    return JSONResponse({"alerts": [card_json(c) for c in found]})


@router.post("/api/console/alerts/{conversation_id}/messages")
async def api_alert_message(
    request: Request, conversation_id: str, svc: Svc, me: ApiWriter
) -> Response:
    data = await json_body(request)
    delivered = await _reach(svc, me.username, conversation_id, str(data.get("text") or ""))
    return JSONResponse({"delivered": delivered}, status_code=201 if delivered else 502)
