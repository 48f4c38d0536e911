"""schemas/: the shipped JSON Schemas equal the models' and every fixture's report validates."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from opnote_check.check import build_report
from opnote_check.notes import read_note
from opnote_check.claims import load_claims
from opnote_check.schemas import SCHEMA_NAMES, schema_of, shipped

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "notes"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_shipped_schema_is_the_models(name):
    assert shipped(name) == schema_of(name), "regenerate with: opnote-check schema NAME > src/opnote_check/schemas/NAME.schema.json"
    Draft202012Validator.check_schema(shipped(name))


def test_every_fixture_report_validates(extract, library):
    report_schema = Draft202012Validator(shipped("report"))
    extraction_schema = Draft202012Validator(shipped("extraction"))
    claim_schema = Draft202012Validator(shipped("claim"))
    notes = sorted(FIXTURES.glob("*.txt"))
    assert len(notes) > 300
    for path in notes:
        extraction = extract(read_note(str(path))[1])
        claim_path = path.with_suffix(".claim.json")
        claim = next(iter(load_claims(claim_path).values())) if claim_path.exists() else None
        report = build_report(extraction, claim, library, "test", path.stem)
        errors = [e.message for e in report_schema.iter_errors(report.model_dump(mode="json"))]
        errors += [e.message for e in extraction_schema.iter_errors(extraction.model_dump(mode="json"))]
        if claim_path.exists():
            errors += [e.message for e in claim_schema.iter_errors(json.loads(claim_path.read_text(encoding="utf-8")))]
        assert not errors, (path.name, errors[:3])


def test_schema_command_prints_it():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "opnote_check", "schema", "claim"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout) == shipped("claim")
