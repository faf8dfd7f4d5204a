"""The durable inbox: LINE events are written here before LINE gets its 200, and processed from
here, one resident at a time in order, by any number of workers.

A row holds what a turn needs and nothing a resident typed as typed: the redacted text, the
triage result, the option code, the event id, the resident's keyed hash and an encrypted copy of
the LINE user id (to answer). The dedupe record (``processedevent``) is written in the same
transaction as the row, so an event is taken in exactly once whatever restarts in between.

Order across workers: each resident has one ``inboxclaim`` row carrying the per-resident
sequence and a lease. A worker takes free residents with ``SELECT … FOR UPDATE SKIP LOCKED``
(PostgreSQL; on SQLite, the embedded single process, the same statement without the clause),
sets its lease, and runs that resident's events one at a time in (timestamp, sequence) order.
A heartbeat renews the leases of the residents a worker is running; a worker that dies stops
renewing and its residents are free again after ``LEASE`` seconds. A graceful stop hands its residents back at once.

Times are epoch seconds (floats), so the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Index, bindparam, text
from sqlmodel import Field, SQLModel

from flows import triage

LEASE = 15.0  # seconds a claim on a resident lasts without renewal
MAX_ATTEMPTS = 8  # then the event is dead-lettered
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


class InboxEvent(SQLModel, table=True):
    """One accepted event, queued (or dead) until its turn is done; done rows are deleted."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_due", "state", "next_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)
    user_key: str = Field(max_length=64, index=True)
    seq: int
    address_enc: str = Field(description="encrypted LINE user id, to answer")
    kind: str = Field(max_length=16, description="message | follow | unfollow | unsupported")
    detail: str = Field(default="", max_length=16, description="unsupported: sticker, image, …")
    code: str | None = Field(default=None, max_length=64)
    text: str | None = Field(default=None, description="redacted text, never the raw message")
    entity_types: str = Field(default="", max_length=200)
    assessment: str | None = Field(default=None, max_length=600, description="triage, JSON")
    audience: str = Field(default="self", max_length=16, description="who is at risk")
    contact_enc: str | None = Field(default=None, description="encrypted, for the contact step")
    truncated: bool = False
    reply_token: str | None = Field(default=None, max_length=255)
    sent_at: float = Field(description="LINE's event timestamp, epoch seconds")
    received_at: float
    state: str = Field(default="queued", max_length=8, index=True)
    attempts: int = 0
    next_at: float = 0.0
    last_error: str | None = Field(default=None, max_length=120)


class InboxClaim(SQLModel, table=True):
    """One row per resident with queued events: the sequence counter and the worker's lease."""

    __tablename__ = "inboxclaim"

    user_key: str = Field(primary_key=True, max_length=64)
    next_seq: int = 0
    worker: str | None = Field(default=None, max_length=64)
    lease_until: float | None = None


@dataclass(frozen=True)
class Entry:
    """What the webhook hands the inbox for one event (already triaged and redacted)."""

    event_id: str
    user_key: str
    address_enc: str
    kind: str
    detail: str = ""
    code: str | None = None
    text: str | None = None
    entity_types: str = ""
    assessment: triage.Assessment | None = None
    audience: str = "self"
    contact_enc: str | None = None
    truncated: bool = False
    reply_token: str | None = None
    sent_at: float = 0.0


def dump_assessment(assessment: triage.Assessment | None) -> str | None:
    if assessment is None:
        return None
    values = dataclasses.asdict(assessment)
    values.pop("span", None)  # offsets into a text that is not kept
    return json.dumps(values)


def load_assessment(stored: str | None) -> triage.Assessment | None:
    if not stored:
        return None
    values: dict[str, Any] = json.loads(stored)
    values["flags"] = tuple(values.get("flags") or ())
    return triage.Assessment(**values)


