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
