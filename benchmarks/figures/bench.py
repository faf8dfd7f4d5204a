"""How long the figures take to build (counting, small-cell protection with its exact audit)
for N synthetic handoffs over M months: `python -m benchmarks.figures.bench [N] [M]`."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from handoff import figures

random.seed(11)


def synthetic(n: int, months: int) -> list[figures.Case]:
    def pick(dimension: str) -> str:
        values = figures.DIMENSIONS[dimension][1]
        # skewed, like real doors: a few values carry most consultations
        return values[min(int(random.expovariate(0.6)), len(values) - 1)]

    out = []
    for _ in range(n):
        out.append(
            figures.Case(
                month=f"{2025 + random.randrange(months) // 12}-{random.randrange(months) % 12 + 1:02d}",
                channel=pick("channel"),
                who=pick("who"),
                category=pick("category"),
                age=pick("age"),
                urgency=pick("urgency"),
                hours=pick("hours"),
                outcome=pick("outcome"),
                destination=pick("destination"),
                level=random.choice(["P0", "P1", "P2", "P2", "P2", "P3"]),
                first_reply_minutes=random.expovariate(1 / 600),
                returning=random.random() < 0.1,
            )
        )
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    months = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    cases = synthetic(n, months)
    start = time.perf_counter()
    built = figures.build(cases, dt.datetime.now(dt.UTC))
    took = time.perf_counter() - start
    hidden = sum(len(t.grid.suppressed()) for t in built.tables)
    cells = sum((t.grid.rows + 1) * (t.grid.cols + 1) for t in built.tables)
    print(f"{n} handoffs, {months} months: {took:.2f} s, {hidden} of {cells} cells hidden")


if __name__ == "__main__":
    main()
