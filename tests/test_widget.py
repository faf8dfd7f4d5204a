"""The chat widget: its JSON API over HTTP
(the browser tests are test_widget_embed, _device and _a11y)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SESSION = "w" * 22


async def _post(client: httpx.AsyncClient, **payload: Any) -> httpx.Response:
    return await client.post("/api/chat/send", json={"session": SESSION, **payload})


async def test_the_widget_api_runs_the_same_intake(sqlite_app: Any) -> None:
    transport = httpx.ASGITransport(app=sqlite_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        first = (await _post(client, event="follow")).json()
        assert any("相談してくれて" in m for m in first["messages"])
        assert {"code": "a:intro:start", "label": "話してみる"} in first["options"]
        second = (await _post(client, code="a:intro:start")).json()
        assert "どなたのこと" in second["messages"][-1]
        page = await client.get("/demo")
        assert (
            '<script src="/widget.js"' in page.text
            and "script-src 'self'" in page.headers["content-security-policy"]
        )
        assert (
            (await client.get("/widget.js")).headers["content-type"].startswith("text/javascript")
        )


async def test_bad_widget_input_gets_a_kind_answer_and_leaves_nothing(sqlite_app: Any) -> None:
    transport = httpx.ASGITransport(app=sqlite_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        broken = await client.post(
            "/api/chat/send", content=b'{"session": "', headers={"content-type": "application/json"}
        )
        assert broken.status_code == 400 and "もう一度" in broken.json()["error"]
        huge = await client.post("/api/chat/send", content=b"x" * (70 * 1024))
        assert huge.status_code == 413 and "長すぎます" in huge.json()["error"]
        empty = await _post(client, text="   ")
        assert empty.status_code == 400
        bad_session = await client.post(
            "/api/chat/send", json={"session": "../../etc", "text": "こんにちは"}
        )
        assert bad_session.status_code == 400
        assert (
            await client.get("/api/chat/events", headers={"X-Tobira-Session": SESSION})
        ).status_code == 404
        assert (
            await client.get("/api/chat/history", headers={"X-Tobira-Session": SESSION})
        ).json()["turns"] == []
    assert await sqlite_app.state.service.conversation_count() == 0
    long_text = "息子のことです。" * 625  # 5,000 characters
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        ok = await _post(client, text=long_text)
        assert ok.status_code == 200 and ok.json()["messages"]


async def test_the_token_in_a_header_and_the_history_as_stored(sqlite_app: Any) -> None:
    transport = httpx.ASGITransport(app=sqlite_app)
    head = {"X-Tobira-Session": "h" * 22}
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        await client.post("/api/chat/send", headers=head, json={"event": "follow"})
        await client.post("/api/chat/send", headers=head, json={"code": "a:intro:start"})
        said = await client.post(
            "/api/chat/send", headers=head, json={"text": "電話は090-1234-5678です"}
        )
        assert said.status_code == 200 and not said.json()["ended"]
        stored = (await client.get("/api/chat/history", headers=head)).json()
        texts = [turn["text"] for turn in stored["turns"]]
        assert "話してみる" in texts  # a pressed button shows as its label
        assert not any("090-1234-5678" in x for x in texts)
        assert any(x.startswith("電話は") for x in texts)
        assert stored["options"] and not stored["live"]
        assert "set-cookie" not in said.headers
        # 削除, confirmed: the conversation is gone and the widget is told to forget it
        await client.post("/api/chat/send", headers=head, json={"text": "削除"})
        gone = await client.post(
            "/api/chat/send", headers=head, json={"code": "a:confirm_delete:yes"}
        )
        assert gone.json()["ended"] is True
        assert (await client.get("/api/chat/history", headers=head)).json()["turns"] == []
    assert await sqlite_app.state.service.conversation_count() == 0


def test_the_widget_and_its_css_stay_small_and_load_nothing_from_elsewhere() -> None:
    static = Path(__file__).resolve().parents[1] / "bot" / "static"
    js, css = (static / "widget.js").read_text(), (static / "widget.css").read_text()
    assert len(js.encode()) + len(css.encode()) <= 40 * 1024
    assert "http://" not in js + css and "https://" not in js + css
    assert "innerHTML" not in js and "eval(" not in js


def test_a_city_origin_must_be_an_origin(tmp_path: Path) -> None:
    from bot.city import MunicipalityError, load_municipality

    demo = (Path(__file__).resolve().parents[1] / "bot" / "cities" / "demo.yaml").read_text()
    bad = tmp_path / "city.yaml"
    bad.write_text(demo.replace("allowed_origins: []", 'allowed_origins: ["https://x.jp/page/"]'))
    with pytest.raises(MunicipalityError, match=r"widget\.allowed_origins.*not an origin"):
        load_municipality(bad)
    bad.write_text(
        demo.replace("allowed_origins: []", 'allowed_origins: ["https://www.city.x.jp"]')
    )
    assert load_municipality(bad).widget.allowed_origins == ["https://www.city.x.jp"]


def test_the_console_shows_labels_never_codes() -> None:
    from handoff.console.views import option_label

    assert option_label("a:primary:hikikomori_futoko") == "家から出られない・不登校"
    assert option_label("c:delete") == "削除する"
    assert option_label("a:intro:start") == "話してみる"
    assert option_label("x:unknown:code") is None
    # a button pressed during a live chat reaches the console's chat as its label
    from handoff import events

    relayed = events.resident_message(None, "a:primary:hikikomori_futoko", dt.datetime.now(dt.UTC))
    assert relayed["label"] == "家から出られない・不登校"


async def test_a_resume_code_brings_the_conversation_back_until_deleted(app: Any) -> None:
    """On SQLite and PostgreSQL: only the code's keyed hash is stored; a wrong code is refused;
    the code gives back the token; 削除 removes the code with the conversation."""
    from sqlmodel import select

    from bot.models import ResumeCode

    transport = httpx.ASGITransport(app=app)
    head = {"X-Tobira-Session": "r" * 22}
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        early = await client.post("/api/chat/resume-code", headers=head)
        assert early.status_code == 404  # nothing to resume yet
        await client.post("/api/chat/send", headers=head, json={"event": "follow"})
        issued = (await client.post("/api/chat/resume-code", headers=head)).json()
        code = issued["code"]
        assert len(code) == 11 and code[5] == "-"
        async with app.state.db.session() as s:
            rows = (await s.exec(select(ResumeCode))).all()
        assert len(rows) == 1 and code.replace("-", "") not in rows[0].code_hash
        wrong = await client.post("/api/chat/resume", json={"code": "ZZZZZ-ZZZZZ"})
        assert wrong.status_code == 404 and "見つかりません" in wrong.json()["error"]
        back = await client.post("/api/chat/resume", json={"code": code.lower().replace("-", " ")})
        assert back.json() == {"session": "r" * 22}
        await client.post("/api/chat/send", headers=head, json={"code": "c:delete"})
        await client.post("/api/chat/send", headers=head, json={"code": "a:confirm_delete:yes"})
        gone = await client.post("/api/chat/resume", json={"code": code})
        assert gone.status_code == 404
    async with app.state.db.session() as s:
        assert (await s.exec(select(ResumeCode))).all() == []


async def test_guessing_resume_codes_is_stopped(sqlite_app: Any) -> None:
    from bot.channels import web_resume

    web_resume._misses.clear()
    transport = httpx.ASGITransport(app=sqlite_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tobira.test") as client:
        answers = [
            (await client.post("/api/chat/resume", json={"code": f"AAAAA-{n:05d}"})).status_code
            for n in range(web_resume.MAX_MISSES + 1)
        ]
    web_resume._misses.clear()
    assert answers[: web_resume.MAX_MISSES] == [404] * web_resume.MAX_MISSES
    assert answers[-1] == 429
