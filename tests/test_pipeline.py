import pytest

from opnote_check.pipeline import SPAN_GROUP


def sentences(pipeline, text):
    return [s.text.strip() for s in pipeline(text).sents if s.text.strip()]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A laminotomy was done. The root was free.", ["A laminotomy was done.", "The root was free."]),
        ("a laminotomy was done. the root was free.", ["a laminotomy was done.", "the root was free."]),  # lower-case dictation
        ("Seen by Dr. Smith today. Fine.", ["Seen by Dr. Smith today.", "Fine."]),
        ("PROCEDURES:\n1. TLIF L4-5.\n2. Laminotomy L4-5.", ["PROCEDURES:", "1. TLIF L4-5.", "2. Laminotomy L4-5."]),
        ("EBL 300 cc. No drains.", ["EBL 300 cc.", "No drains."]),
        ("all stim > 20 mA. A left hemilaminotomy.", ["all stim > 20 mA.", "A left hemilaminotomy."]),
        ("the flavum was thick and\nbuckled at L4-5.", ["the flavum was thick and\nbuckled at L4-5."]),  # hard-wrapped line
        ("Screws 6.5 x 45 mm were placed.", ["Screws 6.5 x 45 mm were placed."]),
    ],
)
def test_sentences(pipeline, text, expected):
    assert sentences(pipeline, text) == expected


@pytest.mark.parametrize(
    "heading, category",
    [
        ("PREOPERATIVE DIAGNOSIS:", "diagnosis"),
        ("Preop Dx:", "diagnosis"),
        ("INDICATIONS FOR SURGERY:", "indications"),
        ("PROCEDURES PERFORMED:", "procedure"),
        ("PROCEDURE PERFORMED (STAGE 1 OF 2):", "procedure"),
        ("PROCEDURE PLANNED:", "planned"),
        ("DESCRIPTION OF PROCEDURE:", "description"),
        ("PROCEDURE IN DETAIL:", "description"),
        ("INTRAOPERATIVE FINDINGS:", "findings"),
        ("FINDINGS", "findings"),  # a heading on its own line, no colon
        ("PLAN:", "plan"),
        ("ESTIMATED BLOOD LOSS:", "admin"),
        ("CO-SURGEONS:", "cosurgeon"),
        ("POSTERIOR:", "other"),
    ],
)
def test_section_headings(pipeline, heading, category):
    doc = pipeline(f"{heading}\nText of the section.\n")
    assert [s.category for s in doc._.sections if s.category] == [category]


def test_heading_mid_line_is_not_a_section(pipeline):
    doc = pipeline("The plan: continue therapy and see the procedure: done.")
    assert all(s.category is None for s in doc._.sections)


def test_spans_index_the_original_text(pipeline):
    text = "PROCEDURE:\r\n1.\tLeft L4\u2013L5 TLIF \u201ccage\u201d.\r\nA left L4-5 hemilaminotomy; no foraminotomy."
    doc = pipeline(text)
    spans = list(doc.spans[SPAN_GROUP])
    assert spans
    for span in spans:
        assert text[span.start_char : span.end_char] == span.text
    labels = {span.label_ for span in spans}
    assert {"LEVEL", "TECHNIQUE", "SIDE", "ARTHRODESIS", "DEVICE"} <= labels


def test_context_statuses(pipeline):
    doc = pipeline("No foraminotomy was needed. Prior L3-4 laminectomy. Will return for laminotomy. A facetectomy was done.")
    status = {
        span.text: sorted(m.category for m in span._.modifiers)
        for span in doc.spans[SPAN_GROUP]
        if span.label_ == "TECHNIQUE"
    }
    assert status["foraminotomy"] == ["NEGATED_EXISTENCE"]
    assert status["laminectomy"] == ["HISTORICAL"]
    assert status["laminotomy"] == ["HYPOTHETICAL"]
    assert status["facetectomy"] == []
