"""Speed/memory benchmark of pii.Redactor (and, with --stock, of stock Presidio + ja_ginza).

    .venv/bin/python benchmarks/pii/bench.py [--corpus ../shared/corpus/pii_dev.jsonl]
    .venv/bin/python benchmarks/pii/bench.py --tagger-on   # the learned tagger forced on (worst case)
    .venv/bin/python benchmarks/pii/bench.py --cpu         # per-message CPU time (a loaded machine)
    /tmp/ginza-venv/bin/python benchmarks/pii/bench.py --stock      # stock Presidio + ja_ginza

Each mode runs in a fresh process: start-up = import + construction + first call;
messages of <=100 characters = every corpus message cut into 100-character slices (3 passes after
a warm-up pass); a 1,000-character message = the corpus text concatenated and cut at 1,000
characters (20 runs); RSS from /proc/self/status (total, anonymous and file-backed).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pii_dev.jsonl"


def mem() -> dict[str, float]:
    status = Path("/proc/self/status").read_text()
    out = {}
    for key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
        out[key] = round(int(status.split(key + ":")[1].split()[0]) / 1024, 1)
    return out


def make_stock():  # type: ignore[no-untyped-def]
    """Stock Presidio with ja_ginza, GiNZA labels mapped (FIELD-NOTES: unmapped labels are dropped)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "ja", "model_name": "ja_ginza"}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": {
                "Person": "PERSON",
                "City": "LOCATION",
                "Province": "LOCATION",
                "Company": "ORGANIZATION",
                "School": "ORGANIZATION",
                "Facility": "LOCATION",
                "Phone_Number": "PHONE_NUMBER",
                "Email": "EMAIL_ADDRESS",
                "URL": "URL",
            },
            "labels_to_ignore": [],
        },
    }
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["ja"])
    return lambda text: analyzer.analyze(text, language="ja")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--stock", action="store_true", help="stock Presidio + ja_ginza instead of pii")
    ap.add_argument("--tagger-on", action="store_true", help="force the learned tagger on")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="time per message in this process's CPU time (what a quiet machine shows: time spent "
        "waiting for a core on a loaded machine is left out)",
    )
    args = ap.parse_args()
    texts = [
        json.loads(line)["text"]
        for line in args.corpus.read_text(encoding="utf-8").splitlines()
        if line
    ]
    short = [t[i : i + 100] for t in texts for i in range(0, len(t), 100)]
    long = "".join(texts)[:1000]

    clock = time.process_time if args.cpu else time.perf_counter
    t0 = time.perf_counter()
    if args.stock:
        analyze = make_stock()
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from dataclasses import replace

        from pii import Redactor

        redactor = Redactor()
        model = redactor._analyzer.model
        if args.tagger_on and model is not None:
            # whatever threshold cross-validation chose, score every message with the tagger
            redactor._analyzer.model = replace(model, threshold=float("-inf"))
        analyze = redactor.analyze
    analyze("はじめまして。")
    startup = time.perf_counter() - t0

    for text in short:  # warm-up
        analyze(text)
    times = []
    for _ in range(1 if args.stock else 3):
        for text in short:
            a = clock()
            analyze(text)
            times.append((clock() - a) * 1000)
    times.sort()
    long_times = []
    for _ in range(20):
        a = clock()
        analyze(long)
        long_times.append((clock() - a) * 1000)
    # leak rate with the definition of pii.evaluate (a gold span leaks if any character survives)
    records = [
        json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line
    ]
    n_spans = leaked = 0
    for rec in records:
        covered = [False] * len(rec["text"])
        for e in analyze(rec["text"]):
            for i in range(e.start, e.end):
                covered[i] = True
        for g in rec["entities"]:
            n_spans += 1
            if any(
                not covered[i] and not rec["text"][i].isspace() for i in range(g["start"], g["end"])
            ):
                leaked += 1
    result = {
        "mode": "stock presidio + ja_ginza"
        if args.stock
        else "pii.Redactor (sudachi + recognizers"
        + (" + tagger forced on)" if args.tagger_on else ")"),
        "clock": "process CPU time" if args.cpu else "wall",
        "startup_s": round(startup, 2),
        "short_messages": len(short),
        "short_mean_chars": round(statistics.mean(len(t) for t in short), 1),
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
        "max_ms": round(times[-1], 3),
        "long_1000_median_ms": round(statistics.median(long_times), 2),
        "long_1000_max_ms": round(max(long_times), 2),
        "memory_mb": mem(),
        "dev_leak_rate": round(leaked / n_spans, 4),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
