"""Batch: inputs of every kind, bad notes as results, resume after a kill, Dask = local."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from opnote_check.batch import BatchError, finished_cases, iter_inputs, note_text, run_batch
from opnote_check.notes import NoteError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "notes"
GOOD = "PROCEDURES: Left TLIF L4-L5.\nDESCRIPTION: A left L4-L5 laminotomy and foraminotomy for a compressed L5 root.\n"


def docx_bytes(text: str) -> bytes:
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


RTF = r"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Left TLIF L4-L5.\par A left L4-L5 laminotomy for a compressed root.\par}"


def write_claims(path: Path, cases: dict[str, list[str]]) -> Path:
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["case_id", "code", "units", "modifiers", "date_of_service"])
        for case_id, codes in cases.items():
            for code in codes:
                out.writerow([case_id, code, 1, "", "2026-11-02"])
    return path


@pytest.fixture()
def folder(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a1.txt").write_text(GOOD)
    (notes / "a2.docx").write_bytes(docx_bytes(GOOD))
    (notes / "a3.rtf").write_text(RTF)
    (notes / "bad-empty.txt").write_text("  \n")
    (notes / "bad-binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (notes / "bad-big.txt").write_bytes(b"x" * 1_100_000)
    (notes / "bad-docx.docx").write_bytes(b"not a zip")
    (notes / "cp1252.txt").write_bytes(GOOD.replace("L4-L5", "L4\x96L5").encode("latin-1"))
    (notes / "ignored.pdf").write_bytes(b"%PDF")
    return notes


def test_folder_inputs_and_texts(folder):
    items = {i.case_id: i for i in iter_inputs(folder)}
    assert set(items) == {"a1", "a2", "a3", "bad-empty", "bad-binary", "bad-big", "bad-docx", "cp1252"}
    assert "laminotomy" in note_text(items["a2"]) and "laminotomy" in note_text(items["a3"])
    assert "L4\u2013L5" in note_text(items["cp1252"])
    for bad, reason in (("bad-empty", "empty"), ("bad-binary", "not a text note"), ("bad-big", "over the"),
                        ("bad-docx", "not a readable .docx")):
        with pytest.raises(NoteError, match=reason):
            note_text(items[bad])


def test_archives_and_jsonl(tmp_path):
    zpath = tmp_path / "n.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("dir/z1.txt", GOOD)
        z.writestr("dir/", "")
    tpath = tmp_path / "n.tar.gz"
    with tarfile.open(tpath, "w:gz") as t:
        data = GOOD.encode()
        info = tarfile.TarInfo("t1.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    jpath = tmp_path / "n.jsonl"
    jpath.write_text(json.dumps({"case_id": "j1", "text": GOOD}) + "\n{broken\n" + json.dumps({"case_id": "j3"}) + "\n")
    assert [i.case_id for i in iter_inputs(zpath)] == ["z1"]
    assert [i.case_id for i in iter_inputs(tpath)] == ["t1"]
    items = list(iter_inputs(jpath))
    assert [i.case_id for i in items] == ["j1", "n.jsonl:2", "j3"]
    assert items[0].text == GOOD and "bad JSONL line" in items[1].error and "no text" in items[2].error
    with pytest.raises(BatchError, match="not a folder"):
        list(iter_inputs(tmp_path / "x.csv"))


def read_results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_batch_outputs(folder, tmp_path, site_patterns):
    claims = write_claims(tmp_path / "claims.csv", {"a1": ["22630", "63052"], "a2": ["22630", "22632", "63052", "63053"],
                                                    "orphan": ["22630", "63052"]})
    out = tmp_path / "out"
    # the site folder adds the NCCI quarter covering the claims' date of service
    summary = run_batch(folder, claims, out, workers=1, patterns=str(site_patterns))
    results = {r["case_id"]: r for r in read_results(out)}
    assert summary.cases == len(results) == 9
    assert results["a1"]["status"] == "pass"
    assert {g["rule"] for g in results["a2"]["gaps"]} >= {"SEGMENT_COUNT_MISMATCH"}
    assert results["a3"]["input_issue"].startswith("no claim lines")
    assert results["orphan"]["status"] == "error" and results["orphan"]["error"] == "claim has no note"
    for bad in ("bad-empty", "bad-binary", "bad-big", "bad-docx"):
        assert results[bad]["status"] == "error" and results[bad]["error"]
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert len(rows) == 9 and {"case_id", "status", "errors", "warnings", "billed_63052", "supported_63052"} <= set(rows[0])
    a2 = next(r for r in rows if r["case_id"] == "a2")
    assert a2["errors"] == "SEGMENT_COUNT_MISMATCH" and a2["billed_63053"] == "1" and a2["supported_63053"] == "0"
    assert a2["amount_at_risk"] == "204.75" and a2["amount_billed"] == f"{1510.72 + 287.58 + 229.80 + 204.75:.2f}"
    assert "=" in a2["verdicts"]
    report = (out / "report.html").read_text()
    assert "SEGMENT_COUNT_MISMATCH" in report and "href='cases/a2.html'" in report
    assert (out / "cases" / "a1.html").read_text().startswith("<!DOCTYPE html>")
    with pytest.raises(BatchError, match="--resume"):
        run_batch(folder, claims, out, workers=1, patterns=str(site_patterns))


def test_resume_drops_a_torn_line_and_skips_finished_cases(folder, tmp_path):
    claims = write_claims(tmp_path / "claims.csv", {"a1": ["22630", "63052"]})
    out = tmp_path / "out"
    run_batch(folder, claims, out, workers=1)
    lines = (out / "results.jsonl").read_text().splitlines(keepends=True)
    (out / "results.jsonl").write_text("".join(lines[:3]) + lines[3][:40])  # killed mid-line
    assert len(list(finished_cases(out / "results.jsonl"))) == 3
    summary = run_batch(folder, claims, out, workers=1, resume=True)
    ids = [r["case_id"] for r in read_results(out)]
    assert summary.skipped == 3 and sorted(ids) == sorted(set(ids)) and len(ids) == 8


def test_kill_mid_run_then_resume(tmp_path):
    """A batch killed with SIGKILL leaves only whole lines; --resume completes every case once."""
    notes = tmp_path / "notes"
    notes.mkdir()
    texts = sorted(FIXTURES.glob("*.txt"))
    for i in range(60):
        (notes / f"k{i:03d}.txt").write_bytes(texts[i % len(texts)].read_bytes())
    claims = write_claims(tmp_path / "claims.csv", {"k000": ["22630", "63052"]})
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "opnote_check.cli", "batch", str(notes), "--claims", str(claims), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / "results.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not results.exists() or results.read_bytes().count(b"\n") < 8):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    data = results.read_bytes()
    assert 8 <= data.count(b"\n") < 60, "kill the batch mid-run"
    for line in data.splitlines(keepends=True):
        assert line.endswith(b"\n") and json.loads(line)["case_id"]  # no torn line
    done = subprocess.run(cmd + ["--resume"], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ids = [r["case_id"] for r in read_results(out)]
    assert sorted(ids) == [f"k{i:03d}" for i in range(60)]  # every case exactly once


def test_dask_engine_equals_local(folder, tmp_path):
    distributed = pytest.importorskip("distributed")
    claims = write_claims(tmp_path / "claims.csv", {"a1": ["22630", "63052"], "a2": ["22630", "63052", "63053"]})
    run_batch(folder, claims, tmp_path / "local", workers=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        run_batch(folder, claims, tmp_path / "dask", workers=1, engine="dask", scheduler=cluster.scheduler_address)
    local = sorted(read_results(tmp_path / "local"), key=lambda r: r["case_id"])
    dask = sorted(read_results(tmp_path / "dask"), key=lambda r: r["case_id"])
    assert local == dask and len(local) == 8


def test_batch_cli_errors(tmp_path):
    cmd = [sys.executable, "-m", "opnote_check.cli", "batch", str(tmp_path / "none"), "--claims", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no such file or folder" in proc.stderr


def test_batch_refuses_a_json_claims_file_with_a_case_twice(folder, tmp_path):
    claims = tmp_path / "dup.json"
    claims.write_text('[{"case_id": "A", "lines": []}, {"case_id": "A", "lines": []}]', encoding="utf-8")
    cmd = [sys.executable, "-m", "opnote_check.cli", "batch", str(folder), "--claims", str(claims), "--out", str(tmp_path / "o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "duplicate case id 'A'" in proc.stderr


def test_batch_reads_an_837p_claims_file_by_content(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for case in ("OPN-1001", "OPN-1002"):
        (notes / f"{case}.txt").write_text(GOOD)
    claims = tmp_path / "claims.txt"  # the name says nothing; the ISA segment does
    claims.write_bytes((Path(__file__).resolve().parents[1] / "fixtures" / "claims" / "two-cases.837").read_bytes())
    run_batch(notes, claims, tmp_path / "out", workers=1)
    results = {r["case_id"]: r for r in read_results(tmp_path / "out")}
    first = results["OPN-1001"]
    assert [l["code"] for l in first["billed_lines"]] == ["22630", "63052", "63053"]
    assert first["provenance"]["date_of_service"] == "2024-03-05"
    assert results["OPN-1002"]["billed_lines"][1]["modifiers"] == ["XS"]
