from datetime import date
from pathlib import Path

import pytest

from opnote_check.check import build_report, worst_severity
from opnote_check.claims import claim_from_specs, load_claims, select_claim
from opnote_check.notes import read_note

DOS = date(2026, 11, 2)

NOTE = (
    "PROCEDURES:\n1. Left TLIF L4-L5 and L5-S1.\n\nDESCRIPTION: At L4-L5 bilateral laminotomies and foraminotomies were "
    "done for compressed L5 roots. At L5-S1 a left facetectomy was performed solely to reach the disc space.\n"
)


def test_report_fields_and_status(extract, library):
    ex = extract(NOTE)
    report = build_report(ex, claim_from_specs(["22630", "22632", "63052", "63053-51"]), library, "v", "A1")
    assert report.case_id == "A1" and report.schema_version == "1"
    assert [l.code for l in report.billed_lines] == ["22630", "22632", "63052", "63053"]
    rules = {g.rule for g in report.gaps}
    assert {"SEGMENT_COUNT_MISMATCH", "MODIFIER_51_ON_ADDON", "PREP_ONLY_FACETECTOMY"} <= rules
    assert report.status == "gaps" and worst_severity(report) == "error"
    # 63053-51 is questioned twice (modifier 51, and a unit the prep-only L5-S1 does not support):
    # the one $204.75 line is at risk once
    assert report.amount_at_risk == 204.75
    assert [(l.code, l.units_at_risk, l.amount_at_risk) for l in report.billed_lines][-1] == ("63053", 1, 204.75)
    assert [g.severity for g in report.gaps] == sorted((g.severity for g in report.gaps), key=["error", "warning"].index)
    assert report.provenance.reference_release == "PFS RVU26C / NCCI 2024Q3"
    assert [t.release for t in report.provenance.reference_tables] == ["PFS RVU26C", "NCCI 2024Q3"]


def test_scribe_mode_runs_documentation_rules_only(extract, library):
    report = build_report(extract(NOTE), None, library, "v")
    assert report.billed_lines is None
    # L5-S1's only work is the access facetectomy; nothing in the note names a pathology there
    assert {g.rule for g in report.gaps} == {"PREP_ONLY_FACETECTOMY", "INDICATION_NOT_DOCUMENTED"}
    assert [(l.code, l.units) for l in report.supported_lines] == [("63052", 1)]


def test_claim_only_check(library):
    report = build_report(None, claim_from_specs(["22612", "63052"]), library, "v")
    assert {g.rule for g in report.gaps} == {"ADDON_WITHOUT_PRIMARY", "ADDON_UNITS_EXCEED_FUSED", "REFERENCE_DATE_NOT_COVERED"}
    assert report.segments == [] and report.arthrodesis is None


def test_clean_case_passes(extract, current_library):
    note = NOTE.replace("a left facetectomy was performed solely to reach the disc space",
                        "a left laminotomy and foraminotomy relieved a compressed left L5 root")
    the_claim = claim_from_specs(["22630", "22632", "63052", "63053"], date_of_service=DOS)
    report = build_report(extract(note), the_claim, current_library, "v")
    assert report.gaps == [] and report.status == "pass" and worst_severity(report) is None
    assert [s.verdict for s in report.segments] == ["documented", "documented"]
    assert report.amount_at_risk == 0 and report.amount_unbilled == 0


def test_unbilled_units_are_priced(extract, current_library):
    note = NOTE.replace("a left facetectomy was performed solely to reach the disc space",
                        "a left laminotomy and foraminotomy relieved a compressed left L5 root")
    report = build_report(extract(note), claim_from_specs(["22630", "22632", "63052"], date_of_service=DOS),
                          current_library, "v")
    assert [(l.code, l.units) for l in report.unbilled_lines] == [("63053", 1)]
    assert report.amount_unbilled == 204.75 and report.amount_at_risk == 0


def test_every_billed_line_is_priced_for_its_date_of_service(current_library):
    the_claim = claim_from_specs(["22612", "63047", "63048", "63053", "22841"], date_of_service=DOS)
    report = build_report(None, the_claim, current_library, "v")
    assert [(l.code, l.amount) for l in report.billed_lines] == [
        ("22612", 1467.64), ("63047", 1065.49), ("63048", 187.38), ("63053", 204.75), ("22841", 0.0)]
    assert report.provenance.date_of_service == DOS and report.provenance.conversion_factor == 33.4009


