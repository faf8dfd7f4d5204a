"""The Messaging API client as the LINE channel uses it: the client itself, the credentials, and
which failures are worth retrying (429, 5xx, network) and how they are named in logs."""

from __future__ import annotations

import aiohttp
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from linebot.v3.messaging.exceptions import ApiException

from bot.settings import Settings

REQUEST_TIMEOUT = 5.0  # seconds per Messaging API call (the SDK's default is 300)


class Undeliverable(Exception):
    """LINE did not accept a message after retries (or refused it outright)."""

    def __init__(self, method: str, status: str, attempts: int = 1) -> None:
        super().__init__(f"{method} {status} after {attempts} attempt(s)")
        self.method = method
        self.status = status  # "HTTP 400", "ClientConnectorError", ...
        self.attempts = attempts


def retry_after(exc: ApiException) -> float | None:
    headers = getattr(exc, "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def retryable(exc: BaseException) -> bool:
    if isinstance(exc, ApiException):
        status = exc.status or 0
        return status == 429 or status >= 500 or status <= 0
    return isinstance(exc, aiohttp.ClientError | TimeoutError)


def error_message(exc: ApiException) -> str:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return str(body or "")[:200]


def status_of(exc: BaseException) -> str:
    if isinstance(exc, ApiException):
        return f"HTTP {exc.status}"
    return type(exc).__name__


def make_api(settings: Settings) -> tuple[AsyncApiClient, AsyncMessagingApi]:
    """The async Messaging API client (created inside the running loop, see FIELD-NOTES)."""
    config = Configuration(
        host=settings.line_api_base.rstrip("/"),
        access_token=settings.line_channel_access_token.get_secret_value(),
    )
    config.connection_pool_maxsize = max(10, settings.line_workers * 2)
    client = AsyncApiClient(config)
    return client, AsyncMessagingApi(client)


def credentials(settings: Settings) -> tuple[str, str]:
    return (
        settings.line_channel_secret.get_secret_value(),
        settings.line_channel_access_token.get_secret_value(),
    )
