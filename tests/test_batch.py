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

from opnote_check.batch import BatchError, OutputLock, case_html, finished_cases, iter_inputs, note_text, run_batch
from opnote_check.notes import NoteError

from notefiles import docx_bytes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "notes"
GOOD = "PROCEDURES: Left TLIF L4-L5.\nDESCRIPTION: A left L4-L5 laminotomy and foraminotomy for a compressed L5 root.\n"


RTF = r"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Left TLIF L4-L5.\par A left L4-L5 laminotomy for a compressed root.\par}"


def add_text_member(archive: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def fixture_notes(folder: Path, count: int, prefix: str) -> Path:
    """count notes copied from fixtures/notes, named <prefix>000.txt ..."""
    folder.mkdir()
    texts = sorted(FIXTURES.glob("*.txt"))
    for i in range(count):
        (folder / f"{prefix}{i:03d}.txt").write_bytes(texts[i % len(texts)].read_bytes())
    return folder


def write_claims(path: Path, cases: dict[str, list[str]]) -> Path:
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["case_id", "code", "units", "modifiers", "date_of_service"])
        for case_id, codes in cases.items():
            for spec in codes:  # "63053-51": a code with its modifiers
                code, *modifiers = spec.split("-")
                out.writerow([case_id, code, 1, " ".join(modifiers), "2026-11-02"])
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
    (notes / "ignored.png").write_bytes(b"\x89PNG")
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
        add_text_member(t, "t1.txt", GOOD)
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
    assert len(rows) == 9 and {"case_id", "status", "surgeon", "date_of_service", "errors", "warnings", "rules",
                               "billed_63052", "documented_63052", "supported_63052"} <= set(rows[0])
    a2 = next(r for r in rows if r["case_id"] == "a2")
    assert a2["errors"] == "1" and "SEGMENT_COUNT_MISMATCH" in a2["rules"].split()
    assert a2["billed_63053"] == "1" and a2["supported_63053"] == "0" and a2["date_of_service"] == "2026-11-02"
    assert float(a2["amount_at_risk"]) == 204.75 and float(a2["amount_billed"]) == round(1510.72 + 287.58 + 229.80 + 204.75, 2)
    assert "=" in a2["verdicts"]
    report = (out / "report.html").read_text()
    assert "SEGMENT_COUNT_MISMATCH" in report and f"href='{case_html('a2')}'" in report
    page = (out / case_html("a1")).read_text()
    assert page.startswith("<!DOCTYPE html>") and "href='../report.html'" in page
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
    notes = fixture_notes(tmp_path / "notes", 60, "k")
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


# ---------------------------------------------------------------- issue 12: archives, worklist, lock


@pytest.fixture()
def per_case_folders(tmp_path):
    """A folder per case, as archives are often kept: CASE1/opnote.txt."""
    notes = tmp_path / "archive"
    for case in ("CASE1", "CASE2", "CASE3"):
        (notes / case).mkdir(parents=True)
        (notes / case / "opnote.txt").write_text(GOOD)
    (notes / "CASE3" / "addendum.txt").write_text(GOOD)  # two notes, one case id: both are errors
    return notes


@pytest.mark.parametrize(
    "spec, name, expected",
    [
        ("stem", "CASE1/opnote.txt", "opnote"),
        ("parent", "CASE1/opnote.txt", "CASE1"),
        ("path", "2026/CASE1/opnote.txt", "2026/CASE1/opnote"),
        ("regex:(MRN\\d+)", "site/MRN0042_op.txt", "MRN0042"),
        ("regex:[A-Z]+-\\d+", "notes/op OPN-17 final.txt", "OPN-17"),
        # must NOT: no folder above the note, no match for the pattern
        ("parent", "opnote.txt", None),
        ("regex:(MRN\\d+)", "CASE1/opnote.txt", None),
    ],
)
def test_case_id_rules(spec, name, expected):
    from opnote_check.batch import CaseIdRule

    assert CaseIdRule(spec)(name) == expected


