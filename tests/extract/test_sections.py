"""Sections as the mention table reads them: narrative after Indications, history and imaging, headings without a colon (issue 8 class 9)."""

import pytest

from .snippets import techniques


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

def test_capitalised_heading_without_colon_is_a_section(extract):
    text = "PREOPERATIVE DIAGNOSIS lumbar stenosis L4-5 requiring laminectomy\n\nDESCRIPTION the patient was placed prone\n"
    assert extract(text).segments == []


def test_background_is_history(extract):
    text = ("Procedure: Stage 2: L4-5 TLIF, left.\n\nBackground: she underwent stage 1, at which time a bilateral L4-5 "
            "laminectomy with foraminotomies was performed.\n\nDescription: the left L4-5 facet was removed to open the "
            "transforaminal corridor and a cage was placed.\n")
    seg = next(s for s in extract(text).segments if s.interspace == "L4-L5")
    assert seg.techniques == ["facetectomy"] and seg.prep_only is True


@pytest.mark.parametrize(
    "heading, is_history",
    [
        ("HISTORY / INDICATIONS:", True),  # two headings joined by a slash
        ("History/Indications:", True),
        ("INDICATIONS / CONSENT:", True),
        ("HISTORY AND INDICATIONS:", True),
        # must NOT match: a narrative line that starts like a heading
        ("History of L4/5 laminectomy:", False),
    ],
)
def test_headings_joined_by_a_slash(extract, heading, is_history):
    text = (f"PROCEDURE: Stage 2: left TLIF L4-5.\n\n{heading} at stage 1 an L4-5 laminectomy with "
            "bilateral foraminotomies was performed.\n\nDESCRIPTION: The left L4-5 facet was removed solely to open "
            "the transforaminal window and a cage was placed.\n")
    seg = next(s for s in extract(text).segments if s.interspace == "L4-L5")
    assert (seg.techniques == ["facetectomy"]) is is_history


@pytest.mark.parametrize(
    "text, expected",
    [
        # "Proc:" heads the procedure list, not more of the diagnosis above it
        ("Postop dx: same.\n\nProc: R TLIF L34, L45. Bilat laminotomies and foraminotomies L34 and L45.\n",
         {"L3-L4": ["foraminotomy", "laminotomy"], "L4-L5": ["foraminotomy", "laminotomy"]}),
        # an earlier stage with its date heads history: nothing of it is today's work
        ("STAGE 2 OF 2\nStage 1 (2026-04-13, Dr. K): L4 and L5 laminectomies with bilateral foraminotomies.\n\n"
         "PROCEDURE: TLIF L4-5.\nThe left L4-5 facet was resected solely to open the transforaminal corridor.\n",
         {"L4-L5": ["facetectomy"]}),
        # must NOT: "Stage 1:" without a date may be this operation ("stage 1 of 2: TLIF L5-S1")
        ("Stage 1: left L5-S1 TLIF with a left L5-S1 laminotomy for a compressed S1 root.\n",
         {"L5-S1": ["laminotomy"]}),
    ],
)
def test_procedure_abbreviation_and_dated_stage(extract, text, expected):
    assert {k: sorted(v) for k, v in techniques(extract(text)).items()} == expected


# Round 11: headings inside a one-paragraph note ------------------------------------------------------
def test_all_caps_headings_after_a_full_stop_start_sections(extract):
    text = ("OP NOTE 03/04/2026. PREOP/POSTOP DX: L5-S1 foraminal stenosis (MRI: left foraminal osteophyte). "
            "PROCEDURE: TLIF L5-S1; left L5-S1 foraminotomy. DESCRIPTION: prone; at L5-S1 a left foraminotomy was made.")
    seg = extract(text).segments[0]
    assert seg.interspace == "L5-S1" and seg.findings == []  # the diagnosis line is no intraoperative finding


@pytest.mark.parametrize(
    "text",
    [
        # must NOT: an inline imaging label, or a capitalised word that is no heading, starts no section
        "PROCEDURE: TLIF L4-5. Failed PT. MRI 07/2025: stenosis. At L4-5 a left laminotomy was made for a compressed L5 root.",
        "PROCEDURE: TLIF L4-5. At L4-5 a left laminotomy was made. Note: the L5 root was compressed by a thick flavum.",
    ],
)
def test_inline_labels_are_not_headings(extract, text):
    seg = extract(text).segments[0]
    assert seg.techniques == ["laminotomy"] and seg.findings


def test_a_finding_in_a_semicolon_sentence_stays_at_its_level(extract):
    text = ("PROCEDURE: TLIF L4-5 and L5-S1. DESCRIPTION: exposure; L3-4 capsules preserved; at L4-5 complete "
            "laminectomy w/ burr, ligamentum flavum markedly hypertrophied w/ compression of the sac; at L5-S1 R "
            "complete facetectomy as the TLIF window, cage placed; then L L5-S1 foraminotomy.")
    findings = {s.interspace: bool(s.findings) for s in extract(text).segments}
    assert findings == {"L4-L5": True, "L5-S1": False}
