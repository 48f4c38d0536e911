"""Stage levels: note snippets -> interspaces per technique, with the rows that must NOT match.

Classes 1-5 of issue 8: relative references, 'in the same manner' scope, vertebra and lamina
naming, levels not worked on, binding a technique to its own level; and the rows the later fresh
batches added."""

import pytest

from .snippets import TLIF2, TLIF3, expect, techniques


# 1. Relative and ordinal level references ---------------------------------------------------------
RELATIVE = [
    (TLIF2 + "At L4-L5 a left laminotomy was made. Attention then shifted to the segment below. A left L5 hemilaminotomy was performed.",
     {"L4-L5": ["laminotomy"], "L5-S1": ["laminotomy"]}),
    (TLIF2 + "At L5-S1 a right foraminotomy was done. We then moved to the level above, where a right laminotomy was made.",
     {"L5-S1": ["foraminotomy"], "L4-L5": ["laminotomy"]}),
    (TLIF3 + "At the most caudal level of the construct bilateral foraminotomies were performed.",
     {"L5-S1": ["foraminotomy"]}),
    (TLIF3 + "A laminotomy was carried out at the most cranial level.", {"L3-L4": ["laminotomy"]}),
    ("PROCEDURES: TLIF L4-5 (index level) and L5-S1.\nDESCRIPTION: A left foraminotomy was done at the index level.",
     {"L4-L5": ["foraminotomy"]}),
    ("Index level: L5-S1\nPROCEDURE: TLIF L4-S1. At the index level a right laminotomy was made.", {"L5-S1": ["laminotomy"]}),
    (TLIF2 + "A left foraminotomy freed the exiting L5 root.", {"L5-S1": ["foraminotomy"]}),
    ("PROCEDURES: TLIF L3-4 and L4-5.\nHISTORY: prior L4-5 laminectomy in 2015.\nDESCRIPTION: Scar was taken down at the "
     "previously operated level and a right foraminotomy was done.", {"L4-L5": ["foraminotomy"]}),
    (TLIF2 + "A left foraminotomy freed the traversing L5 root.", {"L4-L5": ["foraminotomy"]}),
    # a side not entered reaches back, not across the colon to the work that follows
    ("TLIF L4-5 and L5-S1. At L4-5 a bilateral laminotomy was made. The same was done at L5-S1, except that the "
     "contralateral side was not entered: right hemilaminotomy of L5 and a foraminotomy.", {"L4-L5": ["laminotomy"], "L5-S1": ["laminotomy", "foraminotomy"]}),
    # must NOT match: the level above is only looked at; a relative word that is no level reference
    (TLIF2 + "At L4-L5 a left laminotomy was made. The level above was inspected and left undisturbed.",
     {"L4-L5": ["laminotomy"]}),
    (TLIF2 + "At L4-L5 a left laminotomy was made, as described below.", {"L4-L5": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", RELATIVE)
def test_relative_level_references(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

# 2. "In the same manner" scope ---------------------------------------------------------------------
REPEAT = [
    ("At L4-L5 a left laminotomy and facetectomy were done. This was then repeated in the same manner at L5-S1.",
     {"L4-L5": ["laminotomy", "facetectomy"], "L5-S1": ["laminotomy", "facetectomy"]}),
    (TLIF2 + "At L4-L5 a left laminotomy was made. We then moved to L5-S1. The same was done here.",
     {"L4-L5": ["laminotomy"], "L5-S1": ["laminotomy"]}),
    # the step just described may be in the repeat's own sentence
    ("PROCEDURES: Left TLIF L4-5 and L5-S1.\nDESCRIPTION: At L4-5 I took the left facet off with the osteotome for the approach, placed a "
     "cage, and then I did the same thing at L5-S1 from the left.", {"L4-L5": ["facetectomy"], "L5-S1": ["facetectomy"]}),
    # the repeat sentence names its own work: nothing more is copied
    ("At L4-L5 a left laminotomy and foraminotomy were done. A foraminotomy was repeated in the same manner at L5-S1.",
     {"L4-L5": ["laminotomy", "foraminotomy"], "L5-S1": ["foraminotomy"]}),
    # the narrative denies part of it at the new level
    ("At L4-L5 a left laminotomy and foraminotomy were done. This was repeated in the same manner at L5-S1. "
     "No foraminotomy was needed at L5-S1.",
     {"L4-L5": ["laminotomy", "foraminotomy"], "L5-S1": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", REPEAT)
def test_same_manner_scope(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

# 3. Vertebra and lamina naming ---------------------------------------------------------------------
VERTEBRAE = [
    (TLIF3 + "The lower half of the L3 lamina and the upper half of L4 were removed with a laminotomy.",
     {"L3-L4": ["laminotomy"]}),
    ("PROCEDURES: PLIF L4-5 and L5-S1.\nA complete L5 laminectomy was performed with the bottom edge of L4.",
     {"L4-L5": ["laminectomy"], "L5-S1": ["laminectomy"]}),
    ("PROCEDURES: TLIF L4-L5.\nDESCRIPTION: A left laminotomy was made on the undersurface of 4.", {"L4-L5": ["laminotomy"]}),
    # a lone vertebra with no other cue takes the level the procedure list names for its work
    ("PROCEDURES:\n1. TLIF L4-L5 and L5-S1.\n2. Left L5-S1 laminotomy.\n\nDESCRIPTION: A left L5 hemilaminotomy was performed.",
     {"L5-S1": ["laminotomy"]}),
    # several vertebrae beside a fusion: each lamina at the fused interspaces beside it
    ("PROCEDURES:\n1. L4 and L5 laminectomies.\n2. PLIF L4-5 and L5-S1.\n3. Right L3 hemilaminotomy, excision of L3-4 "
     "synovial cyst.\n", {"L4-L5": ["laminectomy"], "L5-S1": ["laminectomy"], "L3-L4": ["laminotomy"]}),
    ("PROCEDURES: TLIF L4-5 and L5-S1. Right L3-4 hemilaminotomy.\nDESCRIPTION: At L3-4 a right hemilaminotomy was "
     "made for a cyst. I then performed complete L4 and L5 laminectomies.", 
     {"L3-L4": ["laminotomy"], "L4-L5": ["laminectomy"], "L5-S1": ["laminectomy"]}),
    # must NOT: the narrative's own level inside the fusion keeps the work there
    ("PROCEDURES: TLIF L4-5 and L5-S1.\nDESCRIPTION: Attention was turned to L4-5. Bilateral L4 and L5 laminotomies "
     "were made. The L5-S1 level was then prepared for the cage only.", {"L4-L5": ["laminotomy"]}),
    # must NOT: a fusion beside only one of them does not move the work off the level the note names
    ("PROCEDURES: TLIF L5-S1.\nDESCRIPTION: L4 and L5 laminectomies were done for severe stenosis at L4-5.",
     {"L4-L5": ["laminectomy"]}),
    # must NOT match: a lamina named for a screw is no laminotomy
    ("PROCEDURES: TLIF L4-L5.\nDESCRIPTION: At L4-L5 a left laminotomy was made. A screw was placed in the L3 pedicle.",
     {"L4-L5": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", VERTEBRAE)
def test_vertebra_and_lamina_naming(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

# 4. A level that is not worked on is not the narrative level ---------------------------------------
NOT_WORKED = [
    (TLIF2 + "At L4-L5 a left laminotomy was made. The L3-4 facet capsule was exposed and preserved. A left foraminotomy followed.",
     {"L4-L5": ["laminotomy", "foraminotomy"]}),
    (TLIF2 + "At L5-S1 a right laminotomy was made. L3-L4 was palpated and not violated. The foramen was then unroofed.",
     {"L5-S1": ["laminotomy", "foraminotomy"]}),
    ("TLIF L4-L5. The L3 lamina, the L3-4 facet joints and the interspinous ligament above were not violated. "
     "At L4-L5 a right laminotomy was made.", {"L4-L5": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", NOT_WORKED)
def test_level_not_worked_on(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

# 5. Binding a technique to its own level -----------------------------------------------------------
BINDING = [
    (TLIF2 + "Laminotomy and foraminotomy at L4-5 followed by a medial facetectomy at L5-S1 were performed.",
     {"L4-L5": ["laminotomy", "foraminotomy"], "L5-S1": ["facetectomy"]}),
    ("left L4-5 laminotomy right L5-S1 foraminotomy were done and cages placed at L4-5 and L5-S1",
     {"L4-L5": ["laminotomy"], "L5-S1": ["foraminotomy"]}),
    (TLIF2 + "Pedicle screws were placed T12 to S1 and a left laminotomy was made.", {}),  # no level for the laminotomy
    # must NOT split: one technique for a list of levels
    ("Bilateral laminotomies were performed at L4-5 and L5-S1.", {"L4-L5": ["laminotomy"], "L5-S1": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", BINDING)
def test_binding_to_own_level(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)

MORE_TECHNIQUES = [
    # facet work said the way surgeons say it: undercut, "taken both sides", "took the facet to get to the disc"
    ("TLIF L4-5. At L4-5 a right hemilaminectomy; then I undercut the medial left L5 superior facet for a cyst.",
     {"L4-L5": ["laminotomy", "facetectomy"]}),
    ("TLIF L4-5.\nL4-5: Medial facets taken both sides. Foraminotomies both sides for the L5 roots.",
     {"L4-L5": ["facetectomy", "foraminotomy"]}),
    ("TLIF L5-S1. At L5-S1 I took the right L5-S1 facet to get to the disc space.", {"L5-S1": ["facetectomy"]}),
    # must NOT: a facet capsule undercut is no facetectomy
    ("TLIF L4-5. At L4-5 a left laminotomy was made and we undercut the medial left L4-5 facet capsule gently.",
     {"L4-L5": ["laminotomy"]}),
    # vertebra and lamina naming
    ("PROCEDURES: TLIF L4-L5.\nThe undersurface of 4 was undercut with the Kerrison on both sides.", {"L4-L5": ["laminotomy"]}),
    ("PROCEDURES: PLIF L4-L5.\nA complete L4 laminectomy was performed to the upper edge of L5.", {"L4-L5": ["laminectomy"]}),
    ("PROCEDURES: PLIF L3-4 and L4-5.\nI did a complete L4 laminectomy, taking the lamina right out to both sides.",
     {"L3-L4": ["laminectomy"], "L4-L5": ["laminectomy"]}),
    # not worked on: telegraphic, and "stayed below"
    ("PROCEDURES: TLIF L4-5.\nNarrative: L3-4 capsules preserved. Left L4 laminotomy.", {"L4-L5": ["laminotomy"]}),
    ("PROCEDURES: TLIF L4-5.\nThen we did a complete L4 laminectomy, stayed below the L3-4 ligament.", {"L4-L5": ["laminectomy"]}),
    # must NOT: a joint preserved beside real work leaves the work
    ("At L5-S1 a right foraminotomy was completed with the joint preserved.", {"L5-S1": ["foraminotomy"]}),
    # binding: the level a technique is done at, before or after it
    ("PROCEDURE: TLIF L4-L5 (index level) and L5-S1.\nThen at the index level we performed a bilateral laminotomy "
     "where we found a thick flavum followed by a medial facetectomy at L5-S1.",
     {"L4-L5": ["laminotomy"], "L5-S1": ["facetectomy"]}),
    # technique phrasings, typing and speech-recognition errors
    ("At L4-5 we took the right L4-5 facet with the osteotome.", {"L4-L5": ["facetectomy"]}),
    ("At L4-5 we undercut the left facet.", {"L4-L5": ["facetectomy"]}),
    ("At L3-4 I removed the left inferior articular process of L3 with the osteotome.", {"L3-L4": ["facetectomy"]}),
    ("At L4-5 a left lamiotomy and forminotomy were done.", {"L4-L5": ["laminotomy", "foraminotomy"]}),
    ("bilateral medial facet ectomies and for am in otomies el four five", {"L4-L5": ["facetectomy", "foraminotomy"]}),
    # a level that opens its sentence stays the narrative level whatever the sentence then denies
    ("TLIF L4-5 and L5-S1. At L3-L4 an interbody cage was considered but not placed. "
     "The thecal sac there was indented and a laminotomy was made.", {"L3-L4": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", MORE_TECHNIQUES)
def test_more_level_and_technique_language(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)


ANAPHORA = [
    # "both levels" that the three-level fusion does not fit: the two just named
    ("PROCEDURES: TLIF L3-4, L4-5 and L5-S1.\nDESCRIPTION: Bilateral laminotomies were made at L3-4 and at L4-5. "
     "Bilateral foraminotomies were performed at both levels. At L5-S1 the left facet was removed to reach the disc.",
     {"L3-L4": ["laminotomy", "foraminotomy"], "L4-L5": ["laminotomy", "foraminotomy"], "L5-S1": ["facetectomy"]}),
    # must NOT change: "both levels" of a two-level fusion are the fused ones
    ("PROCEDURES: TLIF L4-5 and L5-S1.\nDESCRIPTION: A laminotomy was made at L4-5. Foraminotomies were performed at "
     "both levels.", {"L4-L5": ["laminotomy", "foraminotomy"], "L5-S1": ["foraminotomy"]}),
]


@pytest.mark.parametrize("text, expected", ANAPHORA)
def test_counted_anaphora(extract, text, expected):
    assert {k: sorted(v) for k, v in techniques(extract(text)).items()} == {k: sorted(v) for k, v in expected.items()}


# Round 11 (ig, ih): numbered narrative steps, a level right after its technique, repeat sides ------
ROUND11 = [
    # a numbered narrative whose steps run on: the step's level holds for its own later sentences
    ("PROCEDURES:\n1. TLIF L4-L5.\n2. Decompression L3-L4.\n\nPROCEDURE:\n1. Prone, padded. Time out.\n"
     "2. Exposure L3 to L5. Fluoro confirmed levels.\n3. L3-L4: bilateral laminotomies of the inferior L3 and "
     "superior L4 laminae. Flavum thick. Bilateral medial facetectomies (undercutting) were done.\n"
     "4. L4-L5 left: complete left facetectomy. The traversing L5 root was compressed.\n",
     {"L3-L4": ["laminotomy", "facetectomy"], "L4-L5": ["facetectomy"]}),
    # the level right after the technique, in its own clause of a procedure line
    ("Operation: Right-sided TLIF L4/5; bilateral undercutting laminotomy L3/4 without fusion at that level.",
     {"L3-L4": ["laminotomy"]}),
    ("PROCEDURE: TLIF L4-5; foraminotomy L5-S1.", {"L5-S1": ["foraminotomy"]}),
    # must NOT: a level that only comes later in a long clause still belongs to the next step
    ("TLIF L4-5 and L5-S1. First at L4-5 a left laminotomy; then the facet was taken down at L5-S1 for the cage.",
     {"L4-L5": ["laminotomy"], "L5-S1": ["facetectomy"]}),
    # a level that "is not part of this fusion" is not where the narrative is
    ("PROCEDURE: TLIF L5-S1. We palpated the L4-5 facet capsules, since L4-5 is not part of this fusion; no work "
     "was done at L4-5.\n\nThe Gill laminectomy was then performed at L5.", {"L5-S1": ["laminectomy"]}),
    # the screws are what is repeated: the decompression is not copied to their level
    ("TLIF L5-S1. A right L5-S1 hemilaminotomy was made. The left L5 and S1 screws were placed in the same manner.",
     {"L5-S1": ["laminotomy"]}),
]


@pytest.mark.parametrize("text, expected", ROUND11)
def test_round11_level_language(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)


def test_a_repeat_with_its_own_side_takes_that_side(extract):
    text = (TLIF2 + "At L4-L5 a complete facetectomy was done on the left and the contralateral facet was undercut. "
            "L5-S1 was then addressed in a similar manner, again from the left.")
    from .snippets import sides

    assert sides(extract(text)) == {"L4-L5": "bilateral", "L5-S1": "left"}


# Round 12 (ii, ij): corrections in brackets, a vertebra in its own clause -------------------------
ROUND12 = [
    # words the dictation takes back in a bracketed correction are not in the note
    ("PROCEDURES:\n1. Left [correction: right] TLIF L4-5 [correction: L5-S1].\nDESCRIPTION: A left [correction: right] "
     "hemilaminectomy [correction: hemilaminotomy] of L5 was made for a compressed S1 root.",
     {"L5-S1": ["laminotomy"]}),
    # must NOT: a bracket that corrects nothing ("[sic]" has no replacement) or an ordinary parenthesis
    ("PROCEDURES: TLIF L4-5.\nDESCRIPTION: A left L4-5 laminotomy (for the compressed L5 root) was made.", {"L4-L5": ["laminotomy"]}),
    # a vertebra in the work's own comma clause beats the interspaces of the clause beside it
    ("PROCEDURES: TLIF L4-L5 and L5-S1.\nDESCRIPTION: Dr. A did the exposure. Dr. B performed the L4 laminectomy, the "
     "left-sided decompression at L4-L5 and L5-S1, and the cages.", {"L4-L5": ["laminectomy"], "L5-S1": []}),
    # must NOT: a parenthesis elaborates the clause before it
    ("PROCEDURES: TLIF L4/5 and L5/S1, decompression L5/S1 (L5 laminectomy, bilat medial facetectomies).",
     {"L5-S1": ["laminectomy", "facetectomy"]}),
]


@pytest.mark.parametrize("text, expected", ROUND12)
def test_round12_level_language(extract, text, expected):
    assert techniques(extract(text)) == expect(expected)
