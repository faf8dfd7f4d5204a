"""The queue a page at a time: however many cases wait, a caseworker sees one page in urgency
order, how many there are in all, and a way to the next page that reaches every case exactly once;
nothing silently drops off the end."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import httpx
from sqlmodel import select

from flows.triage import LEVEL_ORDER
from handoff import lifecycle
from handoff.models import Handoff, HandoffState, new_id
from tests.test_console import add_staff, client_for, hand_off, login, token_for

MORE_THAN_A_PAGE = 120


async def many_cases(app: Any, n: int) -> list[Handoff]:
    """One real handoff, then ``n`` more like it straight into the table (levels and arrival
    times mixed), plus a few another agency holds and a few closed ones, none of which count."""
    _, first = await hand_off(app, "resident-real", food_today=True)
    async with app.state.db.session() as s:
        real = await s.get(Handoff, first)
        assert real is not None
        base = real.created_at
        rows = []
        for i in range(n + 6):
            level = LEVEL_ORDER[i % 4]
            rows.append(
                Handoff(
                    id=new_id(),
                    conversation_id=None,
                    agency_id="other-agency" if i >= n + 3 else real.agency_id,
                    channel="web",
                    state=HandoffState.CLOSED if n <= i < n + 3 else HandoffState.QUEUED,
                    level=level,
                    urgency_rank=LEVEL_ORDER.index(level),
                    summary_json=real.summary_json,
                    summary_hash=real.summary_hash,
                    # same second for some: the id breaks the tie, exactly once each
                    created_at=base - dt.timedelta(minutes=i // 3),
                )
            )
        s.add_all(rows)
    async with app.state.db.session() as s:
        return list((await s.exec(select(Handoff))).all())


def queue_order(cases: list[Handoff], agency: str) -> list[str]:
    mine = [h for h in cases if h.agency_id == agency and h.state != HandoffState.CLOSED]
    mine.sort(key=lambda h: (LEVEL_ORDER.index(h.level), h.created_at.replace(tzinfo=None), h.id))
    return [h.id for h in mine]


async def test_the_api_pages_reach_every_case_once_in_urgency_order_with_the_total(
    app: Any,
) -> None:
    cases = await many_cases(app, MORE_THAN_A_PAGE)
    agency = next(h.agency_id for h in cases if h.conversation_id is not None)
    expected = queue_order(cases, agency)
    await add_staff(app, "sato")
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params = {"limit": 25, **({"cursor": cursor} if cursor else {})}
            r = await client.get("/api/console/handoffs", headers=headers, params=params)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["total"] == MORE_THAN_A_PAGE + 1 and len(body["handoffs"]) <= 25
            assert body["first"] == len(seen) + 1
            # a row's facts, read from the summary in the database, without the summary
            assert all("summary" not in h for h in body["handoffs"])
            assert {(h["primary"], h["relationship"]) for h in body["handoffs"]} == {
                ("食べるものがない", "本人自ら連絡")
            }
            seen += [h["id"] for h in body["handoffs"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert pages == 5 and seen == expected  # every case once, P0 first, oldest first
        over = await client.get("/api/console/handoffs", headers=headers, params={"limit": 10_000})
        assert over.status_code == 422  # a page has a size limit
        forged = base64.urlsafe_b64encode(b'["x", "2026-01-01T00:00:00+00:00", "a", 1]').decode()
        for cursor in ("x", forged):  # not one this code handed out: refused, not a 500
            bad = await client.get(
                "/api/console/handoffs", headers=headers, params={"cursor": cursor}
            )
            assert bad.status_code == 422
        closed = await client.get("/api/console/handoffs?state=closed", headers=headers)
        assert closed.json()["total"] == 3 and closed.json()["next_cursor"] is None


async def test_the_queue_page_says_how_many_and_links_to_the_next_page(sqlite_app: Any) -> None:
    cases = await many_cases(sqlite_app, MORE_THAN_A_PAGE)
    agency = next(h.agency_id for h in cases if h.conversation_id is not None)
    expected = queue_order(cases, agency)
    await add_staff(sqlite_app, "sato")
    async with client_for(sqlite_app) as client:
        await login(client, "sato")
        shown: list[str] = []
        url: str | None = "/console/queue"
        ranges = []
        while url:
            page = await client.get(url)
            assert page.status_code == 200
            ranges.append(re.search(r'id="queue-range">([^<]+)<', page.text).group(1))  # type: ignore[union-attr]
            shown += re.findall(r'<tr class="lvl-P\d" data-handoff="([0-9a-f]+)"', page.text)
            found = re.search(r'href="([^"]+)" id="queue-next"', page.text)
            url = (
                httpx.URL(found.group(1).replace("&amp;", "&")).raw_path.decode() if found else None
            )
        assert ranges == ["121件中 1–50件", "121件中 51–100件", "121件中 101–121件"]
        assert sorted(shown) == sorted(expected) and len(shown) == len(set(shown))


async def test_a_crisis_moves_a_case_up_the_pages(sqlite_app: Any) -> None:
    cases = await many_cases(sqlite_app, MORE_THAN_A_PAGE)
    agency = next(h.agency_id for h in cases if h.conversation_id is not None)
    last = queue_order(cases, agency)[-1]
    await lifecycle.escalate(sqlite_app.state.db, sqlite_app.state.live, last, "P0")
    await add_staff(sqlite_app, "sato")
    async with client_for(sqlite_app) as client:
        headers = await token_for(client, "sato")
        first = (await client.get("/api/console/handoffs", headers=headers)).json()
    p0 = [h["id"] for h in first["handoffs"] if h["level"] == "P0"]
    assert last in p0  # from the last page to the first, among the P0s


def test_queue_rank_migration_ranks_the_cases_already_waiting(sqlite_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from bot.db import _alembic_config, migrate, sync_url

    command.upgrade(_alembic_config(sqlite_url), "0007")
    engine = create_engine(sync_url(sqlite_url))
    with engine.begin() as conn:
        for hid, level in (("a" * 32, "P0"), ("b" * 32, "P2"), ("c" * 32, "P9")):
            conn.execute(
                text(
                    "INSERT INTO handoff (id, agency_id, channel, state, level, after_hours, "
                    "summary_json, summary_hash, created_at, updated_at) VALUES (:id, 'j', 'web', "
                    "'queued', :level, 0, '{}', '', '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
                ),
                {"id": hid, "level": level},
            )
    migrate(sqlite_url)
    with engine.connect() as conn:
        ranks = dict(conn.execute(text("SELECT level, urgency_rank FROM handoff")).all())
    engine.dispose()
    assert ranks == {"P0": 0, "P2": 2, "P9": 4}