_DEDUPE = text(
    "INSERT INTO processedevent (event_id, at) VALUES (:event_id, :at) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
_NEXT_SEQ = text(
    "INSERT INTO inboxclaim (user_key, next_seq) VALUES (:user_key, 1) "
    "ON CONFLICT (user_key) DO UPDATE SET next_seq = inboxclaim.next_seq + 1 RETURNING next_seq"
)
_INSERT = text(
    "INSERT INTO inbox (event_id, user_key, seq, address_enc, kind, detail, code, text, "
    "entity_types, assessment, audience, contact_enc, truncated, reply_token, sent_at, received_at, "
    "state, attempts, next_at) VALUES (:event_id, :user_key, :seq, :address_enc, :kind, "
    ":detail, :code, :text, :entity_types, :assessment, :audience, :contact_enc, :truncated, "
    ":reply_token, :sent_at, :received_at, 'queued', 0, :received_at)"
)


class Inbox:
    """The inbox's SQL, on the app's ``Database``."""

    def __init__(self, db: Any, worker: str) -> None:
        self.db = db
        self.worker = worker
        self.postgres = db.engine.dialect.name == "postgresql"

    async def enqueue(self, entries: Sequence[Entry]) -> list[bool]:
        """Take a webhook's events in, in one transaction; True per entry taken, False per
        duplicate. Raises when storage is unavailable (the webhook then answers 503)."""
        import datetime as dt

        now = time.time()
        at = dt.datetime.now(dt.UTC)
        taken: list[bool] = []
        async with self.db.engine.begin() as conn:
            for entry in entries:
                fresh = (
                    await conn.execute(_DEDUPE, {"event_id": entry.event_id, "at": at})
                ).first()
                if fresh is None:
                    taken.append(False)
                    continue
                seq = (await conn.execute(_NEXT_SEQ, {"user_key": entry.user_key})).scalar_one()
                values = dataclasses.asdict(entry)
                values["assessment"] = dump_assessment(entry.assessment)
                await conn.execute(_INSERT, values | {"seq": seq, "received_at": now})
                taken.append(True)
        return taken

    async def claim(self, limit: int) -> list[str]:
        """Residents with due events and no live lease, now leased to this worker."""
        now = time.time()
        lock = " FOR UPDATE OF c SKIP LOCKED" if self.postgres else ""
        pick = text(
            "SELECT c.user_key FROM inboxclaim c JOIN (SELECT user_key, MIN(id) AS first "
            "FROM inbox WHERE state = 'queued' AND next_at <= :now GROUP BY user_key) q "
            "ON q.user_key = c.user_key WHERE c.lease_until IS NULL OR c.lease_until < :now "
            "ORDER BY q.first LIMIT :limit" + lock
        )
        async with self.db.engine.begin() as conn:
            keys = [r[0] for r in await conn.execute(pick, {"now": now, "limit": limit})]
            for key in keys:
                await conn.execute(
                    text(
                        "UPDATE inboxclaim SET worker = :w, lease_until = :until "
                        "WHERE user_key = :k"
                    ),
                    {"w": self.worker, "until": now + LEASE, "k": key},
                )
        return keys

    async def next_for(self, user_key: str) -> InboxEvent | None:
        """The resident's next queued event, if it is due and this worker still holds them."""
        now = time.time()
        async with self.db.engine.begin() as conn:
            held = await conn.execute(
                text(
                    "UPDATE inboxclaim SET lease_until = :until "
                    "WHERE user_key = :k AND worker = :w AND lease_until >= :now"
                ),
                {"until": now + LEASE, "k": user_key, "w": self.worker, "now": now},
            )
            if held.rowcount != 1:
                return None
            row = (
                await conn.execute(
                    text(
                        "SELECT * FROM inbox WHERE user_key = :k AND state = 'queued' "
                        "ORDER BY sent_at, seq LIMIT 1"
                    ),
                    {"k": user_key},
                )
            ).first()
        if row is None or row._mapping["next_at"] > now:
            return None
        return InboxEvent(**row._mapping)

    async def started(self, event: InboxEvent) -> None:
        """Mark an attempt as begun: a worker that dies mid-turn leaves 'running' behind."""
        await self._run(
            "UPDATE inbox SET attempts = attempts + 1, last_error = 'running' WHERE id = :id",
            id=event.id,
        )

    async def done(self, event: InboxEvent) -> None:
        await self._run("DELETE FROM inbox WHERE id = :id", id=event.id)

    async def failed(self, event: InboxEvent, error: str) -> bool:
        """Schedule a retry with backoff; True when the event is dead-lettered instead."""
        attempts = event.attempts + 1
        dead = attempts >= MAX_ATTEMPTS
        delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
        await self._run(
            "UPDATE inbox SET state = :state, next_at = :next_at, last_error = :error, "
            "contact_enc = CASE WHEN :dead THEN NULL ELSE contact_enc END WHERE id = :id",
            state="dead" if dead else "queued",
            next_at=time.time() + delay,
            error=error[:120],
            dead=dead,
            id=event.id,
        )
        return dead

    async def release(self, user_key: str) -> None:
        await self._run(
            "UPDATE inboxclaim SET worker = NULL, lease_until = NULL "
            "WHERE user_key = :k AND worker = :w",
            k=user_key,
            w=self.worker,
        )

    async def hand_back(self) -> None:
        """Give up every resident this worker holds (graceful stop): others take them at once."""
        await self._run(
            "UPDATE inboxclaim SET worker = NULL, lease_until = NULL WHERE worker = :w",
            w=self.worker,
        )

    async def release_all(self) -> None:
        """The embedded single process at start-up: any lease is a previous run's."""
        await self._run("UPDATE inboxclaim SET worker = NULL, lease_until = NULL")

    async def renew(self, user_keys: Sequence[str]) -> None:
        """Extend the leases of the residents this worker is running now, and only those: a
        claim whose release failed (storage down at that moment) runs out instead of being
        renewed for ever with nobody working on it."""
        if not user_keys:
            return
        async with self.db.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE inboxclaim SET lease_until = :until "
                    "WHERE worker = :w AND user_key IN :keys"
                ).bindparams(bindparam("keys", expanding=True)),
                {"until": time.time() + LEASE, "w": self.worker, "keys": list(user_keys)},
            )

    async def tidy(self) -> None:
        """Drop the claim rows of residents with nothing left in the inbox and no lease."""
        # a claim row being written by an enqueue is locked: skipped, never deleted under it
        lock = " FOR UPDATE SKIP LOCKED" if self.postgres else ""
        await self._run(
            "DELETE FROM inboxclaim WHERE user_key IN (SELECT c.user_key FROM inboxclaim c "
            "WHERE c.lease_until IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM inbox e WHERE e.user_key = c.user_key)" + lock + ")"
        )

    async def waiting(self, user_key: str) -> bool:
        async with self.db.engine.connect() as conn:
            row = await conn.execute(
                text(
                    "SELECT 1 FROM inbox WHERE user_key = :k AND state = 'queued' "
                    "AND kind = 'message' LIMIT 1"
                ),
                {"k": user_key},
            )
            return row.first() is not None

    async def counts(self) -> dict[str, int]:
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(text("SELECT state, COUNT(*) FROM inbox GROUP BY state"))
            found = {str(state): int(n) for state, n in rows}
        return {"queued": found.get("queued", 0), "dead": found.get("dead", 0)}

    async def _run(self, sql: str, **params: Any) -> None:
        async with self.db.engine.begin() as conn:
            await conn.execute(text(sql), params)
