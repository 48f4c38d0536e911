"""Stage 1, the mention table: every span carries its explanation (rule id and ConText cue)."""

import pytest

from opnote_check.patterns import load_patterns

RULE_IDS = {r.id for r in load_patterns().targets} | {r.id for r in load_patterns().context}


@pytest.mark.parametrize(
    "text, span_text, status, rule_id, cue_text",
    [
        ("No foraminotomy was needed at L5-S1.", "foraminotomy", "negated", "technique.foraminotomy", "No"),
        ("She had a prior L3-L4 laminectomy.", "laminectomy", "historical", "technique.laminectomy", "prior"),
        ("We will return for an L3-4 laminotomy.", "laminotomy", "hypothetical", "technique.laminotomy", "return for"),
        ("A left L4-5 laminotomy was performed.", "laminotomy", "affirmed", "technique.laminotomy", None),
        # "not fused" says what the level is, not what was done there: the work after it stands
        ("L3-4 (not fused): bilateral laminotomies were made.", "laminotomies", "affirmed", "technique.laminotomy", None),
        ("L3-4 NOT instrumented, bilateral laminotomies done.", "laminotomies", "affirmed", "technique.laminotomy", None),
        # "preserving the joint" keeps the joint; the work named after it stands
        ("Left medial facetectomy, preserving the joint, and left foraminotomy for the L4 root.", "foraminotomy",
         "affirmed", "technique.foraminotomy", None),
        # must NOT change: work right after the cue is still denied
        ("Avoiding a foraminotomy, we made a left laminotomy.", "foraminotomy", "negated", "technique.foraminotomy", "Avoiding"),
        # must NOT change: a plain "not" still negates the work it precedes
        ("A foraminotomy was not felt necessary; not a laminotomy either.", "laminotomy", "negated", "technique.laminotomy", "not"),
    ],
)
def test_every_span_explains_its_rule_and_cue(extract, text, span_text, status, rule_id, cue_text):
    mention = next(m for m in extract(text).spans if m.text.lower() == span_text)
    assert mention.status == status
    assert mention.explanation.rule_id == rule_id
    if cue_text is None:
        assert mention.explanation.cue is None
    else:
        cue = mention.explanation.cue
        assert cue.text == cue_text and text[cue.start : cue.end] == cue.text and cue.rule_id in RULE_IDS
        assert status in mention.explanation.describe(status) and cue.rule_id in mention.explanation.describe(status)


def test_level_spans_are_explained_by_the_level_scanner(extract):
    mention = next(m for m in extract("A left L4-5 laminotomy was performed.").spans if m.kind == "level")
    assert mention.explanation.rule_id == "level.interspace"


def test_every_explained_rule_id_exists(extract):
    text = "PROCEDURES: Left TLIF L4-5. A left L4-5 laminotomy for stenosis; no foraminotomy was needed."
    ids = {m.explanation.rule_id for m in extract(text).spans if m.kind != "level"}
    assert ids and ids <= RULE_IDS
