"""Limits at the public edge: oversized bodies are refused before they are read, on every route;
/metrics answers only with its token when one is set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import running_app

MB = 1024 * 1024


class Source:
    """A request body produced lazily, counting how much of it the server pulled."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.produced = total, chunk, 0

    async def stream(self) -> AsyncIterator[bytes]:
        while self.produced < self.total:
            self.produced += self.chunk
            yield b"a" * self.chunk


@pytest.fixture
async def client(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        running_app(sqlite_url, metrics_token="metrics-token-0123456789") as app,
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http,
    ):
        yield http


@pytest.mark.parametrize("path", ["/api/chat/send", "/api/console/login"])
async def test_a_300_mb_body_is_refused_before_it_is_read(
    client: httpx.AsyncClient, path: str
) -> None:
    declared = Source(300 * MB)
    response = await client.post(
        path, content=declared.stream(), headers={"Content-Length": str(300 * MB)}
    )
    assert response.status_code == 413
    assert declared.produced <= 2 * MB

    undeclared = Source(300 * MB)  # chunked, no length: refused once the limit is passed
    response = await client.post(path, content=undeclared.stream())
    assert response.status_code == 413
    assert undeclared.produced <= 2 * MB


async def test_an_ordinary_request_still_goes_through(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/console/login", json={"username": "x", "password": "y"})
    assert response.status_code == 401


async def test_metrics_answer_only_with_their_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong: Any = {"Authorization": "Bearer not-the-token"}
    assert (await client.get("/metrics", headers=wrong)).status_code == 401
    right = {"Authorization": "Bearer metrics-token-0123456789"}
    response = await client.get("/metrics", headers=right)
    assert response.status_code == 200 and "tobira_line_webhooks_total" in response.text
