"""FHIR Claim reader, and the same two cases read from 837P, FHIR and CSV agreeing."""

import copy
import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from opnote_check import claims_fhir, claims_x12
from opnote_check.claims import Claim, ClaimError, ClaimLine

CLAIMS = Path(__file__).resolve().parent.parent / "fixtures" / "claims"
CLAIM = json.loads((CLAIMS / "claim.fhir.json").read_text(encoding="utf-8"))
BUNDLE = json.loads((CLAIMS / "bundle.fhir.json").read_text(encoding="utf-8"))
CPT = "http://www.ama-assn.org/go/cpt"


def summary(claim):
    return (claim.case_id, claim.date_of_service, claim.diagnoses, [(l.code, l.units, l.modifiers) for l in claim.lines])


def csv_claims(path):
    """The CSV fixture parsed here with the csv module: one row per line, case fields repeated."""
    rows: dict[str, list[dict]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["case_id"], []).append(row)
    claims = {}
    for case_id, case_rows in rows.items():
        first = case_rows[0]
        assert all((r["date_of_service"], r["diagnoses"]) == (first["date_of_service"], first["diagnoses"]) for r in case_rows)
        claims[case_id] = Claim(
            case_id=case_id,
            date_of_service=date.fromisoformat(first["date_of_service"]),
            diagnoses=first["diagnoses"].split(";"),
            lines=[ClaimLine(code=r["code"], units=int(r["units"]), modifiers=[m for m in r["modifiers"].split(";") if m])
                   for r in case_rows],
        )
    return claims


CSV = csv_claims(CLAIMS / "two-cases.csv")
SOURCES = {
    "837": lambda: claims_x12.read((CLAIMS / "two-cases.837").read_text(encoding="utf-8"), "two-cases.837"),
    "837-pipe": lambda: claims_x12.read((CLAIMS / "two-cases-pipe.837").read_text(encoding="utf-8"), "pipe.837"),
    "fhir-bundle": lambda: claims_fhir.read(BUNDLE, "bundle.fhir.json"),
}


@pytest.mark.parametrize("source", SOURCES)
def test_source_has_exactly_the_csv_cases(source):
    assert [c.case_id for c in SOURCES[source]()] == ["OPN-1001", "OPN-1002"] == list(CSV)


PAIRS = [(source, case_id) for source in SOURCES for case_id in CSV] + [("fhir-claim", "OPN-1001")]


@pytest.mark.parametrize("source, case_id", PAIRS)
def test_837_fhir_and_csv_give_equal_claims(source, case_id):
    """claim.fhir.json holds the first case only."""
    claims = claims_fhir.read(CLAIM, "claim.fhir.json") if source == "fhir-claim" else SOURCES[source]()
    claim = next(c for c in claims if c.case_id == case_id)
    assert summary(claim) == summary(CSV[case_id])
    assert claim == CSV[case_id]


@pytest.mark.parametrize(
    "obj, expected",
    [(CLAIM, True), (BUNDLE, True), ({"resourceType": "Patient"}, False), ({}, False), ([CLAIM], False),
     ("Claim", False), ({"lines": []}, False)],
    ids=["claim", "bundle", "patient", "empty", "list", "string", "project-json"],
)
def test_looks_like(obj, expected):
    assert claims_fhir.looks_like(obj) is expected


def edited(resource, edit):
    out = copy.deepcopy(resource)
    edit(out)
    return out


def set_path(obj, path, value):
    *parents, last = path
    for key in parents:
        obj = obj[key]
    obj[last] = value


def drop_dates(claim):
    for item in claim["item"]:
        item.pop("servicedDate", None)
        item.pop("servicedPeriod", None)


BUNDLE_B = BUNDLE["entry"][2]["resource"]


