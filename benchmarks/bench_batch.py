"""Batch throughput and memory (SPEC §9), measured in one run on this machine.

The corpus and fixture notes are replicated to 2,000 and 20,000 cases (JSONL, unique case ids).
For each size `opnote-check batch` runs as a subprocess; wall time gives notes/s and a poller
sums the RSS of the batch process and its workers to get the peak. The same notes (a sample of
the 2,000) go through medspacy.load() and a blank spaCy tokenizer in this process for the ratios.

    .venv/bin/python benchmarks/bench_batch.py [--sizes 2000 20000] [--stock-sample 500]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "opnote-check"


def base_notes() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from opnote_check.notes import read_note

    paths = sorted((ROOT.parent / "shared" / "corpus").glob("*/*.txt")) + sorted((ROOT / "fixtures" / "notes").glob("*.txt"))
    return [read_note(str(p))[1] for p in paths]


def write_inputs(folder: Path, notes: list[str], n: int) -> tuple[Path, Path]:
    jsonl = folder / f"notes-{n}.jsonl"
    claims = folder / f"claims-{n}.csv"
    with jsonl.open("w", encoding="utf-8") as out, claims.open("w", encoding="utf-8") as cl:
        cl.write("case_id,code,units,modifiers\n")
        for i in range(n):
            case = f"c{i:06d}"
            out.write(json.dumps({"case_id": case, "text": notes[i % len(notes)]}) + "\n")
            cl.write(f"{case},22630,1,\n{case},63052,1,\n")
    return jsonl, claims


def run_batch(jsonl: Path, claims: Path, out: Path, workers: int) -> dict:
    peak = 0
    done = threading.Event()
    proc = subprocess.Popen([str(EXE), "batch", str(jsonl), "--claims", str(claims), "--out", str(out), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                procs = [parent] + parent.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    start = time.perf_counter()
    poller.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    poller.join()
    lines = sum(1 for _ in (out / "results.jsonl").open())
    return {"exit": code, "cases": lines, "seconds": round(elapsed, 1), "notes_per_s": round(lines / elapsed, 1),
            "peak_rss_mb": round(peak / 2**20)}


def per_note_rate(fn, texts: list[str]) -> float:
    for t in texts[:5]:
        fn(t)
    start = time.perf_counter()
    for t in texts:
        fn(t)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--stock-sample", type=int, default=500)
    args = parser.parse_args()
    notes = base_notes()
    cores = os.cpu_count() or 1
    results: dict = {"machine": f"{cores} cores, {round(psutil.virtual_memory().total / 2**30)} GiB, Python {sys.version.split()[0]}"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            jsonl, claims = write_inputs(tmp, notes, n)
            worker_counts = [1, cores] if n == min(args.sizes) else [cores]
            for w in dict.fromkeys(worker_counts):
                results[f"batch {n} notes, {w} worker(s)"] = run_batch(jsonl, claims, tmp / f"out-{n}-{w}", w)
    sample = [notes[i % len(notes)] for i in range(args.stock_sample)]
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    import medspacy
    import spacy

    blank = spacy.blank("en")
    results["blank tokenizer notes/s"] = round(per_note_rate(blank.make_doc, sample), 1)
    results["medspacy.load() notes/s"] = round(per_note_rate(medspacy.load(), sample), 1)
    one = results[f"batch {min(args.sizes)} notes, 1 worker(s)"]["notes_per_s"]
    results["batch 1 worker vs medspacy.load()"] = round(one / results["medspacy.load() notes/s"], 2)
    results["batch 1 worker time vs blank tokenizer"] = round(results["blank tokenizer notes/s"] / one, 2)
    small, large = min(args.sizes), max(args.sizes)
    a = results[f"batch {small} notes, {cores} worker(s)"]["peak_rss_mb"]
    b = results[f"batch {large} notes, {cores} worker(s)"]["peak_rss_mb"]
    results[f"peak RSS {large} / {small}"] = round(b / a, 3)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
