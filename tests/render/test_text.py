from datetime import date

from rich.console import Console

from opnote_check.check import build_report
from opnote_check.claims import claim_from_specs
from opnote_check.render.text import print_extraction, print_report

NOTE = "PROCEDURES: Left TLIF L4-L5 and L5-S1.\nAt L4-L5 a left laminotomy was done for a compressed root. At L5-S1 a laminotomy and foraminotomy were done.\n"


def render(fn, *args):
    console = Console(record=True, width=140, color_system=None)
    fn(*args, console)
    return console.export_text()


def test_extraction_table(extract):
    out = render(print_extraction, extract(NOTE))
    assert "L4-L5" in out and "L5-S1" in out and "laminotomy" in out and "missing" in out
    assert "Note supports: 63052 x1, 63053 x1" in out


def test_report_groups_gaps_with_evidence_and_fix(extract, library):
    report = build_report(extract(NOTE), claim_from_specs(["22630", "22632", "63052", "63053-51"]), library, "v", "A")
    out = render(print_report, report)
    assert out.index("error") < out.index("warning")
    assert "MODIFIER_51_ON_ADDON" in out and "LATERALITY_NOT_DOCUMENTED [L5-S1]" in out
    assert "Fix: Please document the side(s) of the decompression at L5-S1." in out
    assert "at risk" in out and "“laminotomy”" in out


def test_clean_report_says_so(extract, current_library):
    note = NOTE.replace("At L5-S1 a laminotomy and foraminotomy were done.", "At L5-S1 a right laminotomy relieved a compressed root.")
    the_claim = claim_from_specs(["22630", "22632", "63052", "63053"], date_of_service=date(2026, 11, 2))
    out = render(print_report, build_report(extract(note), the_claim, current_library, "v"))
    assert "No gaps" in out and "63053 $204.75" in out


def test_the_table_shows_verdict_words_never_a_bare_yes(extract, library):
    report = build_report(extract(NOTE), claim_from_specs(["22630", "22632", "63052", "63053"]), library, "v")
    out = render(print_report, report)
    assert "Verdict" in out and "documented" in out and "needs query: no side stated" in out
    assert " yes " not in out and "Counts" not in out


def test_at_80_columns_evidence_is_a_line_with_the_span_marked(extract, library):
    from opnote_check.render.text import evidence_line

    report = build_report(extract(NOTE), claim_from_specs(["22630", "22632", "63052", "63053-51"]), library, "v", "A")
    console = Console(record=True, width=80, color_system=None)
    print_report(report, console, note=NOTE)
    out = console.export_text()
    lines = out.splitlines()
    assert all(len(l.rstrip()) <= 80 for l in lines)
    assert "line 2: " in out and "«laminotomy»" in out and "@" not in out.split("1 error")[-1].split("Medicare")[0]
    # a wrapped message stays indented under its gap; a rule id is never split
    gap_lines = [l for l in lines if l.startswith("    ") and not l.startswith("      ")]
    assert gap_lines and all(l[:4] == "    " for l in gap_lines)
    assert any(l.strip().startswith("MODIFIER_51_ON_ADDON") for l in lines)
    assert str(evidence_line("one\ntwo left L5 three", 8, 12)) == "line 2: two «left» L5 three"


def test_verbose_shows_every_span_and_enums_read_as_words(extract, library):
    note = ("PROCEDURES: TLIF L4-L5.\nL4-L5 was decompressed. The L4-L5 decompression was thorough. L4-L5 decompressed "
            "again. L4-L5 decompression done. L4-L5 decompressed more.")
    report = build_report(extract(note), None, library, "v", "A")
    short = render(lambda r, c: print_report(r, c, note=note), report)
    full = render(lambda r, c: print_report(r, c, note=note, verbose=True), report)
    assert "more span(s) (--verbose shows them)" in short and "more span(s)" not in full
    assert full.count("line 2:") > short.count("line 2:")
    assert "not_documented" not in full and "_interbody" not in full