@pytest.mark.parametrize(
    "resource, field, expected",
    [
        (CLAIM, "case_id", "OPN-1001"),  # identifier[0].value, not the id 'claim-a'
        (edited(CLAIM, lambda c: c.pop("identifier")), "case_id", "claim-a"),
        (edited(CLAIM, lambda c: c["identifier"][0].pop("value")), "case_id", "claim-a"),
        (BUNDLE_B, "codes", ["63047", "63048"]),  # a local coding before the HCPCS one is passed over
        (edited(CLAIM, lambda c: set_path(c, ["item", 0, "productOrService", "coding"],
                                          [{"system": "http://example.org/x", "code": "X1"}, {"system": CPT, "code": "22633"}])),
         "codes", ["22633", "63052", "63053"]),
        (edited(CLAIM, lambda c: set_path(c, ["item", 0, "productOrService", "coding"],
                                          [{"system": "http://example.org/local", "code": "22612"},
                                           {"system": "urn:example:HCPCS-level-2", "code": "L0631"}])),
         "codes", ["L0631", "63052", "63053"]),
        (edited(CLAIM, lambda c: set_path(c, ["item", 0, "productOrService", "coding"],
                                          [{"system": "http://example.org/local", "code": "22612"}])),
         "codes", ["22612", "63052", "63053"]),
        (BUNDLE_B, "date", date(2024, 4, 11)),  # servicedPeriod.start of the first item
        (edited(BUNDLE_B, drop_dates), "date", date(2024, 4, 10)),  # billablePeriod.start
        (edited(CLAIM, drop_dates), "date", None),
        (edited(CLAIM, lambda c: [c["item"][0].pop("servicedDate"), set_path(c, ["item", 1, "servicedDate"], "2024-03-06")]),
         "date", date(2024, 3, 6)),
        (edited(CLAIM, lambda c: [c["item"][0].pop("servicedDate"),
                                  set_path(c, ["item", 0, "servicedPeriod"], {"start": "2024-03-04T23:30:00-05:00"})]),
         "date", date(2024, 3, 4)),
        (BUNDLE_B, "diagnoses", ["M43.16", "M54.16"]),  # 'M4316' has no system: taken, normalised
        (edited(CLAIM, lambda c: c["diagnosis"].append(
            {"sequence": 3, "diagnosisCodeableConcept": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "G95.2"}]}})),
         "diagnoses", ["M48.062", "M51.16"]),
        (edited(CLAIM, lambda c: c["diagnosis"].append({"sequence": 3, "diagnosisReference": {"reference": "Condition/x"}})),
         "diagnoses", ["M48.062", "M51.16"]),
        (edited(CLAIM, lambda c: set_path(c, ["item", 2, "quantity"], {"value": 3})), "units", [1, 1, 3]),
        (edited(CLAIM, lambda c: set_path(c, ["item", 2, "quantity"], {"value": 3.0})), "units", [1, 1, 3]),
        (edited(CLAIM, lambda c: set_path(c, ["item", 2, "quantity"], {"value": "3"})), "units", [1, 1, 3]),  # lenient
        (edited(CLAIM, lambda c: c["item"][2].pop("quantity")), "units", [1, 1, 1]),
        (edited(CLAIM, lambda c: set_path(c, ["item", 2, "modifier"], [{"coding": [{"code": "xs"}]}])), "modifiers",
         [[], ["62", "59"], ["XS"]]),
    ],
    ids=["identifier", "id-without-identifier", "id-when-identifier-has-no-value", "hcpcs-over-local", "cpt-over-local",
         "system-containing-hcpcs", "first-coding-otherwise", "period-start", "billable-period", "no-date",
         "first-dated-item", "datetime-with-offset", "no-system-diagnosis", "other-system-skipped",
         "diagnosis-reference-skipped", "int-quantity", "float-quantity", "string-quantity", "no-quantity", "modifier"],
)
def test_fields(resource, field, expected):
    (claim,) = claims_fhir.read(resource, "claim.json")
    got = {
        "case_id": claim.case_id,
        "codes": [l.code for l in claim.lines],
        "date": claim.date_of_service,
        "diagnoses": claim.diagnoses,
        "units": [l.units for l in claim.lines],
        "modifiers": [l.modifiers for l in claim.lines],
    }[field]
    assert got == expected


def entry(i):
    return ["entry", i, "resource"]


