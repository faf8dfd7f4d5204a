"""The console's actions on one handoff, shared by the pages and the JSON API. Each loads the
handoff within the caller's agencies, acts (state changes through ``handoff.lifecycle``), writes
the audit log, and raises ``HTTPException`` for what the caller should see."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from fastapi import HTTPException
from sqlmodel import col, select

from handoff import audit, events, lifecycle, queue
from handoff.auth import Principal
from handoff.console.deps import Services
from handoff.console.views import can_chat, turn_view
from handoff.models import Handoff, HandoffNote, HandoffState, utcnow

MESSAGE_LIMIT = 1000
NOTE_LIMIT = 2000
REASON_MIN = 4


@contextlib.contextmanager
def http_errors() -> Iterator[None]:
    """A lifecycle step's refusal, as the status a caseworker's browser or client sees."""
    try:
        yield
    except lifecycle.NotFound as exc:
        raise HTTPException(status_code=404, detail="no such handoff") from exc
    except lifecycle.TransitionError as exc:
        raise HTTPException(status_code=409, detail="この操作は現在の状態ではできません") from exc
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"invalid {exc}") from exc


async def load(svc: Services, principal: Principal, handoff_id: str) -> Handoff:
    async with svc.db.session() as s:
        handoff = await queue.get(s, handoff_id, svc.visible(principal))
    if handoff is None:
        raise HTTPException(status_code=404, detail="no such handoff")
    return handoff


async def open_(svc: Services, principal: Principal, handoff_id: str, via: str) -> Handoff:
    """A caseworker views a handoff (audited; the first view pins ``opened_at``)."""
    with http_errors():
        return await lifecycle.open_by_staff(
            svc.db, svc.live, handoff_id, principal.username, svc.visible(principal), via
        )


async def claim(svc: Services, principal: Principal, handoff_id: str) -> Handoff:
    with http_errors():
        return await lifecycle.claim(
            svc.db, svc.live, handoff_id, principal.username, svc.visible(principal)
        )


async def go_live(svc: Services, principal: Principal, handoff_id: str) -> Handoff:
    with http_errors():
        return await lifecycle.go_live(
            svc.db, svc.live, handoff_id, principal.username, svc.visible(principal)
        )


async def return_to_bot(svc: Services, principal: Principal, handoff_id: str) -> Handoff:
    with http_errors():
        handoff = await lifecycle.return_to_bot(
            svc.db,
            svc.live,
            handoff_id,
            principal.username,
            svc.visible(principal),
            supervisor=principal.at_least("supervisor"),
        )
    # The state is committed first: the bot resumes only once the chat is no longer live.
    await svc.link.return_to_bot(handoff.conversation_id)
    return handoff


async def close(
    svc: Services, principal: Principal, handoff_id: str, outcome: str, destination: str | None
) -> Handoff:
    with http_errors():
        return await lifecycle.close(
            svc.db,
            svc.live,
            handoff_id,
            principal.username,
            svc.visible(principal),
            supervisor=principal.at_least("supervisor"),
            outcome=outcome,
            destination=destination or None,
        )


async def send(svc: Services, principal: Principal, handoff_id: str, text: str) -> Handoff:
    """A caseworker writes to the resident; replying takes the chat over first."""
    text = text.strip()
    if not text:
        raise HTTPException(status_code=422, detail="メッセージが空です")
    if len(text) > MESSAGE_LIMIT:
        raise HTTPException(
            status_code=422, detail=f"メッセージは{MESSAGE_LIMIT}文字以内にしてください"
        )
    handoff = await load(svc, principal, handoff_id)
    if not can_chat(principal, handoff):
        raise HTTPException(status_code=409, detail="担当している引き継ぎにだけ返信できます")
    if handoff.state != HandoffState.LIVE:
        # the bot goes silent before the message leaves
        handoff = await go_live(svc, principal, handoff_id)
    delivered = await svc.link.deliver(handoff.conversation_id, [text], staff=principal.username)
    async with svc.db.session() as s:
        await audit.record(
            s,
            principal.username,
            "message",
            handoff_id,
            f"chars={len(text)}" + ("" if delivered else " not_delivered"),
        )
    if not delivered:
        raise HTTPException(status_code=502, detail="相談者に届けられませんでした")
    await svc.live.publish(
        events.handoff_topic(handoff_id), events.staff_message(text, principal.username, utcnow())
    )
    return handoff


async def chat_turns(svc: Services, handoff: Handoff) -> list[dict[str, Any]]:
    """The turns of the current live chat (since the caseworker took it over): these need no
    reason; everything before them is the transcript."""
    if handoff.live_since is None:
        return []
    since = handoff.live_since
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    out = []
    for turn in map(turn_view, await svc.link.transcript(handoff.conversation_id)):
        at = turn["at_dt"]
        if at is None:
            continue
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        if at >= since - dt.timedelta(seconds=1) and turn["role"] in ("resident", "staff"):
            out.append(turn)
    return out


async def transcript(
    svc: Services, principal: Principal, handoff_id: str, reason: str
) -> tuple[Handoff, list[dict[str, Any]]]:
    """The whole transcript, only with a reason (audited either way)."""
    reason = " ".join(reason.split())
    handoff = await load(svc, principal, handoff_id)
    if len(reason) < REASON_MIN:
        async with svc.db.session() as s:
            await audit.record(s, principal.username, "transcript_refused", handoff_id)
        raise HTTPException(status_code=400, detail="会話記録を見る理由を入力してください")
    turns = [turn_view(t) for t in await svc.link.transcript(handoff.conversation_id)]
    async with svc.db.session() as s:
        await audit.record(
            s, principal.username, "transcript_view", handoff_id, f"reason: {reason[:400]}"
        )
    return handoff, turns


async def contact(svc: Services, principal: Principal, handoff_id: str) -> str:
    """Contact details, for the assigned caseworker only (audited)."""
    handoff = await load(svc, principal, handoff_id)
    if handoff.claimed_by != principal.username:
        raise HTTPException(status_code=403, detail="連絡先は担当者だけが見られます")
    if handoff.contact_enc is None:
        raise HTTPException(status_code=404, detail="連絡先の提供はありません")
    value = svc.keys.decrypt(handoff.contact_enc)
    async with svc.db.session() as s:
        await audit.record(s, principal.username, "contact_view", handoff_id)
    if value is None:
        raise HTTPException(status_code=500, detail="連絡先を復号できませんでした")
    return str(value)


async def add_note(svc: Services, principal: Principal, handoff_id: str, text: str) -> HandoffNote:
    text = text.strip()
    if not text or len(text) > NOTE_LIMIT:
        raise HTTPException(status_code=422, detail=f"メモは1〜{NOTE_LIMIT}文字で入力してください")
    await load(svc, principal, handoff_id)
    note = HandoffNote(handoff_id=handoff_id, author=principal.username, text=text)
    async with svc.db.session() as s:
        s.add(note)
        await audit.record(s, principal.username, "note", handoff_id, f"chars={len(text)}")
    return note


async def notes_of(svc: Services, handoff_id: str) -> list[HandoffNote]:
    async with svc.db.session() as s:
        rows = await s.exec(
            select(HandoffNote)
            .where(HandoffNote.handoff_id == handoff_id)
            .order_by(col(HandoffNote.at))
        )
        return list(rows.all())
