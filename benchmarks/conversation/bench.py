"""How the three personas of issue 13 read on a phone, in each language (figures, not tests).

    .venv/bin/python -m benchmarks.conversation.bench

Runs the persona conversations of tests/test_personas.py through the real service on a fresh
SQLite file and prints one JSON line per persona and language: turns to the summary, the longest
message, the most messages in one reply, the summary's messages, the consent's messages, and the
number of free-text answers (each one asserted to be acknowledged by the persona tests).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from tests.conftest import running_app
from tests.resident import Resident
from tests.test_personas import PERSONAS, Say, walk

RUNS = [(p, loc) for p in ("mother", "man", "sibling") for loc in ("ja", "ja-easy", "en")]


async def one(persona: str, locale: str, folder: Path) -> dict[str, object]:
    async with running_app(f"sqlite:///{folder / f'{persona}-{locale}.db'}") as app:
        resident = Resident(app.state.service, persona)
        replies: list[list[str]] = []
        send = resident._send

        async def counted(**kwargs: object) -> object:
            reply = await send(**kwargs)
            replies.append(list(reply.messages))
            return reply

        resident._send = counted  # type: ignore[method-assign]
        await walk(resident, persona, locale)
        summary_bubbles = len(replies[-1])
        await resident.tap("a:summary:ok")
        steps = PERSONAS[persona][0]
        said = [s for s in steps if isinstance(s, Say)]
        return {
            "persona": persona,
            "locale": locale,
            "turns_to_summary": len(replies) - 1,
            "longest_message": max(len(m) for r in replies for m in r),
            "most_messages_in_a_reply": max(len(r) for r in replies),
            "summary_messages": summary_bubbles,
            "consent_messages": len(replies[-1]),
            "free_text_answers": len(said),
        }


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for persona, locale in RUNS:
            print(json.dumps(await one(persona, locale, Path(folder)), ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
