"""The conversation service: the one path every inbound turn takes, whatever the channel.

    triage the raw text -> redact it -> resume the graph with the redacted input
    -> persist the redacted turn (and the handoff, once consented) -> render replies

The raw text exists only inside ``handle`` for one turn; nothing below it stores or logs it.
Its neighbours: ``bot.crisis`` (the danger reply), ``bot.turns`` (the transcript in SQL),
``bot.erasure`` (deletion and retention), ``bot.casework`` (the handoff a conversation holds),
``handoff.lifecycle`` (every handoff change). The service is the console's
``handoff.ports.ResidentLink``: deliver, return to the bot, ask about a transfer, transcript."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from langgraph.types import Command
from prometheus_client import Counter, Histogram
from sqlalchemy import func
from sqlmodel import col, select

from bot import casework, codes, crisis, erasure
from bot.alerts import AlertOutbox
from bot.crisis_turn import CrisisTalk
from bot.crypto import Keys
from bot.db import Database, prune_thread
from bot.hearing import MAX_STORED, MAX_TEXT, settle
from bot.locks import Locks
from bot.messages import Inbound, Option, Reply, stays_command
from bot.models import Conversation, utcnow
from bot.settings import Settings
from bot.turns import Row, TurnStore
from flows import listening, triage
from flows.at_risk import at_risk
from flows.intake import command_for, initial_state
from flows.locale import t
from flows.municipality import Municipality
from flows.render import Context, label, label_match, render
from handoff import events, lifecycle
from handoff.live import LiveHub
from handoff.models import ACTIVE_STATES, Handoff, HandoffState
from handoff.ports import TranscriptTurn
from pii import redact

log = logging.getLogger("tobira.service")

TURNS = Counter("tobira_turns_total", "Inbound turns handled", ["channel", "kind"])
RAISED = ("P0", "P1")
CRISIS = Counter("tobira_crisis_total", "Turns assessed at a crisis level", ["level"])
HANDOFFS = Counter("tobira_handoffs_total", "Consented handoffs created", ["channel"])
ERRORS = Counter("tobira_turn_errors_total", "Turns that failed inside the service", ["channel"])
TURN_SECONDS = Histogram("tobira_turn_seconds", "Time to handle one turn", ["channel"])

# after consent: the questions where a closed handoff means a caseworker closed it
AFTER_CONSENT = ("contact", "contact_phone", "contact_time", "followup", "transfer", "handed_over")
MAX_VIEWS = 10_000  # conversations whose graph position is remembered between turns
UNSUPPORTED = {
    "sticker": "unsupported.sticker",
    "image": "unsupported.media",
    "video": "unsupported.media",
    "audio": "unsupported.media",
    "file": "unsupported.media",
    "location": "unsupported.location",
}

Sender = Callable[[str, list[str], list[Option]], Awaitable[None]]
# the graph's status values and the question it waits at (None: not waiting)
View = tuple[dict[str, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Heard:
    """What the person said this turn, once triaged and redacted (the raw text is not kept)."""

    code: str | None  # a button, a command, or a typed button label
    text: str | None  # redacted, at most MAX_STORED characters
    entity_types: str
    assessment: triage.Assessment | None
    contact_enc: str | None  # typed at the contact step, encrypted
    truncated: bool
    audience: str = "self"  # who is at risk (flows.at_risk), when there is danger

    @property
    def row(self) -> Row:
        return ("resident", self.text, self.code, self.entity_types)

    @property
    def level(self) -> str | None:
        return self.assessment.level if self.assessment else None


@dataclass(frozen=True)
class Opened:
    """The conversation a turn belongs to, as it stood before the turn."""

    conv: Conversation
    handoff: Handoff | None  # the one the agency holds
    is_new: bool
    gap: bool  # back after longer than the resume setting
    event: str = ""  # the inbox event's id, kept on the checkpoint (``TurnStore.rewind``)

    @property
    def config(self) -> dict[str, Any]:
        return {"configurable": {"thread_id": self.conv.id, "event": self.event}}


class ConversationService:
    def __init__(
        self,
        *,
        settings: Settings,
        city: Municipality,
        db: Database,
        graph: Any,
        saver: Any,
        keys: Keys,
        locks: Locks,
        live: LiveHub,
        alerts: AlertOutbox | None = None,
    ) -> None:
        self.settings = settings
        self.city = city
        self.db = db
        self.graph = graph
        self.saver = saver
        self.keys = keys
        self.locks = locks
        self.live = live
        self.alerts = alerts
        self.turns = TurnStore(db, saver)
        self.talk = CrisisTalk(db, city, self.turns, alerts, self.context)
        self.senders: dict[str, Sender] = {}
        # Where each conversation's graph stands after its last turn (status, open question), so
        # a turn need not read the checkpoint back before resuming it. Only with the SQLite saver
        # in one process: it is then the only writer of the checkpoints, and every change to a
        # thread goes through this object (a resume updates the entry; anything else drops it).
        self._views: OrderedDict[str, View] = OrderedDict()
        self._remember_views = type(saver).__name__ == "AsyncSqliteSaver" and settings.workers == 1

    # ------------------------------------------------------------------ entry point

    async def handle(self, inbound: Inbound) -> Reply:
        started = time.perf_counter()
        key_hash = self.keys.lookup_hash(inbound.channel, inbound.address)
        TURNS.labels(
            inbound.channel, inbound.event if inbound.event != "unsupported" else inbound.kind
        ).inc()
        if inbound.event == "unfollow":
            await self.forget(inbound.channel, inbound.address)
            return Reply(messages=[])
        if inbound.event == "unsupported":
            return await self._unsupported(key_hash, inbound.kind)
        try:
            async with self.locks.hold(key_hash):
                reply = await self._turn(inbound, key_hash)
        except Exception:
            # the person still gets a kind answer; the log holds the type and frames, no text
            ERRORS.labels(inbound.channel).inc()
            log.exception("turn failed channel=%s", inbound.channel)
            if inbound.prepared is not None:
                raise  # it comes from a durable inbox: retried there instead
            return Reply(messages=[t("ja", "error.try_again")])
        TURN_SECONDS.labels(inbound.channel).observe(time.perf_counter() - started)
        return reply

    def warm_up(self) -> None:
        """Load the redactor's dictionaries and the triage rules before the first resident."""
        redact("準備です。090-0000-0000")
        triage.assess("準備です")

    # ------------------------------------------------------------------ one turn

    async def _turn(self, inbound: Inbound, key_hash: str) -> Reply:
        now = inbound.at
        opened = await self._open(inbound, key_hash)
        conv, handoff = opened.conv, opened.handoff
        values, pending = await self._position(opened)
        heard = self._hear(inbound, pending, conv.locale)
        if heard.assessment is not None and heard.assessment.level is not None:
            CRISIS.labels(heard.assessment.level).inc()
            log.info(
                "triage conv=%s level=%s rule=%s",
                conv.id[:8],
                heard.assessment.level,
                heard.assessment.rule_id,
            )
            conv = await crisis.record(self.db, self.live, conv, heard.assessment, now, handoff)
            if self.alerts is not None:
                await self.alerts.on_assessment(conv.id, conv.channel, heard.assessment, now)
            if handoff is None and heard.level in RAISED:  # the console's alert card
                await self.live.publish(events.QUEUE, events.crisis_alert(conv.id, heard.level))

        # a caseworker has the chat: the bot stays silent and relays
        if (
            handoff is not None
            and handoff.state == HandoffState.LIVE
            and not stays_command(heard.code, pending)
        ):
            await self.turns.append(conv.id, now, [heard.row])
            await self.live.publish(
                events.handoff_topic(handoff.id),
                events.resident_message(heard.text, heard.code, now),
            )
            return Reply(messages=[], conversation_id=conv.id, silent=True)
        if heard.code == "c:withdraw":
            return await self._withdraw(conv, handoff, now, heard)
        if heard.code == "c:quiet":  # 「連絡はもう大丈夫です」: the follow-up opt-in ends
            return await casework.quiet(self, conv, pending, now, heard.row)
        answered = await self.talk.turn(conv, handoff, heard, pending, now)
        if answered is not None:
            return answered

        self._views.pop(conv.id, None)  # dropped until the resume below succeeds
        result = await self._advance(inbound, opened, values, pending, heard)
        state: dict[str, Any] = {k: v for k, v in result.items() if k != "__interrupt__"}
        if state.get("status") == "deleted":
            done = await erasure.words(self.db, self.city, conv.id, conv.locale, "delete.done")
            await self._delete_conversation(conv.id, reason="resident asked")
            return Reply(messages=[done], conversation_id=conv.id)
        payload = _interrupt_of(result)
        locale = state.get("locale", conv.locale)
        messages, options = self._compose(payload, locale, inbound, opened, heard)
        messages = await erasure.truthful(self.db, self.city, conv.id, locale, payload, messages)
        if heard.code in crisis.LIFELINE_CODES:  # 食べ物がない / 電気・ガス: who acts, and when
            moment = self.talk.moment(conv, handoff, heard, now)
            messages.insert(0, "\n".join(crisis.lifeline_lines(moment)))
        if state.get("status") == "consented":
            await self._ensure_handoff(
                conv,
                state,
                now,
                heard.contact_enc,
                consent_turn=(heard.code or "").startswith("a:consent:agree"),
            )
        if (pending or {}).get("q") == "followup" and (payload or {}).get("q") != "followup":
            await casework.followup_chosen(self, conv.id, state, now)  # the check-in's date
        prune = self.turns.prune_in_store
        bot_row = ("bot", "\n".join(messages), None, "")
        await self.turns.append(conv.id, now, [heard.row, bot_row], locale=locale, prune=prune)
        if not prune:
            await prune_thread(self.saver, conv.id)
        self._remember(conv.id, state, payload)  # once stored: a failed turn is retried from SQL
        return Reply(
            messages=messages,
            options=[Option(c, lbl) for c, lbl in options],
            conversation_id=conv.id,
            level=heard.level,
        )

    # ------------------------------------------------------------------ pieces of a turn

    async def _open(self, inbound: Inbound, key_hash: str) -> Opened:
        """The person's conversation (created on the first turn) and the handoff it holds."""
        now = inbound.at
        async with self.db.session() as s:
            found = (
                await s.exec(
                    select(Conversation, Handoff)
                    .outerjoin(
                        Handoff,
                        (col(Handoff.conversation_id) == col(Conversation.id))
                        & col(Handoff.state).in_(ACTIVE_STATES),
                    )
                    .where(Conversation.key_hash == key_hash)
                    .order_by(col(Handoff.created_at).desc())
                    .limit(1)
                )
            ).first()
            conv, handoff = found if found is not None else (None, None)
            is_new = conv is None
            if conv is None:
                conv = Conversation(
                    key_hash=key_hash, channel=inbound.channel, created_at=now, last_active_at=now
                )
            if inbound.channel == "line" and not conv.push_target_enc:
                conv.push_target_enc = self.keys.encrypt(inbound.address)
                s.add(conv)
            elif is_new:
                s.add(conv)
            gap = not is_new and _aware(now) - _aware(conv.last_active_at) > dt.timedelta(
                hours=self.settings.resume_after_hours
            )
        return Opened(conv, handoff, is_new, gap, inbound.event_id)

    async def _position(self, opened: Opened) -> View:
        view = self._views.get(opened.conv.id)
        if view is None:
            snapshot = await self.graph.aget_state(opened.config)
            view = (snapshot.values or {}, _pending_payload(snapshot))
        return view

    def _remember(self, conversation_id: str, state: dict[str, Any], payload: Any) -> None:
        if not self._remember_views:
            return
        status = {"status": state.get("status")} if state else {}
        self._views[conversation_id] = (status, copy.deepcopy(payload))
        if len(self._views) > MAX_VIEWS:
            self._views.popitem(last=False)

    def _hear(self, inbound: Inbound, pending: dict[str, Any] | None, locale: str) -> Heard:
        """Read the raw text once: command or button label, triage, contact details, redaction."""
        if (p := inbound.prepared) is not None:  # heard where it came in (bot.hearing)
            code, assessment, contact = settle(p, pending, locale)
            return Heard(code, p.text, p.entity_types, assessment, contact, p.truncated, p.audience)
        raw = (inbound.text or "")[:MAX_TEXT] or None
        code = codes.accepted(inbound.code, (pending or {}).get("options") or ())
        if raw and code is None:
            code = command_for(raw)
        if raw and code is None and pending and pending.get("options"):
            # typing a button's label is pressing the button: not free text, not triaged
            code = label_match(raw, pending["options"], locale)
        assessment = triage.assess(raw) if raw and code is None else None
        if code == "c:danger" or code in crisis.DANGER_ANSWERS:
            assessment = crisis.DANGER_BUTTON
        elif code in crisis.LIFELINE_CODES:
            assessment = crisis.LIFELINE
        audience = "self"
        if assessment is not None and assessment.level is not None:
            audience = at_risk(raw, assessment.category, third_party=assessment.third_party)
        contact_enc = None
        if pending and pending.get("q") == "contact_phone" and raw and code is None:
            contact_enc = self.keys.encrypt(raw[:200])
        redacted = redact(raw) if raw else None
        return Heard(
            code=code,
            text=redacted.text[:MAX_STORED] if redacted else None,
            entity_types=",".join(redacted.types) if redacted else "",
            assessment=assessment,
            contact_enc=contact_enc,
            truncated=inbound.text is not None and len(inbound.text) > MAX_TEXT,
            audience=audience,
        )

    async def _advance(
        self,
        inbound: Inbound,
        opened: Opened,
        values: dict[str, Any],
        pending: dict[str, Any] | None,
        heard: Heard,
    ) -> Any:
        """Start the graph, or resume it at its open question with what was heard."""
        at = inbound.at.isoformat()
        locale = opened.conv.locale
        if pending is None and (opened.is_new or not values):
            opening = heard.text if inbound.event == "message" and heard.code is None else None
            meant = listening.meaning("intro", inbound.text or "") if opening else None
            start = initial_state(locale, opening or None, meant)
            return await self.graph.ainvoke(start, opened.config, durability="exit")
        if pending is None:  # the graph ended (deleted): start again
            return await self.graph.ainvoke(initial_state(locale), opened.config, durability="exit")
        # consented, but the agency no longer holds the handoff: a caseworker closed it
        closed_by_staff = (
            values.get("status") == "consented"
            and opened.handoff is None
            and pending.get("q") in AFTER_CONSENT
        )
        resume: dict[str, Any] = {
            "code": heard.code,
            "text": heard.text if heard.code is None else None,
            "at": at,
            # the answer read from the words before redaction: option values, never text
            "meant": listening.meaning(pending.get("q", ""), inbound.text or "")
            if heard.code is None and inbound.text
            else None,
        }
        if inbound.event == "follow":
            resume = {"code": "c:resume", "at": at}
        if closed_by_staff and heard.code != "c:delete":  # 削除 is heard whatever happened
            resume = {"code": "sys:closed", "at": at}
        return await self.graph.ainvoke(_Resume(resume), opened.config, durability="exit")

    def _compose(
        self,
        payload: dict[str, Any] | None,
        locale: str,
        inbound: Inbound,
        opened: Opened,
        heard: Heard,
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """The graph's reply, with what this turn adds in front of it."""
        if heard.assessment is not None and heard.assessment.ask and heard.level not in RAISED:
            # unsure whether someone is in danger: ask, with buttons (DOMAIN.md §4); the answer
            # to the open question is kept, and the question comes back after 「いいえ」
            safety = [(code, label(locale, code)) for code in crisis.SAFETY_OPTIONS]
            return [t(locale, "safety.ask")], safety
        messages, options = (
            render(payload, locale, self.context(inbound.at, agency_of(opened.handoff)))
            if payload
            else ([], [])
        )
        if heard.level == "P2":
            messages.insert(0, t(locale, "crisis.P2"))  # despair: empathise, then go on gently
        if heard.truncated:
            messages.insert(0, t(locale, "too_long"))
        if inbound.event == "follow" and not opened.is_new:
            messages.insert(0, t(locale, "welcome.back"))
        elif opened.gap and not (payload and payload.get("paused")):
            messages.insert(0, t(locale, "resume.gap"))
        return messages, options

    def context(self, now: dt.datetime, agency_id: str | None = None) -> Context:
        """What rendering needs; ``agency_id``: the agency the handoff went to (its address,
        phone and hours for someone who will visit or call), else the city's default."""
        agency = next((a for a in self.city.agencies if a.id == agency_id), None)
        agency = agency or self.city.default_agency
        return Context(
            city=self.city.name,
            hours=self.city.office_hours_text(),
            office=self.city.office_window(),
            staffed_now=self.city.staffed_at(now, agency),
            next_staffed=self.city.next_staffed(now, agency),
            resources=tuple(f"{r.name} {r.contact}".strip() for r in self.city.resources),
            places=tuple(self.city.resources),
            agency=agency,
        )

    # ------------------------------------------------------------------ consent

    async def _withdraw(
        self, conv: Conversation, handoff: Handoff | None, now: dt.datetime, heard: Heard
    ) -> Reply:
        """「取り消す」: delete the handoff, but only while no caseworker has opened it."""
        locale = conv.locale
        messages: list[str] = []
        options: list[tuple[str, str]] = []
        if handoff is None:
            messages = [t(locale, "withdraw.nothing")]
        elif not await lifecycle.withdraw(self.db, self.live, handoff.id, now):
            messages = [t(locale, "withdraw.too_late")]
        else:
            self._views.pop(conv.id, None)
            result = await self.graph.ainvoke(
                _Resume({"code": "sys:withdrawn", "at": now.isoformat()}),
                {"configurable": {"thread_id": conv.id}},
                durability="exit",
            )
            payload = _interrupt_of(result)
            if payload:
                messages, options = render(payload, locale, self.context(now))
        rows: list[Row] = [
            ("resident", heard.text, heard.code, ""),
            ("bot", "\n".join(messages), None, ""),
        ]
        await self.turns.append(conv.id, now, rows)
        return Reply(messages, [Option(c, lbl) for c, lbl in options], conversation_id=conv.id)

    async def _ensure_handoff(
        self,
        conv: Conversation,
        state: dict[str, Any],
        now: dt.datetime,
        contact_enc: str | None,
        *,
        consent_turn: bool,
    ) -> Handoff | None:
        """Open the handoff on the consent turn, or add to it (``bot.casework``)."""
        handoff, created = await casework.ensure_handoff(
            self, conv, state, now, contact_enc, consent_turn=consent_turn
        )
        if handoff is not None and created:
            HANDOFFS.labels(conv.channel).inc()
        return handoff

    async def _unsupported(self, key_hash: str, kind: str) -> Reply:
        conv = await erasure.find(self.db, key_hash)
        locale = conv.locale if conv else "ja"
        key = UNSUPPORTED.get(kind, "unsupported.other")
        return Reply(messages=[t(locale, key)], conversation_id=conv.id if conv else None)

    # ------------------------------------------------------------------ ResidentLink (the console)

    async def deliver(
        self, conversation_id: str, messages: list[str], staff: str = "staff"
    ) -> bool:
        """Send a caseworker's messages to the resident on their channel; store them as staff turns."""
        async with self.db.session() as s:
            conv = await s.get(Conversation, conversation_id)
        if conv is None:
            return False
        await self.turns.append(conv.id, utcnow(), [("staff", m, None, "") for m in messages])
        address = self.keys.decrypt(conv.push_target_enc) if conv.push_target_enc else None
        sender = self.senders.get(conv.channel)
        if sender is None or address is None:
            await self.live.publish(
                events.resident_topic(conversation_id), events.to_resident("staff", messages)
            )
            return conv.channel == "web"
        await sender(address, messages, [])
        return True

    async def return_to_bot(self, conversation_id: str) -> bool:
        """Hand the chat back: the bot tells the resident and waits at its open question."""
        return await casework.system_turn(self, conversation_id, {"code": "sys:returned"})

    async def ask_transfer(self, conversation_id: str, agency_id: str) -> bool:
        """Ask the resident whether the summary may go to another agency (はい / いいえ), named
        as the bot names it to residents (``Agency.said_name``)."""
        agency = next((a for a in self.city.agencies if a.id == agency_id), None)
        resume = {"code": "sys:transfer", "agency": agency.said_name if agency else agency_id}
        return await casework.system_turn(self, conversation_id, resume)

    async def offer_followup(self, conversation_id: str) -> bool:
        """The handoff closed before the resident chose: the bot says so and asks when it may
        check in (「2週間後」「1か月後」「声をかけないで」)."""
        return await casework.system_turn(self, conversation_id, {"code": "sys:closed_ask"})

    def forget_view(self, conversation_id: str) -> None:
        self._views.pop(conversation_id, None)

    async def transcript(self, conversation_id: str) -> list[TranscriptTurn]:
        return await self.turns.transcript(conversation_id)

    # ------------------------------------------------------------------ deletion and retention

    async def forget(self, channel: str, address: str) -> bool:
        """Delete everything kept about a person at once (LINE unfollow)."""
        conv = await erasure.find(self.db, self.keys.lookup_hash(channel, address))
        if conv is None:
            return False
        reason = "unfollow" if channel == "line" else "resident asked"
        await self._delete_conversation(conv.id, reason=reason)
        return True

    async def _delete_conversation(self, conversation_id: str, reason: str) -> None:
        self._views.pop(conversation_id, None)
        await erasure.delete_conversation(self.db, self.saver, self.live, conversation_id, reason)

    async def purge_expired(self, now: dt.datetime) -> int:
        """Retention, hourly and ``tobira purge`` (bot.erasure.purge)."""
        return await erasure.purge(self.db, self.saver, self.live, self.city, now)

    async def conversation_count(self) -> int:
        async with self.db.session() as s:
            return int((await s.exec(select(func.count()).select_from(Conversation))).one())


def _Resume(value: dict[str, Any]) -> Any:
    return Command(resume=value)


def agency_of(handoff: Handoff | None) -> str | None:
    return handoff.agency_id if handoff is not None else None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _interrupt_of(result: Any) -> dict[str, Any] | None:
    interrupts = result.get("__interrupt__") if isinstance(result, dict) else None
    if not interrupts:
        return None
    value = interrupts[0].value
    return value if isinstance(value, dict) else None


def _pending_payload(snapshot: Any) -> dict[str, Any] | None:
    for task in getattr(snapshot, "tasks", ()) or ():
        for intr in getattr(task, "interrupts", ()) or ():
            if isinstance(intr.value, dict):
                return intr.value
    return None
