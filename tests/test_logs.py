"""Logs carry ids, codes and counts: a careless log call with resident text is scrubbed anyway."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.resident import Resident


async def test_a_careless_log_call_or_exception_never_prints_resident_text(
    sqlite_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    resident = Resident(sqlite_app.state.service)
    typed = "田中花子です。090-2718-2818 に電話ください"
    await resident.say(typed)
    careless = logging.getLogger("some.library")
    careless.info("got message %s", typed)
    careless.warning(f"failed on {typed} ({resident.question})")
    try:
        raise ValueError(f"bad input: {typed}")
    except ValueError:
        careless.exception("turn failed")
    text = caplog.text
    assert "got message" in text and "turn failed" in text  # the records are still there
    for secret in ("田中", "花子", "2718"):
        assert secret not in text


def test_operators_still_read_hosts_ids_and_paths_but_not_english_text_or_query_strings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.logs import install_log_privacy

    install_log_privacy()
    caplog.set_level(logging.INFO)
    log = logging.getLogger("tobira.test.access")  # formatted like uvicorn's access log
    log.info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:50432",
        "GET",
        "/api/chat/events?session=abcdefghijklmnopqrstuv",
        "1.1",
        200,
    )
    logging.getLogger("x").info(
        "message was %s", "please help me, my son hits me. call 090-1234-5678"
    )
    text = caplog.text
    assert "127.0.0.1:50432" in text and "/api/chat/events?<query>" in text
    assert "abcdefghijklmnopqrstuv" not in text
    assert "please help" not in text and "1234-5678" not in text


async def test_a_failing_turn_gets_a_kind_answer_and_logs_no_text(
    sqlite_app: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = sqlite_app.state.service
    typed = "山田です。090-1111-2222"

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"checkpoint store unavailable while handling {typed}")

    monkeypatch.setattr(service.graph, "ainvoke", broken)
    caplog.set_level(logging.INFO)
    reply = await Resident(service).say(typed)
    assert "もう一度送ってください" in reply.messages[0]
    assert "turn failed" in caplog.text
    assert "山田" not in caplog.text and "1111" not in caplog.text