@pytest.mark.parametrize("spec", ["folder", "regex:(unclosed"])
def test_a_bad_case_id_rule_is_a_one_line_error(spec):
    from opnote_check.batch import CaseIdRule

    with pytest.raises(BatchError, match="--case-id-from"):
        CaseIdRule(spec)


def test_folder_per_case_without_claims(per_case_folders, tmp_path):
    out = tmp_path / "out"
    summary = run_batch(per_case_folders, None, out, workers=1, case_id_from="parent")
    results = read_results(out)
    by_case = {}
    for r in results:
        by_case.setdefault(r["case_id"], []).append(r)
    assert sorted(by_case) == ["CASE1", "CASE2", "CASE3"] and summary.cases == 4
    assert by_case["CASE1"][0]["status"] == "pass" and by_case["CASE1"][0]["input_issue"] is None  # an audit: no claim is fine
    assert by_case["CASE1"][0]["source"] == "CASE1/opnote.txt"
    both = by_case["CASE3"]
    assert len(both) == 2 and all(r["status"] == "error" and "2 notes have case id 'CASE3'" in r["error"] for r in both)
    assert {r["source"] for r in both} == {"CASE3/opnote.txt", "CASE3/addendum.txt"}


def test_claims_without_notes_are_counted_and_optionally_left_out(folder, tmp_path):
    claims = write_claims(tmp_path / "claims.csv", {"a1": ["22630", "63052"], "orphan": ["22630", "63052"]})
    listed = run_batch(folder, claims, tmp_path / "listed", workers=1)
    quiet = run_batch(folder, claims, tmp_path / "quiet", workers=1, only_claims_with_notes=True)
    assert listed.claims_without_notes == quiet.claims_without_notes == 1
    assert listed.notes_without_claims == quiet.notes_without_claims == 3  # a2, a3 and cp1252: notes, no claim
    assert "orphan" in {r["case_id"] for r in read_results(tmp_path / "listed")}
    assert "orphan" not in {r["case_id"] for r in read_results(tmp_path / "quiet")}
    report = (tmp_path / "quiet" / "report.html").read_text()
    assert "claims with no note: 1 (not listed: --only-claims-with-notes)" in report


def test_a_second_batch_into_the_same_out_is_refused(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out):
        with pytest.raises(BatchError, match="another batch .* is writing here"):
            run_batch(folder, None, out, workers=1)
    run_batch(folder, None, out, workers=1)  # the lock goes with its holder


def test_outputs_are_owner_only(folder, tmp_path):
    out = tmp_path / "new" / "out"
    run_batch(folder, None, out, workers=1)
    assert out.stat().st_mode & 0o777 == 0o700 and (out / "cases").stat().st_mode & 0o777 == 0o700
    for name in ("results.jsonl", "summary.csv", "gaps.csv", "worklist.xlsx", "report.html"):
        assert (out / name).stat().st_mode & 0o777 == 0o600, name
    pages = list((out / "cases").glob("*.html"))
    assert pages and all(p.stat().st_mode & 0o777 == 0o600 for p in pages)


def test_case_pages_never_share_a_file():
    ids = ["a/b", "a_b", "", "case", "x" * 130, "x" * 130 + "y"]
    assert len({case_html(i) for i in ids}) == len(ids)


