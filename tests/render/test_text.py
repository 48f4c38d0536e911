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
