from pathlib import Path

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


NOTES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "notes").glob("*.txt"))[:20]


def test_fast_regex_matcher_finds_what_medspacy_finds(pipeline):
    """The pipeline's own RegexMatcher (text built once, rules gated by required literals) returns
    the same matches as medspaCy's implementation."""
    from medspacy.common.regex_matcher import RegexMatcher

    matcher = pipeline.nlp.get_pipe("medspacy_target_matcher")._TargetMatcher__matcher._MedspacyMatcher__regex_matcher
    assert type(matcher) is not RegexMatcher  # a private subclass, on this pipeline's instance only
    for path in NOTES:
        doc = pipeline.nlp.make_doc(path.read_text(encoding="utf-8"))
        assert sorted(matcher(doc)) == sorted(RegexMatcher.__call__(matcher, doc)), path.name


def test_scoped_context_graph_gives_the_same_edges(pipeline):
    from medspacy.context import ConText

    from opnote_check.pipeline import _ScopedConTextGraph, build_pipeline

    stock = build_pipeline(pipeline.patterns)
    stock.get_pipe("medspacy_context").__class__ = ConText  # medspaCy's own ConText and graph

    def edges(doc):
        return sorted((t.start, t.end, m.category, m.modifier_span) for t, m in doc._.context_graph.edges)

    for path in NOTES:
        text = path.read_text(encoding="utf-8")
        doc = pipeline(text)
        assert isinstance(doc._.context_graph, _ScopedConTextGraph)
        assert edges(doc) == edges(stock(text)), path.name


STOCK_PROBE = """
import json, sys, warnings
import medspacy
from medspacy.common.regex_matcher import RegexMatcher
from medspacy.context.context_graph import ConTextGraph
from medspacy.target_matcher import TargetRule

def stock():
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add([TargetRule("laminotomy", "TECHNIQUE"),
                                                  TargetRule("stenosis", "FINDING", pattern=r"stenos[ie]s")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = nlp("No laminotomy was done at L3-4. History of stenosis. A left laminotomy for stenosis was done.")
    return {"ents": [(e.text, e.start, e._.is_negated, e._.is_historical) for e in doc.ents],
            "warnings": sorted({str(w.message)[:12] for w in caught})}

state = lambda: [RegexMatcher.__call__.__qualname__, ConTextGraph.apply_modifiers.__qualname__, len(warnings.filters),
                 sorted(m for m in sys.modules if m.startswith("quickumls"))]
before, stock_before = state(), stock()
import opnote_check
from opnote_check.pipeline import get_pipeline
get_pipeline()("Left TLIF L4-5. A left L4-5 laminotomy.")
print(json.dumps({"same_state": state() == before, "same_stock": stock() == stock_before, "stock": stock_before}))
"""


def test_importing_the_package_changes_nothing_else():
    """Stock medspaCy gives the same spans, cues and warnings before and after this package is
    imported and its pipeline built; no class of medspaCy is patched, no module planted, no
    warning filter added (issue 11)."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", STOCK_PROBE], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["same_state"] and result["same_stock"]
    assert result["stock"]["ents"][0][2] is True  # the probe really ran ConText


@pytest.mark.parametrize(
    "pattern, literals",
    [
        (r"\bleft\b", ["left"]),
        (r"\bforaminotom(?:y|ies)\b", ["foraminotom"]),
        (r"\b(?:MIS[- ])?TLIFs?\b", ["tlif"]),
        (r"(?m)^(?:pre-?op)?\s*diagnos[ie]s", ["diagnos"]),
        (r"\b(?:cages?|spacers?)\b", ["cage", "spacer"]),
        (r"(?:a|b)?", None),  # may match nothing: no required literal
        (r"[lts]\d", None),
    ],
)
def test_required_literals(pattern, literals):
    import re

    from opnote_check.pipeline import required_literals

    assert required_literals(pattern, re.I) == literals
