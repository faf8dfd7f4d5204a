"""Coming back another day, only when the person asks (「続きから話せるようにする」).

By default the widget's token lives in sessionStorage and is gone when the tab closes. On request
the service issues a short resume code to write down: 10 letters and digits (about 49 bits, no
0/O/1/I/L), shown as ``XXXXX-XXXXX``. Only its keyed hash is stored, with the token encrypted and
an expiry at the city's retention days; a new code replaces the old one, deletion removes it.
Wrong codes are limited per client address (``MAX_MISSES`` in ``MISS_WINDOW``)."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import OrderedDict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import delete
from sqlmodel import col

from bot.channels.web import conversation_of, session_of
from bot.models import ResumeCode

router = APIRouter()
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
MAX_MISSES = 10
MISS_WINDOW = 600.0
_misses: OrderedDict[str, list[float]] = OrderedDict()


class CodeIn(BaseModel):
    code: str = Field(min_length=4, max_length=40)


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _kind(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/api/chat/resume-code")
async def issue(request: Request) -> Response:
    session = session_of(request)
    conv = await conversation_of(request, session) if session else None
    if session is None or conv is None:
        return _kind("まだ相談が始まっていません。", 404)
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    keys, city = request.app.state.keys, request.app.state.city
    expires = request.app.state.clock() + dt.timedelta(days=city.retention_days)
    async with request.app.state.db.session() as s:
        await s.exec(delete(ResumeCode).where(col(ResumeCode.conversation_id) == conv.id))  # type: ignore[call-overload]
        s.add(
            ResumeCode(
                code_hash=keys.lookup_hash("resume", code),
                conversation_id=conv.id,
                token_enc=keys.encrypt(session),
                expires_at=expires,
            )
        )
    return JSONResponse({"code": f"{code[:5]}-{code[5:]}", "expires": expires.date().isoformat()})


@router.post("/api/chat/resume")
async def resume(request: Request) -> Response:
    client = request.client.host if request.client else "?"
    if _too_many(client):
        return _kind("何度も違うコードが入力されました。しばらくしてから試してください。", 429)
    try:
        code = normalise(CodeIn.model_validate_json(await request.body()).code)
    except ValidationError:
        code = ""
    keys = request.app.state.keys
    async with request.app.state.db.session() as s:
        found = await s.get(ResumeCode, keys.lookup_hash("resume", code)) if code else None
    now = request.app.state.clock()
    token = keys.decrypt(found.token_enc) if found is not None else None
    expires = found.expires_at if found is not None else now
    if token is None or (expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)) < now:
        _miss(client)
        return _kind("そのコードでは続きが見つかりませんでした。もう一度確かめてください。", 404)
    return JSONResponse({"session": token})


def _too_many(client: str) -> bool:
    now = time.monotonic()
    recent = [t for t in _misses.get(client, []) if now - t < MISS_WINDOW]
    _misses[client] = recent
    return len(recent) >= MAX_MISSES


def _miss(client: str) -> None:
    _misses.setdefault(client, []).append(time.monotonic())
    _misses.move_to_end(client)
    while len(_misses) > 10_000:
        _misses.popitem(last=False)
