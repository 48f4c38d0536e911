from opnote_check.check import build_report, worst_severity
from opnote_check.claims import claim_from_specs

NOTE = (
    "PROCEDURES:\n1. Left TLIF L4-L5 and L5-S1.\n\nDESCRIPTION: At L4-L5 bilateral laminotomies and foraminotomies were "
    "done for compressed L5 roots. At L5-S1 a left facetectomy was performed solely to reach the disc space.\n"
)


def test_report_fields_and_status(extract, reference):
    ex = extract(NOTE)
    report = build_report(ex, claim_from_specs(["22630", "22632", "63052", "63053-51"]), reference, "v", "A1")
    assert report.case_id == "A1" and report.schema_version == "1"
    assert [l.code for l in report.billed_lines] == ["22630", "22632", "63052", "63053"]
    rules = {g.rule for g in report.gaps}
    assert {"SEGMENT_COUNT_MISMATCH", "MODIFIER_51_ON_ADDON", "PREP_ONLY_FACETECTOMY"} <= rules
    assert report.status == "gaps" and worst_severity(report) == "error"
    errors = [g for g in report.gaps if g.severity == "error"]
    assert report.amount_at_risk == round(sum(g.amount_at_risk or 0 for g in errors), 2) > 0
    assert [g.severity for g in report.gaps] == sorted((g.severity for g in report.gaps), key=["error", "warning"].index)
    assert report.provenance.reference_release.startswith("CMS PFS 2026")


def test_scribe_mode_runs_documentation_rules_only(extract, reference):
    report = build_report(extract(NOTE), None, reference, "v")
    assert report.billed_lines is None
    assert {g.rule for g in report.gaps} == {"PREP_ONLY_FACETECTOMY"}
    assert [(l.code, l.units) for l in report.supported_lines] == [("63052", 1)]


def test_claim_only_check(reference):
    report = build_report(None, claim_from_specs(["22612", "63052"]), reference, "v")
    assert {g.rule for g in report.gaps} == {"ADDON_WITHOUT_PRIMARY", "ADDON_UNITS_EXCEED_FUSED"}
    assert report.segments == [] and report.arthrodesis is None


def test_clean_case_passes(extract, reference):
    note = NOTE.replace("a left facetectomy was performed solely to reach the disc space",
                        "a left laminotomy and foraminotomy relieved a compressed left L5 root")
    report = build_report(extract(note), claim_from_specs(["22630", "22632", "63052", "63053"]), reference, "v")
    assert report.gaps == [] and report.status == "pass" and worst_severity(report) is None
