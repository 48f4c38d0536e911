import pytest

from opnote_check.rules import REGISTRY, CheckContext

from .helpers import claim, extraction, seg


def fired(rule_id, reference, ex, *specs):
    return list(REGISTRY[rule_id].check(CheckContext(ex, claim(*specs), reference)))


@pytest.mark.parametrize(
    "rule_id, ex, specs, fires",
    [
        ("NO_INTERBODY_ARTHRODESIS", extraction(seg(fused=False), posterior=False, technique="posterolateral_only"), ["22612", "63052"], True),
        ("NO_INTERBODY_ARTHRODESIS", extraction(seg(fused=False), posterior=False, technique="ALIF"), ["22558", "63052"], True),
        ("NO_INTERBODY_ARTHRODESIS", extraction(seg()), ["22630", "63052"], False),
        ("NO_INTERBODY_ARTHRODESIS", extraction(seg(fused=False), posterior=False), ["63047"], False),
        ("SEGMENT_COUNT_MISMATCH", extraction(seg(), seg("L5-S1", prep_only=True)), ["22630", "22632", "63052", "63053"], True),
        ("SEGMENT_COUNT_MISMATCH", extraction(seg(), seg("L5-S1"), seg("L3-L4")), ["22630", "22632x2", "63052"], True),
        ("SEGMENT_COUNT_MISMATCH", extraction(seg(), seg("L5-S1")), ["22630", "22632", "63052", "63053"], False),
        ("SEGMENT_COUNT_MISMATCH", extraction(seg(), seg("L5-S1")), ["22630", "22632", "63053x2"], False),  # total agrees
        # no add-on billed beside a billed interbody fusion: the documented unit is under-coded
        ("SEGMENT_COUNT_MISMATCH", extraction(seg()), ["22630", "63047"], True),
        ("SEGMENT_COUNT_MISMATCH", extraction(seg()), ["22612", "63047"], False),  # no interbody fusion billed
        ("CO_SURGEON_NOT_DOCUMENTED", extraction(seg()), ["22630-62", "63052-62"], True),
        ("CO_SURGEON_NOT_DOCUMENTED", extraction(seg(), co_surgeon=True), ["22630-62", "63052-62"], False),
        ("CO_SURGEON_NOT_DOCUMENTED", extraction(seg()), ["22630", "63052"], False),
        ("SAME_LEVEL_BILLED_AS_63047", extraction(seg()), ["22630", "63047"], True),
        ("SAME_LEVEL_BILLED_AS_63047", extraction(seg(), seg("L3-L4", fused=False)), ["22630", "63052", "63047-XS"], False),
        ("SAME_LEVEL_BILLED_AS_63047", extraction(seg()), ["22630", "63052"], False),
        # posterolateral + interbody at one interspace billed as 22612 + 22630: that is 22633
        ("SAME_INTERSPACE_22612_22630", extraction(seg(), posterolateral=True, technique="combined_posterolateral_interbody"), ["22612", "22630", "63052"], True),
        ("SAME_INTERSPACE_22612_22630", extraction(seg(), posterolateral=True), ["22612", "22630-XS", "63052"], False),  # coder put them at two levels
        ("SAME_INTERSPACE_22612_22630", extraction(seg()), ["22612", "22630", "63052"], False),  # no posterolateral fusion
        ("SAME_INTERSPACE_22612_22630", extraction(seg(), posterolateral=True), ["22633", "63052"], False),
        # the note shows one interspace fused both ways: "append XS to 22630" would be wrong advice
        ("NCCI_MODIFIER_NEEDED", extraction(seg(), posterolateral=True), ["22612", "22630", "63052"], False),
        ("NCCI_MODIFIER_NEEDED", extraction(seg()), ["22612", "22630", "63052"], True),  # interbody only: two levels
        ("UNFUSED_DECOMPRESSION_UNITS", extraction(seg(), seg("L3-L4", fused=False), seg("L2-L3", fused=False)), ["22630", "63052", "63047-XS"], True),
        ("UNFUSED_DECOMPRESSION_UNITS", extraction(seg(), seg("L3-L4", fused=False), seg("L2-L3", fused=False)), ["22630", "63052", "63047-XS", "63048-XS"], False),
        ("UNFUSED_DECOMPRESSION_UNITS", extraction(seg(), seg("L3-L4", fused=False)), ["22630", "63052", "63030-XS", "63035-XS"], True),
        ("UNFUSED_DECOMPRESSION_UNITS", extraction(seg(), seg("L3-L4", fused=False)), ["22630", "63052", "63030-XS"], False),
        ("UNFUSED_DECOMPRESSION_UNITS", extraction(seg()), ["22630", "63052", "63047-XS"], False),  # no unfused level: SAME_LEVEL_BILLED_AS_63047's case
        ("UNFUSED_DECOMPRESSION_UNITS", extraction(seg(), seg("L3-L4", fused=False, prep_only=True)), ["22630", "63052", "63047x2"], False),
        ("NCCI_MODIFIER_CHOICE", extraction(seg(), seg("L3-L4", fused=False)), ["22630", "63052", "63047-XE"], True),
        ("NCCI_MODIFIER_CHOICE", extraction(seg(), seg("L3-L4", fused=False), co_surgeon=True), ["22630", "63052", "63047-XP"], False),
        ("NCCI_MODIFIER_CHOICE", extraction(seg(), session="not_documented", staged=True), ["22630", "63047-XE"], False),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", extraction(seg(), co_surgeon=True), ["22630-62", "63052"], True),
        ("CO_SURGERY_MODIFIER_INCONSISTENT", extraction(seg()), ["22630-62", "63052"], False),  # CO_SURGEON_NOT_DOCUMENTED asks first
    ],
)
def test_note_claim_rule(reference, rule_id, ex, specs, fires):
    gaps = fired(rule_id, reference, ex, *specs)
    assert bool(gaps) is fires
    for gap in gaps:
        assert gap.rule == rule_id and gap.fix


def test_over_billing_puts_the_extra_units_at_risk(reference):
    ex = extraction(seg(), seg("L5-S1", prep_only=True))
    [gap] = fired("SEGMENT_COUNT_MISMATCH", reference, ex, "22630", "22632", "63052", "63053")
    assert gap.amount_at_risk == pytest.approx(204.75) and "supports 1" in gap.message


def test_under_billing_is_reported_without_amount(reference):
    ex = extraction(seg(), seg("L5-S1"), seg("L3-L4"))
    [gap] = fired("SEGMENT_COUNT_MISMATCH", reference, ex, "22630", "22632x2", "63052")
    assert gap.amount_at_risk is None and "Only 1" in gap.message and "63053 x2" in gap.fix


def test_22612_22630_same_interspace_puts_the_22630_line_at_risk(reference):
    ex = extraction(seg(), posterolateral=True, technique="combined_posterolateral_interbody")
    [gap] = fired("SAME_INTERSPACE_22612_22630", reference, ex, "22612", "22630", "63052")
    assert "22633" in gap.fix and gap.amount_at_risk == 1510.72 and [r.code for r in gap.at_risk] == ["22630"]


def test_unfused_units_fix_counts_one_unit_per_level(reference):
    ex = extraction(seg(), seg("L3-L4", fused=False), seg("L2-L3", fused=False))
    [gap] = fired("UNFUSED_DECOMPRESSION_UNITS", reference, ex, "22630", "63052", "63047-XS")
    assert "63047 x1 + 63048 x1" in gap.fix and "L3-L4, L2-L3" in gap.message