def test_qp_prices_with_the_qualifying_apm_factor(current_library):
    report = build_report(None, claim_from_specs(["63053"], date_of_service=DOS), current_library, "v", qp=True)
    assert report.billed_lines[0].amount == 205.77 and "qualifying APM participant" in report.provenance.payment_basis


def test_a_2023_date_of_service_is_not_covered(library):
    report = build_report(None, claim_from_specs(["22630", "63052"], date_of_service=date(2023, 5, 1)), library, "v")
    [gap] = [g for g in report.gaps if g.rule == "REFERENCE_DATE_NOT_COVERED"]
    assert "2023-05-01" in gap.message and gap.severity == "warning"


def test_a_unit_two_rules_question_counts_once(current_library):
    """63052-51 + 63053-51x5 beside one 22630: modifier 51 puts both lines at risk, MUE and the
    fused-unit count question 63053 units again; each line still counts at most its own value."""
    the_claim = claim_from_specs(["22630", "63052-51", "63053-51x5"], date_of_service=DOS)
    report = build_report(None, the_claim, current_library, "v")
    addon_value = 229.80 + 5 * 204.75
    assert sum(g.amount_at_risk or 0 for g in report.gaps) > addon_value  # the rules overlap ...
    assert report.amount_at_risk == round(addon_value, 2)  # ... the report does not


# ------------------------------------------------ every fixture: one story per level, dollars that add up

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
QUERY_RULES = {"TECHNIQUE_NOT_NAMED", "LATERALITY_NOT_DOCUMENTED", "FINDINGS_NOT_DOCUMENTED"}
NOT_BILLABLE_RULES = {"PREP_ONLY_FACETECTOMY", "DECOMPRESSION_AT_UNFUSED_LEVEL", "NON_LUMBAR_LEVEL"}
NOTES = sorted(
    [*(ROOT / "fixtures" / "notes").glob("*.txt"), *(ROOT / "fixtures" / "hard").glob("*.txt"),
     *(CORPUS.glob("*/*.txt") if CORPUS.is_dir() else [])]
)


def units(lines) -> int:
    return sum(l.units for l in lines)


@pytest.mark.parametrize("path", NOTES, ids=[f"{p.parent.name}/{p.stem}" for p in NOTES])
def test_verdicts_lines_gaps_and_dollars_agree(path, extract, library):
    _, text = read_note(str(path))
    claim_path = path.with_suffix(".claim.json")
    claim = select_claim(load_claims(claim_path), None, str(claim_path)) if claim_path.exists() else None
    report = build_report(extract(text), claim, library, "v", path.stem)
    session_ok = report.same_session.status != "not_documented"
    for seg in report.segments:
        at_level = {g.rule for g in report.gaps if g.interspace == seg.interspace}
        if seg.verdict == "documented":
            assert seg.counts and session_ok and not seg.reasons
            assert not at_level & (QUERY_RULES | NOT_BILLABLE_RULES)
            assert not any(g.severity == "error" and g.interspace == seg.interspace for g in report.gaps)
        elif seg.verdict == "needs_query":
            assert seg.counts and session_ok and seg.reasons
            assert at_level & QUERY_RULES and not at_level & NOT_BILLABLE_RULES
        else:
            assert (not seg.counts or not session_ok) and seg.reasons
            assert not any(g.at_risk and g.interspace == seg.interspace for g in report.gaps)
    verdicts = [s.verdict for s in report.segments]
    assert units(report.documented_lines) == verdicts.count("documented")
    assert units(report.supported_lines) == (verdicts.count("documented") + verdicts.count("needs_query")) * session_ok
    if claim is None:
        assert report.amount_at_risk == 0 and report.billed_lines is None
        return
    billed_value = round(sum(l.amount for l in report.billed_lines), 2)
    assert report.amount_at_risk <= billed_value
    assert report.amount_at_risk == round(sum(l.amount_at_risk for l in report.billed_lines), 2)
    for line in report.billed_lines:
        assert 0 <= line.units_at_risk <= line.units and line.amount_at_risk <= line.amount
    for gap in report.gaps:
        for risk in gap.at_risk:  # a gap's units are units of the line it names
            assert report.billed_lines[risk.line].code == risk.code
            assert set(risk.units) <= set(range(1, report.billed_lines[risk.line].units + 1))
