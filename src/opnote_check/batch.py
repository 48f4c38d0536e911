"""Batch: a folder, archive or JSONL of notes plus a claims file -> one report per case.

    inputs (streamed) -> check_case() in worker processes -> results.jsonl (one line per case,
    written as each finishes) -> summary.csv + report.html (+ cases/<id>.html)

- Streaming: notes are read one at a time and at most a few per worker are in flight, so memory
  does not grow with the number of notes.
- Crash-safe: each result is one complete line written with a single write() on an append-only
  file; a batch killed at any moment keeps every finished result. `--resume` first drops a torn
  last line, if any, then skips the cases already in results.jsonl.
- Engines: a local process pool (one pipeline per worker, built once), or Dask (`engine="dask"`),
  which runs the same per-case function on a cluster. Only plain data crosses processes (medspaCy
  spans and extensions do not pickle).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import sqlite3
import tarfile
import zipfile
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .claims import Claim
from .notes import MAX_NOTE_BYTES, NoteError, check_text, decode_note

NOTE_SUFFIXES = (".txt", ".docx", ".rtf")
IN_FLIGHT_PER_WORKER = 4
RECYCLE_AFTER = 1000


class BatchError(ValueError):
    """A batch that cannot start (bad input path, claims file, output folder); one line."""


@dataclass(frozen=True)
class Item:
    """One note as plain data: raw bytes of a file, or text (JSONL), or why it could not be read."""

    case_id: str
    source: str
    data: bytes | None = None
    text: str | None = None
    error: str | None = None


# ---------------------------------------------------------------- reading inputs


def _case_id(name: str) -> str:
    return Path(name).stem


def _is_note(name: str) -> bool:
    base = Path(name).name
    return base.lower().endswith(NOTE_SUFFIXES) and not base.startswith((".", "~$"))


def _read_member(name: str, read: Callable[[], bytes], size: int) -> Item:
    if size > MAX_NOTE_BYTES:
        return Item(_case_id(name), name, error=f"note is {size:,} bytes, over the {MAX_NOTE_BYTES:,}-byte limit")
    try:
        return Item(_case_id(name), name, data=read())
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        return Item(_case_id(name), name, error=f"cannot read ({exc})")


def iter_inputs(path: Path) -> Iterator[Item]:
    """Every note of a folder (recursive), .zip, .tar(.gz) or JSONL file, one at a time."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() and _is_note(p.name)):
            yield _read_member(str(file), file.read_bytes, file.stat().st_size)
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir() and _is_note(info.filename):
                    yield _read_member(info.filename, lambda info=info: archive.read(info), info.file_size)
    elif path.name.lower().endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if member.isfile() and _is_note(member.name):
                    yield _read_member(member.name, lambda m=member: archive.extractfile(m).read(), member.size)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open("r", encoding="utf-8-sig", errors="replace") as lines:
            for lineno, line in enumerate(lines, 1):
                if line.strip():
                    yield _jsonl_item(line, f"{path.name}:{lineno}")
    elif path.is_file() and _is_note(path.name):
        yield _read_member(str(path), path.read_bytes, path.stat().st_size)
    else:
        raise BatchError(f"{path}: not a folder, .zip, .tar.gz or .jsonl of notes")


def count_inputs(path: Path) -> int | None:
    """How many notes an input holds, when that is cheap to know (for the progress bar's ETA)."""
    try:
        if path.is_dir():
            return sum(1 for p in path.rglob("*") if p.is_file() and _is_note(p.name))
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                return sum(1 for i in archive.infolist() if not i.is_dir() and _is_note(i.filename))
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
    except (OSError, zipfile.BadZipFile):
        return None
    return None


def _jsonl_item(line: str, where: str) -> Item:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Item(where, where, error=f"bad JSONL line ({exc.msg})")
    if not isinstance(obj, dict) or "case_id" not in obj:
        return Item(where, where, error="bad JSONL line (no case_id)")
    if not isinstance(obj.get("text"), str):
        return Item(str(obj["case_id"]), where, error="bad JSONL line (no text)")
    return Item(str(obj["case_id"]), where, text=obj["text"])


