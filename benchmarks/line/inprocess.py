"""The conversation service's own cost per turn, in-process (no HTTP, no LINE SDK).

    .venv/bin/python -m benchmarks.line.inprocess                 # 16 conversations at once
    .venv/bin/python -m benchmarks.line.inprocess --conversations 1 --turns 300
    .venv/bin/python -m benchmarks.line.inprocess --profile /tmp/turn.prof

The real app (SQLite in a temporary directory) is built as the tests build it; each resident
follows and says one line first (one-time loading is not counted), then every conversation sends
``--turns`` texts back to back. Prints turns/s and CPU per turn (the process's CPU, SQLite's
threads included). Nothing here is a test; the machine is shared, so compare runs made together."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import gc
import random
import tempfile
import time

from benchmarks.line.bench import TEXTS
from bot.messages import Inbound
from tests.conftest import DAYTIME, running_app


async def run(conversations: int, turns: int, profile: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="tobira-inprocess-") as tmp:
        async with running_app(f"sqlite:///{tmp}/bench.db") as app:
            service = app.state.service
            clock = [DAYTIME]
            rng = random.Random(1)

            async def turn(user: str, **kwargs: object) -> None:
                clock[0] += dt.timedelta(seconds=1)
                await service.handle(Inbound("line", user, clock[0], **kwargs))  # type: ignore[arg-type]

            users = [f"U{i:032x}" for i in range(conversations)]
            for user in users:
                await turn(user, event="follow")
                await turn(user, text="はじめまして")

            async def talk(user: str) -> None:
                for _ in range(turns):
                    await turn(user, text=rng.choice(TEXTS))

            gc.collect()
            gc.freeze()
            profiler = cProfile.Profile() if profile else None
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            await asyncio.gather(*(talk(u) for u in users))
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            n = turns * conversations
            print(
                f"{conversations} conversations, {n} turns: {n / wall:.1f} turns/s, "
                f"{cpu / n * 1000:.2f} ms CPU per turn, {wall / n * 1000:.2f} ms wall per turn"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=16)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--profile", help="write cProfile stats here")
    args = parser.parse_args()
    asyncio.run(run(args.conversations, args.turns, args.profile))


if __name__ == "__main__":
    main()
