"""Latency of POST /api/check on the fixture notes, through a real `opnote-check serve` on localhost.

    .venv/bin/python benchmarks/bench_server.py [--rounds 5]

Prints the median and 95th percentile in ms over every fixture note, `rounds` times each.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "opnote_check.cli", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        from opnote_check.notes import read_note  # the CLI's decoding: some fixtures are Windows-1252

        notes = [read_note(str(p))[1] for p in sorted((ROOT / "fixtures" / "notes").glob("*.txt"))]
        times = []
        for round_ in range(args.rounds + 1):
            for note in notes:
                body = json.dumps({"note": note, "lines": "22630 22632 63052 63053", "highlight": True}).encode()
                request = urllib.request.Request(url + "/api/check", data=body, headers={"Content-Type": "application/json"})
                start = time.perf_counter()
                with urllib.request.urlopen(request) as response:
                    response.read()
                if round_:  # the first round warms up
                    times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"{len(notes)} fixture notes x {args.rounds} rounds: median {statistics.median(times):.1f} ms, "
              f"p95 {times[int(len(times) * 0.95)]:.1f} ms, max {times[-1]:.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
