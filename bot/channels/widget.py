"""The chat widget on the app in one call: its API and assets (``web``), resume codes
(``web_resume``), and the CORS and security headers in front of them (``web_cors``)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI

from bot.channels import web, web_resume
from bot.channels.web_cors import WidgetCors


def mount(app: FastAPI, allowed_origins: Iterable[str], public_url: str) -> None:
    app.include_router(web.router)
    app.include_router(web_resume.router)
    app.add_middleware(WidgetCors, allowed_origins=allowed_origins, public_url=public_url)
