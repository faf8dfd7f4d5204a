"""LINE Official Account channel (placeholder until the LINE issue lands)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

router = APIRouter()


async def startup(app: FastAPI) -> None:
    return None


async def shutdown(app: FastAPI) -> None:
    return None
