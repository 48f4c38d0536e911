import json
from pathlib import Path

import pytest

from opnote_check.claims import ClaimError, claim_from_specs, load_claims, parse_line_spec, select_claim


@pytest.mark.parametrize(
    "spec, code, modifiers, units",
    [
        ("22630", "22630", [], 1),
        ("63053x2", "63053", [], 2),
        ("63053X2", "63053", [], 2),
        ("63053-62", "63053", ["62"], 1),
        ("63053-62x2", "63053", ["62"], 2),
        ("63047-xs", "63047", ["XS"], 1),
        ("63052-51-62", "63052", ["51", "62"], 1),
        ("69990", "69990", [], 1),
        ("22840", "22840", [], 1),  # no rule concerns it: it stays on the claim untouched
        ("C1713", "C1713", [], 1),  # HCPCS level II form
    ],
)
def test_line_specs(spec, code, modifiers, units):
    line = parse_line_spec(spec)
    assert (line.code, line.modifiers, line.units) == (code, modifiers, units)


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ("6305", "not a CPT/HCPCS code"),
        ("630521", "not a CPT/HCPCS code"),
        ("abcde", "not a CPT/HCPCS code"),
        ("63053x0", "units must be 1 or more"),
        ("63053x-2", "units must be 1 or more"),
        ("63052-5", "not a two-character modifier"),
        ("63052--62", "expected CODE"),
        ("63052 x2", "expected CODE"),
        ("", "expected CODE"),
    ],
)
def test_bad_line_specs(spec, fragment):
    with pytest.raises(ClaimError) as info:
        parse_line_spec(spec)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_claim_from_specs_keeps_order():
    claim = claim_from_specs(["22630", "63052", "63053x2"], "A1")
    assert [l.spec() for l in claim.lines] == ["22630", "63052", "63053x2"]
    assert claim.units("63052", "63053") == 3


def test_json_claim_single_and_list(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"case_id": "A", "lines": [{"code": "63052", "units": 1, "modifiers": ["51"]}]}))
    claims = load_claims(one)
    assert claims["A"].lines[0].modifiers == ["51"]
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"case_id": "A", "lines": []}, {"case_id": "B", "lines": [{"code": "22630"}]}]))
    assert set(load_claims(many)) == {"A", "B"}
    assert select_claim(load_claims(many), "B", "many.json").lines[0].code == "22630"


def test_csv_claims(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("case_id,code,units,modifiers\nA,22630,1,\nA,63053,2,62;XS\nB,63052,,51 62\n")
    claims = load_claims(path)
    assert [l.spec() for l in claims["A"].lines] == ["22630", "63053-62-XSx2"]
    assert claims["B"].lines[0].modifiers == ["51", "62"]


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("c.csv", "case_id,units\nA,1\n", "missing column(s) code"),
        ("c.csv", "code,units\n63052,1\n", "missing column(s) case_id"),
        ("c.csv", "case_id,code,units\nA,63052,0\n", "line 2: units: units must be 1 or more"),
        ("c.csv", "case_id,code,units\nA,63052,1\nA,6305X2,1\n", "line 3: code"),
        ("c.csv", "case_id,code,units\nA,63052,two\n", "not a whole number"),
        ("c.csv", "case_id,code\n,63052\n", "case_id is empty"),
        ("c.json", "{\"case_id\": \"A\"}", "missing field 'lines'"),
        ("c.json", "[{\"case_id\": \"A\", \"lines\": []}, {\"case_id\": \"A\", \"lines\": []}]", "duplicate case id 'A'"),
        ("c.json", "{\"case_id\": \"A\", \"lines\": [{\"code\": \"63052\", \"units\": -1}]}", "lines.0.units"),
        ("c.json", "{not json", "not valid JSON"),
        ("c.csv", "case_id,code\nA," + "x" * 200_000 + "\n", "not a readable CSV file"),
        ("c.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        # strict: a misspelt key would silently lose what it carries (here the modifier-51 error)
        ("c.json", "{\"case_id\": \"A\", \"lines\": [{\"code\": \"63052\", \"modifier\": [\"51\"]}]}",
         "lines.0: unknown field 'modifier' (accepted: code, units, modifiers)"),
        ("c.json", "{\"case_id\": \"A\", \"dos\": \"2026-01-02\", \"lines\": []}",
         "unknown field 'dos' (accepted: case_id, date_of_service, diagnoses, lines)"),
        ("c.json", "{\"case_id\": \"A\", \"diagnoses\": [\"stenosis\"], \"lines\": []}", "not an ICD-10-CM code"),
        ("c.csv", "case_id,code,modifer\nA,63052,51\n", "unknown column 'modifer' (accepted: case_id, code, units"),
        ("c.csv", "case_id,code,units,date_of_service\nA,63052,1,03/01/2026\n", "line 2: date_of_service"),
        ("c.csv", "case_id,cpt,code\nA,63052,63052\n", "column code given twice"),
        ("c.json", "", "empty"),
    ],
)
def test_claim_file_errors(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    assert fragment in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)


