"""The command line as a user meets it: exit codes, one-line errors, no traceback."""

import json
import subprocess
import time
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "notes" / "demo-tlif.txt"
DEMO_CLAIM = ROOT / "fixtures" / "notes" / "demo-tlif.claim.json"


def run(*args, stdin: bytes | None = None):
    proc = subprocess.run(
        [sys.executable, "-m", "opnote_check.cli", *map(str, args)],
        input=stdin, capture_output=True, cwd=ROOT, timeout=60,
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def assert_one_line_error(code, out, err, fragment):
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err + out


def test_check_demo_text_exits_1_on_errors():
    code, out, err = run("check", DEMO, "--claim", DEMO_CLAIM)
    assert code == 1 and "MODIFIER_51_ON_ADDON" in out and "TECHNIQUE_NOT_NAMED" in out and err == ""


def test_check_json_report_and_fail_on_never(tmp_path):
    code, out, err = run("check", DEMO, "--line", "22630", "--line", "22632", "--line", "63052", "--line", "63053-51",
                         "--format", "json", "--fail-on", "never")
    assert code == 0
    report = json.loads(out)
    assert report["schema_version"] == "1" and report["status"] == "gaps"
    assert {g["rule"] for g in report["gaps"]} >= {"MODIFIER_51_ON_ADDON", "TECHNIQUE_NOT_NAMED"}
    text = DEMO.read_text(encoding="utf-8")
    for gap in report["gaps"]:
        for ev in gap["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_check_html_to_file_from_stdin(tmp_path):
    out_file = tmp_path / "r.html"
    code, out, err = run("check", "-", "--format", "html", "--output", out_file, "--fail-on", "warning",
                         stdin="Left TLIF L4-5. <script>alert(1)</script> A laminotomy at L4-5.".encode())
    assert code == 1 and out == ""
    html = out_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_extract_json_from_stdin_latin1():
    note = "Right L5-S1 TLIF. A right L5\u2013S1 laminotomy and foraminotomy for a compressed root \u00b1 scar.".encode("cp1252")
    code, out, err = run("extract", "-", "--format", "json", stdin=note)
    assert code == 0, err
    body = json.loads(out)
    assert [s["interspace"] for s in body["segments"]] == ["L5-S1"] and body["segments"][0]["laterality"] == "right"


def test_extract_spans_carry_their_explanation():
    note = b"Left TLIF L4-5. A left L4-5 laminotomy was done. No foraminotomy was needed."
    code, out, err = run("extract", "-", "--format", "json", "--spans", stdin=note)
    assert code == 0, err
    spans = {m["text"]: m for m in json.loads(out)["spans"]}
    assert spans["laminotomy"]["explanation"] == {"rule_id": "technique.laminotomy", "cue": None}
    negated = spans["foraminotomy"]
    assert negated["status"] == "negated" and negated["explanation"]["rule_id"] == "technique.foraminotomy"
    cue = negated["explanation"]["cue"]
    assert cue["text"] == "No" and note.decode()[cue["start"] : cue["end"]] == "No" and cue["rule_id"].startswith("context.")


def test_rules_catalogue():
    code, out, err = run("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and len(rules) == 30
    assert all(r["source"] and r["severity"] in ("error", "warning") and r["basis"] in ("sourced", "inferred") for r in rules)


def test_reference_lists_the_tables_and_the_date_they_cover():
    code, out, err = run("reference", "--date-of-service", "2023-05-01", "--format", "json")
    body = json.loads(out)
    assert code == 0 and {t["release"] for t in body["tables"]} == {"PFS RVU26C", "NCCI 2024Q3"}
    assert any("2023-05-01" in p for p in body["date_of_service"]["problems"])


@pytest.mark.parametrize(
    "args, stdin, fragment",
    [
        (["check", "missing.txt"], None, "missing.txt: no such file"),
        (["check", "-"], b"", "stdin: note is empty"),
        (["check", "-"], b"   \r\n\t\n", "stdin: note is empty"),
        (["check", "-"], b"\x89PNG\r\n\x1a\n\x00\x00", "not a text note"),
        (["check", "-", "--line", "6305"], b"TLIF L4-5.", "not a CPT/HCPCS code"),
        (["check", "-", "--line", "63052x0"], b"TLIF L4-5.", "units must be 1 or more"),
        (["check", "-", "--line", "63052x-1"], b"TLIF L4-5.", "units must be 1 or more"),
        (["check", "-", "--format", "pdf"], b"TLIF L4-5.", "Invalid value for '--format'"),
        (["check", "-", "--bogus"], b"TLIF L4-5.", "No such option"),
        (["eval", "/nonexistent/corpus"], None, "corpus folder not found"),
        (["check", "-", "--patterns", "/nonexistent/patterns"], b"TLIF L4-5.", "patterns folder not found"),
    ],
)
def test_user_errors_are_one_line_exit_2(args, stdin, fragment):
    code, out, err = run(*args, stdin=stdin)
    assert_one_line_error(code, out, err, fragment)


def test_claim_file_errors(tmp_path):
    bad = tmp_path / "claims.csv"
    bad.write_text("case_id,units\nA,1\n")
    assert_one_line_error(*run("check", DEMO, "--claim", bad), "missing column(s) code")
    dup = tmp_path / "claims.json"
    dup.write_text(json.dumps([{"case_id": "A", "lines": []}, {"case_id": "A", "lines": []}]))
    assert_one_line_error(*run("check", DEMO, "--claim", dup), "duplicate case id 'A'")
    two = tmp_path / "two.csv"
    two.write_text("case_id,code\nA,22630\nB,22630\n")
    assert_one_line_error(*run("check", DEMO, "--claim", two, "--case-id", "Z"), "no claim for case id 'Z'")
    assert_one_line_error(*run("check", DEMO, "--claim", two, "--line", "22630"), "not both")


def test_five_megabyte_note_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"L4-5 laminotomy. " * 300_000)
    assert_one_line_error(*run("check", big), "over the 1,000,000-byte limit")


def test_bom_and_crlf_offsets(tmp_path):
    note = tmp_path / "n.txt"
    note.write_bytes(b"\xef\xbb\xbfPROCEDURE:\r\nLeft TLIF L4-5.\r\nA left L4-5 laminotomy and foraminotomy for a compressed root.\r\n")
    code, out, err = run("check", note, "--format", "json", "--fail-on", "never")
    report = json.loads(out)
    text = note.read_bytes().decode("utf-8-sig")
    evidence = [e for s in report["segments"] for e in s["evidence"]]
    assert evidence and all(text[e["start"] : e["end"]] == e["text"] for e in evidence)


def test_python_dash_m_runs_the_command_line():
    proc = subprocess.run([sys.executable, "-m", "opnote_check", "rules", "--format", "json"],
                          capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 30


# issue 11: command-line conventions ----------------------------------------------------------------
def test_version_and_short_help():
    from opnote_check import __version__

    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"opnote-check {__version__}"
    code, out, _ = run("check", "-h")
    assert code == 0 and "--line SPEC" in out and "CODE[-MOD]...[xUNITS]" in out
    # arguments and option values are named (NOTE, FILE, SPEC, ...); flags carry no type label
    assert "<bool>" not in out and "<str>" not in out and "<path>" not in out and "NOTE  " in out
    code, out, _ = run("-h")
    assert code == 0 and "--install-completion" in out and "schema" in out


def test_docx_note_checks_like_batch_reads_it(tmp_path):
    from notefiles import docx_bytes

    note = DEMO.read_text(encoding="utf-8")
    (tmp_path / "demo.docx").write_bytes(docx_bytes(note))
    _, from_docx, _ = run("check", str(tmp_path / "demo.docx"), "-f", "json", "--case-id", "demo")
    _, from_txt, _ = run("check", str(DEMO), "-f", "json", "--case-id", "demo")
    a, b = json.loads(from_docx), json.loads(from_txt)
    assert [g["rule"] for g in a["gaps"]] == [g["rule"] for g in b["gaps"]] and a["segments"] == b["segments"]


def test_several_notes_like_a_linter(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("PROCEDURES: Left TLIF L4-L5.\nA left L4-L5 laminotomy; the L5 root was compressed by thick flavum.\n")
    code, out, err = run("check", str(good), str(DEMO), str(tmp_path / "missing.txt"), "-f", "json")
    reports = json.loads(out)
    assert [r["case_id"] for r in reports] == ["good", "demo-tlif"]
    assert code == 2 and err.count("\n") == 1 and "missing.txt: no such file" in err  # the worst status
    code, out, _ = run("check", str(tmp_path / "*.txt"), "-f", "json")  # a glob the program expands
    assert code == 0 and json.loads(out)["case_id"] == "good"  # one note: one report, as for a path
    code, out, err = run("check", str(good), str(DEMO), "--line", "22630")
    assert_one_line_error(code, out, err, "take one note")


def test_settings_file_selects_and_ignores(tmp_path):
    (tmp_path / ".opnote-check.toml").write_text('ignore = ["TECHNIQUE_NOT_NAMED", "REFERENCE_"]\nseverity = { MODIFIER_51_ON_ADDON = "warning" }\n')
    args = ["check", str(DEMO), "--line", "22630", "--line", "22632", "--line", "63052", "--line", "63053-51", "-f", "json",
            "--date-of-service", "2026-11-02"]
    proc = subprocess.run([sys.executable, "-m", "opnote_check.cli", *args], capture_output=True, cwd=tmp_path, timeout=60)
    report = json.loads(proc.stdout)
    rules = {g["rule"]: g["severity"] for g in report["gaps"]}
    assert "TECHNIQUE_NOT_NAMED" not in rules and "REFERENCE_DATE_NOT_COVERED" not in rules
    assert rules["MODIFIER_51_ON_ADDON"] == "warning" and report["amount_at_risk"] == 0.0
    assert proc.returncode == 0  # no error gap left at the default --fail-on
    proc = subprocess.run([sys.executable, "-m", "opnote_check.cli", *args, "--select", "MODIFIER_", "--fail-on", "warning"],
                          capture_output=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 1 and {g["rule"] for g in json.loads(proc.stdout)["gaps"]} == {"MODIFIER_51_ON_ADDON"}


def test_a_paste_on_a_terminal_says_how_to_finish_it():
    import os
    import pty
    import select as select_module

    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin, stdout and stderr are the terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "opnote_check.cli", "check", "-"])
    seen = b""
    deadline = time.time() + 60
    while b"Ctrl-D" not in seen and time.time() < deadline:
        if select_module.select([fd], [], [], 1)[0]:
            seen += os.read(fd, 4096)
    os.write(fd, b"PROCEDURES: Left TLIF L4-L5.\nA left L4-L5 laminotomy for a compressed L5 root.\n\x04")
    while time.time() < deadline:
        if select_module.select([fd], [], [], 1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    _, status = os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace")
    assert "Paste the note, then press Enter and Ctrl-D" in text and "L4-L5" in text.split("Ctrl-D", 1)[1]
    assert os.waitstatus_to_exitcode(status) in (0, 1)


def test_a_pasted_line_cut_by_the_terminal_is_warned_of():
    note = b"PROCEDURES: Left TLIF L4-L5.\n" + b"x" * 4095 + b"\nA left L4-L5 laminotomy for a compressed L5 root.\n"
    code, _, err = run("check", "-", stdin=note)
    assert code in (0, 1) and "exactly 4095 bytes" in err and "check - < note.txt" in err
    code, _, err = run("check", "-", stdin=note.replace(b"x" * 4095, b"x" * 4000))
    assert "4095" not in err  # must NOT warn for an ordinary long line


def test_serve_prints_the_url_it_listens_on():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "opnote_check.cli", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        first = proc.stdout.readline().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert f"http://127.0.0.1:{port}/" in first
