"""837P reader: the fixtures, separators taken from ISA, one-line ClaimErrors, and no logging."""

import io
import logging
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pyx12.x12file import X12Reader

from opnote_check import claims_x12
from opnote_check.claims import ClaimError

CLAIMS = Path(__file__).resolve().parent.parent / "fixtures" / "claims"
TILDE = CLAIMS / "two-cases.837"
PIPE = CLAIMS / "two-cases-pipe.837"
TEXT = TILDE.read_text(encoding="utf-8")
NAME = "two-cases.837"


def summary(claim):
    return (claim.case_id, claim.date_of_service, claim.diagnoses, [(l.code, l.units, l.modifiers) for l in claim.lines])


def segments(text):
    return [s.strip() for s in text.split("~")]


def seg_no(text, pattern):
    """1-based position of the first segment of `text` that fully matches `pattern`."""
    return next(i for i, s in enumerate(segments(text), 1) if re.fullmatch(pattern, s))


def without_lines(text, case_id):
    """The interchange with the LX/SV1/DTP segments of one claim removed."""
    out, inside = [], False
    for seg in segments(text):
        if seg.startswith(("CLM*", "HL*")):
            inside = seg.startswith(f"CLM*{case_id}*")
        if not (inside and seg.startswith(("LX*", "SV1*", "DTP*"))):
            out.append(seg)
    return "~".join(out)


EXPECTED = [
    ("OPN-1001", date(2024, 3, 5), ["M48.062", "M51.16"], [("22630", 1, []), ("63052", 1, ["62", "59"]), ("63053", 2, [])]),
    ("OPN-1002", date(2024, 4, 11), ["M43.16", "M54.16"], [("63047", 1, []), ("63048", 2, ["XS"])]),
]


@pytest.mark.parametrize("path", [TILDE, PIPE], ids=["tilde-star-colon", "pipe-gt-newlines"])
def test_reads_both_separator_variants(path):
    text = path.read_text(encoding="utf-8")
    assert claims_x12.looks_like(text[:4096])
    assert [summary(c) for c in claims_x12.read(text, path.name)] == EXPECTED


def test_pipe_variant_really_uses_other_separators():
    pipe = PIPE.read_text(encoding="utf-8")
    assert "*" not in pipe and ":" not in pipe and pipe.count("~\n") == pipe.count("~")
    assert claims_x12.read(pipe, "p") == claims_x12.read(TEXT, "t")


@pytest.mark.parametrize("path", [TILDE, PIPE])
def test_fixtures_are_clean_for_pyx12(path):
    """The envelopes are right (SE/GE/IEA counts, HL numbering), as pyx12 itself counts them."""
    reader = X12Reader(io.StringIO(path.read_text(encoding="utf-8")))
    assert len(list(reader)) == 48
    reader.cleanup()
    assert reader.pop_errors() == []


@pytest.mark.parametrize(
    "head, expected",
    [
        (TEXT[:200], True),
        ("\ufeff\r\n  " + TEXT[:200], True),
        ("ISA|00|  ", True),
        ("case_id,code,units\nA,63052,1\n", False),
        ('{"resourceType": "Claim"}', False),
        ("ISAAC,63052,1\n", False),
        ("ISA", False),
        ("", False),
    ],
    ids=["isa", "bom-and-blank-lines", "pipe", "csv", "json", "isa-prefixed-word", "bare-isa", "empty"],
)
def test_looks_like(head, expected):
    assert claims_x12.looks_like(head) is expected