def note_text(item: Item) -> str:
    """The text of a note; NoteError for anything that is not a readable note."""
    if item.error:
        raise NoteError(item.error)
    if item.text is not None:
        if len(item.text.encode("utf-8", errors="replace")) > MAX_NOTE_BYTES:
            raise NoteError(f"note is over the {MAX_NOTE_BYTES:,}-byte limit")
        return check_text(item.text, item.case_id)
    suffix = Path(item.source).suffix.lower()
    data = item.data or b""
    if suffix == ".docx":
        from docx import Document

        try:
            doc = Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several types for a broken file
            raise NoteError(f"not a readable .docx ({type(exc).__name__})") from None
        return check_text("\n".join(p.text for p in doc.paragraphs), item.case_id)
    if suffix == ".rtf":
        from striprtf.striprtf import rtf_to_text

        raw = decode_note(data, item.case_id)
        if not raw.lstrip().startswith("{\\rtf"):
            raise NoteError("not an RTF file")
        return check_text(rtf_to_text(raw, errors="ignore"), item.case_id)
    return decode_note(data, item.case_id)


# ---------------------------------------------------------------- the per-case function

_STATE: dict = {}


def _worker_state(patterns: str | None) -> dict:
    """Pipeline and reference table, built once per process."""
    if _STATE.get("patterns", object()) != patterns:
        from .pipeline import get_pipeline
        from .reference import get_reference

        _STATE.update(patterns=patterns, pipeline=get_pipeline(patterns), reference=get_reference(patterns))
    return _STATE


def case_html(case_id: str) -> str:
    """The case's own HTML report, relative to the output folder."""
    return f"cases/{re.sub(r'[^A-Za-z0-9._-]+', '_', case_id)[:120] or 'case'}.html"


def check_case(item: Item, claim: dict | None, patterns: str | None = None, html_dir: str | None = None,
               qp: bool = False) -> dict:
    """One case, plain data in and out: returns {"case_id", "line", "status"} where line is the JSON
    report (one line). Never raises for a bad note. (summary.csv is built from results.jsonl.)"""
    from .check import build_report
    from .extract import extract_text

    state = _worker_state(patterns)
    pipeline, reference = state["pipeline"], state["reference"]
    the_claim = Claim.model_validate(claim) if claim is not None else None
    text = None
    try:
        text = note_text(item)
    except NoteError as exc:
        report = _error_report(item.case_id, str(exc).removeprefix(f"{item.case_id}: "), state)
    else:
        report = build_report(extract_text(text, pipeline), the_claim, reference, pipeline.patterns.version, item.case_id, qp)
        if the_claim is None:
            report = report.model_copy(update={"input_issue": "no claim lines for this case (documentation rules only)"})
    body = report.model_dump(mode="json")
    body["source"] = item.source
    html_file = None
    if html_dir is not None and text is not None:
        from .render.html import render_html

        html_file = case_html(item.case_id)
        Path(html_dir, html_file).write_text(render_html(report, text), encoding="utf-8")
    return {"case_id": item.case_id, "line": json.dumps(body, ensure_ascii=False), "status": report.status}


def missing_note_result(case_id: str, claim: dict, patterns: str | None) -> dict:
    lines = Claim.model_validate(claim).model_dump()["lines"]
    report = _error_report(case_id, "claim has no note", _worker_state(patterns), billed_lines=lines)
    return {"case_id": case_id, "line": json.dumps(report.model_dump(mode="json"), ensure_ascii=False), "status": "error"}


def _error_report(case_id: str, error: str, state: dict, **fields):
    from .models import Provenance, Report

    provenance = Provenance(tool_version=__version__, patterns_version=state["pipeline"].patterns.version,
                            reference_release=state["reference"].on().release)
    return Report(case_id=case_id, status="error", error=error, provenance=provenance, **fields)


SUMMARY_FIELDS = [
    "case_id", "status", "errors", "warnings", "billed_63052", "billed_63053", "supported_63052",
    "supported_63053", "documented_63052", "documented_63053", "amount_billed", "amount_at_risk", "amount_unbilled",
    "verdicts", "issue", "html",
]


def summary_row(body: dict, html_file: str | None) -> dict:
    billed = Counter()
    for line in body.get("billed_lines") or []:
        billed[line["code"]] += line["units"]
    supported = Counter({l["code"]: l["units"] for l in body.get("supported_lines") or []})
    documented = Counter({l["code"]: l["units"] for l in body.get("documented_lines") or []})
    noted = body.get("status") != "error"
    gaps = body.get("gaps") or []
    return {
        "case_id": body.get("case_id"),
        "status": body.get("status"),
        "errors": " ".join(g["rule"] for g in gaps if g["severity"] == "error"),
        "warnings": " ".join(g["rule"] for g in gaps if g["severity"] == "warning"),
        "billed_63052": billed["63052"] if body.get("billed_lines") is not None else "",
        "billed_63053": billed["63053"] if body.get("billed_lines") is not None else "",
        "supported_63052": supported["63052"] if noted else "",
        "supported_63053": supported["63053"] if noted else "",
        "documented_63052": documented["63052"] if noted else "",
        "documented_63053": documented["63053"] if noted else "",
        "amount_billed": f"{sum(l.get('amount') or 0 for l in body.get('billed_lines') or []):.2f}",
        "amount_at_risk": f"{body.get('amount_at_risk') or 0:.2f}",
        "amount_unbilled": f"{body.get('amount_unbilled') or 0:.2f}",
        "verdicts": " ".join(f"{s['interspace']}={s.get('verdict', '')}" for s in body.get("segments") or []),
        "issue": body.get("error") or body.get("input_issue") or "",
        "html": html_file or "",
    }


