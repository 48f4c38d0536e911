"""worklist.py: results -> summary / gaps rows, totals per rule, spreadsheet-safe cells, owner-only files."""

import pytest

from opnote_check.worklist import CaseRow, Totals, cell, private_file


@pytest.mark.parametrize(
    "value, shown",
    [("=1+2", "'=1+2"), ("+SUM(A1)", "'+SUM(A1)"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
     # must NOT change: ordinary ids, numbers, text with a sign inside
     ("OPN-17", "OPN-17"), ("a=b", "a=b"), (204.75, 204.75), (0, 0)],
)
def test_spreadsheet_cells_never_run_as_formulas(value, shown):
    assert cell(value) == shown


def gap(rule, severity, amount=0.0):
    return {"rule": rule, "severity": severity, "message": "m", "fix": "f", "amount_at_risk": amount,
            "interspace": "L5-S1", "evidence": [{"text": "foraminotomy", "start": 10, "end": 22}]}


BODY = {
    "case_id": "C1", "status": "gaps", "surgeon": "Dana Roe, MD", "provenance": {"date_of_service": "2026-03-04"},
    "gaps": [gap("SEGMENT_COUNT_MISMATCH", "error", 204.75), gap("MODIFIER_51_ON_ADDON", "error", 204.75),
             gap("FINDINGS_NOT_DOCUMENTED", "warning")],
    "billed_lines": [{"code": "22630", "units": 1, "amount": 1510.72}, {"code": "63053", "units": 2, "amount": 409.50}],
    "documented_lines": [{"code": "63052", "units": 1}], "supported_lines": [{"code": "63052", "units": 1}],
    "segments": [{"interspace": "L4-L5", "verdict": "documented"}, {"interspace": "L5-S1", "verdict": "needs_query"}],
    "amount_at_risk": 204.75, "amount_unbilled": 229.80,
}


def test_a_case_row():
    row = CaseRow.from_result(BODY, "cases/c1.html")
    summary = row.summary()
    assert (summary["errors"], summary["warnings"]) == (2, 1)
    assert summary["rules"] == "SEGMENT_COUNT_MISMATCH MODIFIER_51_ON_ADDON FINDINGS_NOT_DOCUMENTED"
    assert (summary["billed_63052"], summary["billed_63053"], summary["documented_63052"]) == (0, 2, 1)
    assert summary["amount_billed"] == 1920.22 and summary["date_of_service"] == "2026-03-04"
    assert summary["verdicts"] == "L4-L5=documented L5-S1=needs_query"
    assert row.verdict_words == "L4-L5 documented, L5-S1 needs query"
    gaps = list(row.gap_rows())
    assert len(gaps) == 3 and gaps[0]["evidence"] == "“foraminotomy” @10-22"


def test_an_error_result_leaves_units_blank():
    row = CaseRow.from_result({"case_id": "C2", "status": "error", "error": "claim has no note"}, None)
    summary = row.summary()
    assert summary["billed_63052"] == "" and summary["documented_63052"] == "" and summary["issue"] == "claim has no note"


def test_totals_per_rule_with_dollars():
    totals = Totals()
    totals.add(CaseRow.from_result(BODY, None))
    totals.add(CaseRow.from_result({**BODY, "case_id": "C3", "gaps": [gap("FINDINGS_NOT_DOCUMENTED", "warning")],
                                    "amount_at_risk": 0}, None))
    ranked = totals.rules_ranked()
    assert [(r.rule, r.cases, r.amount) for r in ranked] == [
        ("MODIFIER_51_ON_ADDON", 1, 204.75), ("SEGMENT_COUNT_MISMATCH", 1, 204.75), ("FINDINGS_NOT_DOCUMENTED", 2, 0.0)]
    assert totals.amount_at_risk == 204.75 and totals.surgeons == {"Dana Roe, MD"}


def test_private_files_are_owner_only_and_atomic(tmp_path):
    target = tmp_path / "summary.csv"
    with private_file(target, encoding="utf-8") as fh:
        fh.write("a,b\n")
    assert target.read_text() == "a,b\n" and target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(RuntimeError):
        with private_file(target, encoding="utf-8") as fh:
            fh.write("torn")
            raise RuntimeError
    assert target.read_text() == "a,b\n" and not list(tmp_path.glob("*.tmp"))
