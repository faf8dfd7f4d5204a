"""Caseworker console (placeholder until the console issue lands)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

router = APIRouter()


async def startup(app: Any) -> None:
    return None


async def shutdown(app: Any) -> None:
    return None
