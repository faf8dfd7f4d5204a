"""Speed and memory of `flows.triage.assess` (rules + sentence model), one process.

    python benchmarks/triage/bench.py [FILE ...]

Per message: median and p99 over the messages of the given corpora (default: the shared dev
corpus and the earlier evaluation sets), then the median over 1,000-character letters built from
those messages, and the process's peak RSS after loading everything. Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT = [
    REPO.parent / "shared/corpus/crisis_dev.jsonl",
    REPO / "tests/data/triage_fresh.jsonl",
    REPO / "tests/data/triage_fresh2.jsonl",
]


def main(paths: list[Path]) -> None:
    start = time.perf_counter()
    from flows.triage import assess

    assess("準備です")
    load_s = time.perf_counter() - start
    texts = [
        json.loads(line)["text"]
        for p in paths
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    times = []
    for text in texts:
        t = time.perf_counter()
        assess(text)
        times.append((time.perf_counter() - t) * 1000)
    letters = []
    joined = "".join(texts)
    for i in range(0, min(len(joined) - 1000, 60_000), 1000):
        letters.append(joined[i : i + 1000])
    long_times = []
    for text in letters:
        t = time.perf_counter()
        assess(text)
        long_times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "messages": len(texts),
                "median_ms": round(statistics.median(times), 3),
                "p99_ms": round(times[int(0.99 * (len(times) - 1))], 3),
                "letters_1000_chars": len(letters),
                "median_ms_1000_chars": round(statistics.median(long_times), 3),
                "max_ms_1000_chars": round(max(long_times), 3),
                "load_s": round(load_s, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or DEFAULT)
