"""Stage sides: where a side word belongs (issue 8 class 8), with the rows that must NOT match."""

import pytest

from .snippets import sides


# 8. Sides ------------------------------------------------------------------------------------------
SIDES = [
    ("TLIF L4-5. At L4-5 the right L4 root was then decompressed until mobile.", "L4-L5", "right"),
    ("At L4-5 a laminotomy was made; left foraminotomy completed the work.", "L4-L5", "left"),
    ("TLIF from the left at L4-5: facetectomy, discectomy, cage.", "L4-L5", "left"),
    ("TLIF L3-4 and L4-5, right. Facetectomies were performed at L3-4 and L4-5.", "L4-L5", "right"),
    ("Left TLIF L4-5. At L4-5, on the side opposite the approach, the facet was undercut.", "L4-L5", "right"),
    # must NOT: a compressed root's side is no decompression side
    ("A laminotomy was performed at L5-S1; the left S1 root was compressed.", "L5-S1", None),
]


@pytest.mark.parametrize("text, interspace, laterality", SIDES)
def test_sides(extract, text, interspace, laterality):
    assert sides(extract(text)).get(interspace) == laterality

MORE_SIDES = [
    ("PROCEDURE: TLIF L4-5.\nRight side: complete facetectomy of the L4-L5 joint was done.", "L4-L5", "right"),
    # a side inside the decompression's own words
    ("TLIF L4-5. A left L4 laminotomy freed the left L5 root and was extended across the midline to undercut the "
     "right lateral recess.", "L4-L5", "bilateral"),
    # speech recognition: "write" for right, "lift" for left, only where a side stands
    ("Write-sided TLIF L4-5. At L4-5 a complete write facetectomy was performed and a write foraminotomy freed the "
     "write L5 root.", "L4-L5", "right"),
    ("TLIF L4-5. At L4-5 a right facetectomy; the contralateral lamina was undercut, decompressing the lift lateral "
     "recess.", "L4-L5", "bilateral"),
    # must NOT: the verbs themselves
    ("TLIF L4-5. At L4-5 a laminotomy was made. We lift the dura gently and write the order for a drain.", "L4-L5", None),
    # a tube docked on one side is the approach side: "contralateral" work is the other side
    ("MIS TLIF L4-5. A tubular retractor was docked on the left. At L4-5 a left facetectomy was done, then a "
     "contralateral facetectomy over the top.", "L4-L5", "bilateral"),
    # a level block's own "Approach side:" is what that block's "ipsilateral" means
    ("TLIF L4-5, L5-S1.\n\nLevel: L4-5\nApproach side: Left\nDecompression: laminotomy\nSide: Bilateral\n\n"
     "Level: L5-S1\nApproach side: Right\nDecompression: foraminotomy\nSide: Ipsilateral\n", "L5-S1", "right"),
    # "from the patient's right" names the approach: ipsilateral / contralateral follow it
    ("TLIF L4-5. The approach was made from the patient's right. At L4-5 an ipsilateral facetectomy and a "
     "contralateral foraminotomy were performed.", "L4-L5", "bilateral"),
    # a root that "is free" (present tense, words between) was freed on its side
    ("TLIF L4-5 from the left. At L4-5 a left laminotomy. The medial portion of the right superior articular process "
     "of L5 is resected (medial facetectomy) until the right L5 root in the lateral recess is free.", "L4-L5", "bilateral"),
    # a template's field "Side:" sides the work named in the fields above it
    ("PROCEDURE: TLIF L4-5, L5-S1.\n\nDECOMPRESSION\n  Levels: L4-5, L5-S1\n  Technique: laminotomy, foraminotomy\n"
     "  Side: Bilateral\n", "L5-S1", "bilateral"),
    # a root that "was seen to lie free" was freed on its side
    ("TLIF L4-5. At L4-5 a left laminotomy was made and the flavum undercut until the right L5 root was seen to lie free.",
     "L4-L5", "bilateral"),
    # a side heading ends at the next numbered step of the same paragraph
    ("TLIF L4-5, L5-S1.\n5. L4-5: left laminotomy. R side: medial facetectomy and foraminotomy.\n"
     "6. L5-S1: complete facetectomy. Left foraminotomy for a flattened L5 root.", "L5-S1", "left"),
    # must NOT end it: a level sub-heading under the side heading keeps the side
    ("TLIF L4-5, L5-S1.\nRight side: L4-5: laminotomy and foraminotomy. L5-S1: foraminotomy.", "L5-S1", "right"),
    ("PROCEDURE: TLIF L4-5.\nAt L4-5 a laminotomy was made. Foraminotomy was performed for the exiting L4 root; right.", "L4-L5", "right"),
    ("PROCEDURE: TLIF L4-5.\nAt L4-5 a left foraminotomy was done. Flavum undercut across the midline until the right L5 root was free.",
     "L4-L5", "bilateral"),
    ("TLIF L4-5 and L5-S1. At L4-5 a right foraminotomy; left, at L5-S1, a laminotomy is fashioned.", "L5-S1", "left"),
    # a fronted side opening a finding sentence sides the unsided work after it
    ("Posterolateral fusion L4-5. At L4-5 a laminectomy was done. On the left, the traversing L5 root was trapped. "
     "A foraminotomy was performed. The right side was handled in the same manner, with a foraminotomy freeing the right L5 root.",
     "L4-L5", "bilateral"),
    # a template's field sides the work of its level block
    ("Level: L4-L5\n  Interbody technique: [X] TLIF    Approach side: Left\n  Decompression: [X] Laminotomy  [X] Facetectomy\n"
     "  Decompression side: Bilateral\n", "L4-L5", "bilateral"),
    # must NOT: "the decompression on the right side" names the step, not this level's side
    ("TLIF L4-5. At L4-5 a left laminotomy was made.\n\nWe started the decompression on the right side, correction, the left side.",
     "L4-L5", "left"),
    # must NOT: the sides of screws or of a range are no decompression side
    ("TLIF L4-5. Pedicle screws were placed L3 through S1 on both sides. A laminotomy was made at L4-5.", "L4-L5", None),
    # must NOT: a root that is merely free after the work gives no side
    ("TLIF L4-5. At L4-5 a laminotomy was made; the right L5 root was free.", "L4-L5", None),
]


