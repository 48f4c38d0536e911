"""Speed of opnote-check against medspaCy's stock pipeline and a blank spaCy tokenizer (SPEC §9).

Runs every configuration on the same notes in one process and prints per-note medians and
ratios. Notes: ../shared/corpus/*/*.txt when present, plus fixtures/notes/*.txt.

    .venv/bin/python benchmarks/bench_extract.py [--repeat 5] [--json]

Not a test: timings depend on the machine; the numbers go in the README with the machine named.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def notes() -> list[str]:
    from opnote_check.notes import read_note

    paths = sorted((ROOT.parent / "shared" / "corpus").glob("*/*.txt")) + sorted((ROOT / "fixtures" / "notes").glob("*.txt"))
    return [read_note(str(p))[1] for p in paths]


def per_note_ms(fn, texts: list[str], repeat: int) -> list[float]:
    """Median over `repeat` runs of each note's time, in ms."""
    for text in texts[:5]:
        fn(text)  # warm-up
    times = {i: [] for i in range(len(texts))}
    for _ in range(repeat):
        for i, text in enumerate(texts):
            t = time.perf_counter()
            fn(text)
            times[i].append((time.perf_counter() - t) * 1000)
    return [statistics.median(v) for v in times.values()]


def cold_start_ms(note: Path) -> float:
    import subprocess

    exe = Path(sys.executable).parent / "opnote-check"
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([str(exe), "check", str(note), "--fail-on", "never"], capture_output=True, check=True)
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from loguru import logger

    logger.remove()  # PyRuSH logs every sentence at DEBUG; the stock pipeline must not pay for that here
    logger.add(sys.stderr, level="WARNING")
    import medspacy
    import spacy

    from opnote_check import Checker

    texts = notes()
    checker = Checker()
    pipeline = checker.pipeline
    blank = spacy.blank("en")
    stock = medspacy.load()
    full_check = checker.check

    results = {
        "blank spaCy tokenizer": per_note_ms(blank.make_doc, texts, args.repeat),
        "medspacy.load() stock pipeline": per_note_ms(stock, texts, args.repeat),
        "opnote-check pipeline only": per_note_ms(pipeline, texts, args.repeat),
        "opnote-check full check": per_note_ms(full_check, texts, args.repeat),
    }
    medians = {k: statistics.median(v) for k, v in results.items()}
    totals = {k: sum(v) for k, v in results.items()}
    demo = ROOT / "fixtures" / "notes" / "demo-tlif.txt"
    summary = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "notes": len(texts),
        "chars_median": statistics.median(len(t) for t in texts),
        "median_ms_per_note": {k: round(v, 2) for k, v in medians.items()},
        "total_ms": {k: round(v, 1) for k, v in totals.items()},
        "throughput_vs_stock": round(totals["medspacy.load() stock pipeline"] / totals["opnote-check full check"], 2),
        "time_vs_blank_tokenizer": round(totals["opnote-check full check"] / totals["blank spaCy tokenizer"], 2),
        "cold_start_ms": round(cold_start_ms(demo), 0),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{summary['notes']} notes (median {summary['chars_median']:.0f} chars) on {summary['machine']}, median of {args.repeat} runs")
    print(f"{'configuration':34} {'median ms/note':>15} {'total ms':>10}")
    for k in results:
        print(f"{k:34} {medians[k]:15.2f} {totals[k]:10.1f}")
    print(f"full check throughput = {summary['throughput_vs_stock']}x medspacy.load()")
    print(f"full check time = {summary['time_vs_blank_tokenizer']}x the blank tokenizer")
    print(f"cold start (opnote-check check demo note) = {summary['cold_start_ms']:.0f} ms")


if __name__ == "__main__":
    main()
