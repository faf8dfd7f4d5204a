"""The conversation service: the one path every inbound turn takes, whatever the channel.

    triage the raw text -> redact it -> resume the graph with the redacted input
    -> persist the redacted turn (and the handoff, once consented) -> render replies

The raw text exists only inside ``handle`` for one turn; nothing below it stores or logs it."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import Counter, Histogram
from sqlalchemy import delete, func, insert, update
from sqlmodel import col, select

from bot.crypto import Keys
from bot.db import SQLITE_PRUNE, Database, is_sqlite_saver, prune_thread
from bot.locks import Locks
from bot.messages import Inbound, Option, Reply
from bot.models import Conversation, Turn, utcnow
from bot.settings import Settings
from flows import triage
from flows.intake import command_for, fold, initial_state
from flows.locale import t
from flows.municipality import Municipality
from flows.render import Context, label, render, staffing
from handoff import events, lifecycle
from handoff.live import LiveHub
from handoff.models import ACTIVE_STATES, Handoff, HandoffState
from handoff.ports import TranscriptTurn
from handoff.summary import Summary, build_summary
from pii import redact

log = logging.getLogger("tobira.service")

TURNS = Counter("tobira_turns_total", "Inbound turns handled", ["channel", "kind"])
CRISIS = Counter("tobira_crisis_total", "Turns assessed at a crisis level", ["level"])
HANDOFFS = Counter("tobira_handoffs_total", "Consented handoffs created", ["channel"])
ERRORS = Counter("tobira_turn_errors_total", "Turns that failed inside the service", ["channel"])
TURN_SECONDS = Histogram("tobira_turn_seconds", "Time to handle one turn", ["channel"])

MAX_TEXT = 10_000  # characters looked at per message; LINE itself caps text at 5,000
MAX_STORED = 2_000  # redacted characters kept per turn
AFTER_CONSENT = ("contact", "contact_phone", "contact_time", "handed_over")
MAX_VIEWS = 10_000  # conversations whose graph position is remembered between turns
_TURNS = Turn.__table__  # type: ignore[attr-defined]
_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]

Sender = Callable[[str, list[str], list[Option]], Awaitable[None]]


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
    ) -> None:
        self.settings = settings
        self.city = city
        self.db = db
        self.graph = graph
        self.saver = saver
        self.keys = keys
        self.locks = locks
        self.live = live
        self.senders: dict[str, Sender] = {}
        # Where each conversation's graph stands after its last turn (status, open question), so
        # a turn need not read the checkpoint back before resuming it. Only with the SQLite saver
        # in one process: it is then the only writer of the checkpoints, and every change to a
        # thread goes through this object (a resume updates the entry; anything else drops it).
        self._views: OrderedDict[str, tuple[dict[str, Any], dict[str, Any] | None]] = OrderedDict()
        self._remember_views = type(saver).__name__ == "AsyncSqliteSaver" and settings.workers == 1
        # On SQLite the checkpoint tables share the file: a turn prunes its thread in the
        # transaction that stores it, not in a second one on the saver's (single, locked) connection.
        self._prune_in_store = is_sqlite_saver(saver)
        dialect = db.engine.dialect
        self._sqlite_datetime: Callable[[dt.datetime], Any] = _TURNS.c.at.type.dialect_impl(
            dialect
        ).bind_processor(dialect) or (lambda v: v)

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
        raw = (inbound.text or "")[:MAX_TEXT] or None
        truncated = inbound.text is not None and len(inbound.text) > MAX_TEXT
        code = inbound.code
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

        config = {"configurable": {"thread_id": conv.id}}
        locale = conv.locale
        view = self._views.get(conv.id)
        if view is None:
            snapshot = await self.graph.aget_state(config)
            view = (snapshot.values or {}, _pending_payload(snapshot))
        values, pending = view
        if raw and code is None:
            code = command_for(raw)
        if raw and code is None and pending and pending.get("options"):
            # typing a button's label is pressing the button: not free text, not triaged
            code = _label_match(raw, pending["options"], locale)
        assessment = triage.assess(raw) if raw and code is None else None
        if code == "c:danger":
            assessment = triage.Assessment(
                level="P0", category="self_report", rule_id="button", third_party=False, flags=()
            )
        redacted = redact(raw) if raw else None
        stored_text = redacted.text[:MAX_STORED] if redacted else None
        entity_types = ",".join(redacted.types) if redacted else ""

        if assessment is not None and assessment.level is not None:
            CRISIS.labels(assessment.level).inc()
            log.info(
                "triage conv=%s level=%s rule=%s", conv.id[:8], assessment.level, assessment.rule_id
            )
            conv = await self._record_crisis(conv, assessment, now, handoff)

        # a caseworker has the chat: the bot stays silent and relays
        if handoff is not None and handoff.state == HandoffState.LIVE and code != "c:danger":
            await self._store_turns(conv, now, [("resident", stored_text, code, entity_types)])
            await self.live.publish(
                events.handoff_topic(handoff.id), events.resident_message(stored_text, code, now)
            )
            return Reply(messages=[], conversation_id=conv.id, silent=True)

        if code == "c:withdraw":
            return await self._withdraw(conv, handoff, now, config, stored_text, code)

        if assessment is not None and assessment.level in ("P0", "P1"):
            reply = await self._crisis_reply(conv, assessment, now, handoff)
            await self._store_turns(
                conv,
                now,
                [
                    ("resident", stored_text, code, entity_types),
                    ("bot", "\n".join(reply.messages), None, ""),
                ],
            )
            return reply

        self._views.pop(conv.id, None)  # dropped until the resume below succeeds
        was_consented = values.get("status") == "consented"
        # consented, but the agency no longer holds the handoff: a caseworker closed it
        pending_q = pending.get("q") if pending else None
        closed_by_staff = was_consented and handoff is None and pending_q in AFTER_CONSENT
        contact_enc = None
        if pending_q == "contact_phone" and raw and code is None:
            contact_enc = self.keys.encrypt(raw[:200])
        if pending is None and (is_new or not values):
            opening = (
                stored_text
                if (stored_text and inbound.event == "message" and code is None)
                else None
            )
            result = await self.graph.ainvoke(
                initial_state(locale, opening), config, durability="exit"
            )
        elif pending is None:  # the graph ended (deleted): start again
            result = await self.graph.ainvoke(initial_state(locale), config, durability="exit")
        else:
            resume = {
                "code": code,
                "text": stored_text if code is None else None,
                "at": now.isoformat(),
            }
            if inbound.event == "follow":
                resume = {"code": "c:resume", "at": now.isoformat()}
            if closed_by_staff:
                resume = {"code": "sys:closed", "at": now.isoformat()}
            result = await self.graph.ainvoke(_Resume(resume), config, durability="exit")

        state: dict[str, Any] = {k: v for k, v in result.items() if k != "__interrupt__"}
        if state.get("status") == "deleted":
            await self._delete_conversation(conv.id, reason="resident asked")
            return Reply(messages=[t(locale, "delete.done")], conversation_id=conv.id)

        payload = _interrupt_of(result)
        if self._remember_views:
            status = {"status": state.get("status")} if state else {}
            self._views[conv.id] = (status, copy.deepcopy(payload))
            if len(self._views) > MAX_VIEWS:
                self._views.popitem(last=False)
        locale = state.get("locale", locale)
        ctx = self.context(now)
        messages, options = render(payload, locale, ctx) if payload else ([], [])
        if assessment is not None and assessment.level == "P2":
            messages.insert(0, t(locale, "crisis.P2"))  # despair: empathise, then go on gently
        if truncated:
            messages.insert(0, t(locale, "too_long"))
        if inbound.event == "follow" and not is_new:
            messages.insert(0, t(locale, "welcome.back"))
        elif gap and not (payload and payload.get("paused")):
            messages.insert(0, t(locale, "resume.gap"))

        if state.get("status") == "consented":
            handoff = await self._ensure_handoff(
                conv, state, now, contact_enc, consent_turn=code == "a:consent:agree"
            )

        await self._store_turns(
            conv,
            now,
            [("resident", stored_text, code, entity_types), ("bot", "\n".join(messages), None, "")],
            locale=locale,
            prune=self._prune_in_store,
        )
        if not self._prune_in_store:
            await prune_thread(self.saver, conv.id)
        return Reply(
            messages=messages,
            options=[Option(c, lbl) for c, lbl in options],
            conversation_id=conv.id,
            level=assessment.level if assessment else None,
        )

    # ------------------------------------------------------------------ pieces of a turn

    def context(self, now: dt.datetime) -> Context:
        agency = self.city.default_agency
        return Context(
            city=self.city.name,
            hours=_hours_text(self.city),
            staffed_now=self.city.staffed_at(now, agency),
            next_staffed=self.city.next_staffed(now, agency),
            resources=tuple(f"{r.name} {r.contact}".strip() for r in self.city.resources),
        )

    async def _record_crisis(
        self,
        conv: Conversation,
        assessment: triage.Assessment,
        now: dt.datetime,
        handoff: Handoff | None,
    ) -> Conversation:
        async with self.db.session() as s:
            row = await s.get(Conversation, conv.id)
            assert row is not None
            level = assessment.level or "P3"
            if triage.level_rank(level) < triage.level_rank(row.crisis_level):
                row.crisis_level = level
            flags = {f for f in row.crisis_flags.split(",") if f}
            if assessment.category:
                flags.add(assessment.category)
            if assessment.third_party:
                flags.add("third_party")
            row.crisis_flags = ",".join(sorted(flags))[:200]
            row.crisis_first_at = row.crisis_first_at or now
            s.add(row)
        if handoff is not None:
            await lifecycle.escalate(self.db, self.live, handoff.id, level)
        return row

    async def _crisis_reply(
        self,
        conv: Conversation,
        assessment: triage.Assessment,
        now: dt.datetime,
        handoff: Handoff | None,
    ) -> Reply:
        locale = conv.locale
        level = assessment.level or "P1"
        category = assessment.category or ""
        specific = f"crisis.{level}.{category}"
        try:
            first = t(locale, specific)
        except KeyError:
            first = t(locale, f"crisis.{level}")
        lines = [first]
        if assessment.third_party:
            lines.append(t(locale, "crisis.family"))
        # the danger button says nothing of what is happening: offer the lines for the worst case
        hotlines = self.city.open_hotlines(
            now, "suicide_imminent" if category == "self_report" else (category or None)
        )
        if level == "P1":
            hotlines = [h for h in hotlines if h.number not in ("110", "119")] or hotlines
        listing = [t(locale, "crisis.lines")] + [
            t(locale, "crisis.line", name=h.name, number=h.number) for h in hotlines[:6]
        ]
        ctx = self.context(now)
        after = [t(locale, "crisis.after")]
        if handoff is not None:
            after.append(t(locale, "crisis.staff_now"))
        elif not ctx.staffed_now and ctx.next_staffed is not None:
            after.append(staffing(locale, ctx))
        options = [
            Option("c:resume", label(locale, "c:resume")),
            Option("c:staff", t(locale, "opt.c.staff")),
        ]
        return Reply(
            messages=["\n".join(lines), "\n".join(listing), "\n".join(after)],
            options=options,
            conversation_id=conv.id,
            level=level,
        )

    async def _withdraw(
        self,
        conv: Conversation,
        handoff: Handoff | None,
        now: dt.datetime,
        config: dict[str, Any],
        stored_text: str | None,
        code: str,
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
                config,
                durability="exit",
            )
            payload = _interrupt_of(result)
            if payload:
                messages, options = render(payload, locale, self.context(now))
        await self._store_turns(
            conv, now, [("resident", stored_text, code, ""), ("bot", "\n".join(messages), None, "")]
        )
        return Reply(messages, [Option(c, lbl) for c, lbl in options], conversation_id=conv.id)

    def _summary(
        self, conv: Conversation, state: dict[str, Any], handoff_id: str, created_at: dt.datetime
    ) -> Summary:
        return build_summary(
            state,
            handoff_id=handoff_id,
            created_at=created_at,
            municipality_code=self.city.code,
            channel=conv.channel,
            crisis_level=conv.crisis_level,
            crisis_categories=[f for f in conv.crisis_flags.split(",") if f and f != "third_party"],
            crisis_first_at=conv.crisis_first_at,
            third_party_risk="third_party" in conv.crisis_flags,
        )

    async def _ensure_handoff(
        self,
        conv: Conversation,
        state: dict[str, Any],
        now: dt.datetime,
        contact_enc: str | None,
        *,
        consent_turn: bool,
    ) -> Handoff | None:
        """Open the handoff on the consent turn; later turns add contact wishes and urgency."""
        consent = state.get("consent") or {}
        handoff, created = await lifecycle.open_on_consent(
            self.db,
            self.live,
            conversation_id=conv.id,
            channel=conv.channel,
            agency_id=self.city.default_agency.id,
            after_hours=not self.city.staffed_at(now),
            now=now,
            contact_enc=contact_enc,
            consent_turn=consent_turn,
            consent_version=str(consent.get("version", "")),
            make_summary=lambda hid, created_at: self._summary(conv, state, hid, created_at),
        )
        if handoff is not None and created:
            HANDOFFS.labels(conv.channel).inc()
            log.info(
                "handoff created conv=%s handoff=%s level=%s",
                conv.id[:8],
                handoff.id[:8],
                handoff.level,
            )
        return handoff

    async def _store_turns(
        self,
        conv: Conversation,
        now: dt.datetime,
        turns: list[tuple[str, str | None, str | None, str]],
        locale: str | None = None,
        prune: bool = False,
    ) -> None:
        """Append turns and count them on the conversation: one UPDATE … RETURNING and one
        INSERT in one transaction (the turn_count bump locks the row, so seq stays dense).
        ``prune``: also drop the thread's older checkpoints (SQLite, where they share the file)."""
        kept = [x for x in turns if not (x[1] is None and x[2] is None)]
        if self._prune_in_store:
            await self._store_turns_sqlite(conv.id, now, kept, locale, prune)
            return
        values: dict[str, Any] = {"last_active_at": now}
        if kept:
            values["turn_count"] = _CONVERSATIONS.c.turn_count + len(kept)
        if locale:
            values["locale"] = locale
        async with self.db.engine.begin() as c:
            count = (
                await c.execute(
                    update(_CONVERSATIONS)
                    .where(_CONVERSATIONS.c.id == conv.id)
                    .values(**values)
                    .returning(_CONVERSATIONS.c.turn_count)
                )
            ).scalar_one_or_none()
            if count is None or not kept:
                return
            first = count - len(kept) + 1
            await c.execute(
                insert(_TURNS),
                [
                    {
                        "conversation_id": conv.id,
                        "seq": first + i,
                        "role": role,
                        "text": text,
                        "code": code,
                        "entity_types": types,
                        "at": now,
                    }
                    for i, (role, text, code, types) in enumerate(kept)
                ],
            )

    async def _store_turns_sqlite(
        self,
        conversation_id: str,
        now: dt.datetime,
        kept: list[tuple[str, str | None, str | None, str]],
        locale: str | None,
        prune: bool,
    ) -> None:
        """`_store_turns` on SQLite, where the checkpoints share the file: on the saver's
        connection, under its lock, in one transaction with the pruning of older checkpoints.
        One writer at a time: the turn's writes and the checkpointer's never meet at SQLite's
        file lock (where the busy handler sleeps), and it takes 5 calls into the SQLite thread
        instead of about 20 through the SQL engine and the saver. Values are bound with the
        engine's own column types, so rows are stored exactly as the engine would store them."""
        conn = self.saver.conn
        at = self._sqlite_datetime(now)
        sets = "last_active_at = ?, turn_count = turn_count + ?" + (
            ", locale = ?" if locale else ""
        )
        params: list[Any] = [at, len(kept), *([locale] if locale else []), conversation_id]
        async with self.saver.lock:
            try:
                rows = list(
                    await conn.execute_fetchall(
                        f"UPDATE {_CONVERSATIONS.name} SET {sets} WHERE id = ? "
                        "RETURNING turn_count",
                        params,
                    )
                )
                if prune:
                    for sql in SQLITE_PRUNE:
                        await conn.execute(sql, {"thread": conversation_id})
                if rows and kept:
                    first = int(rows[0][0]) - len(kept) + 1
                    await conn.executemany(
                        f"INSERT INTO {_TURNS.name} "
                        "(conversation_id, seq, role, text, code, entity_types, at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [
                            (conversation_id, first + i, role, text, code, types, at)
                            for i, (role, text, code, types) in enumerate(kept)
                        ],
                    )
                await conn.commit()
            except BaseException:
                await conn.rollback()
                raise

    async def _unsupported(self, key_hash: str, kind: str) -> Reply:
        async with self.db.session() as s:
            conv = (
                await s.exec(select(Conversation).where(Conversation.key_hash == key_hash))
            ).first()
        locale = conv.locale if conv else "ja"
        key = {
            "sticker": "unsupported.sticker",
            "image": "unsupported.media",
            "video": "unsupported.media",
            "audio": "unsupported.media",
            "file": "unsupported.media",
            "location": "unsupported.location",
        }.get(kind, "unsupported.other")
        return Reply(messages=[t(locale, key)], conversation_id=conv.id if conv else None)

    # ------------------------------------------------------------------ staff side and housekeeping

    async def deliver(
        self, conversation_id: str, messages: list[str], staff: str = "staff"
    ) -> bool:
        """Send a caseworker's messages to the resident on their channel; store them as staff turns."""
        async with self.db.session() as s:
            conv = await s.get(Conversation, conversation_id)
        if conv is None:
            return False
        await self._store_turns(conv, utcnow(), [("staff", m, None, "") for m in messages])
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
        now = utcnow()
        config = {"configurable": {"thread_id": conversation_id}}
        async with self.db.session() as s:
            conv = await s.get(Conversation, conversation_id)
        if conv is None:
            return False
        async with self.locks.hold(conv.key_hash):
            self._views.pop(conversation_id, None)
            result = await self.graph.ainvoke(
                _Resume({"code": "sys:returned", "at": now.isoformat()}), config, durability="exit"
            )
            payload = _interrupt_of(result)
            messages, options = (
                render(payload, conv.locale, self.context(now)) if payload else ([], [])
            )
            await self._store_turns(conv, now, [("bot", "\n".join(messages), None, "")])
            await prune_thread(self.saver, conversation_id)
        address = self.keys.decrypt(conv.push_target_enc) if conv.push_target_enc else None
        sender = self.senders.get(conv.channel)
        if sender is not None and address is not None:
            await sender(address, messages, [Option(c, lbl) for c, lbl in options])
        else:
            await self.live.publish(
                events.resident_topic(conversation_id), events.to_resident("bot", messages)
            )
        return True

    async def transcript(self, conversation_id: str) -> list[TranscriptTurn]:
        async with self.db.session() as s:
            turns = (
                await s.exec(
                    select(Turn)
                    .where(Turn.conversation_id == conversation_id)
                    .order_by(col(Turn.seq))
                )
            ).all()
        return [TranscriptTurn(role=x.role, text=x.text, code=x.code, at=x.at) for x in turns]

    async def forget(self, channel: str, address: str) -> bool:
        """Delete everything kept about a person at once (LINE unfollow)."""
        key_hash = self.keys.lookup_hash(channel, address)
        async with self.db.session() as s:
            conv = (
                await s.exec(select(Conversation).where(Conversation.key_hash == key_hash))
            ).first()
        if conv is None:
            return False
        await self._delete_conversation(
            conv.id, reason="unfollow" if channel == "line" else "resident asked"
        )
        return True

    async def _delete_conversation(self, conversation_id: str, reason: str) -> None:
        async with self.db.session() as s:
            await s.exec(delete(Turn).where(col(Turn.conversation_id) == conversation_id))  # type: ignore[call-overload]
            handoff_ids = await lifecycle.erase(s, conversation_id, reason)
            await s.exec(delete(Conversation).where(col(Conversation.id) == conversation_id))  # type: ignore[call-overload]
        self._views.pop(conversation_id, None)
        await self.saver.adelete_thread(conversation_id)
        await lifecycle.announce_erased(self.live, handoff_ids)
        log.info("conversation deleted conv=%s reason=%s", conversation_id[:8], reason)

    async def purge_expired(self, now: dt.datetime) -> int:
        """Delete conversations that never reached a handoff after the city's retention days."""
        cutoff = now - dt.timedelta(days=self.city.retention_days)
        async with self.db.session() as s:
            handed = select(Handoff.conversation_id)
            ids = (
                await s.exec(
                    select(Conversation.id)
                    .where(col(Conversation.last_active_at) < cutoff)
                    .where(col(Conversation.id).not_in(handed))
                )
            ).all()
        for cid in ids:
            await self._delete_conversation(cid, reason="retention")
        return len(ids)

    async def conversation_count(self) -> int:
        async with self.db.session() as s:
            return int((await s.exec(select(func.count()).select_from(Conversation))).one())


def _Resume(value: dict[str, Any]) -> Any:
    from langgraph.types import Command

    return Command(resume=value)


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


def _label_match(raw: str, options: list[str], locale: str) -> str | None:
    """Typed text that is exactly an offered button's label counts as pressing it."""
    folded = fold(raw).strip("。.!！")
    for code in options:
        if fold(label(locale, code)) == folded:
            return code
    return None


def _hours_text(city: Municipality) -> str:
    hours = city.default_agency.office_hours
    weekdays = [getattr(hours, d) for d in ("mon", "tue", "wed", "thu", "fri")]
    first = next((h for h in weekdays if h), None)
    if first is None:
        return ""
    return f"{first[0].strftime('%H:%M')}〜{first[1].strftime('%H:%M')}"
