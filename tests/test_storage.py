"""Storage stays bounded and carries no typed personal data, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.db import checkpoint_bytes
from tests.resident import Resident
from tests.traces import holds

PHONE, EMAIL, NAME, MYNUMBER = (
    "090-3141-5926",
    "kazuko.yamamoto@example.jp",
    "山本和子",
    "1234 5678 9018",
)


async def test_a_conversation_keeps_bounded_checkpoint_storage_over_500_turns(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    saver = app.state.service.saver
    thread = resident.reply.conversation_id  # type: ignore[union-attr]
    sizes: dict[int, int] = {}
    for turn in range(1, 501):
        if resident.question == "relationship":
            await resident.choose("自分のこと")
        elif turn % 3 == 0:
            await resident.say(f"今日は{turn}回目です。少し話したいことがあります。")
        else:
            await resident.say("戻る")
        if turn in (20, 500):
            sizes[turn] = await checkpoint_bytes(saver, thread)
    assert sizes[20] > 0
    assert sizes[500] <= 2 * sizes[20], sizes
    transcript = await app.state.service.transcript(thread)
    assert len(transcript) >= 1000  # the transcript lives in SQL, not in the graph state


def _sqlite_bytes(url: str) -> bytes:
    path = Path(make_url(url).database or "")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _postgres_dump(url: str) -> bytes:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return subprocess.run(
            ["pg_dump", "--data-only", conninfo], check=True, capture_output=True
        ).stdout
    except FileNotFoundError:
        chunks = []
        with psycopg.connect(conninfo) as conn:
            tables = [
                r[0]
                for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
            ]
            for table in tables:
                with conn.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                    chunks.extend(bytes(block) for block in copy)
        return b"".join(chunks)


async def test_typed_phone_email_name_and_my_number_are_nowhere_at_rest_or_in_logs(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import running_app

    caplog.set_level(logging.DEBUG)
    async with running_app(db_url) as app:
        resident = Resident(app.state.service)
        await resident.say(f"{NAME}です。電話は{PHONE}、メールは{EMAIL}です")
        await resident.settle_safety()  # the model may ask about a message mostly of addresses
        await resident.choose("話してみる")
        await resident.choose("子どものこと")
        await resident.say(f"マイナンバーは{MYNUMBER}です。息子の名前は山本健太です")
        await resident.say("相談員と話したい")
        await resident.choose("これでよい")
        await resident.choose("まとめだけ引き継ぐ")
        await resident.choose("電話で")
        await resident.say(f"{PHONE}にお願いします")
        stored = await app.state.service.transcript(resident.reply.conversation_id)  # type: ignore[union-attr]
        assert any("〔電話番号〕" in (t["text"] or "") for t in stored)
    at_rest = _sqlite_bytes(db_url) if db_url.startswith("sqlite") else _postgres_dump(db_url)
    logs = caplog.text.encode()
    for secret in (PHONE, EMAIL, NAME, MYNUMBER, "健太", "3141", "yamamoto"):
        assert not holds(at_rest, secret), f"{secret} stored"
        assert not holds(logs, secret), f"{secret} logged"


async def test_conversations_without_a_handoff_are_deleted_after_the_retention_days(
    app: Any,
) -> None:
    import datetime as dt

    quiet, handed = Resident(app.state.service, "quiet"), Resident(app.state.service, "handed")
    await quiet.follow()
    await quiet.choose("話してみる")
    await handed.follow()
    await handed.say("相談員と話したい")
    await handed.choose("これでよい")
    await handed.choose("まとめだけ引き継ぐ")
    service = app.state.service
    assert await service.purge_expired(quiet.now + dt.timedelta(days=29)) == 0
    assert await service.purge_expired(quiet.now + dt.timedelta(days=31)) == 1
    assert await service.conversation_count() == 1  # the handed-over one stays with the agency
    assert await service.transcript(quiet.reply.conversation_id) == []  # type: ignore[union-attr]


def test_a_piece_of_a_number_is_found_as_a_number_not_inside_an_id() -> None:
    assert holds(b"tel 090-3141-5926.", "5926") and holds(b"(3141)", "3141")
    assert not holds(b"id 9f3a5926bc", "5926")
    assert not holds(b"2026-12-07 18:35:59.265926", "5926")
    assert holds(b"kazuko", "kazuko") and not holds(b"kazu", "kazuko")
