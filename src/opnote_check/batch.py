"""Batch: a folder, archive or JSONL of notes plus a claims file -> one report per case.

    inputs (streamed) -> check_case() in worker processes -> results.jsonl (one line per case,
    written as each finishes, with its page cases/<id>.html) -> worklist.write_worklist():
    summary.csv, gaps.csv, worklist.xlsx, report.html

- Case ids: the file stem by default, or the parent folder, the path, or a regex over the path
  (`--case-id-from`); two notes with one case id are an error result for both, never one overwriting
  the other. A claims file is optional (a documentation-only audit).
- One batch per output folder at a time (a lock file); the driver writes every file, owner-only,
  so workers on other machines (Dask) never need the output folder.

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

import json
import multiprocessing
import os
import re
import sqlite3
import sys
import tarfile
import zipfile
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .claims import Claim
from .worklist import case_html, write_private
from .notes import MAX_NOTE_BYTES, NOTE_SUFFIXES, NoteError, check_text, note_from_bytes

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


class CaseIdRule:
    """Where a note's case id comes from: `stem` (CASE1.txt), `parent` (CASE1/opnote.txt), `path`
    (the path inside the input without its suffix) or `regex:PATTERN` over that path (the first
    group, or the whole match). Returns None when the path holds no case id."""

    def __init__(self, spec: str = "stem"):
        self.spec = spec
        self.regex = None
        if spec.startswith("regex:"):
            try:
                self.regex = re.compile(spec.removeprefix("regex:"))
            except re.error as exc:
                raise BatchError(f"--case-id-from {spec!r}: not a valid regular expression ({exc})") from None
        elif spec not in ("stem", "parent", "path"):
            raise BatchError(f"--case-id-from {spec!r}: use stem, parent, path or regex:PATTERN")

    def __call__(self, name: str) -> str | None:
        path = Path(name.replace("\\", "/"))
        if self.spec == "stem":
            return path.stem
        if self.spec == "parent":
            return path.parent.name or None
        inner = path.with_suffix("").as_posix()
        if self.spec == "path":
            return inner
        match = self.regex.search(inner)
        if not match:
            return None
        return match.group(1) if match.groups() else match.group(0)

    def missing(self) -> str:
        return f"no case id in the path (--case-id-from {self.spec})"


def _is_note(name: str) -> bool:
    base = Path(name).name
    return base.lower().endswith(NOTE_SUFFIXES) and not base.startswith((".", "~$"))


def _read_member(name: str, read: Callable[[], bytes], size: int, case_ids: CaseIdRule, names_only: bool) -> Item:
    case_id = case_ids(name)
    if case_id is None:
        return Item(name, name, error=case_ids.missing())
    if names_only:
        return Item(case_id, name)
    if size > MAX_NOTE_BYTES:
        return Item(case_id, name, error=f"note is {size:,} bytes, over the {MAX_NOTE_BYTES:,}-byte limit")
    try:
        return Item(case_id, name, data=read())
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        return Item(case_id, name, error=f"cannot read ({exc})")


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A zip member, read no further than the note cap whatever size its header claims."""
    with archive.open(info) as member:
        data = member.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        raise OSError(f"member is over the {MAX_NOTE_BYTES:,}-byte limit (its header says {info.file_size:,})")
    return data


def iter_inputs(path: Path, case_ids: CaseIdRule | None = None, names_only: bool = False) -> Iterator[Item]:
    """Every note of a folder (recursive), .zip, .tar(.gz) or JSONL file, one at a time; a note's
    source is its path inside the input. `names_only` reads case ids and sources, not the notes."""
    case_ids = case_ids or CaseIdRule()
    if path.is_dir():
        root = path.resolve()
        for file in sorted(p for p in path.rglob("*") if p.is_file() and _is_note(p.name)):
            name = file.relative_to(path).as_posix()
            if file.is_symlink() and not file.resolve().is_relative_to(root):
                yield Item(case_ids(name) or name, name, error="a symbolic link to a file outside the input folder (not read)")
                continue
            yield _read_member(name, file.read_bytes, file.stat().st_size, case_ids, names_only)
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir() and _is_note(info.filename):
                    yield _read_member(info.filename, lambda info=info: _read_capped(archive, info), info.file_size, case_ids, names_only)
    elif path.name.lower().endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if (member.isfile() or member.islnk()) and _is_note(member.name):  # a hard link reads as its target
                    read = lambda m=member: archive.extractfile(m).read()  # noqa: E731
                    yield _read_member(member.name, read, member.size, case_ids, names_only)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):  # the case id is the line's own
        with path.open("r", encoding="utf-8-sig", errors="replace") as lines:
            for lineno, line in enumerate(lines, 1):
                if line.strip():
                    yield _jsonl_item(line, f"{path.name}:{lineno}")
    elif path.is_file() and _is_note(path.name):
        yield _read_member(path.name, path.read_bytes, path.stat().st_size, case_ids, names_only)
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
    if not isinstance(obj, dict) or not isinstance(obj.get("case_id"), (str, int)) or isinstance(obj.get("case_id"), bool) \
            or not str(obj["case_id"]).strip():
        return Item(where, where, error="bad JSONL line (no case_id: a non-empty string or number)")
    # a lone UTF-16 surrogate (\\ud800) cannot be written as UTF-8: replaced, as in a note's text
    case_id = str(obj["case_id"]).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if not isinstance(obj.get("text"), str):
        return Item(case_id, where, error="bad JSONL line (no text)")
    return Item(case_id, where, text=obj["text"])