def test_worklist_files_agree_with_summary(tmp_path, site_patterns):
    from openpyxl import load_workbook

    notes = tmp_path / "notes"
    notes.mkdir()
    for case in ("w1", "w2", "=1+2"):
        (notes / f"{case}.txt").write_text(GOOD)
    claims = write_claims(tmp_path / "claims.csv", {"w1": ["22630", "63052"], "w2": ["22630", "63052", "63053-51"],
                                                    "=1+2": ["22630", "63052"]})
    out = tmp_path / "out"
    run_batch(notes, claims, out, workers=1, patterns=str(site_patterns))
    summary = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    gaps = list(csv.DictReader((out / "gaps.csv").open(encoding="utf-8")))
    # one gaps.csv row per gap of results.jsonl, with what a coder needs on the row
    assert len(gaps) == sum(len(r["gaps"]) for r in read_results(out)) > 0
    w2 = [g for g in gaps if g["case_id"] == "w2"]
    assert {"SEGMENT_COUNT_MISMATCH", "MODIFIER_51_ON_ADDON"} <= {g["rule"] for g in w2}
    assert all(g["fix"] and g["message"] and g["severity"] in ("error", "warning") for g in w2)
    assert any(float(g["amount_at_risk"]) > 0 and "@" in g["evidence"] for g in w2 if g["rule"] == "SEGMENT_COUNT_MISMATCH")
    # a case id a spreadsheet would run as a formula is quoted
    assert {r["case_id"] for r in summary} == {"w1", "w2", "'=1+2"}
    book = load_workbook(out / "worklist.xlsx")
    assert book.sheetnames == ["Cases", "Gaps"]
    cases, gap_sheet = book["Cases"], book["Gaps"]
    assert cases.freeze_panes == "A2" and gap_sheet.freeze_panes == "A2"
    assert cases.auto_filter.ref == f"A1:T{len(summary) + 1}" and gap_sheet.auto_filter.ref.endswith(str(len(gaps) + 1))
    header = [c.value for c in cases[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in cases.iter_rows(min_row=2)]
    money = header.index("amount_at_risk")
    assert cases.cell(row=2, column=money + 1).number_format == '"$"#,##0.00'
    assert round(sum(r["amount_at_risk"] for r in rows), 2) == round(sum(float(r["amount_at_risk"]) for r in summary), 2) > 0
    assert round(sum(r["amount_billed"] for r in rows), 2) == round(sum(float(r["amount_billed"]) for r in summary), 2)
    assert [r["case_id"] for r in rows] == [r["case_id"] for r in summary]
    assert sum(r["errors"] for r in rows) == sum(int(r["errors"]) for r in summary) == sum(1 for g in gaps if g["severity"] == "error")
    assert gap_sheet.max_row == len(gaps) + 1


def test_report_ranks_cases_by_dollars_at_risk(tmp_path, site_patterns):
    notes = tmp_path / "notes"
    notes.mkdir()
    for case in ("small", "big", "none"):
        (notes / f"{case}.txt").write_text(GOOD)
    claims = write_claims(tmp_path / "claims.csv", {"small": ["22630", "63052", "63053"], "none": ["22630", "63052"],
                                                    "big": ["22630", "63052-51", "63053-51"]})
    run_batch(notes, claims, tmp_path / "out", workers=1, patterns=str(site_patterns))
    report = (tmp_path / "out" / "report.html").read_text()
    order = [report.index(f"data-case='{c}'") for c in ("big", "small", "none")]
    assert order == sorted(order)
    assert "Content-Security-Policy" in report and "script-src 'sha256-" in report and "http" not in report.split("<script>")[1]


def test_ctrl_c_says_how_to_resume(tmp_path):
    notes = fixture_notes(tmp_path / "notes", 80, "c")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "opnote_check.cli", "batch", str(notes), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    results = out / "results.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not results.exists() or results.read_bytes().count(b"\n") < 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err and err.strip().count("\n") == 0
    done = subprocess.run(cmd + ["--resume"], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(r["case_id"] for r in read_results(out)) == [f"c{i:03d}" for i in range(80)]


def test_dask_workers_write_nothing(folder, tmp_path):
    """Pages and results are written by the driver: workers with their own scratch folder never
    touch --out (a cluster of processes, as on other machines)."""
    distributed = pytest.importorskip("distributed")
    claims = write_claims(tmp_path / "claims.csv", {"a1": ["22630", "63052"]})
    scratch = tmp_path / "worker-only"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  local_directory=str(scratch)) as cluster:
        run_batch(folder, claims, tmp_path / "dask", workers=1, engine="dask", scheduler=cluster.scheduler_address)
    out = tmp_path / "dask"
    assert (out / case_html("a1")).exists() and (out / "worklist.xlsx").exists()
    assert not list(scratch.rglob("*.html")) and not list(scratch.rglob("results.jsonl"))


def test_hostile_jsonl_lines_are_results_not_crashes(tmp_path):
    jsonl = tmp_path / "notes.jsonl"
    lines = [
        '{"case_id": null, "text": "TLIF L4-5."}',
        '{"case_id": "sur\\ud800rogate", "text": "PROCEDURES: Left TLIF L4-L5.\\nA left L4-L5 laminotomy \\udc00 for a compressed root."}',
        '{"case_id": true, "text": "x"}',
        '{"case_id": 17, "text": "PROCEDURES: Left TLIF L4-L5.\\nA left L4-L5 laminotomy for a compressed root."}',
    ]
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run_batch(jsonl, None, tmp_path / "out", workers=1)
    results = read_results(tmp_path / "out")
    assert summary.cases == 4 and len(results) == 4
    by_case = {r["case_id"]: r for r in results}
    assert by_case["notes.jsonl:1"]["status"] == "error" and "no case_id" in by_case["notes.jsonl:1"]["error"]
    assert by_case["notes.jsonl:3"]["status"] == "error"
    assert by_case["sur\ufffdrogate"]["status"] != "error" and by_case["17"]["status"] != "error"


def test_workers_die_with_a_killed_batch(tmp_path):
    """SIGKILL of the batch's own process (not its group) leaves no worker behind."""
    psutil = pytest.importorskip("psutil")
    notes = fixture_notes(tmp_path / "notes", 200, "w")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "opnote_check.cli", "batch", str(notes), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / "results.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not results.exists() or results.read_bytes().count(b"\n") < 4):
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "the batch runs worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=15)
    try:
        assert alive == []
    finally:
        for p in alive:
            p.kill()


def test_archive_edges(tmp_path):
    # a hard-linked tar member reads as the note it links to
    tpath = tmp_path / "n.tar"
    with tarfile.open(tpath, "w") as t:
        add_text_member(t, "a.txt", GOOD)
        link = tarfile.TarInfo("b.txt")
        link.type, link.linkname = tarfile.LNKTYPE, "a.txt"
        t.addfile(link)
    items = {i.case_id: i for i in iter_inputs(tpath)}
    assert set(items) == {"a", "b"} and note_text(items["b"]) == GOOD
    # a file symlink leading outside the input folder is not read
    outside = tmp_path / "secret.txt"
    outside.write_text(GOOD)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "own.txt").write_text(GOOD)
    (notes / "leak.txt").symlink_to(outside)
    (notes / "inside.txt").symlink_to(notes / "own.txt")  # must NOT be refused: it stays inside
    items = {i.case_id: i for i in iter_inputs(notes)}
    assert "outside the input folder" in items["leak"].error and items["inside"].error is None
    # a zip member whose header understates its size is read no further than the cap
    zpath = tmp_path / "n.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b"L4-5 " * 300_000)
    raw = bytearray(zpath.read_bytes())
    with zipfile.ZipFile(zpath) as z:
        real = z.getinfo("big.txt").file_size
    small = (1000).to_bytes(4, "little")
    raw = raw.replace(real.to_bytes(4, "little"), small)  # both headers now claim 1,000 bytes
    zpath.write_bytes(bytes(raw))
    item = next(iter_inputs(zpath))
    assert item.error is not None and ("limit" in item.error or "cannot read" in item.error)


def test_a_dying_worker_costs_one_case_not_the_batch(tmp_path):
    from batch_faults import dies_on_boom

    from opnote_check.batch import Item, _local

    items = [Item(f"n{i}", f"n{i}.txt", text=GOOD) for i in range(6)]
    items.insert(3, Item("boom", "boom.txt", text=GOOD))
    tasks = [(item, None, None, False, False, False) for item in items]
    results = {r["case_id"]: r for r in _local(tasks, 2, fn=dies_on_boom)}
    assert sorted(results) == sorted(i.case_id for i in items)  # every case once
    assert results["boom"]["status"] == "error" and "worker checking this note died" in json.loads(results["boom"]["line"])["error"]
    assert all(results[f"n{i}"]["status"] != "error" for i in range(6))