@pytest.mark.parametrize("text, interspace, laterality", MORE_SIDES)
def test_more_sides(extract, text, interspace, laterality):
    assert sides(extract(text)).get(interspace) == laterality


# Round 11: a side word before a qualified technique; "didn't" negates the side's work ---------------
ROUND11_SIDES = [
    ("PROCEDURE: TLIF L5-S1. At L5-S1 R complete facetectomy as the TLIF window; then L L5-S1 foraminotomy.", "L5-S1", "bilateral"),
    ("PROCEDURE: TLIF L4-5. Complete left L4-5 facetectomy. The right side, I didn't decompress the right side.", "L4-L5", "left"),
    ("PROCEDURE: TLIF L4-5. Complete left L4-5 facetectomy. We did not decompress the right side.", "L4-L5", "left"),
    # must NOT: a capital R that is no side
    ("PROCEDURE: TLIF L4-5. Left L4-5 laminotomy. Grade R complete facetectomy was not done.", "L4-L5", "left"),
]


@pytest.mark.parametrize("text, interspace, laterality", ROUND11_SIDES)
def test_round11_sides(extract, text, interspace, laterality):
    assert sides(extract(text)).get(interspace) == laterality


# Round 12: terse MIS sides ----------------------------------------------------------------------------
ROUND12_SIDES = [
    ("PROCEDURE: TLIF L4-5. Docked on L L4-5 facet. Full L facetectomy. Then over the top: contralat flavum resected, "
     "R recess undercut to the R medial pedicle wall.", "L4-L5", "bilateral"),
    ("PROCEDURE: TLIF L4-5. L45: L IAP + SAP removed w/ osteotome for TLIF access only (facetectomy).", "L4-L5", "left"),
    # must NOT: "recess" with no side word before it gives no side
    ("PROCEDURE: TLIF L4-5. At L4-5 the lateral recess was undercut.", "L4-L5", None),
]


@pytest.mark.parametrize("text, interspace, laterality", ROUND12_SIDES)
def test_round12_sides(extract, text, interspace, laterality):
    assert sides(extract(text)).get(interspace) == laterality