def note_text(item: Item) -> str:
    """The text of a note; NoteError for anything that is not a readable note."""
    if item.error:
        raise NoteError(item.error)
    if item.text is not None:
        if len(item.text.encode("utf-8", errors="replace")) > MAX_NOTE_BYTES:
            raise NoteError(f"note is over the {MAX_NOTE_BYTES:,}-byte limit")
        return check_text(item.text, item.case_id)
    return note_from_bytes(item.data or b"", item.source, item.case_id)


# ---------------------------------------------------------------- the per-case function

_STATE: dict = {}


def _worker_checker(patterns: str | None, qp: bool = False):
    """The Checker of this process, built once (per patterns folder and payment basis)."""
    key = (patterns, qp)
    if key not in _STATE:
        from .checker import Checker

        _STATE.clear()
        _STATE[key] = Checker(patterns, qp=qp)
    return _STATE[key]


def check_case(item: Item, claim: dict | None, patterns: str | None = None, pages: bool = True,
               qp: bool = False, claims_given: bool = True) -> dict:
    """One case, plain data in and out: {"case_id", "line", "status", "html"} where line is the JSON
    report (one line) and html the case's page (None without a readable note). Never raises for a
    bad note, and writes nothing: the driver writes every file."""
    checker = _worker_checker(patterns, qp)
    the_claim = Claim.model_validate(claim) if claim is not None else None
    text = None
    try:
        text = note_text(item)
    except NoteError as exc:
        report = _error_report(item.case_id, str(exc).removeprefix(f"{item.case_id}: "), checker)
    else:
        report = checker.report(checker.extract(text), the_claim, item.case_id)
        if the_claim is None and claims_given:
            report = report.model_copy(update={"input_issue": "no claim lines for this case (documentation rules only)"})
    body = report.model_dump(mode="json")
    body["source"] = item.source
    html = None
    if pages and text is not None:
        from .render.html import render_html

        html = render_html(report, text, back="../report.html")
    return {"case_id": item.case_id, "line": json.dumps(body, ensure_ascii=False), "status": report.status, "html": html}


def missing_note_result(case_id: str, claim: dict, patterns: str | None) -> dict:
    lines = Claim.model_validate(claim).model_dump()["lines"]
    report = _error_report(case_id, "claim has no note", _worker_checker(patterns), billed_lines=lines)
    return {"case_id": case_id, "line": json.dumps(report.model_dump(mode="json"), ensure_ascii=False), "status": "error",
            "html": None}


def _error_report(case_id: str, error: str, checker, **fields):
    from .models import Report

    return Report(case_id=case_id, status="error", error=error, provenance=checker.provenance(), **fields)


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
            "CREATE TABLE seen (case_id TEXT PRIMARY KEY, notes INTEGER);"
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

    def count_notes(self, case_ids: Iterable[str]) -> None:
        """How many notes of the input carry each case id (a first pass over the names only)."""
        self.db.executemany("INSERT INTO seen VALUES (?, 1) ON CONFLICT(case_id) DO UPDATE SET notes = notes + 1",
                            ((c,) for c in case_ids))
        self.db.commit()

    def notes_for(self, case_id: str) -> int:
        row = self.db.execute("SELECT notes FROM seen WHERE case_id = ?", (case_id,)).fetchone()
        return row[0] if row else 0

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


