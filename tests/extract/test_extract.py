"""Extraction, one phenomenon per row: note snippets -> interspaces, techniques, sides, status."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def segs(extraction):
    return {s.interspace: s for s in extraction.segments}


TLIF = "PROCEDURES:\n1. Left TLIF L4-L5.\n\nDESCRIPTION OF PROCEDURE: "


@pytest.mark.parametrize(
    "text, expected",
    [
        # level forms in the narrative
        (TLIF + "A left L4-5 laminotomy was performed.", {"L4-L5": ["laminotomy"]}),
        (TLIF + "Bilateral foraminotomies were done at L4/5 and L5/S1.", {"L4-L5": ["foraminotomy"], "L5-S1": ["foraminotomy"]}),
        ("Bilateral laminotomies and foraminotomies, L three four and L four five.", {"L3-L4": ["laminotomy", "foraminotomy"], "L4-L5": ["laminotomy", "foraminotomy"]}),
        ("Laminectomy L3 through L5 was carried out.", {"L3-L4": ["laminectomy"], "L4-L5": ["laminectomy"]}),
        ("A hemilaminectomy was done at the fourth and fifth lumbar interspace.", {"L4-L5": ["laminotomy"]}),
        # technique synonyms
        ("At L4-L5 the left facet was resected and a foraminal decompression was completed.", {"L4-L5": ["facetectomy", "foraminotomy"]}),
        ("L5-S1: right hemilaminotomy and medial facetectomy.", {"L5-S1": ["laminotomy", "facetectomy"]}),
        ("L4-L5: lateral recess decompression on the right.", {"L4-L5": ["facetectomy"]}),
        # speech-recognition splits and telegraphic dictation
        ("At L4-5 a complete lamb in ectomy was done.", {"L4-L5": ["laminectomy"]}),
        ("L5-S1: right lamin otomy.", {"L5-S1": ["laminotomy"]}),
        ("L5-S1: the superior articular process of S1 removed with the osteotome.", {"L5-S1": ["facetectomy"]}),
        # carry-over through the narrative
        ("Attention was then turned to L5-S1. A right laminotomy was made. A right foraminotomy followed.", {"L5-S1": ["laminotomy", "foraminotomy"]}),
        ("L3-4:\n- Laminotomy with burr.\n- Foraminotomy carried out.", {"L3-L4": ["laminotomy", "foraminotomy"]}),
        # vertebra-named work maps to interspaces from context
        (TLIF + "A left L4 hemilaminotomy was performed at L4-L5.", {"L4-L5": ["laminotomy"]}),
        ("At L5-S1 a left laminotomy was performed through the previously undisturbed lamina.", {"L5-S1": ["laminotomy"]}),
        ("PROCEDURES: PLIF L4-5 and L5-S1.\nThe L4 and L5 laminectomies were completed.", {"L4-L5": ["laminectomy"], "L5-S1": ["laminectomy"]}),
        ("Right L5 and S1 hemilaminotomies were made.", {"L5-S1": ["laminotomy"]}),
        # work repeated at another level
        ("At L4-L5 a left laminotomy and facetectomy were done. This was then repeated in the same manner at L5-S1.",
         {"L4-L5": ["laminotomy", "facetectomy"], "L5-S1": ["laminotomy", "facetectomy"]}),
    ],
)
def test_techniques_per_interspace(extract, text, expected):
    found = {s.interspace: s.techniques for s in extract(text).segments}
    assert found == {k: sorted(v, key=["laminectomy", "laminotomy", "facetectomy", "foraminotomy"].index) for k, v in expected.items()}


@pytest.mark.parametrize(
    "text",
    [
        "PREOPERATIVE DIAGNOSIS: Stenosis L3-L4 requiring laminectomy.\n",  # diagnosis only
        "INDICATIONS: She may need an L3-4 laminectomy in the future.\n",  # indications
        "No foraminotomy was needed at L5-S1.",  # negated
        "A foraminotomy was not performed at L5-S1.",  # negated, cue after
        "There was no need to decompress L3-4.",
        "Status post L4-5 laminectomy in 2016.",  # historical
        "The old L4-5 laminotomy defect was identified.",  # historical
        "She had a prior L3-L4 laminectomy.",
        "We will return for an L3-4 laminotomy if symptoms persist.",  # planned
        "PLAN: L3-4 laminectomy at a later date.\n",  # plan section
        "PROCEDURE PLANNED: L4-5 laminectomy.\n",  # planned section
        "Risks including the possible need for future decompression at L3-L4 were discussed.",  # consent
        "Nothing was done on the left side at L5-S1.",
        "We discussed doing an L3-4 laminotomy as well but left it alone.",  # discussed, not done
        "The lamb chop was removed from the menu at L4-5.",  # 'lamb' alone is not a technique
    ],
)
def test_mentions_that_are_not_work_today(extract, text):
    assert extract(text).segments == []


@pytest.mark.parametrize(
    "text, interspace, laterality",
    [
        ("A left L4-L5 laminotomy was performed.", "L4-L5", "left"),
        ("Bilateral L4-L5 foraminotomies were performed.", "L4-L5", "bilateral"),
        ("At L4-L5 foraminotomies were performed bilaterally.", "L4-L5", "bilateral"),
        ("At L4-L5, foraminotomies were done on the left and the right.", "L4-L5", "bilateral"),
        ("At L4-L5 a left laminotomy was made, and a right foraminotomy was done.", "L4-L5", "bilateral"),
        ("A laminotomy was performed at L5-S1.", "L5-S1", None),
        # a side that belongs to a root, a finding or the fusion is not the side of the decompression
        ("A laminotomy was performed at L5-S1; the left S1 root was compressed.", "L5-S1", None),
        ("L5-S1 laminotomy for right foraminal stenosis.", "L5-S1", None),
        # contralateral / ipsilateral against the approach side
        ("Right TLIF L4-5. At L4-5 a right laminotomy was made and the left side was undercut with a laminotomy contralateral to the approach.", "L4-L5", "bilateral"),
        ("TLIF L4-5 from the left. Ipsilateral laminotomy at L4-5.", "L4-L5", "left"),
        ("TLIF L5-S1. L5-S1 was thoroughly decompressed on the right.", "L5-S1", "right"),
    ],
)
def test_laterality(extract, text, interspace, laterality):
    assert segs(extract(text))[interspace].laterality == laterality


@pytest.mark.parametrize(
    "text, posterior, technique, fused",
    [
        ("Left L4-L5 TLIF with a 10 mm cage.", True, "TLIF", ["L4-L5"]),
        ("Posterior lumbar interbody fusion L4-5 and L5-S1.", True, "PLIF", ["L4-L5", "L5-S1"]),
        ("TLIF L3 to S1 (three interspaces).", True, "TLIF", ["L3-L4", "L4-L5", "L5-S1"]),
        ("Posterolateral fusion L4-S1 and TLIF at L4-L5 and L5-S1.", True, "combined_posterolateral_interbody", ["L4-L5", "L5-S1"]),
        ("L5-S1: discectomy and endplate preparation; a 12 mm cage was placed.", True, "posterior_interbody", ["L5-S1"]),
        ("Posterolateral intertransverse fusion L4-5. No interbody device was placed.", False, "posterolateral_only", []),
        ("Anterior lumbar interbody fusion (ALIF) L5-S1 with a PEEK cage.", False, "ALIF", []),
        ("XLIF at L3-L4 with a lateral cage.", False, "lateral", []),
        ("The plan is an L4-5 TLIF next week.", False, "none", []),
        ("No interbody fusion was performed today.", False, "none", []),
        ("Posterolateral fusion L4-5. We talked about adding an interbody cage at L4-5 but decided against it.", False, "posterolateral_only", []),
    ],
)
def test_arthrodesis(extract, text, posterior, technique, fused):
    a = extract(text).arthrodesis
    assert (a.posterior_interbody, a.technique, a.interspaces) == (posterior, technique, fused)


def test_prep_only_facetectomy(extract):
    text = TLIF.replace("L4-L5", "L4-L5 and L5-S1") + (
        "At L4-L5 bilateral laminotomies and foraminotomies were done for compressed L5 roots. "
        "At L5-S1 a left facetectomy was performed solely to gain access to the disc space. "
        "No additional decompression was required at L5-S1."
    )
    found = segs(extract(text))
    assert found["L4-L5"].prep_only is False and found["L5-S1"].prep_only is True
    assert extract(text).supported_units() == {"63052": 1, "63053": 0}


def test_narrative_takes_back_what_the_procedure_list_claims(extract):
    text = (
        "PROCEDURES:\n1. Left TLIF L4-L5 and L5-S1.\n2. Bilateral laminotomies and foraminotomies, L4-L5 and L5-S1.\n\n"
        "DESCRIPTION OF PROCEDURE: At L4-L5 bilateral laminotomies and foraminotomies were done for compressed L5 roots. "
        "At L5-S1 a left facetectomy was performed to reach the disc; no laminotomy or foraminotomy was needed at this level."
    )
    found = segs(extract(text))
    assert found["L4-L5"].techniques == ["laminotomy", "foraminotomy"]
    assert (found["L5-S1"].techniques, found["L5-S1"].prep_only) == (["facetectomy"], True)


def test_list_stands_when_the_narrative_does_not_deny_it(extract):
    text = (
        "PROCEDURES:\n1. Left TLIF L5-S1.\n2. Left L5-S1 laminotomy and foraminotomy.\n\n"
        "DESCRIPTION OF PROCEDURE: At L5-S1 a left laminotomy was performed through the previously undisturbed lamina."
    )
    assert segs(extract(text))["L5-S1"].techniques == ["laminotomy", "foraminotomy"]


@pytest.mark.parametrize(
    "text, named",
    [
        # the only technique opened the disc; the facetectomy named again as the graft's source is not more work
        ("Right TLIF L4-5. A right L4-5 facetectomy was performed to access the disc space. The neural elements were "
         "decompressed. A cage packed with autograft from the facetectomy was placed.", False),
        ("Right TLIF L4-5. A right L4-5 facetectomy was performed to access the disc space. A right L4-5 foraminotomy "
         "freed the L4 root. Local bone from the laminectomy was saved.", True),
    ],
)
def test_technique_named_ignores_bone_sources(extract, text, named):
    assert segs(extract(text))["L4-L5"].technique_named is named


def test_generic_decompression_names_no_technique(extract):
    text = "TLIF L5-S1. The right S1 root was compressed by a disc osteophyte. L5-S1 was decompressed on the right."
    seg = segs(extract(text))["L5-S1"]
    assert seg.techniques == [] and seg.technique_named is False and seg.laterality == "right"


def test_vague_decompression_stays_unattributed(extract):
    text = "TLIF L4-L5 and L5-S1.\nA wide multilevel decompression was carried out with bilateral laminotomies at the stenotic levels."
    ex = extract(text)
    assert ex.segments == [] and ex.vague_cues and {e.kind for e in ex.unattributed_decompression} >= {"technique"}


def test_percutaneous_decompression_is_not_surgery(extract):
    assert extract("1. Nerve root decompression at L45 on the left side with a catheter.").segments == []


@pytest.mark.parametrize(
    "text, status",
    [
        ("TLIF L4-5 with bilateral laminotomies at L4-5.", "implied"),
        ("TLIF L4-5 with laminotomies at L4-5. Both were done in the same operative session.", "explicit"),
        ("STAGE 1 OF 2: L4-5 laminotomies. TLIF deferred to stage 2.", "not_documented"),
        ("L4-5 laminotomies.", "not_documented"),
    ],
)
def test_same_session(extract, text, status):
    assert extract(text).same_session.status == status


@pytest.mark.parametrize(
    "text, documented",
    [
        ("CO-SURGEONS: Dr. A (neurosurgery) and Dr. B (orthopaedics).", True),
        ("Dr. X will dictate the posterolateral fusion.", True),
        ("ASSISTANT: J. Smith, PA-C.", False),
    ],
)
def test_co_surgeon(extract, text, documented):
    assert extract(text).co_surgeon.documented is documented


def test_findings_per_level(extract):
    text = "INTRAOPERATIVE FINDINGS:\n- L4-5: severe lateral recess stenosis.\n\nDESCRIPTION: L4-5 and L5-S1 laminotomies were done."
    found = segs(extract(text))
    assert found["L4-L5"].findings and not found["L5-S1"].findings


def test_imaging_finding_is_not_intraoperative(extract):
    text = "MRI shows severe L5-S1 stenosis. A left L5-S1 laminotomy was performed."
    assert segs(extract(text))["L5-S1"].findings == []


def test_evidence_offsets_are_exact(extract):
    text = "PROCEDURE:\r\n1. Left TLIF L4\u2013L5.\r\n\r\nDESCRIPTION: A left L4\u2013L5 laminotomy and foraminotomy; the left L5 root was flattened."
    ex = extract(text)
    spans = [e for s in ex.segments for e in s.evidence] + ex.arthrodesis.evidence + list(ex.spans)
    assert spans and all(text[e.start : e.end] == e.text for e in spans)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400) | st.lists(
    st.sampled_from(["L4-5", "L5-S1", "left", "right", "bilateral", "laminotomy", "facetectomy", "no", "prior",
                     "TLIF", "cage", "at", "the", ".", ",", ";", ":", "(", ")", "\n", "\r\n", "PROCEDURES:",
                     "1.", "-", "decompressed", "stenosis", "repeated in the same manner", "both levels", "L4 and L5"]),
    max_size=60).map(" ".join))
def test_extraction_never_raises_and_spans_are_exact(extract, text):
    ex = extract(text)
    spans = [e for s in ex.segments for e in s.evidence] + ex.arthrodesis.evidence + list(ex.spans) + ex.unattributed_decompression
    assert all(text[e.start : e.end] == e.text for e in spans)
    assert all(s.laterality in (None, "left", "right", "bilateral") for s in ex.segments)
