"""The resident's side of a handoff, beside the turn pipeline (``bot.service``): opening it on
consent (and adding the contact wishes and follow-up opt-in of later turns), acting on the
resident's answer to a proposed transfer, and the turns the console starts (return to the bot,
the transfer question) — each a resume of the graph with a ``sys:`` code, then a push."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from bot.db import prune_thread
from bot.messages import Option, Reply
from bot.models import Conversation, utcnow
from flows import resources
from flows.locale import t
from flows.render import label, render
from handoff import checkins, events, lifecycle, routing
from handoff.models import SCOPE_SUMMARY, Handoff
from handoff.summary import Summary, build_summary

if TYPE_CHECKING:
    from bot.service import ConversationService

log = logging.getLogger("tobira.casework")


def summary_of(
    svc: ConversationService,
    conv: Conversation,
    state: dict[str, Any],
    handoff_id: str,
    created_at: dt.datetime,
) -> Summary:
    return build_summary(
        state,
        handoff_id=handoff_id,
        created_at=created_at,
        municipality_code=svc.city.code,
        channel=conv.channel,
        crisis_level=conv.crisis_level,
        crisis_categories=[f for f in conv.crisis_flags.split(",") if f and f != "third_party"],
        crisis_first_at=conv.crisis_first_at,
        third_party_risk="third_party" in conv.crisis_flags,
        resources_shown=resources.shown(state, svc.city.resources),
    )


async def ensure_handoff(
    svc: ConversationService,
    conv: Conversation,
    state: dict[str, Any],
    now: dt.datetime,
    contact_enc: str | None,
    *,
    consent_turn: bool,
) -> tuple[Handoff | None, bool]:
    """Open the handoff on the consent turn; later turns add contact wishes and urgency, and
    an answer to a proposed transfer moves it (only on はい: ``lifecycle.answer_transfer``)."""
    consent = state.get("consent") or {}
    handoff, created = await lifecycle.open_on_consent(
        svc.db,
        svc.live,
        conversation_id=conv.id,
        channel=conv.channel,
        agency_id=routing.agency_for(summary_of(svc, conv, state, "", now), svc.city.agencies),
        after_hours=not svc.city.staffed_at(now),
        now=now,
        contact_enc=contact_enc,
        consent_turn=consent_turn,
        consent_version=str(consent.get("version", "")),
        consent_scope=str(consent.get("scope") or SCOPE_SUMMARY),
        make_summary=lambda hid, created_at: summary_of(svc, conv, state, hid, created_at),
    )
    answer = state.get("transfer_answer")
    if handoff is not None and answer in ("yes", "no"):
        await lifecycle.answer_transfer(svc.db, svc.live, handoff.id, answer == "yes", now)
    if handoff is not None and created:
        log.info("handoff created conv=%s handoff=%s", conv.id[:8], handoff.id[:8])
    return handoff, created


async def system_turn(
    svc: ConversationService,
    conversation_id: str,
    resume: dict[str, Any],
    extra: tuple[str, ...] = (),
) -> bool:
    """A turn the console starts (``sys:returned``, ``sys:transfer``): the graph moves, and what
    it says is pushed on the resident's channel (LINE push, or the widget's live stream)."""
    from langgraph.types import Command

    now = utcnow()
    config = {"configurable": {"thread_id": conversation_id}}
    async with svc.db.session() as s:
        conv = await s.get(Conversation, conversation_id)
    if conv is None:
        return False
    async with svc.locks.hold(conv.key_hash):
        svc.forget_view(conversation_id)
        resume = {**resume, "at": now.isoformat()}
        result = await svc.graph.ainvoke(Command(resume=resume), config, durability="exit")
        interrupts = result.get("__interrupt__") if isinstance(result, dict) else None
        payload = interrupts[0].value if interrupts else None
        messages, options = render(payload, conv.locale, svc.context(now)) if payload else ([], [])
        options = [*options, *((code, label(conv.locale, code)) for code in extra)]
        await svc.turns.append(conv.id, now, [("bot", "\n".join(messages), None, "")])
        await prune_thread(svc.saver, conversation_id)
    address = svc.keys.decrypt(conv.push_target_enc) if conv.push_target_enc else None
    sender = svc.senders.get(conv.channel)
    if sender is not None and address is not None:
        await sender(address, messages, [Option(c, lbl) for c, lbl in options])
    else:
        await svc.live.publish(
            events.resident_topic(conversation_id), events.to_resident("bot", messages, options)
        )
    return True


async def followup_chosen(
    svc: ConversationService, conversation_id: str, state: dict[str, Any], now: dt.datetime
) -> None:
    """The follow-up question was answered (after the contact step, or when the caseworker
    closed the handoff): the check-in's schedule of the conversation's newest handoff."""
    value = (state.get("answers") or {}).get("followup")
    async with svc.db.session() as s:
        handoff = (
            await s.exec(
                select(Handoff)
                .where(Handoff.conversation_id == conversation_id)
                .order_by(col(Handoff.created_at).desc())
            )
        ).first()
        if handoff is not None:
            await checkins.choose(s, handoff, value, now)


async def quiet(
    svc: ConversationService,
    conv: Conversation,
    pending: dict[str, Any] | None,
    now: dt.datetime,
    row: Any,
) -> Reply:
    """「連絡はもう大丈夫です」: no check-in, no caseworker message after closing; the open
    question stays where it was."""
    async with svc.db.session() as s:
        ended = await checkins.withdraw(s, conv.id, now)
    messages = [t(conv.locale, "followup.stopped" if ended else "followup.none")]
    options: list[tuple[str, str]] = []
    if pending:
        options = render(pending, conv.locale, svc.context(now))[1]
    await svc.turns.append(conv.id, now, [row, ("bot", "\n".join(messages), None, "")])
    return Reply(messages, [Option(c, lbl) for c, lbl in options], conversation_id=conv.id)
