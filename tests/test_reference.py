import json
from datetime import date

import pytest

from opnote_check.patterns import PatternError, packaged_dir
from opnote_check.reference import load_reference

PACKAGED = packaged_dir() / "reference"


def test_tables_carry_their_dates_and_sources(library):
    [pfs] = library.pfs
    [ncci] = library.ncci
    assert (pfs.effective_from, pfs.effective_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert (ncci.effective_from, ncci.effective_to) == (date(2024, 7, 1), date(2024, 9, 30))
    assert ncci.mue["63052"].units == 1 and ncci.mue["63053"].units == 4
    assert "63052" in ncci.addon_primaries["63053"].primaries
    assert pfs.codes["63052"].mult_proc == 0 and pfs.codes["63052"].global_ == "ZZZ"
    assert pfs.conversion_factor.non_qp == 33.4009 and pfs.conversion_factor.qp == 33.5675


@pytest.mark.parametrize(
    "code, units, amount",
    [
        ("63047", 1, 1065.49),  # 2026: work 14.99, total 31.90 (not the 2025 values)
        ("63048", 1, 187.38),
        ("63053", 1, 204.75),
        ("63053", 2, 409.50),
        ("22612", 1, 1467.64),
        ("22614", 1, 349.37),
        ("63030", 1, 898.15),
        ("63035", 1, 206.42),
        ("63052", 1, 229.80),
        ("22841", 1, 0.0),  # status B: never paid separately
        ("20930", 1, 0.0),
        ("20936", 1, 0.0),
        ("99999", 1, 0.0),  # not in the table: nothing claimed
    ],
)
def test_amounts_for_a_2026_date_of_service(reference, code, units, amount):
    assert reference.amount(code, units) == amount


def test_qualifying_apm_conversion_factor(library):
    qp = library.on(date(2026, 6, 1), qp=True)
    assert qp.conversion_factor == 33.5675 and qp.amount("63053") == 205.77
    assert "qualifying APM participant" in qp.payment_basis


@pytest.mark.parametrize(
    "day, fragments",
    [
        (date(2023, 5, 1), ["no fee schedule table covers 2023-05-01", "no NCCI table covers 2023-05-01"]),
        (date(2024, 8, 1), ["no fee schedule table covers 2024-08-01"]),
        (date(2026, 11, 2), ["older than the date of service 2026-11-02"]),
    ],
)
def test_coverage_problems_name_the_gap(library, day, fragments):
    problems = " ".join(library.on(day).coverage_problems())
    for fragment in fragments:
        assert fragment in problems


def test_a_site_quarter_covering_the_date_leaves_no_problem(current_library):
    ref = current_library.on(date(2026, 11, 2))
    assert ref.ncci.release == "NCCI 2026Q4 (test copy)"
    assert ref.coverage_problems() == []
    # the packaged quarter is still picked for its own dates
    assert current_library.on(date(2024, 8, 1)).ncci.release == "NCCI 2024Q3"


def test_a_newer_pfs_table_drops_in_without_code(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    data = json.loads((PACKAGED / "pfs-2026.json").read_text())
    data.update(release="PFS 2027 (test)", effective_from="2027-01-01", effective_to="2027-12-31")
    data["conversion_factor"]["non_qp"] = 40.0
    (folder / "pfs-2027.json").write_text(json.dumps(data))
    library = load_reference(tmp_path)
    assert library.on(date(2027, 3, 1)).amount("63053") == round(6.13 * 40.0, 2)
    assert library.on(date(2026, 3, 1)).amount("63053") == 204.75


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda d: d.update(kind="cms"), "kind: expected 'pfs', 'ncci' or 'diagnoses'"),
        (lambda d: d.update(effective_to="2025-01-01"), "before effective_from"),
        (lambda d: d["codes"]["63053"].update(source="NOWHERE"), "source 'NOWHERE' is not listed"),
        (lambda d: d["codes"]["63053"].update(total="six"), "codes.63053.total"),
    ],
)
def test_a_broken_site_table_is_a_one_line_error(tmp_path, change, fragment):
    folder = tmp_path / "reference"
    folder.mkdir()
    data = json.loads((PACKAGED / "pfs-2026.json").read_text())
    change(data)
    (folder / "pfs-2026.json").write_text(json.dumps(data))
    with pytest.raises(PatternError) as err:
        load_reference(tmp_path)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_diagnosis_families(reference):
    table = reference.diagnoses
    assert table.compression_family("M48.062").id == "dx.stenosis_lumbar"
    assert table.compression_family("M51.16").id == "dx.disc_radiculopathy"
    assert table.compression_family("M51.362") is None  # degenerative disc disease alone
    assert table.compression_family("M43.16") is None  # spondylolisthesis alone
    assert table.invalid_on("M51.36", date(2024, 10, 1)).id == "dx.m5136_truncated"
    assert table.invalid_on("M51.36", date(2024, 9, 30)) is None
    assert table.invalid_on("M51.362", date(2026, 1, 1)) is None
