"""A record's life, measured in the database itself: each way a resident's data leaves (削除
before and after a caseworker opens the handoff, after it is closed, LINE unfollow, retention
expiry) leaves exactly the rows it should in every table, on SQLite and PostgreSQL; what the
resident typed is gone from a database dump and from the bytes of the SQLite file and its WAL,
except in an A票 the agency keeps with the resident's consent; the bot says what stays before
the person confirms."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.db import sqlite_path
from bot.messages import Inbound
from handoff.models import AuditLog, Consent, Handoff, HandoffNote, utcnow
from tests.resident import Resident
from tests.test_console import PASSWORD, add_staff, client_for, token_for

# typed by the resident: one line that goes into the summary, one said only after consenting
IN_SUMMARY = "息子の生活リズムが昼夜逆転しています"
ONLY_IN_CHAT = "明日は午後から図書館に行く予定です"
PHONE = "090-8765-4321"
# written by a caseworker in a note
NOTE = "長男の様子は次回の訪問で確認 山田 080-1111-2222"

PATHS = ("before_open", "after_open", "after_close", "unfollow", "retention")


# ---------------------------------------------------------------------------- what is in the database


async def _tables(app: Any) -> list[str]:
    async with app.state.db.engine.connect() as conn:
        names = await conn.run_sync(lambda c: inspect(c).get_table_names())
    return sorted(names)


async def row_counts(app: Any) -> dict[str, int]:
    counts = {}
    async with app.state.db.engine.connect() as conn:
        for table in await _tables(app):
            counts[table] = int(
                (await conn.execute(text(f'SELECT COUNT(*) FROM "{table}"'))).scalar_one()
            )
    return counts


async def rows_of(app: Any, conversation_id: str, handoff_id: str) -> dict[str, int]:
    """The rows in each table that belong to one conversation and its handoff."""
    found: dict[str, int] = {}
    async with app.state.db.engine.connect() as conn:
        for table in await _tables(app):
            columns = {
                c["name"] for c in await conn.run_sync(lambda c, t=table: inspect(c).get_columns(t))
            }
            if table == "handoff":
                where, value = "id = :v", handoff_id
            elif "handoff_id" in columns and table != "auditlog":
                where, value = "handoff_id = :v", handoff_id
            elif "thread_id" in columns:
                where, value = "thread_id = :v", conversation_id
            elif "conversation_id" in columns:
                where, value = "conversation_id = :v", conversation_id
            elif table == "conversation":
                where, value = "id = :v", conversation_id
            else:
                continue
            n = (
                await conn.execute(
                    text(f'SELECT COUNT(*) FROM "{table}" WHERE {where}'), {"v": value}
                )
            ).scalar_one()
            if n:
                found[table] = int(n)
    return found


async def dump(app: Any) -> str:
    """Every row of every table as text (a logical dump)."""
    url = app.state.db.url
    if sqlite_path(url) is None:
        conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return subprocess.run(
            ["pg_dump", "--data-only", conninfo], capture_output=True, text=True, check=True
        ).stdout
    parts = []
    async with app.state.db.engine.connect() as conn:
        for table in await _tables(app):
            for row in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                parts.append(
                    " ".join(
                        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                        for v in row
                    )
                )
    return "\n".join(parts)


def file_bytes(app: Any) -> bytes:
    path = sqlite_path(app.state.db.url)
    assert path is not None
    data = Path(path).read_bytes()
    wal = Path(path + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def on_disk(app: Any, value: str) -> bool:
    return value.encode() in file_bytes(app)


# ---------------------------------------------------------------------------- a handoff, honestly made


async def handed_off(
    app: Any,
    address: str,
    channel: str = "web",
    opening: str = IN_SUMMARY,
    later: str = ONLY_IN_CHAT,
    followup: str | None = None,
) -> tuple[Resident, str, str]:
    """A resident writes, consents to the summary only, leaves a phone number, (with
    ``followup``) picks when the bot may check in, says a little more; returns the resident,
    the conversation id and the handoff id."""
    resident = Resident(app.state.service, address=address, channel=channel)
    await resident.say(opening)
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    await resident.tap("a:contact:phone")
    await resident.say(PHONE)
    await resident.tap("a:contact_time:morning")
    if followup:
        await resident.tap(f"a:followup:{followup}")
    await resident.say(later)
    assert resident.reply is not None and resident.reply.conversation_id
    conversation_id = resident.reply.conversation_id
    async with app.state.db.session() as s:
        handoff = (
            await s.exec(select(Handoff).where(Handoff.conversation_id == conversation_id))
        ).one()
    return resident, conversation_id, handoff.id


async def _caseworker(app: Any, client: Any, hid: str, path: str) -> dict[str, str]:
    headers = await token_for(client, "sato")
    if path != "before_open":
        assert (
            await client.get(f"/api/console/handoffs/{hid}", headers=headers)
        ).status_code == 200
        assert (
            await client.post(f"/api/console/handoffs/{hid}/claim", headers=headers)
        ).status_code == 200
    r = await client.post(
        f"/api/console/handoffs/{hid}/notes", headers=headers, json={"text": NOTE}
    )
    assert r.status_code == 201
    if path in ("after_close", "retention"):
        r = await client.post(
            f"/api/console/handoffs/{hid}/close", headers=headers, json={"outcome": "continuing"}
        )
        assert r.status_code == 200
    return headers


async def _leave(app: Any, resident: Resident, path: str) -> None:
    """The last step of each deletion path."""
    if path == "unfollow":
        await app.state.service.handle(
            Inbound("line", resident.address, resident.now, event="unfollow")
        )
    elif path == "retention":
        later = utcnow() + dt.timedelta(days=app.state.city.retention_days + 1)
        await app.state.service.purge_expired(later)
    else:
        await resident.tap("a:confirm_delete:yes")


# ---------------------------------------------------------------------------- the deletion paths


@pytest.mark.parametrize("path", PATHS)
async def test_each_deletion_path_leaves_exactly_the_rows_it_should(app: Any, path: str) -> None:
    await add_staff(app, "sato")
    channel = "line" if path == "unfollow" else "web"
    # opted in to a check-in (not on the retention path: that keeps the conversation longer)
    optin = None if path == "retention" else "2w"
    resident, conv, hid = await handed_off(app, "resident-leaving", channel, followup=optin)
    _, other_conv, other_hid = await handed_off(
        app, "resident-staying", opening="母の通院が心配です", later="また連絡します"
    )
    async with client_for(app) as client:
        await _caseworker(app, client, hid, path)
        if path not in ("unfollow", "retention"):
            await resident.say("削除")
            kept_words = "相談の記録として1825日保管します"
            assert (kept_words in resident.text) == (path != "before_open"), resident.text
            assert ("すべて削除しますか" in resident.text) == (path == "before_open")
        assert on_disk(app, NOTE) if sqlite_path(app.state.db.url) else True

        before = await row_counts(app)
        mine = await rows_of(app, conv, hid)
        assert (mine.get("checkin") == 1) == (optin is not None)  # it goes with the rest
        theirs = await rows_of(app, other_conv, other_hid)
        audit_before = before["auditlog"]
        await _leave(app, resident, path)
        after = await row_counts(app)

    agency_keeps = path != "before_open"
    kept_tables = ("handoff", "handoffnote", "consent") if agency_keeps else ()
    added_audit = {"before_open": 1, "after_open": 2, "after_close": 2, "unfollow": 2}.get(path, 0)
    expected = {t: n - (0 if t in kept_tables else mine.get(t, 0)) for t, n in before.items()}
    expected["auditlog"] = audit_before + added_audit
    assert after == expected, {
        t: (before[t], after[t], expected[t]) for t in before if after[t] != expected[t]
    }

    async with app.state.db.session() as s:
        handoff = await s.get(Handoff, hid)
        consent = (await s.exec(select(Consent).where(Consent.handoff_id == hid))).first()
        notes = (await s.exec(select(HandoffNote).where(HandoffNote.handoff_id == hid))).all()
        if not agency_keeps:
            assert handoff is None and consent is None and notes == []
        else:
            assert handoff is not None and consent is not None and len(notes) == 1
            assert handoff.conversation_id is None and handoff.contact_enc is None
            assert handoff.state == "closed"
            if path == "retention":  # not the resident's doing: nothing is withdrawn
                assert handoff.withdrawn_at is None and consent.withdrawn_at is None
            else:
                assert handoff.withdrawn_at is not None and consent.withdrawn_at is not None
                assert handoff.withdrawn_via == (
                    "unfollow" if path == "unfollow" else "resident asked"
                )
            assert IN_SUMMARY in handoff.summary_json  # the A票 the resident consented to
        assert await s.get(Handoff, other_hid) is not None
    assert await rows_of(app, other_conv, other_hid) == theirs

    everything = await dump(app)
    assert ONLY_IN_CHAT not in everything and PHONE not in everything
    assert (IN_SUMMARY in everything) == agency_keeps  # only inside the retained A票
    assert (NOTE in everything) == agency_keeps
    if sqlite_path(app.state.db.url):
        assert not on_disk(app, ONLY_IN_CHAT)
        assert on_disk(app, NOTE) == agency_keeps
        assert on_disk(app, IN_SUMMARY) == agency_keeps
        assert on_disk(app, "母の通院が心配です")  # the bystander's conversation is untouched


async def test_the_agencys_record_goes_after_its_retention_with_notes_consent_and_audit(
    app: Any,
) -> None:
    await add_staff(app, "sato")
    _resident, _conv, hid = await handed_off(app, "resident-closed")
    async with client_for(app) as client:
        await _caseworker(app, client, hid, "after_close")
    city = app.state.city
    service = app.state.service
    # a day short of the agency's retention: the closed record stays, without the conversation
    await service.purge_expired(utcnow() + dt.timedelta(days=city.closed_retention_days - 1))
    async with app.state.db.session() as s:
        kept = await s.get(Handoff, hid)
        assert kept is not None and kept.conversation_id is None
        assert (
            await s.exec(select(AuditLog).where(AuditLog.detail != ""))
        ).first() is None  # reasons blanked
    before = await row_counts(app)
    await service.purge_expired(utcnow() + dt.timedelta(days=city.closed_retention_days + 1))
    after = await row_counts(app)
    assert after["handoff"] == before["handoff"] - 1
    assert after["handoffnote"] == before["handoffnote"] - 1
    assert after["consent"] == before["consent"] - 1
    assert after["auditlog"] == 0  # older than audit_retention_days by then, the purge's own too
    assert NOTE not in await dump(app) and IN_SUMMARY not in await dump(app)
    if sqlite_path(app.state.db.url):
        assert not on_disk(app, NOTE) and not on_disk(app, IN_SUMMARY)


async def test_after_deletion_the_caseworker_sees_the_record_marked_withdrawn_without_contact(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    resident, _conv, hid = await handed_off(app, "resident-w")
    async with client_for(app) as client:
        headers = await _caseworker(app, client, hid, "after_open")
        await resident.say("削除")
        await resident.tap("a:confirm_delete:yes")
        assert "相談の記録として1825日保管" in resident.text
        data = (await client.get(f"/api/console/handoffs/{hid}", headers=headers)).json()
        assert data["withdrawn_at"] and data["state"] == "closed" and not data["has_contact"]
        notes = (await client.get(f"/api/console/handoffs/{hid}/notes", headers=headers)).json()
        assert [n["text"] for n in notes["notes"]] == [NOTE]
        r = await client.post(f"/api/console/handoffs/{hid}/contact", headers=headers)
        assert r.status_code == 404
        await client.post("/console/login", data={})  # no session: the page needs a sign-in
        from tests.test_console import login

        await login(client, "sato", PASSWORD)
        page = await client.get(f"/console/handoffs/{hid}")
        assert "相談者が同意を取り消しました" in page.text