@pytest.mark.parametrize(
    "variant, case, field, expected",
    [
        (lambda t: "\ufeff\n " + t.replace("~", "~\r\n"), 0, "lines", EXPECTED[0][3]),
        (lambda t: t.replace("CLM*OPN-1002*3000***22:B:1*Y*A*Y*Y~", "CLM*OPN-1002*3000***22:B:1*Y*A*Y*Y~DTP*472*D8*20240401~")
         .replace("~DTP*472*RD8*20240411-20240412", "").replace("~DTP*472*D8*20240411", ""), 1, "date", date(2024, 4, 1)),
        (lambda t: t.replace("HI*ABK:M48062", "DTP*472*D8*20240301~HI*ABK:M48062"), 0, "date", date(2024, 3, 5)),
        (lambda t: t.replace("~DTP*472*D8*20240305", "", 1).replace("D8*20240305", "D8*20240306", 1), 0, "date",
         date(2024, 3, 6)),
        (lambda t: without_lines(t, "OPN-1001").replace("HI*ABK:M48062*ABF:M5116~",
         "HI*ABK:M48062*ABF:M5116~LX*1~SV1*HC:22630*1*UN*1~"), 0, "date", None),
        (lambda t: t.replace("RD8*20240411-20240412", "RD8*20240409-20240412"), 1, "date", date(2024, 4, 9)),
        (lambda t: t.replace("ABK:M4316*ABF:M5416", "BK:M4316*BF:M5416*BG:01"), 1, "diagnoses", ["M43.16", "M54.16"]),
        (lambda t: t.replace("HC:63052:62:59", "HC:63052:62:59:XS:LT:Spine laminectomy"), 0, "lines",
         [("22630", 1, []), ("63052", 1, ["62", "59", "XS", "LT"]), ("63053", 2, [])]),
        (lambda t: t.replace("UN*2***1", "UN****1"), 0, "lines",
         [("22630", 1, []), ("63052", 1, ["62", "59"]), ("63053", 1, [])]),
        (lambda t: t.replace("UN*2.0***1", "UN*02.000***1"), 1, "lines", EXPECTED[1][3]),
    ],
    ids=["bom-crlf", "claim-level-date", "line-date-wins", "first-dated-line", "no-date", "rd8-first-day",
         "legacy-bk-bf", "four-modifiers", "units-default-1", "whole-decimal-units"],
)
def test_variants(variant, case, field, expected):
    claim = claims_x12.read(variant(TEXT), NAME)[case]
    got = {"lines": summary(claim)[3], "date": claim.date_of_service, "diagnoses": claim.diagnoses}[field]
    assert got == expected


def test_a_second_claim_of_one_subscriber_is_its_own_claim():
    text = TEXT.replace("HL*3*1*22*0~", "CLM*OPN-1003*1***22:B:1*Y*A*Y*Y~HI*ABK:M4802~LX*1~SV1*HC:63052*1*UN*1~HL*3*1*22*0~")
    claims = claims_x12.read(text, NAME)
    assert [c.case_id for c in claims] == ["OPN-1001", "OPN-1003", "OPN-1002"]
    assert summary(claims[1]) == ("OPN-1003", None, ["M48.02"], [("63052", 1, [])])
    assert summary(claims[0]) == EXPECTED[0]


MINIMAL = TEXT[: TEXT.index("BHT*")] + "SE*2*0001~GE*1*101~IEA*1*000000101~"

