"""Stage segments: technique phrasings, states, purpose, templates, tense (issue 8 classes 7, 10, 11, 13, 14)."""

import pytest

from .snippets import expect, techniques


# 7. Technique phrasings ----------------------------------------------------------------------------
PHRASINGS = [
    ("Rt L5-S1 facet excised for TLIF access.", {"L5-S1": ["facetectomy"]}),
    ("At L4-5 the facet was taken with an osteotome.", {"L4-L5": ["facetectomy"]}),
    ("At L4-5 we decompressed the left L4 foramen.", {"L4-L5": ["foraminotomy"]}),
    ("At L4-5 the left foramen was opened widely.", {"L4-L5": ["foraminotomy"]}),
    ("L4 lamina resected at L4-5.", {"L4-L5": ["laminotomy"]}),
    # must NOT match
    ("At L4-5 the foramen was patent and nothing was done.", {}),
]


@pytest.mark.parametrize("text, expected", PHRASINGS)
def test_technique_phrasings(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

# 10. States, not work ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("TLIF L4-5 and L5-S1. The L4-5 level was already well decompressed from the first operation. "
         "At L5-S1 a right laminotomy was made.", {"L5-S1": ["laminotomy"]}),
        ("TLIF L4-5. After the cage was placed, the thecal sac at L4-5 was slack and well decompressed.", {}),
        # must NOT: the surgeon decompressing it now
        ("TLIF L4-5. The right L5 root was compressed; L4-5 was decompressed on the right.", {"L4-L5": []}),
    ],
)
def test_states_are_not_work(extract, text, expected):
    assert techniques(extract(text)) == expected

# 11. Purpose ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("A small L3-4 laminotomy was made to retrieve the broken drill bit.", {}),
        ("A left L2-3 laminotomy was made for a biopsy of the epidural mass.", {}),
        ("A right L3-4 laminotomy was made to repair the dural tear.", {}),
        # must NOT: a laminotomy made for compression stays, whatever else it also served
        ("A left L3-4 laminotomy was made for the compressed L4 root and to retrieve a fragment.", {"L3-L4": ["laminotomy"]}),
        # open operation whose only decompression word is generic
        ("Midline incision. With the drill and Kerrison rongeurs L4-5 was decompressed on the left.", {"L4-L5": []}),
    ],
)
def test_purpose(extract, text, expected):
    assert techniques(extract(text)) == expected

# 13. Templates ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("PROCEDURE: TLIF L4-5\n[x] Laminotomy L4-5\n[ ] Foraminotomy L4-5\n[ ] Facetectomy L4-5\n", {"L4-L5": ["laminotomy"]}),
        ("PROCEDURE: TLIF L4-5\n\u2612 Foraminotomy L4-5\n\u2610 Laminectomy L4-5\n", {"L4-L5": ["foraminotomy"]}),
        ("PROCEDURE: TLIF L4-5\n[X] Laminectomy L4-5\n[X] Foraminotomy L4-5\n", {"L4-L5": ["laminectomy", "foraminotomy"]}),
    ],
)
def test_template_boxes(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)


def test_unchecked_interbody_box_fuses_nothing(extract):
    assert extract("PROCEDURE:\n[ ] PLIF L4-5\n[x] Posterolateral fusion L4-5\n").arthrodesis.posterior_interbody is False

# 14. Tense ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("TLIF L4-5 with a left L4-5 laminotomy. Decompression at L3-4 will be performed at stage 2.", {"L4-L5": ["laminotomy"]}),
        ("TLIF L4-5 with a left L4-5 laminotomy. The L3-4 laminectomy will be done at the second stage.", {"L4-L5": ["laminotomy"]}),
        # must NOT: "will" that is no plan of surgery
        ("TLIF L4-5. A left L4-5 laminotomy was made so that the root will be free.", {"L4-L5": ["laminotomy"]}),
    ],
)
def test_future_tense_is_planned(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

def test_decompression_done_at_an_earlier_stage_is_not_today(extract):
    text = ("PROCEDURE: Left TLIF L4-5 (stage 2).\nThe left L4-5 facet remnant was removed to open the transforaminal "
            "corridor to the disc. A cage was placed. The decompression was performed at stage 1 and is documented in "
            "that operative report; no decompression was done at today's operation.")
    seg = next(s for s in extract(text).segments if s.interspace == "L4-L5")
    assert seg.prep_only is True


# Round 11: a state left by the first stage; a facet "being excised" --------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Stage 2. TLIF L3-4 and L4-5. Canal widely decompressed from Stage 1 at L3-4 and L4-5. L3-4: left facetectomy "
         "only to open the transforaminal window for the cage.", {"L3-L4": ["facetectomy"]}),
        ("TLIF L4-5 and L5-S1 from the left, the left L4-5 and L5-S1 facet joints being excised in their entirety.",
         {"L4-L5": ["facetectomy"], "L5-S1": ["facetectomy"]}),
        # must NOT: decompression done today, after the first stage
        ("Stage 2. TLIF L4-5. The L4-5 canal was decompressed today with a left laminotomy.", {"L4-L5": ["laminotomy"]}),
    ],
)
def test_round11_states_and_phrasings(extract, text, expected):
    assert techniques(extract(text)) == expected


# Round 12: an unfilled EHR pick list; a foramen described as decompressed -------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Levels fused: L4-L5\nDecompression technique: {laminectomy/hemilaminotomy/medial facetectomy/foraminotomy: ***}\n"
         "PROCEDURE: TLIF L4-5. At L4-5 a laminectomy was performed.", {"L4-L5": ["laminectomy"]}),
        # must NOT: a filled field stays what it says
        ("Procedure(s): TLIF {LEVELS: L4-L5}; decompression {technique: left hemilaminotomy}\nPROCEDURE: At L4-5 the left "
         "L5 root was compressed.", {"L4-L5": ["laminotomy"]}),
        ("TLIF L4-5. At L4-5 a left laminotomy was made; a probe passed out of the decompressed foramina.", {"L4-L5": ["laminotomy"]}),
        # must NOT: the surgeon decompressing the foramen is a foraminotomy
        ("TLIF L4-5. At L4-5 a left laminotomy was made and we decompressed the foramina.", {"L4-L5": ["laminotomy", "foraminotomy"]}),
    ],
)
def test_round12_templates_and_states(extract, text, expected):
    assert techniques(extract(text)) == expected
