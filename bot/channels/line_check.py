"""``tobira line check``: the channel's settings checked against the configured Messaging API.

Verifies the access token, the webhook URL and whether it is in use, and asks LINE to send a test
webhook to the running server. Prints what it verified; never prints a secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from linebot.v3.messaging.exceptions import ApiException

from bot.channels.line import WEBHOOK_PATH
from bot.channels.line_api import REQUEST_TIMEOUT, credentials, make_api
from bot.settings import Settings


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


async def check(
    settings: Settings, *, verify_webhook: bool = True, out: Callable[[str], Any] = print
) -> int:
    """Check the channel against the configured Messaging API; 0 when everything looks right.

    Verifies the access token (bot info), reads the webhook URL and whether it is in use, and asks
    LINE to send a test webhook (the console's Verify button), which proves the channel secret
    matches the running server's. Prints what it verified; never prints a secret."""
    secret, token = credentials(settings)
    problems = 0
    if not secret:
        out(
            "✗ LINE_CHANNEL_SECRET is not set (LINE Developers console > Basic settings > Channel secret)"
        )
        problems += 1
    if not token:
        out(
            "✗ LINE_CHANNEL_ACCESS_TOKEN is not set (Messaging API tab > Channel access token (long-lived))"
        )
        return 2
    out(f"  Messaging API: {settings.line_api_base}")
    client, api = make_api(settings)
    try:
        try:
            info = await api.get_bot_info(_request_timeout=REQUEST_TIMEOUT)
        except ApiException as exc:
            out(f"✗ access token refused by LINE (HTTP {exc.status}); issue a new long-lived token")
            return 1
        except (aiohttp.ClientError, TimeoutError) as exc:
            out(f"✗ Messaging API not reachable at {settings.line_api_base}: {type(exc).__name__}")
            return 1
        out(
            f"✓ access token works: bot {info.display_name} ({info.basic_id}), chat mode {info.chat_mode}"
        )
        if info.chat_mode == "chat":
            out(
                "  note: Chat is on in LINE Official Account Manager; tobira answers through the webhook, "
                "so turn Chat off unless staff also answer there"
            )
        try:
            endpoint = await api.get_webhook_endpoint(_request_timeout=REQUEST_TIMEOUT)
        except ApiException as exc:
            out(f"✗ could not read the webhook settings (HTTP {exc.status})")
            return 1
        out(f"  webhook URL: {endpoint.endpoint or '(none)'}")
        if not endpoint.endpoint.startswith("https://") and not _loopback(endpoint.endpoint):
            out("✗ the webhook URL must be an https:// URL (LINE refuses plain http)")
            problems += 1
        if not endpoint.endpoint.rstrip("/").endswith(WEBHOOK_PATH):
            out(f"✗ the webhook URL should end with {WEBHOOK_PATH}")
            problems += 1
        if endpoint.active:
            out("✓ Use webhook: on")
        else:
            out("✗ Use webhook is off (Messaging API tab > Webhook settings > Use webhook)")
            problems += 1
        if verify_webhook and endpoint.endpoint:
            try:
                result = await api.test_webhook_endpoint(_request_timeout=15)
            except ApiException as exc:
                out(f"✗ LINE could not test the webhook (HTTP {exc.status})")
                problems += 1
            else:
                if result.success:
                    out(
                        "✓ LINE reached the webhook and the signature check passed (channel secret matches)"
                    )
                else:
                    out(
                        f"✗ LINE's test webhook got {result.status_code} {result.reason}: is tobira running "
                        "at that URL with this LINE_CHANNEL_SECRET?"
                    )
                    problems += 1
    finally:
        await client.close()
    out(
        "  reminder: in LINE Official Account Manager > Response settings, turn off Auto-response "
        "messages and the Greeting message so that only tobira answers"
    )
    return 1 if problems else 0


__all__ = ["check"]
