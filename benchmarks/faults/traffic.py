"""LINE's side of a fault run: residents writing numbered sequences, webhooks signed as LINE signs
them, redelivery of what did not get a 200, and the count of what came out (lost, duplicated,
out of order) from the fake LINE platform's record and from the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import psycopg

from benchmarks.faults.infra import SECRET, SECRET_KEY, Worker
from bot.crypto import Keys
from tests.fakeline import follow_event, sign, text_event, webhook_body

TEXTS = ["こんにちは", "息子のことで", "わからない", "もう少し", "はい", "家族のことです"]
REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


@dataclass
class Sent:
    """One event as LINE holds it: delivered (200) once, perhaps sent again."""

    user: str
    index: int  # 0 = follow, 1… the numbered texts, -1 the final message after the fault
    event: dict[str, Any]
    accepted: bool = False
    attempts: int = 0

    @property
    def token(self) -> str:
        return str(self.event["replyToken"])

    @property
    def at_ms(self) -> int:
        return int(self.event["timestamp"])


@dataclass
class Traffic:
    session: aiohttp.ClientSession
    workers: list[Worker]
    fake: str
    sent: list[Sent] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    acks: list[float] = field(default_factory=list)
    redeliveries: int = 0
    _last_ms: dict[str, int] = field(default_factory=dict)
    _extra: list[asyncio.Task[Any]] = field(default_factory=list)

    async def post(self, worker: Worker, event: dict[str, Any]) -> int:
        body = webhook_body([event])
        headers = {"Content-Type": "application/json", "X-Line-Signature": sign(SECRET, body)}
        t0 = time.perf_counter()
        try:
            async with self.session.post(
                f"{worker.url}/line/webhook",
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as resp:
                await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.statuses[type(exc).__name__] += 1
            return 0
        self.statuses[str(status)] += 1
        if status == 200:
            self.acks.append(time.perf_counter() - t0)
        return status

    def _stamp(self, user: str) -> float:
        """Event times strictly increasing per resident (ms), as LINE's are."""
        ms = max(int(time.time() * 1000), self._last_ms.get(user, 0) + 1)
        self._last_ms[user] = ms
        return ms / 1000

    def make(self, user: str, index: int) -> Sent:
        at = self._stamp(user)
        event = follow_event(user, at=at) if index == 0 else text_event(user, _text(index), at=at)
        sent = Sent(user, index, event)
        self.sent.append(sent)
        return sent

    async def deliver(self, sent: Sent, give_up: float = 180.0) -> bool:
        """Post until a worker answers 200, the way LINE redelivers a failed webhook (flagged
        ``isRedelivery``, to whichever worker the load balancer picks)."""
        deadline = time.monotonic() + give_up
        while time.monotonic() < deadline:
            event = sent.event
            if sent.attempts:
                event = dict(event, deliveryContext={"isRedelivery": True})
            sent.attempts += 1
            if await self.post(random.choice(self.workers), event) == 200:
                sent.accepted = True
                return True
            await asyncio.sleep(random.uniform(0.3, 0.8))
        return False

    def redeliver_later(self, sent: Sent) -> None:
        """A redelivery of an event already taken in (LINE did not see the 200 in time)."""

        async def again() -> None:
            await asyncio.sleep(random.uniform(0.0, 1.5))
            self.redeliveries += 1
            event = dict(sent.event, deliveryContext={"isRedelivery": True})
            await self.post(random.choice(self.workers), event)

        self._extra.append(asyncio.create_task(again()))

    async def resident(
        self, user: str, messages: int, think: tuple[float, float], redeliver: float
    ) -> None:
        for index in range(messages + 1):
            sent = self.make(user, index)
            await self.deliver(sent)
            if index and random.random() < redeliver:
                self.redeliver_later(sent)
            await asyncio.sleep(random.uniform(*think))

    async def settle(self) -> None:
        await asyncio.gather(*self._extra)

    # ---- what the fake LINE platform saw -----------------------------------------------------
    async def calls(self) -> list[dict[str, Any]]:
        async with self.session.get(f"{self.fake}/__fake/calls") as resp:
            return list((await resp.json())["calls"])

    async def answers(self) -> list[dict[str, Any]]:
        return [c for c in await self.calls() if c["status"] == 200 and c["path"] in (REPLY, PUSH)]

    async def wait_token(self, token: str, timeout: float) -> bool:
        params = {"reply_token": token, "timeout": str(timeout)}
        async with self.session.get(f"{self.fake}/__fake/wait", params=params) as resp:
            return bool((await resp.json()).get("found"))

    async def fail(self, seconds: float, status: int) -> None:
        async with self.session.post(
            f"{self.fake}/__fake/fail", json={"seconds": seconds, "status": status}
        ) as resp:
            await resp.read()