ERRORS = [
    ("no-isa", TEXT[TEXT.index("GS*"):], None, "First line does not begin with 'ISA'"),
    ("truncated-isa", TEXT[:60], None, "ISA line is only 60 characters"),
    ("isa-version", TEXT.replace("*00501*", "*00601*", 1), None, "Version Number is unknown: 00601"),
    ("clm-without-sv1", without_lines(TEXT, "OPN-1002"), r"CLM\*OPN-1002\*.*", "(CLM): claim has no service line (SV1)"),
    ("sv1-empty-code", TEXT.replace("SV1*HC:63047*", "SV1*HC:*"), r"SV1\*HC:\*.*", "(SV1): no procedure code"),
    ("sv1-no-composite", TEXT.replace("SV1*HC:63047*", "SV1**"), r"SV1\*\*.*", "(SV1): no procedure code"),
    ("sv1-not-hc", TEXT.replace("SV1*HC:63047", "SV1*WK:63047"), r"SV1\*WK.*", "(SV1): procedure code qualifier 'WK' is not HC"),
    ("sv1-bad-code", TEXT.replace("HC:63053", "HC:6305"), r"SV1\*HC:6305\*.*", "(SV1): SV101-2: '6305' is not a CPT/HCPCS code"),
    ("sv1-bad-modifier", TEXT.replace("HC:63052:62:59", "HC:63052:6"), r"SV1\*HC:63052:6\*.*", "'6' is not a two-character modifier"),
    ("fractional-units", TEXT.replace("UN*2***1", "UN*1.5***1"), r"SV1\*HC:63053\*.*", "(SV1): SV104: 1.5 is not a whole number of units"),
    ("units-not-number", TEXT.replace("UN*2***1", "UN*2x***1"), r"SV1\*HC:63053\*.*", "(SV1): quantity '2x' (SV104) is not a number"),
    ("zero-units", TEXT.replace("UN*2***1", "UN*0***1"), r"SV1\*HC:63053\*.*", "units must be 1 or more"),
    ("minutes", TEXT.replace("UN*2***1", "MJ*2***1"), r"SV1\*HC:63053\*.*", "unit basis 'MJ' (SV103) is not UN"),
    ("bad-dtp-date", TEXT.replace("D8*20240305", "D8*20240231", 1), r"DTP\*472\*D8\*20240231", "(DTP): DTP03 is not a CCYYMMDD date"),
    ("short-dtp-date", TEXT.replace("D8*20240305", "D8*2024035", 1), r"DTP\*472\*D8\*2024035", "(DTP): DTP03 is not a CCYYMMDD date"),
    ("bad-rd8", TEXT.replace("RD8*20240411-20240412", "RD8*20240411"), r"DTP\*472\*RD8.*", "is not a CCYYMMDD-CCYYMMDD range"),
    ("rd8-backwards", TEXT.replace("RD8*20240411-20240412", "RD8*20240412-20240411"), r"DTP\*472\*RD8.*", "range ends before it starts"),
    ("dtp-format", TEXT.replace("D8*20240305", "DT*202403051200", 1), r"DTP\*472\*DT.*", "(DTP): date format 'DT' (DTP02) is not D8 or RD8"),
    ("bad-icd", TEXT.replace("ABF:M5116", "ABF:Q"), r"HI\*ABK:M48062.*", "(HI): diagnosis: 'Q' is not an ICD-10-CM code"),
    ("hi-without-code", TEXT.replace("ABF:M5116", "ABF"), r"HI\*ABK:M48062.*", "(HI): HI02 has no diagnosis code"),
    ("no-clm01", TEXT.replace("CLM*OPN-1002*", "CLM**"), r"CLM\*\*.*", "(CLM): no patient control number (CLM01)"),
    ("not-837", TEXT.replace("ST*837*0001*005010X222A1", "ST*835*0001*005010X221A1"), r"ST\*.*", "(ST): transaction set '835' is not an 837"),
    ("837i", TEXT.replace("ST*837*0001*005010X222A1", "ST*837*0001*005010X223A2"), r"ST\*.*", "is not an 837P professional claim"),
    ("truncated-file", TEXT[: TEXT.index("DTP*472*D8*20240411") + 10], r"DTP\*472\*D8", "empty or unterminated segment"),
    ("empty-segment", TEXT.replace("~LX*2~", "~~LX*2~", 1), r"", "empty or unterminated segment"),
    ("stray-iea", TEXT + "IEA*1*000000101~", None, "segment 49: pyx12 cannot read it (IndexError"),
    ("no-clm", MINIMAL, None, "no claim (CLM segment) in the file"),
]


@pytest.mark.parametrize("text, where, fragment", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_are_one_line_and_name_file_and_segment(text, where, fragment):
    with pytest.raises(ClaimError) as info:
        claims_x12.read(text, NAME)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"{NAME}: ")
    assert fragment in msg
    if where is not None:
        assert re.search(rf"^{re.escape(NAME)}: segment {seg_no(text, where)}\b", msg)
    for phi in ("TESTPATIENT", "ALPHA", "OPN-100", "19600101", "20240231", "XM0000"):
        assert phi not in msg


def test_reading_logs_and_prints_nothing(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    assert len(claims_x12.read(TEXT, NAME)) == 2
    with pytest.raises(ClaimError):
        claims_x12.read(TEXT.replace("UN*2***1", "UN*1.5***1"), NAME)
    assert caplog.records == []
    assert capsys.readouterr() == ("", "")


def test_import_and_read_leave_root_logger_alone():
    """In a fresh interpreter, so that the import itself is checked too."""
    code = f"""
import logging
root = logging.getLogger()
before = (list(root.handlers), root.level, logging.root.manager.disable)
import opnote_check.claims_x12 as x12
claims = x12.read(open({str(TILDE)!r}, encoding="utf-8").read(), "c.837")
assert (list(root.handlers), root.level, logging.root.manager.disable) == before, "root logger changed"
assert logging.getLogger("pyx12").handlers == [], "pyx12 logger got a handler"
print(len(claims))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("2\n", "")
