"""Staff authentication for the console: argon2 password hashes, growing delays after repeated
failures, server-side sessions (cookie for pages, bearer token for the JSON API). The request
side (which token a request carries, CSRF) is in ``handoff.console.security``.

Sessions live in SQL (only a hash of the token is stored) so every worker process sees the same
sign-ins and a sign-out or a deactivated account takes effect everywhere at once."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import Staff, StaffSession, utcnow

ROLES = ("staff", "supervisor", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
ROLE_LABELS = {"staff": "相談員", "supervisor": "スーパーバイザー", "admin": "管理者"}

# From the sixth wrong password in a row, each attempt must wait a growing delay (2 s, 4 s, …,
# at most MAX_DELAY) before it is even checked: guessing slows down, while a flood from anyone
# can never keep the caseworker out for longer than that. Addresses are slowed down on their
# own (``handoff.throttle``).
MAX_FAILED_LOGINS = 6
MAX_DELAY = dt.timedelta(seconds=30)
SESSION_FOR = dt.timedelta(hours=10)
MIN_PASSWORD_LENGTH = 10

COOKIE_NAME = "tobira_console"
PRE_COOKIE_NAME = "tobira_console_pre"  # binds the login form's CSRF token before sign-in
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthError(ValueError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")


async def create_staff(
    session: AsyncSession, username: str, password: str, role: str, agency_id: str = ""
) -> Staff:
    """Add a console account (``tobira staff add`` and the admin page call this)."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AuthError("ユーザー名は空白を含まない64文字以内にしてください")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    check_password_policy(password)
    existing = (await session.exec(select(Staff).where(Staff.username == username))).first()
    if existing is not None:
        raise AuthError(f"ユーザー名 {username} は既に使われています")
    staff = Staff(
        username=username,
        password_hash=await asyncio.to_thread(hash_password, password),
        role=role,
        agency_id=agency_id,
    )
    session.add(staff)
    await session.flush()
    return staff


async def set_password(session: AsyncSession, staff: Staff, password: str) -> None:
    check_password_policy(password)
    staff.password_hash = await asyncio.to_thread(hash_password, password)
    staff.failed_logins = 0
    staff.locked_until = None
    session.add(staff)
    await end_sessions(session, staff.id)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def is_locked(staff: Staff, now: dt.datetime | None = None) -> bool:
    until = _aware(staff.locked_until)
    return until is not None and until > (now or utcnow())


@dataclass(frozen=True)
class LoginResult:
    staff: Staff | None
    reason: str  # ok | bad | locked | inactive


async def authenticate(session: AsyncSession, username: str, password: str) -> LoginResult:
    """Check a password. Wrong passwords are counted atomically in SQL, so attempts spread over
    several workers still lock the account on the sixth."""
    staff = (await session.exec(select(Staff).where(Staff.username == username.strip()))).first()
    if staff is None:
        await verify_off_loop(_DUMMY_HASH, password)
        return LoginResult(None, "bad")
    if is_locked(staff):
        return LoginResult(staff, "locked")
    if not await verify_off_loop(staff.password_hash, password):
        result = await session.exec(
            update(Staff)
            .where(col(Staff.id) == staff.id)
            .values(failed_logins=col(Staff.failed_logins) + 1)
            .returning(col(Staff.failed_logins))
        )
        failed = int(result.scalar_one())
        if failed >= MAX_FAILED_LOGINS:
            await session.exec(
                update(Staff)
                .where(col(Staff.id) == staff.id)
                .values(locked_until=utcnow() + login_delay(failed))
            )
            return LoginResult(staff, "locked")
        return LoginResult(staff, "bad")
    if not staff.active:
        return LoginResult(staff, "inactive")
    staff.failed_logins = 0
    staff.locked_until = None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = await asyncio.to_thread(hash_password, password)
    session.add(staff)
    return LoginResult(staff, "ok")


def login_delay(failed: int) -> dt.timedelta:
    """How long the account waits after ``failed`` wrong passwords in a row (the sixth on)."""
    seconds = 2 ** min(failed - MAX_FAILED_LOGINS + 1, 10)
    return min(dt.timedelta(seconds=seconds), MAX_DELAY)


def _yield_cpu() -> None:
    """Password threads run at the lowest priority (on Linux a thread's nice value is its own,
    and argon2's lane threads inherit it): the event loop comes first."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


# argon2 costs about 0.2 s of CPU here, on 4 lanes (threads) at once. In asyncio's default
# executor a flood ran 6 verifications at a time, 24 busy threads against the one event-loop
# thread, and LINE's acks waited seconds (benchmarks/faults, login flood). Two threads at the
# lowest priority keep a flood's CPU from the loop; a login waits its turn instead.
_PASSWORD_THREADS = ThreadPoolExecutor(
    max_workers=2, thread_name_prefix="argon2", initializer=_yield_cpu
)


async def verify_off_loop(password_hash: str, password: str) -> bool:
    """argon2 takes tens of milliseconds of CPU: run it in a low-priority thread, not on the
    event loop (a login flood would otherwise delay every LINE acknowledgement)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_PASSWORD_THREADS, _verify, password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# ---------------------------------------------------------------------------- sessions


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(session: AsyncSession, staff: Staff, kind: str) -> str:
    """A new random token; the database keeps only its SHA-256."""
    assert staff.id is not None
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            staff_id=staff.id,
            kind=kind,
            expires_at=utcnow() + SESSION_FOR,
        )
    )
    await session.exec(delete(StaffSession).where(col(StaffSession.expires_at) < utcnow()))
    return token


async def end_session(session: AsyncSession, token_hash: str) -> None:
    await session.exec(delete(StaffSession).where(col(StaffSession.token_hash) == token_hash))


async def end_sessions(session: AsyncSession, staff_id: int | None) -> None:
    await session.exec(delete(StaffSession).where(col(StaffSession.staff_id) == staff_id))


@dataclass(frozen=True)
class Principal:
    """The signed-in caseworker of one request."""

    staff_id: int
    username: str
    role: str
    agency_id: str
    token_hash: str
    via: str  # cookie | bearer

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


async def principal_for_token(session: AsyncSession, token: str, via: str) -> Principal | None:
    if not token or len(token) > 200:
        return None
    return await principal_for_hash(session, _token_hash(token), via)


async def principal_for_hash(session: AsyncSession, token_hash: str, via: str) -> Principal | None:
    row = await session.get(StaffSession, token_hash)
    if row is None or row.kind != via:
        return None
    expires = _aware(row.expires_at)
    if expires is None or expires <= utcnow():
        await end_session(session, token_hash)
        return None
    staff = await session.get(Staff, row.staff_id)
    if staff is None or not staff.active or staff.role not in ROLES:
        return None
    assert staff.id is not None
    return Principal(
        staff_id=staff.id,
        username=staff.username,
        role=staff.role,
        agency_id=staff.agency_id,
        token_hash=token_hash,
        via=via,
    )