def test_select_claim_errors(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("case_id,code\nA,22630\nB,22630\n")
    claims = load_claims(path)
    with pytest.raises(ClaimError, match="no claim for case id 'C'"):
        select_claim(claims, "C", str(path))
    with pytest.raises(ClaimError, match="2 cases"):
        select_claim(claims, None, str(path))
    with pytest.raises(ClaimError, match="no such claim file"):
        load_claims(tmp_path / "absent.csv")


def test_jsonl_claims_and_rows_of_a_case_anywhere(tmp_path):
    jsonl = tmp_path / "claims.jsonl"
    jsonl.write_text(json.dumps({"case_id": "A", "lines": [{"code": "22630"}]}) + "\n\n"
                     + json.dumps({"case_id": "B", "date_of_service": "2026-03-01", "lines": []}) + "\n")
    claims = load_claims(jsonl)
    assert claims["A"].lines[0].code == "22630" and str(claims["B"].date_of_service) == "2026-03-01"
    csv_path = tmp_path / "claims.csv"
    csv_path.write_text("case_id,code,units,modifiers\nA,22630,1,\nB,22630,1,\nA,63052,1,\n")
    assert [l.code for l in load_claims(csv_path)["A"].lines] == ["22630", "63052"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n{oops\n")
    with pytest.raises(ClaimError, match="bad.jsonl: line 1: missing field 'lines'"):
        load_claims(bad)


def test_csv_header_aliases_and_claim_fields(tmp_path):
    """Coders' exports spell headers their own way: CPT, Case ID, Modifier, DOS, Dx are read as
    the columns they name; date of service and diagnoses are kept, never dropped."""
    path = tmp_path / "export.csv"
    path.write_text("Case ID,CPT,Qty,Modifier,DOS,Dx\nA,22630,1,,2026-03-01,M48.062\nA,63053,2,62,2026-03-01,m5416;M48.062\n")
    [claim] = load_claims(path).values()
    assert [l.spec() for l in claim.lines] == ["22630", "63053-62x2"]
    assert str(claim.date_of_service) == "2026-03-01" and claim.diagnoses == ["M48.062", "M54.16"]


CLAIMS = Path(__file__).resolve().parents[1] / "fixtures" / "claims"


@pytest.mark.parametrize("other", ["two-cases.837", "two-cases-pipe.837", "bundle.fhir.json"])
def test_837p_and_fhir_read_as_the_equivalent_csv(tmp_path, other):
    """Told apart by content, not by name: the same bytes under a neutral name read the same."""
    neutral = tmp_path / "claims.dat"
    neutral.write_bytes((CLAIMS / other).read_bytes())
    assert load_claims(neutral) == load_claims(CLAIMS / "two-cases.csv")


def test_837p_and_fhir_give_the_same_report_as_the_csv(extract, library):
    from opnote_check.check import build_report

    note = (Path(__file__).resolve().parents[1] / "fixtures" / "notes" / "demo-tlif.txt").read_text()
    extraction = extract(note)

    def report(path):
        claim = select_claim(load_claims(path), "OPN-1001", str(path))
        return build_report(extraction, claim, library, "v", "OPN-1001").model_dump()

    expected = report(CLAIMS / "two-cases.csv")
    assert report(CLAIMS / "two-cases.837") == expected and report(CLAIMS / "bundle.fhir.json") == expected
    assert expected["provenance"]["date_of_service"].isoformat() == "2024-03-05"
