"""The console's actions on one handoff, shared by the pages and the JSON API. Each loads the
handoff within the caller's agencies, acts (state changes through ``handoff.lifecycle``), writes
the audit log, and raises ``HTTPException`` for what the caller should see."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import HTTPException

from handoff import audit, checkins, consent, events, followup, lifecycle, notes, queue
from handoff.auth import Principal
from handoff.console.deps import Services
from handoff.console.views import can_chat, turn_view
from handoff.models import SCOPE_TRANSCRIPT, Handoff, HandoffNote, HandoffState, utcnow

MESSAGE_LIMIT = 1000
NOTE_LIMIT = 2000
REASON_MIN = 4

log = logging.getLogger("tobira.console")


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
    if handoff.conversation_id is not None:
        await svc.link.return_to_bot(handoff.conversation_id)
    return handoff


async def close(
    svc: Services, principal: Principal, handoff_id: str, outcome: str, destination: str | None
) -> Handoff:
    with http_errors():
        handoff = await lifecycle.close(
            svc.db,
            svc.live,
            handoff_id,
            principal.username,
            svc.visible(principal),
            supervisor=principal.at_least("supervisor"),
            outcome=outcome,
            destination=destination or None,
            now=svc.clock(),
        )
    async with svc.db.session() as s:  # a check-in chosen earlier falls due from the close
        chosen = await checkins.schedule_on_close(s, handoff)
    unchosen = chosen is None and followup.opted_in(handoff) is None
    # they had not chosen: the bot says it closed, and asks 「声をかけてもいいですか」
    if (
        unchosen
        and handoff.conversation_id
        and not await svc.link.offer_followup(handoff.conversation_id)
    ):
        log.info("close: follow-up question not delivered handoff=%s", handoff.id[:8])
    return handoff


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
    if not can_chat(principal, handoff) or handoff.conversation_id is None:
        raise HTTPException(status_code=409, detail="担当している引き継ぎにだけ返信できます")
    if handoff.state != HandoffState.LIVE:
        # the bot goes silent before the message leaves
        handoff = await go_live(svc, principal, handoff_id)
    assert handoff.conversation_id is not None
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
    if handoff.live_since is None or handoff.conversation_id is None:
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


async def transcript_scope(svc: Services, handoff: Handoff) -> str | None:
    """Why the transcript may not be shown (None: the resident's consent includes it)."""
    if handoff.withdrawn_at is not None or handoff.conversation_id is None:
        return "相談者が同意を取り消したため、会話の記録はありません"
    async with svc.db.session() as s:
        given = await consent.current(s, handoff.id)
    if given is None or given.scope != SCOPE_TRANSCRIPT:
        return "相談者の同意は「まとめだけ」です。会話の記録は同意の範囲外のため見られません"
    return None


async def transcript(
    svc: Services, principal: Principal, handoff_id: str, reason: str
) -> tuple[Handoff, list[dict[str, Any]]]:
    """The whole transcript, only when the resident's consent includes it and with a reason
    (audited either way: shown, refused for want of a reason, or outside the consent)."""
    reason = " ".join(reason.split())
    handoff = await load(svc, principal, handoff_id)
    refusal = await transcript_scope(svc, handoff)
    if refusal is not None:
        async with svc.db.session() as s:
            await audit.record(
                s, principal.username, "transcript_out_of_scope", handoff_id, refusal[:120]
            )
        raise HTTPException(status_code=403, detail=refusal)
    if len(reason) < REASON_MIN:
        async with svc.db.session() as s:
            await audit.record(s, principal.username, "transcript_refused", handoff_id)
        raise HTTPException(status_code=400, detail="会話記録を見る理由を入力してください")
    assert handoff.conversation_id is not None
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
    async with svc.db.session() as s:
        note = await notes.add(s, handoff_id, principal.username, text)
        await audit.record(s, principal.username, "note", handoff_id, f"chars={len(text)}")
    return note


async def notes_of(svc: Services, principal: Principal, handoff_id: str) -> list[HandoffNote]:
    """A handoff's notes, read on the record (one audit entry per reading)."""
    async with svc.db.session() as s:
        found = await notes.of(s, handoff_id)
        await audit.record(s, principal.username, "notes_view", handoff_id, f"count={len(found)}")
    return found


async def withdraw(svc: Services, principal: Principal, handoff_id: str) -> Handoff:
    """Record the withdrawal a resident asked for in the live chat (the assigned caseworker or a
    supervisor): closed, marked withdrawn, contact details gone; the summary stays as the
    agency's record for the city's retention."""
    handoff = await load(svc, principal, handoff_id)
    if not (handoff.claimed_by == principal.username or principal.at_least("supervisor")):
        raise HTTPException(status_code=403, detail="担当者かスーパーバイザーだけが記録できます")
    with http_errors():
        return await lifecycle.withdraw_for_resident(
            svc.db, svc.live, handoff_id, principal.username, svc.visible(principal)
        )