def _die_with_parent(parent: int) -> None:
    """A worker dies with the batch that started it, even when the batch is killed (SIGKILL, the
    OOM killer): Linux's parent-death signal. Elsewhere workers end when their pipes close."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the batch died before the signal was armed
            os._exit(1)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               max_tasks_per_child=RECYCLE_AFTER, initializer=_die_with_parent, initargs=(os.getpid(),))


def _local(tasks: Iterable[tuple], workers: int, fn: Callable = None) -> Iterator[dict]:
    """A pool of worker processes; each builds the pipeline once and is replaced after
    RECYCLE_AFTER notes, so memory (spaCy's string store grows with every new word) stays flat.
    A worker that dies (the OOM killer, a crash) does not end the batch: the notes that were in
    flight are checked again one at a time, and the one that kills its worker again becomes an
    error result; then the batch goes on in a new pool."""
    fn = fn or check_case
    source = iter(tasks)
    limit = workers * IN_FLIGHT_PER_WORKER
    while True:
        suspects: list[tuple] = []
        with _pool(workers) as pool:
            pending: dict = {}
            try:
                for args in source:
                    suspects = [args]  # until it is submitted
                    pending[pool.submit(fn, *args)] = args
                    suspects = []
                    while len(pending) >= limit:
                        yield from _finished(pending)
                while pending:
                    yield from _finished(pending)
                return
            except BrokenProcessPool:
                suspects += list(pending.values())
        for args in suspects:
            yield _alone(fn, args)


def _finished(pending: dict) -> Iterator[dict]:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        result = future.result()  # BrokenProcessPool leaves the case in pending
        del pending[future]
        yield result


def _alone(fn: Callable, args: tuple) -> dict:
    """One note in a pool of its own: its result, or an error result if it kills the worker again."""
    with _pool(1) as pool:
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            item, patterns = args[0], args[2]
            report = _error_report(item.case_id, "the worker checking this note died (out of memory?); it was not checked",
                                   _worker_checker(patterns))
            body = report.model_dump(mode="json")
            body["source"] = item.source
            return {"case_id": item.case_id, "line": json.dumps(body, ensure_ascii=False), "status": "error", "html": None}


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


class OutputLock:
    """One batch per output folder: an exclusive lock on <out>/.lock, held for the whole run and
    released by the system if the process dies."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / ".lock"
        self.fd: int | None = None

    def __enter__(self) -> "OutputLock":
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise BatchError(f"{self.path.parent}: another batch (pid {holder}) is writing here; wait for it or choose another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


@dataclass
class BatchSummary:
    cases: int
    skipped: int
    counts: Counter
    claims_without_notes: int = 0
    notes_without_claims: int = 0


def _private_dir(path: Path) -> None:
    """Create a folder owner-only (0700); an existing folder the user chose keeps its mode."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)


def run_batch(
    input_path: Path,
    claims_path: Path | None,
    out_dir: Path,
    workers: int = 0,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    patterns: str | None = None,
    progress: Callable[[int], None] | None = None,
    qp: bool = False,
    case_id_from: str = "stem",
    only_claims_with_notes: bool = False,
) -> BatchSummary:
    """Check every note of the input (against its claim, when a claims file is given) into out_dir."""
    from .claims import ClaimError
    from .worklist import write_worklist

    case_ids = CaseIdRule(case_id_from)
    if not input_path.exists():
        raise BatchError(f"{input_path}: no such file or folder")
    _private_dir(out_dir)
    with OutputLock(out_dir):
        _private_dir(out_dir / "cases")
        results = out_dir / "results.jsonl"
        if results.exists() and results.stat().st_size and not resume:
            raise BatchError(f"{results} exists: add --resume to finish it, or choose another --out")
        index = CaseIndex(out_dir / ".cases.sqlite")
        counts: Counter = Counter()
        skipped = without_notes = 0
        try:
            if claims_path is not None:
                try:
                    index.load_claims(claims_path)
                except ClaimError as exc:
                    raise BatchError(str(exc)) from None
            index.count_notes(item.case_id for item in iter_inputs(input_path, case_ids, names_only=True))
            if resume:
                for case_id in finished_cases(results):
                    index.mark_done(case_id)
            workers = workers or os.cpu_count() or 1
            _worker_checker(patterns, qp)  # a broken pattern file stops the batch before any work

            def tasks() -> Iterator[tuple]:
                nonlocal skipped
                for item in iter_inputs(input_path, case_ids):
                    if index.is_done(item.case_id):
                        skipped += 1
                        continue
                    notes = index.notes_for(item.case_id)
                    if notes > 1 and item.error is None:
                        item = Item(item.case_id, item.source,
                                    error=f"{notes} notes have case id {item.case_id!r}; give each its own (--case-id-from)")
                    claim = index.claim(item.case_id) if item.error is None else None
                    yield (item, claim, patterns, True, qp, claims_path is not None)

            writer = ResultsWriter(results)
            try:
                stream = _dask(tasks(), workers, scheduler) if engine == "dask" else _local(tasks(), workers)
                for result in stream:
                    if result["html"] is not None:
                        write_private(out_dir / case_html(result["case_id"]), result["html"])
                    writer.write(result["line"])
                    counts[result["status"]] += 1
                    if progress:
                        progress(1)
                for case_id in index.claimed_cases():
                    if case_id and not index.notes_for(case_id) and not index.is_done(case_id):
                        without_notes += 1
                        if only_claims_with_notes:
                            continue
                        result = missing_note_result(case_id, index.claim(case_id), patterns)
                        writer.write(result["line"])
                        counts["error"] += 1
                        if progress:
                            progress(1)
            finally:
                writer.close()
                if results.exists():
                    os.chmod(results, 0o600)
                    totals = write_worklist(results, out_dir, not only_claims_with_notes, without_notes)
        finally:
            index.close()
    return BatchSummary(cases=sum(counts.values()), skipped=skipped, counts=counts,
                        claims_without_notes=totals.claims_without_notes, notes_without_claims=totals.notes_without_claims)
