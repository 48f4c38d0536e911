import pytest

from opnote_check.models import Evidence
from opnote_check.rules import REGISTRY, CheckContext

from .helpers import claim, extraction, seg

VAGUE = Evidence(start=0, end=10, text="multilevel", section="description", kind="vague")
LOOSE = Evidence(start=20, end=30, text="laminotomy", section="description", kind="technique")


def fired(rule_id, reference, ex, *specs):
    ctx = CheckContext(ex, claim(*specs) if specs else None, reference)
    return list(REGISTRY[rule_id].check(ctx))


@pytest.mark.parametrize(
    "rule_id, ex, fires",
    [
        ("VAGUE_MULTILEVEL", extraction(unattributed=[LOOSE], vague=[VAGUE]), True),
        ("VAGUE_MULTILEVEL", extraction(unattributed=[LOOSE]), True),  # a named technique with no level anywhere
        ("VAGUE_MULTILEVEL", extraction(seg(), unattributed=[LOOSE]), False),
        ("VAGUE_MULTILEVEL", extraction(seg(), vague=[VAGUE]), False),
        ("TECHNIQUE_NOT_NAMED", extraction(seg(techniques=(), technique_named=False)), True),
        ("TECHNIQUE_NOT_NAMED", extraction(seg(techniques=("facetectomy",), technique_named=False)), True),
        ("TECHNIQUE_NOT_NAMED", extraction(seg()), False),
        ("TECHNIQUE_NOT_NAMED", extraction(seg(prep_only=True, technique_named=False)), False),
        ("LATERALITY_NOT_DOCUMENTED", extraction(seg(laterality=None)), True),
        ("LATERALITY_NOT_DOCUMENTED", extraction(seg(laterality="bilateral")), False),
        ("LATERALITY_NOT_DOCUMENTED", extraction(seg(laterality=None, prep_only=True)), False),
        ("FINDINGS_NOT_DOCUMENTED", extraction(seg(findings=())), True),
        ("FINDINGS_NOT_DOCUMENTED", extraction(seg()), False),
        ("FINDINGS_NOT_DOCUMENTED", extraction(seg(findings=(), prep_only=True)), False),
        ("SAME_SESSION_NOT_CONFIRMED", extraction(seg(), session="not_documented", staged=True), True),
        ("SAME_SESSION_NOT_CONFIRMED", extraction(seg(fused=False), posterior=False, session="not_documented"), False),
        ("SAME_SESSION_NOT_CONFIRMED", extraction(seg(), session="implied"), False),
        ("DECOMPRESSION_AT_UNFUSED_LEVEL", extraction(seg(), seg("L3-L4", fused=False)), True),
        ("DECOMPRESSION_AT_UNFUSED_LEVEL", extraction(seg()), False),
        ("DECOMPRESSION_AT_UNFUSED_LEVEL", extraction(seg(fused=False), posterior=False, technique="none"), False),
        ("PREP_ONLY_FACETECTOMY", extraction(seg(), seg("L5-S1", prep_only=True)), True),
        ("PREP_ONLY_FACETECTOMY", extraction(seg()), False),
        ("NON_LUMBAR_LEVEL", extraction(seg("T11-T12", lumbar=False)), True),
        ("NON_LUMBAR_LEVEL", extraction(seg("T12-L1")), False),
        ("NON_LUMBAR_LEVEL", extraction(seg("T11-T12", fused=False, lumbar=False), posterior=False), False),
        ("INDICATION_NOT_DOCUMENTED", extraction(seg(), indications=()), True),  # no pathology named at all
        ("INDICATION_NOT_DOCUMENTED", extraction(seg(), seg("L5-S1"), indications=("L4-L5",)), True),
        ("INDICATION_NOT_DOCUMENTED", extraction(seg(), indications=("L4-L5",)), False),
        ("INDICATION_NOT_DOCUMENTED", extraction(seg(), seg("L5-S1"), indications=(None,)), False),  # "lumbar stenosis"
        ("INDICATION_NOT_DOCUMENTED", extraction(seg(fused=False), posterior=False, indications=("L3-L4",)), True),
    ],
)
def test_documentation_rule(reference, rule_id, ex, fires):
    gaps = fired(rule_id, reference, ex)
    assert bool(gaps) is fires
    for gap in gaps:
        assert gap.rule == rule_id and gap.fix


def test_unfused_rule_needs_billed_addon_without_fusion(reference):
    ex = extraction(seg(fused=False), posterior=False, technique="posterolateral_only")
    assert fired("DECOMPRESSION_AT_UNFUSED_LEVEL", reference, ex) == []
    assert fired("DECOMPRESSION_AT_UNFUSED_LEVEL", reference, ex, "22612", "63052")


def test_same_session_fires_when_addon_billed_without_fusion(reference):
    ex = extraction(seg(fused=False), posterior=False, session="not_documented")
    assert fired("SAME_SESSION_NOT_CONFIRMED", reference, ex, "22630", "63052")


@pytest.mark.parametrize("rule_id", ["TECHNIQUE_NOT_NAMED", "LATERALITY_NOT_DOCUMENTED", "FINDINGS_NOT_DOCUMENTED", "VAGUE_MULTILEVEL", "SAME_SESSION_NOT_CONFIRMED", "PREP_ONLY_FACETECTOMY", "INDICATION_NOT_DOCUMENTED"])
def test_documentation_fixes_are_non_leading_queries(rule_id, reference):
    """The fix asks the surgeon for the element; it never proposes a value."""
    ex = {
        "TECHNIQUE_NOT_NAMED": extraction(seg(techniques=(), technique_named=False)),
        "LATERALITY_NOT_DOCUMENTED": extraction(seg(laterality=None)),
        "FINDINGS_NOT_DOCUMENTED": extraction(seg(findings=())),
        "VAGUE_MULTILEVEL": extraction(unattributed=[LOOSE], vague=[VAGUE]),
        "SAME_SESSION_NOT_CONFIRMED": extraction(seg(), session="not_documented", staged=True),
        "PREP_ONLY_FACETECTOMY": extraction(seg(prep_only=True)),
        "INDICATION_NOT_DOCUMENTED": extraction(seg(), indications=()),
    }[rule_id]
    [gap] = list(REGISTRY[rule_id].check(CheckContext(ex, None, reference)))
    fix = gap.fix.lower()
    assert fix.startswith("please")
    for suggestion in ("bilateral", "left", "right", "laminotomy", "foraminotomy", "stenosis", "add '", 'add "'):
        assert suggestion not in fix, (rule_id, suggestion)
