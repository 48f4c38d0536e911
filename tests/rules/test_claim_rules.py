from datetime import date

import pytest

from opnote_check.claims import claim_from_specs

from opnote_check.rules import REGISTRY, CheckContext

DOS = date(2026, 11, 2)  # as in conftest: inside the packaged fee schedule
from .helpers import claim


def fired(rule_id, reference, *specs):
    rule = REGISTRY[rule_id]
    return list(rule.check(CheckContext(None, claim(*specs), reference)))


# SPEC §6, claim-only rules: the severity each must report with
SPEC_SEVERITY = {
    "ADDON_WITHOUT_PRIMARY": "error", "ADDON_63053_WITHOUT_63052": "warning", "UNITS_EXCEED_MUE": "error",
    "MODIFIER_51_ON_ADDON": "error", "MODIFIER_BILATERAL_ON_ADDON": "warning", "MODIFIER_66_NOT_ALLOWED": "error",
    "ADDON_UNITS_EXCEED_FUSED": "error", "INCOMPATIBLE_PRIMARY_PAIR": "error", "NCCI_MODIFIER_NEEDED": "warning",
    "MICROSCOPE_NOT_PAYABLE": "warning", "REFERENCE_DATE_NOT_COVERED": "warning",
    "FUSION_ADDON_WITHOUT_PRIMARY": "error", "NCCI_MODIFIER_CHOICE": "warning", "DIAGNOSIS_NOT_SUPPORTING": "warning",
    "CO_SURGERY_MODIFIER_INCONSISTENT": "warning",
}


@pytest.mark.parametrize(
    "rule_id, specs, fires",
    [
        ("ADDON_WITHOUT_PRIMARY", ["22612", "63052"], True),
        ("ADDON_WITHOUT_PRIMARY", ["22558", "63052", "63053"], True),
        ("ADDON_WITHOUT_PRIMARY", ["22630", "63052"], False),
        ("ADDON_WITHOUT_PRIMARY", ["22634", "22633", "63053"], False),
        ("ADDON_WITHOUT_PRIMARY", ["22612", "63047"], False),
        ("ADDON_63053_WITHOUT_63052", ["22630", "22632", "63053x2"], True),
        ("ADDON_63053_WITHOUT_63052", ["22630", "63052", "63053"], False),
        ("UNITS_EXCEED_MUE", ["22633", "63052x3"], True),
        ("UNITS_EXCEED_MUE", ["22630", "63052", "63053x5"], True),
        ("UNITS_EXCEED_MUE", ["22630", "63052", "63053x4"], False),
        ("UNITS_EXCEED_MUE", ["22630", "63052-62", "63052-62"], True),  # units add up across lines
        ("MODIFIER_51_ON_ADDON", ["22630", "63052-51"], True),
        ("MODIFIER_51_ON_ADDON", ["22630-51", "63052"], False),
        ("MODIFIER_BILATERAL_ON_ADDON", ["22630", "63052-50"], True),
        ("MODIFIER_BILATERAL_ON_ADDON", ["22630", "63052-LT"], True),
        ("MODIFIER_BILATERAL_ON_ADDON", ["22630", "63052-62"], False),
        ("MODIFIER_66_NOT_ALLOWED", ["22630", "63053-66"], True),
        ("MODIFIER_66_NOT_ALLOWED", ["22630", "63053-62"], False),
        ("ADDON_UNITS_EXCEED_FUSED", ["22630", "63052", "63053"], True),
        ("ADDON_UNITS_EXCEED_FUSED", ["22612", "63052"], True),
        ("ADDON_UNITS_EXCEED_FUSED", ["22630", "22632", "63052", "63053"], False),
        ("ADDON_UNITS_EXCEED_FUSED", ["22633", "22634x2", "63052", "63053x2"], False),
        ("INCOMPATIBLE_PRIMARY_PAIR", ["22633", "22612"], True),
        ("INCOMPATIBLE_PRIMARY_PAIR", ["22633", "22630"], True),
        ("INCOMPATIBLE_PRIMARY_PAIR", ["22633", "22634"], False),
        ("INCOMPATIBLE_PRIMARY_PAIR", ["22612", "22630"], False),
        ("NCCI_MODIFIER_NEEDED", ["22630", "63047"], True),
        ("NCCI_MODIFIER_NEEDED", ["22630", "63047-XS"], False),
        ("NCCI_MODIFIER_NEEDED", ["22630", "63047-59"], False),
        ("NCCI_MODIFIER_NEEDED", ["22633", "63030"], True),
        ("NCCI_MODIFIER_NEEDED", ["63047-XS", "63052"], True),  # 63052 is column 2 of 63047
        ("NCCI_MODIFIER_NEEDED", ["22630", "63052"], False),  # the 2023 edit was deleted
        ("NCCI_MODIFIER_NEEDED", ["22612", "63047"], False),
        ("MICROSCOPE_NOT_PAYABLE", ["22630", "63052", "69990"], True),
        ("MICROSCOPE_NOT_PAYABLE", ["63030", "69990"], True),
        ("MICROSCOPE_NOT_PAYABLE", ["22630", "63052"], False),
        ("NCCI_MODIFIER_NEEDED", ["63052", "63030"], True),  # 2024 pairs once missing from the table
        ("NCCI_MODIFIER_NEEDED", ["63052", "63042"], True),
        ("NCCI_MODIFIER_NEEDED", ["63053", "63042-XS"], False),
        ("NCCI_MODIFIER_NEEDED", ["22630", "63042"], True),
        ("NCCI_MODIFIER_NEEDED", ["22612", "22630"], True),
        ("NCCI_MODIFIER_NEEDED", ["22612", "22630-XS"], False),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22630", "22634"], True),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22634", "63052"], True),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22630", "22632"], False),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22612", "22632"], False),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22633", "22634x2"], False),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22632"], True),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22633", "22614"], False),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22558", "22614"], True),
        ("FUSION_ADDON_WITHOUT_PRIMARY", ["22600", "22614"], False),
        ("NCCI_MODIFIER_CHOICE", ["22630", "63047-59-XS"], True),  # never both
        ("NCCI_MODIFIER_CHOICE", ["22630", "63047-59"], True),  # XS is the precise one
        ("NCCI_MODIFIER_CHOICE", ["22630", "63047-XS"], False),
        ("NCCI_MODIFIER_CHOICE", ["22630", "63052", "69990-59"], False),  # 59 outside a spine PTP pair: not ours
        ("NCCI_MODIFIER_CHOICE", ["22630", "63047-XE"], False),  # XE questioned only against the note
        ("CO_SURGERY_MODIFIER_INCONSISTENT", ["22630-62", "63052"], True),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", ["22630", "63052-62"], True),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", ["22630-62", "63052-62"], False),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", ["22630-62-80", "63052-62-80"], True),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", ["22630-80", "63052-80"], False),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", ["22630-62"], False),
    ],
)
def test_claim_rule(reference, rule_id, specs, fires):
    gaps = fired(rule_id, reference, *specs)
    assert bool(gaps) is fires
    for gap in gaps:
        assert gap.rule == rule_id and gap.message and gap.fix and gap.severity == SPEC_SEVERITY[rule_id]


