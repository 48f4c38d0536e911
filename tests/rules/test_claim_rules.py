import pytest

from opnote_check.rules import REGISTRY, CheckContext

from .helpers import claim


def fired(rule_id, reference, *specs):
    rule = REGISTRY[rule_id]
    return list(rule.check(CheckContext(None, claim(*specs), reference)))


# SPEC §6, claim-only rules: the severity each must report with
SPEC_SEVERITY = {
    "ADDON_WITHOUT_PRIMARY": "error", "ADDON_63053_WITHOUT_63052": "warning", "UNITS_EXCEED_MUE": "error",
    "MODIFIER_51_ON_ADDON": "error", "MODIFIER_BILATERAL_ON_ADDON": "warning", "MODIFIER_66_NOT_ALLOWED": "error",
    "ADDON_UNITS_EXCEED_FUSED": "error", "INCOMPATIBLE_PRIMARY_PAIR": "error", "NCCI_MODIFIER_NEEDED": "warning",
    "MICROSCOPE_NOT_PAYABLE": "warning",
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


def test_codes_no_rule_concerns_stay_untouched(reference):
    specs = ["22630", "63052", "22840", "20936", "22853x2", "22558"]
    from opnote_check.rules import run_rules

    assert run_rules(CheckContext(None, claim(*specs), reference)) == []
