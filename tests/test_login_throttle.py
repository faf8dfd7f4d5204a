"""Sign-in under attack: wrong passwords slow the guesser down (per account, per address) with
growing, capped delays; nobody can lock a caseworker out for long, an address flooding the form
does not slow down caseworkers elsewhere, and argon2 never runs on the event loop."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import httpx
from sqlmodel import select

from handoff import auth
from handoff.models import Staff
from tests.test_console import PASSWORD, add_staff


def client_from(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def attempt(client: httpx.AsyncClient, username: str, password: str) -> int:
    response = await client.post(
        "/api/console/login", json={"username": username, "password": password}
    )
    return response.status_code


async def test_the_account_waits_a_growing_delay_never_longer_than_30_seconds(
    sqlite_app: Any,
) -> None:
    await add_staff(sqlite_app, "sato")
    waits: list[float] = []
    for i in range(12):  # each from a different address: the account's own delay
        async with client_from(sqlite_app, f"192.0.2.{i + 1}") as client:
            assert await attempt(client, "sato", "wrong password") == 401
        async with sqlite_app.state.db.session() as s:
            staff = (await s.exec(select(Staff).where(Staff.username == "sato"))).one()
            if staff.locked_until is not None:
                until = staff.locked_until.replace(tzinfo=dt.UTC)
                waits.append(round((until - dt.datetime.now(dt.UTC)).total_seconds()))
                staff.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
                s.add(staff)  # the wait passes, and the guesser tries again
    assert waits == sorted(waits) and len(waits) >= 6
    assert waits[0] <= 3 and max(waits) <= 30
    async with client_from(sqlite_app, "192.0.2.200") as client:
        assert await attempt(client, "sato", PASSWORD) == 200  # the caseworker gets in


async def test_a_flooding_address_is_slowed_but_caseworkers_elsewhere_are_not(
    sqlite_app: Any,
) -> None:
    await add_staff(sqlite_app, "suzuki")
    async with client_from(sqlite_app, "198.51.100.7") as flood:
        for i in range(12):
            assert await attempt(flood, f"guess{i}", "wrong password") == 401
        # the flooding address now waits, even with a right password
        assert await attempt(flood, "suzuki", PASSWORD) == 401
    async with client_from(sqlite_app, "203.0.113.9") as office:
        assert await attempt(office, "suzuki", PASSWORD) == 200


async def test_password_hashing_runs_off_the_event_loop(sqlite_app: Any, monkeypatch: Any) -> None:
    await add_staff(sqlite_app, "takahashi")
    threads: list[str] = []
    real = auth._verify

    def recording(password_hash: str, password: str) -> bool:
        threads.append(threading.current_thread().name)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "_verify", recording)
    async with client_from(sqlite_app, "192.0.2.50") as client:
        assert await attempt(client, "takahashi", PASSWORD) == 200
        assert await attempt(client, "nobody", PASSWORD) == 401
    assert len(threads) == 2
    assert threading.main_thread().name not in threads
