"""The classes of operative-note language of issue 8, one table per class: note snippets ->
interspaces / techniques / sides / arthrodesis / session, with the rows that must NOT match."""

import pytest

ORDER = ["laminectomy", "laminotomy", "facetectomy", "foraminotomy"]
TLIF2 = "PROCEDURES:\n1. Left TLIF L4-L5 and L5-S1.\n\nDESCRIPTION OF PROCEDURE: "
TLIF3 = "PROCEDURES:\n1. TLIF L3-L4, L4-L5 and L5-S1.\n\nDESCRIPTION OF PROCEDURE: "


def techniques(extraction):
    return {s.interspace: s.techniques for s in extraction.segments}


def sides(extraction):
    return {s.interspace: s.laterality for s in extraction.segments}


def expect(mapping):
    return {k: sorted(v, key=ORDER.index) for k, v in mapping.items()}


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
    (TLIF2 + "A left foraminotomy freed the traversing L5 root.", {"L4-L5": ["foraminotomy"]}),
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


# 6. Interbody fusion considered but not done -------------------------------------------------------
NOT_FUSED = [
    ("Posterolateral fusion L4-5. An interbody cage at L4-5 was contemplated but not carried out.", False),
    ("Stage 1: L4-5 laminectomy. TLIF at L4-5 postponed to the second stage.", False),
    ("Posterolateral fusion L4-5. A cage had been planned; however, we chose not to insert one.", False),
    ("Laminectomy L4-5 with posterolateral fusion. Interbody graft material was prepared but not used.", False),
    # must stay fused
    ("Left TLIF L4-5 with a 10 mm cage.", True),
]


@pytest.mark.parametrize("text, posterior", NOT_FUSED)
def test_interbody_considered_is_not_done(extract, text, posterior):
    assert extract(text).arthrodesis.posterior_interbody is posterior


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


# 9. Sections ---------------------------------------------------------------------------------------
def test_paragraphs_after_indications_are_narrative(extract):
    text = "INDICATIONS: Stenosis at L4-5 with claudication.\n\nAt L4-5 a left laminotomy was made for a compressed L5 root.\n"
    assert techniques(extract(text)) == {"L4-L5": ["laminotomy"]}


@pytest.mark.parametrize(
    "text, interspace, has_finding",
    [
        ("Hx: severe L4-5 stenosis.\nPROCEDURE: TLIF L4-5. At L4-5 a left laminotomy was made.", "L4-L5", False),
        ("Imaging: L4-5 lateral recess stenosis.\nPROCEDURE: TLIF L4-5. At L4-5 a left laminotomy was made.", "L4-L5", False),
        ("TLIF L4-5. At L4-5 a left laminotomy was made for foraminal stenosis on MRI.", "L4-L5", False),
        ("TLIF L4-5. At L4-5 a left laminotomy was made; the L5 root was compressed by a thick flavum.", "L4-L5", True),
    ],
)
def test_history_and_imaging_are_no_intraoperative_finding(extract, text, interspace, has_finding):
    seg = next(s for s in extract(text).segments if s.interspace == interspace)
    assert bool(seg.findings) is has_finding


def test_per_level_facts_do_not_share_a_finding(extract):
    text = ("PROCEDURES: TLIF L3-4, L4-5.\nDESCRIPTION: Laminotomies at L3-4 and L4-5 were done. "
            "Findings: L3-4 normal disc, L4-5 severe lateral recess stenosis.")
    found = {s.interspace: bool(s.findings) for s in extract(text).segments}
    assert found == {"L3-L4": False, "L4-L5": True}


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


# 12. Co-surgeon in the passive --------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, documented",
    [
        ("The exposure will be separately dictated by Dr. Alvarez.", True),
        ("The decompression is described in a separate note by Dr. Obi.", True),
        ("Dr. Lim assisted with retraction.", False),
        ("The pathology report will be dictated separately.", False),
    ],
)
def test_co_surgeon_passive(extract, text, documented):
    assert extract(text).co_surgeon.documented is documented


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


# 15. Same session ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, status",
    [
        ("Preoperative diagnosis: stenosis L4-5.\nPostoperative diagnosis: Same.\nProcedure: L4-5 laminotomy. TLIF L4-5 next week.", "not_documented"),
        ("Postoperative diagnosis: same\nProcedure performed: L4-5 laminotomies.", "not_documented"),
        ("The decompression and the TLIF at L4-5 were performed under the same anesthetic. Left L4-5 laminotomy.", "explicit"),
    ],
)
def test_same_session_statements(extract, text, status):
    assert extract(text).same_session.status == status


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


# Rows found by the fresh batches (round 2 onward): the same classes, more of their language ----------
MORE_TECHNIQUES = [
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


MORE_SIDES = [
    ("PROCEDURE: TLIF L4-5.\nRight side: complete facetectomy of the L4-L5 joint was done.", "L4-L5", "right"),
    ("PROCEDURE: TLIF L4-5.\nAt L4-5 a laminotomy was made. Foraminotomy was performed for the exiting L4 root; right.", "L4-L5", "right"),
    ("PROCEDURE: TLIF L4-5.\nAt L4-5 a left foraminotomy was done. Flavum undercut across the midline until the right L5 root was free.",
     "L4-L5", "bilateral"),
    ("TLIF L4-5 and L5-S1. At L4-5 a right foraminotomy; left, at L5-S1, a laminotomy is fashioned.", "L5-S1", "left"),
    # must NOT: the sides of screws or of a range are no decompression side
    ("TLIF L4-5. Pedicle screws were placed L3 through S1 on both sides. A laminotomy was made at L4-5.", "L4-L5", None),
    # must NOT: a root that is merely free after the work gives no side
    ("TLIF L4-5. At L4-5 a laminotomy was made; the right L5 root was free.", "L4-L5", None),
]


@pytest.mark.parametrize("text, interspace, laterality", MORE_SIDES)
def test_more_sides(extract, text, interspace, laterality):
    assert sides(extract(text)).get(interspace) == laterality


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


def test_decompression_done_at_an_earlier_stage_is_not_today(extract):
    text = ("PROCEDURE: Left TLIF L4-5 (stage 2).\nThe left L4-5 facet remnant was removed to open the transforaminal "
            "corridor to the disc. A cage was placed. The decompression was performed at stage 1 and is documented in "
            "that operative report; no decompression was done at today's operation.")
    seg = next(s for s in extract(text).segments if s.interspace == "L4-L5")
    assert seg.prep_only is True


def test_capitalised_heading_without_colon_is_a_section(extract):
    text = "PREOPERATIVE DIAGNOSIS lumbar stenosis L4-5 requiring laminectomy\n\nDESCRIPTION the patient was placed prone\n"
    assert extract(text).segments == []


@pytest.mark.parametrize(
    "text, documented",
    [
        ("Co-surgeon present: \u2610 Yes  \u2612 No\n", False),
        ("Co-surgeon present: [ ] Yes [x] No\n", False),
        ("Co-surgeon present: \u2612 Yes  \u2610 No\nDr. Obi performed the exposure as co-surgeon.\n", True),
    ],
)
def test_checked_no_answers_its_question(extract, text, documented):
    assert extract(text).co_surgeon.documented is documented