ERRORS = [
    ("quantity-string", edited(CLAIM, lambda c: set_path(c, ["item", 1, "quantity", "value"], "two")),
     "Claim.item[1].quantity.value: Decimal value string does not match"),
    ("quantity-fraction", edited(CLAIM, lambda c: set_path(c, ["item", 1, "quantity", "value"], 1.5)),
     "Claim.item[1].quantity.value: 1.5 is not a whole number of units"),
    ("quantity-zero", edited(CLAIM, lambda c: set_path(c, ["item", 1, "quantity", "value"], 0)),
     "Claim.item[1].quantity.value: units must be 1 or more"),
    ("no-product-or-service", edited(CLAIM, lambda c: c["item"][0].pop("productOrService")),
     "Claim.item[0].productOrService: Field required"),
    ("product-without-code", edited(CLAIM, lambda c: set_path(c, ["item", 0, "productOrService"], {"text": "laminectomy"})),
     "Claim.item[0].productOrService: no coding with a code"),
    ("not-a-cpt-code", edited(CLAIM, lambda c: set_path(c, ["item", 0, "productOrService", "coding", 0, "code"], "6305")),
     "Claim.item[0].productOrService: '6305' is not a CPT/HCPCS code"),
    ("modifier-without-coding", edited(CLAIM, lambda c: set_path(c, ["item", 0, "modifier"], [{"text": "bilateral"}])),
     "Claim.item[0].modifier[0]: no coding with a code"),
    ("bad-modifier", edited(CLAIM, lambda c: set_path(c, ["item", 1, "modifier", 1, "coding", 0, "code"], "5")),
     "Claim.item[1].modifier: '5' is not a two-character modifier"),
    ("missing-patient", edited(CLAIM, lambda c: c.pop("patient")), "Claim.patient: Field required"),
    ("missing-insurance", edited(CLAIM, lambda c: c.pop("insurance")), "Claim.insurance: Field required"),
    ("missing-status", edited(CLAIM, lambda c: c.pop("status")), "Claim.status: Value for the field 'status' is required"),
    ("missing-item-sequence", edited(CLAIM, lambda c: c["item"][2].pop("sequence")),
     "Claim.item[2].sequence: Value for the field 'sequence' is required"),
    ("unknown-field", edited(CLAIM, lambda c: set_path(c, ["lines"], [])), "Claim.lines: Extra inputs are not permitted"),
    ("bad-date", edited(CLAIM, lambda c: set_path(c, ["item", 0, "servicedDate"], "2024-02-30")), "Claim.item[0].servicedDate: "),
    ("partial-date", edited(CLAIM, lambda c: set_path(c, ["item", 1, "servicedDate"], "2024-03")),
     "Claim.item[1].servicedDate: a partial date, not a day"),
    ("partial-billable-period", edited(CLAIM, lambda c: [drop_dates(c), set_path(c, ["billablePeriod"], {"start": "2024"})]),
     "Claim.billablePeriod.start: a partial date, not a day"),
    ("date-and-period", edited(CLAIM, lambda c: set_path(c, ["item", 0, "servicedPeriod"], {"start": "2024-03-05"})),
     "Claim.item[0]: Any of one field value is expected"),
    ("no-items", edited(CLAIM, lambda c: c.pop("item")), "Claim.item: claim has no items"),
    ("bad-icd", edited(CLAIM, lambda c: set_path(c, ["diagnosis", 1, "diagnosisCodeableConcept", "coding", 0, "code"], "Q")),
     "Claim.diagnosis: 'Q' is not an ICD-10-CM code"),
    ("wrong-resource-type", {"resourceType": "Patient", "id": "p"}, "resourceType 'Patient' is not Claim or Bundle"),
    ("contained-unknown-type", edited(CLAIM, lambda c: set_path(c, ["contained"], [{"resourceType": "Nope"}])),
     "Claim: fhir.resources cannot validate it (KeyError"),
    ("bundle-entry-error", edited(BUNDLE, lambda b: set_path(b, entry(2) + ["item", 0, "quantity", "value"], "x")),
     "Bundle.entry[2].resource.item[0].quantity.value: "),
    ("bundle-missing-field", edited(BUNDLE, lambda b: b["entry"][0]["resource"].pop("provider")),
     "Bundle.entry[0].resource.provider: Field required"),
    ("bundle-without-claims", edited(BUNDLE, lambda b: set_path(b, ["entry"], b["entry"][1:2])),
     "Bundle.entry: no Claim resource in the bundle"),
    ("bundle-entry-not-list", edited(BUNDLE, lambda b: set_path(b, ["entry"], {"resource": CLAIM})), "Bundle.entry: not a list"),
]


@pytest.mark.parametrize("resource, fragment", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_are_one_line_and_name_file_and_path(resource, fragment):
    with pytest.raises(ClaimError) as info:
        claims_fhir.read(resource, "claim.json")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"claim.json: {fragment}")


def test_bundle_skips_other_resources_without_validating_them():
    bundle = edited(BUNDLE, lambda b: set_path(b, entry(1) + ["birthDate"], "not a date"))
    assert [c.case_id for c in claims_fhir.read(bundle, "b.json")] == ["OPN-1001", "OPN-1002"]


def test_importing_fhir_resources_changes_no_global_behaviour():
    """In a fresh interpreter: json, pydantic's BaseModel and the root logger are as before."""
    code = """
import json, logging, warnings
import pydantic
root = logging.getLogger()
def state():
    return (dict(vars(json)), dict(vars(pydantic.BaseModel)), dict(pydantic.BaseModel.model_config),
            list(root.handlers), root.level, list(warnings.filters), json.dumps({"a": 1.5}))
before = state()
import opnote_check.claims_fhir as fhir
fhir.read(json.load(open(%r, encoding="utf-8")), "b.json")
assert state() == before
class M(pydantic.BaseModel):
    x: int
assert M.model_validate({"x": "2", "y": 1}).x == 2, "extra fields must still be ignored by default"
print("ok")
""" % str(CLAIMS / "bundle.fhir.json")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("ok\n", "")