def _text(index: int) -> str:
    return TEXTS[(index - 1) % len(TEXTS)]


# ---- the count -------------------------------------------------------------------------------
def stored_turns(db_url: str) -> tuple[dict[str, list[tuple[int, int]]], dict[str, int]]:
    """Per conversation key: the resident turns as (seq, event time in ms); and the inbox left."""
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT c.key_hash, t.seq, t.at FROM turn t JOIN conversation c "
            "ON c.id = t.conversation_id WHERE t.role = 'resident' ORDER BY c.key_hash, t.seq"
        ).fetchall()
        inbox = dict(conn.execute("SELECT state, count(*) FROM inbox GROUP BY state").fetchall())
    turns: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, seq, at in rows:
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        turns[key].append((int(seq), round(at.timestamp() * 1000)))
    return turns, {str(k): int(v) for k, v in inbox.items()}


def count(traffic: Traffic, answers: list[dict[str, Any]], db_url: str) -> dict[str, Any]:
    """Lost, duplicated and out-of-order events, by the answers LINE received and the turns
    stored. Events are told apart by reply token (answers) and by timestamp (stored turns)."""
    keys = Keys(SECRET_KEY.encode())
    turns, inbox = stored_turns(db_url)
    owner = {s.token: s for s in traffic.sent}
    replied = Counter(c["replyToken"] for c in answers if c["path"] == REPLY)
    pushes = Counter(c["to"] for c in answers if c["path"] == PUSH)
    by_user: dict[str, list[Sent]] = defaultdict(list)
    for s in traffic.sent:
        if s.accepted:
            by_user[s.user].append(s)
    lost_answer = lost_stored = dup_answer = dup_stored = order_answer = order_stored = 0
    for user, events in by_user.items():
        tokens = {s.token for s in events}
        got = sum(1 for t in tokens if replied[t]) + pushes[user]
        lost_answer += max(0, len(events) - got)
        dup_answer += max(0, got - len(events)) + sum(replied[t] - 1 for t in tokens if replied[t])
        stamps = [at for _, at in turns.get(keys.lookup_hash("line", user), [])]
        texts = {s.at_ms for s in events if s.index != 0}
        seen = Counter(stamps)
        lost_stored += sum(1 for at in texts if not seen[at])
        dup_stored += sum(n - 1 for n in seen.values() if n > 1)
        order_stored += int(stamps != sorted(stamps))
        answered = [
            owner[c["replyToken"]].index
            for c in answers
            if c["path"] == REPLY and c["replyToken"] in tokens
        ]
        order_answer += int(answered != sorted(answered))
    accepted = sum(len(v) for v in by_user.values())
    return {
        "events_sent": len(traffic.sent),
        "accepted_200": accepted,
        "never_accepted": len(traffic.sent) - accepted,
        "redeliveries": traffic.redeliveries + sum(max(0, s.attempts - 1) for s in traffic.sent),
        "processed": accepted - inbox.get("queued", 0) - inbox.get("dead", 0),
        "dead_letters": inbox.get("dead", 0),
        "answered_by_reply": sum(1 for s in traffic.sent if s.accepted and replied[s.token]),
        "answered_by_push": sum(pushes.values()),
        "lost": {"answer": lost_answer, "stored": lost_stored},
        "duplicated": {"answer": dup_answer, "stored": dup_stored},
        "out_of_order_residents": {"answer": order_answer, "stored": order_stored},
        "webhook_statuses": dict(traffic.statuses),
    }