def test_error_gaps_carry_the_amount_at_risk(reference):
    [gap] = fired("ADDON_WITHOUT_PRIMARY", reference, "22612", "63052", "63053x2")
    assert gap.amount_at_risk == pytest.approx(229.80 + 2 * 204.75)
    [gap] = fired("UNITS_EXCEED_MUE", reference, "22633", "63052x3")
    assert gap.amount_at_risk == pytest.approx(2 * 229.80)


def test_codes_no_rule_concerns_stay_untouched(current_reference):
    specs = ["22630", "63052", "22840", "20936", "22853x2", "22558"]
    from opnote_check.rules import run_rules

    assert run_rules(CheckContext(None, claim(*specs), current_reference)) == []


@pytest.mark.parametrize(
    "diagnoses, day, fires, fragment",
    [
        (["M51.362"], date(2026, 3, 1), True, "none is a neural compression diagnosis"),  # DDD alone
        (["M43.16", "M51.362"], date(2026, 3, 1), True, "none is a neural compression diagnosis"),
        (["M48.062"], date(2026, 3, 1), False, None),
        (["M51.362", "M54.16"], date(2026, 3, 1), False, None),
        (["M51.16"], date(2026, 3, 1), False, None),
        (["M48.062", "M51.36"], date(2026, 3, 1), True, "not a valid ICD-10-CM code on 2026-03-01"),
        (["M48.062", "M51.36"], date(2024, 9, 1), False, None),  # still valid before FY2025
        ([], date(2026, 3, 1), False, None),  # no diagnoses on the claim: nothing to judge
    ],
)
def test_diagnosis_not_supporting(library, diagnoses, day, fires, fragment):
    ref = library.on(day)
    the_claim = claim_from_specs(["22630", "63052"], date_of_service=day, diagnoses=diagnoses)
    gaps = list(REGISTRY["DIAGNOSIS_NOT_SUPPORTING"].check(CheckContext(None, the_claim, ref)))
    assert bool(gaps) is fires
    if fragment:
        assert any(fragment in g.message for g in gaps)


def test_no_compression_diagnosis_needs_a_decompression_line(reference):
    the_claim = claim_from_specs(["22630"], diagnoses=["M51.362"])
    assert list(REGISTRY["DIAGNOSIS_NOT_SUPPORTING"].check(CheckContext(None, the_claim, reference))) == []


@pytest.mark.parametrize(
    "day, fires",
    [(date(2023, 5, 1), True), (DOS, True), (date(2024, 8, 1), True)],  # packaged: PFS 2026 and NCCI 2024Q3 never meet
)
def test_reference_date_not_covered_with_packaged_tables(library, day, fires):
    gaps = list(REGISTRY["REFERENCE_DATE_NOT_COVERED"].check(CheckContext(None, claim("63052"), library.on(day))))
    assert bool(gaps) is fires


def test_reference_date_covered_by_a_site_quarter(current_library):
    ref = current_library.on(DOS)
    assert list(REGISTRY["REFERENCE_DATE_NOT_COVERED"].check(CheckContext(None, claim("63052"), ref))) == []
    old = current_library.on(date(2023, 5, 1))
    [gap] = REGISTRY["REFERENCE_DATE_NOT_COVERED"].check(CheckContext(None, claim("63052"), old))
    assert "2023-05-01" in gap.message


@pytest.mark.parametrize(
    "specs, fragment",
    [
        (["22633", "22630"], "+22632"),  # re-code the other interspace, do not drop it
        (["22633", "22612"], "+22614"),
    ],
)
def test_incompatible_pair_fix_recodes_the_other_interspace(reference, specs, fragment):
    [gap] = fired("INCOMPATIBLE_PRIMARY_PAIR", reference, *specs)
    assert fragment in gap.fix and "remove" not in gap.fix.lower()


def test_63047_beside_63052_puts_the_modifier_on_63052(reference):
    [gap] = fired("NCCI_MODIFIER_NEEDED", reference, "22630", "63047-XS", "63052")
    assert "append XS to 63052" in gap.fix and "stays reportable" in gap.fix


def test_fusion_addon_fix_names_the_right_addon(reference):
    [gap] = fired("FUSION_ADDON_WITHOUT_PRIMARY", reference, "22630", "22634")
    assert "+22632" in gap.fix and gap.amount_at_risk == 432.54