# ---------------------------------------------------------------- claims and bookkeeping on disk


class CaseIndex:
    """The batch's claims and the case ids already seen or finished, in a SQLite file beside the
    results: looked up one case at a time, so memory does not grow with the archive."""

    def __init__(self, path: Path):
        path.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE lines (case_id TEXT, line TEXT, date TEXT, whole INTEGER, diagnoses TEXT);"
            "CREATE INDEX lines_case ON lines (case_id);"
            "CREATE TABLE seen (case_id TEXT PRIMARY KEY);"
            "CREATE TABLE done (case_id TEXT PRIMARY KEY);"
        )

    def load_claims(self, claims_path: Path) -> None:
        from .claims import iter_claim_parts

        batch = []
        for part in iter_claim_parts(claims_path):
            dx = " ".join(part.diagnoses)
            if part.whole and not part.lines:  # a claim with no lines is still a claim for its case
                batch.append((part.case_id, None, part.date_of_service, 1, dx))
            batch.extend((part.case_id, line.model_dump_json(), part.date_of_service, int(part.whole), dx) for line in part.lines)
            if len(batch) >= 5000:
                self.db.executemany("INSERT INTO lines VALUES (?, ?, ?, ?, ?)", batch)
                batch = []
        self.db.executemany("INSERT INTO lines VALUES (?, ?, ?, ?, ?)", batch)
        self.db.commit()

    def claim(self, case_id: str) -> dict | None:
        rows = self.db.execute("SELECT line, date, diagnoses FROM lines WHERE case_id = ? ORDER BY rowid", (case_id,)).fetchall()
        if not rows:
            return None
        date = next((d for _, d, _ in rows if d), None)
        diagnoses = list(dict.fromkeys(d for _, _, dx in rows for d in (dx or "").split()))
        return {"case_id": case_id, "date_of_service": date, "diagnoses": diagnoses,
                "lines": [json.loads(l) for l, _, _ in rows if l]}

    def claimed_cases(self) -> Iterator[str]:
        return (row[0] for row in self.db.execute("SELECT DISTINCT case_id FROM lines ORDER BY case_id"))

    def mark_seen(self, case_id: str) -> bool:
        """False when the case id was seen before (a duplicate)."""
        return self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (case_id,)).rowcount == 1

    def was_seen(self, case_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM seen WHERE case_id = ?", (case_id,)).fetchone() is not None

    def mark_done(self, case_id: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO done VALUES (?)", (case_id,))

    def is_done(self, case_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM done WHERE case_id = ?", (case_id,)).fetchone() is not None

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


# ---------------------------------------------------------------- results file


def finished_cases(results: Path) -> Iterator[str]:
    """Case ids already in results.jsonl; a torn last line (a kill mid-write) is cut off first."""
    if not results.exists():
        return
    good_end = 0
    with results.open("rb") as fh:
        offset = 0
        for raw in fh:
            offset += len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                case_id = json.loads(raw)["case_id"]
            except (json.JSONDecodeError, KeyError, UnicodeDecodeError):
                break
            good_end = offset
            yield case_id
    if good_end < results.stat().st_size:
        with results.open("r+b") as fh:
            fh.truncate(good_end)


class ResultsWriter:
    """Appends one complete line per result with a single write() call."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        written = os.write(self.fd, data)
        while written < len(data):  # a regular file takes it whole; be correct anyway
            written += os.write(self.fd, data[written:])

    def close(self) -> None:
        os.close(self.fd)


# ---------------------------------------------------------------- engines


def _local(tasks: Iterable[tuple], workers: int) -> Iterator[dict]:
    """A pool of worker processes; each builds the pipeline once and is replaced after
    RECYCLE_AFTER notes, so memory (spaCy's string store grows with every new word) stays flat."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, max_tasks_per_child=RECYCLE_AFTER) as pool:
        pending: set = set()
        limit = workers * IN_FLIGHT_PER_WORKER
        for args in tasks:
            pending.add(pool.submit(check_case, *args))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        for future in pending:
            yield future.result()


def _dask(tasks: Iterable[tuple], workers: int, scheduler: str | None) -> Iterator[dict]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        limit = max(1, workers) * IN_FLIGHT_PER_WORKER
        running = as_completed()
        count = 0
        for args in tasks:
            running.add(client.submit(check_case, *args, pure=False))
            count += 1
            if count >= limit:
                yield next(running).result()
                count -= 1
        for future in running:
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- the batch


@dataclass
class BatchSummary:
    cases: int
    skipped: int
    counts: Counter


def run_batch(
    input_path: Path,
    claims_path: Path,
    out_dir: Path,
    workers: int = 0,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    patterns: str | None = None,
    progress: Callable[[int], None] | None = None,
    qp: bool = False,
) -> BatchSummary:
    from .claims import ClaimError

    if not input_path.exists():
        raise BatchError(f"{input_path}: no such file or folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "cases").mkdir(exist_ok=True)
    results = out_dir / "results.jsonl"
    if results.exists() and results.stat().st_size and not resume:
        raise BatchError(f"{results} exists: add --resume to finish it, or choose another --out")
    index = CaseIndex(out_dir / ".cases.sqlite")
    try:
        try:
            index.load_claims(claims_path)
        except ClaimError as exc:
            raise BatchError(str(exc)) from None
        if resume:
            for case_id in finished_cases(results):
                index.mark_done(case_id)
        workers = workers or os.cpu_count() or 1
        _worker_state(patterns)  # a broken pattern file stops the batch before any work
        skipped = 0

        def tasks() -> Iterator[tuple]:
            nonlocal skipped
            for n, item in enumerate(iter_inputs(input_path)):
                if not index.mark_seen(item.case_id):
                    item = Item(f"{item.case_id}#{n}", item.source, error=f"duplicate case id {item.case_id!r}")
                    index.mark_seen(item.case_id)
                if index.is_done(item.case_id):
                    skipped += 1
                    continue
                yield (item, index.claim(item.case_id), patterns, str(out_dir), qp)

        writer = ResultsWriter(results)
        counts: Counter = Counter()
        try:
            stream = _dask(tasks(), workers, scheduler) if engine == "dask" else _local(tasks(), workers)
            for result in stream:
                writer.write(result["line"])
                counts[result["status"]] += 1
                if progress:
                    progress(1)
            for case_id in index.claimed_cases():
                if case_id and not index.was_seen(case_id) and not index.is_done(case_id):
                    result = missing_note_result(case_id, index.claim(case_id), patterns)
                    writer.write(result["line"])
                    counts["error"] += 1
                    if progress:
                        progress(1)
        finally:
            writer.close()
    finally:
        index.close()
    write_summary(results, out_dir)
    return BatchSummary(cases=sum(counts.values()), skipped=skipped, counts=counts)


WORST_CASES = 500  # report.html lists this many cases, the most severe first; summary.csv has all


def write_summary(results: Path, out_dir: Path) -> None:
    """summary.csv (every case) and report.html (totals, counts per rule, the worst cases first)
    from results.jsonl, streamed; both written atomically."""
    import heapq

    from .render.batch_html import BatchTotals, render_batch_report

    totals = BatchTotals()
    heap: list = []
    tmp_csv = out_dir / "summary.csv.tmp"
    with results.open("r", encoding="utf-8") as lines, tmp_csv.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=SUMMARY_FIELDS)
        out.writeheader()
        for n, line in enumerate(lines):
            body = json.loads(line)
            html = case_html(body["case_id"])
            row = summary_row(body, html if (out_dir / html).exists() else None)
            out.writerow(row)
            totals.add(row)
            key = (len(row["errors"].split()), float(row["amount_at_risk"]), len(row["warnings"].split()), -n)
            if len(heap) < WORST_CASES:
                heapq.heappush(heap, (key, row))
            elif key > heap[0][0]:
                heapq.heapreplace(heap, (key, row))
    os.replace(tmp_csv, out_dir / "summary.csv")
    ranked = [row for _, row in sorted(heap, key=lambda kr: kr[0], reverse=True)]
    tmp_html = out_dir / "report.html.tmp"
    tmp_html.write_text(render_batch_report(totals, ranked), encoding="utf-8")
    os.replace(tmp_html, out_dir / "report.html")
