import json

import pytest

from opnote_check.patterns import PatternError
from opnote_check.reference import load_reference


def test_reference_values(reference):
    assert reference.release.startswith("CMS PFS 2026")
    assert reference.mue["63052"].units == 1 and reference.mue["63053"].units == 4
    assert reference.rvu["63053"].total == 6.13 and reference.rvu["63053"].national_amount == 204.75
    assert reference.rvu["63053"].inferred is False and reference.rvu["63052"].inferred is True
    assert reference.conversion_factor.value == 33.4009
    assert reference.pfs_indicators["63052"].mult_proc == 0 and reference.pfs_indicators["63052"].global_ == "ZZZ"
    assert "63052" in reference.addon_primaries["63053"].primaries


def test_amount(reference):
    assert reference.amount("63053", 2) == 409.5
    assert reference.amount("22840") == 0.0  # no value in the table: nothing claimed at risk


def test_national_amounts_agree_with_total_times_conversion_factor(reference):
    cf = reference.conversion_factor.value
    for code, rvu in reference.rvu.items():
        assert abs(rvu.total * cf - rvu.national_amount) < 0.01, code


def test_newer_table_drops_in_without_code(tmp_path, reference):
    folder = tmp_path / "reference"
    folder.mkdir()
    data = json.loads(reference.model_dump_json(by_alias=True))
    data["release"] = "CMS PFS 2027 / NCCI 2026Q1"
    data["rvu"]["63053"]["national_amount"] = 210.0
    (folder / "cms-2027.json").write_text(json.dumps(data))
    newer = load_reference(tmp_path)
    assert newer.release == "CMS PFS 2027 / NCCI 2026Q1" and newer.amount("63053") == 210.0


def test_broken_table_is_named(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "cms-2027.json").write_text(json.dumps({"release": "x"}))
    with pytest.raises(PatternError, match="cms-2027.json"):
        load_reference(tmp_path)


def test_sources_must_be_listed(tmp_path, reference):
    folder = tmp_path / "reference"
    folder.mkdir()
    data = json.loads(reference.model_dump_json(by_alias=True))
    data["mue"]["63052"]["source"] = "HEARSAY"
    (folder / "cms-2027.json").write_text(json.dumps(data))
    with pytest.raises(PatternError, match="HEARSAY"):
        load_reference(tmp_path)
