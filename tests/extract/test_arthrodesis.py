"""Stage arthrodesis: interbody fusion done or not, and ALIF by approach (issue 8 classes 6, 16)."""

import pytest




# 6. Interbody fusion considered but not done -------------------------------------------------------
NOT_FUSED = [
    ("Posterolateral fusion L4-5. An interbody cage at L4-5 was contemplated but not carried out.", False),
    ("Stage 1: L4-5 laminectomy. TLIF at L4-5 postponed to the second stage.", False),
    ("Posterolateral fusion L4-5. A cage had been planned; however, we chose not to insert one.", False),
    ("Laminectomy L4-5 with posterolateral fusion. Interbody graft material was prepared but not used.", False),
    ("Posterolateral fusion L4-5. We then prepared to do the TLIF. The disc space was collapsed and the interbody part "
     "was abandoned.", False),
    # must stay fused
    ("Left TLIF L4-5 with a 10 mm cage.", True),
    ("We prepared the disc space and performed a left TLIF at L4-5 with a 10 mm cage.", True),
]


@pytest.mark.parametrize("text, posterior", NOT_FUSED)
def test_interbody_considered_is_not_done(extract, text, posterior):
    assert extract(text).arthrodesis.posterior_interbody is posterior

# 16. ALIF naming ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, technique",
    [
        ("Through an anterior retroperitoneal exposure of L5-S1 a discectomy and interbody fusion were performed.", "ALIF"),
        ("Anterior exposure by Dr. Vance. L5-S1 discectomy and interbody fusion with a PEEK cage.", "ALIF"),
        # must NOT: posterior interbody with an anterior word elsewhere
        ("Left TLIF L4-5; the anterior annulus was preserved. Interbody fusion with a cage.", "TLIF"),
    ],
)
def test_anterior_interbody_is_alif(extract, text, technique):
    assert extract(text).arthrodesis.technique == technique

@pytest.mark.parametrize(
    "text, posterior",
    [
        ("Posterolateral fusion L4-5 and L5-S1. We thought about putting a cage in L5-S1 too but the disc was fused.", False),
        ("Procedure performed:\n- L4-5 laminectomy\n- TLIF L4-5 not performed; postponed\n", False),
        ("Posterior lumbar inner body fusion (P. Lyft) el four five.", True),
    ],
)
def test_more_interbody_language(extract, text, posterior):
    assert extract(text).arthrodesis.posterior_interbody is posterior
