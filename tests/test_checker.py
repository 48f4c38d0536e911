"""checker.py: the facade a notebook, the CLI, the server and batch use."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from opnote_check import Checker
from opnote_check.claims import Claim

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notes"
DEMO = (FIXTURES / "demo-tlif.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def checker():
    return Checker()


def test_a_notebook_checks_a_note_in_two_lines(checker):
    report = Checker().check(DEMO, claim=["22630", "22632", "63052", "63053-51"])
    assert report.status == "gaps" and report.amount_at_risk == 204.75
    assert {"MODIFIER_51_ON_ADDON", "TECHNIQUE_NOT_NAMED"} <= {g.rule for g in report.gaps}
    html = report._repr_html_()
    assert html.startswith("<!DOCTYPE html>") and "TECHNIQUE_NOT_NAMED" in html


@pytest.mark.parametrize(
    "claim",
    [["22630", "22632", "63052", "63053-51"], "22630 22632 63052 63053-51",
     {"lines": [{"code": "22630"}, {"code": "22632"}, {"code": "63052"}, {"code": "63053", "modifiers": ["51"]}]}],
)
def test_every_claim_form_gives_the_same_report(checker, claim):
    as_specs = checker.check(DEMO, claim=["22630", "22632", "63052", "63053-51"])
    assert checker.check(DEMO, claim=claim).gaps == as_specs.gaps


def test_scribe_mode_and_a_claim_object(checker):
    scribe = checker.check(DEMO)
    assert scribe.billed_lines is None and [l.code for l in scribe.supported_lines] == ["63052", "63053"]
    claim = Claim.model_validate({"case_id": "C9", "lines": [{"code": "22630"}, {"code": "63052"}]})
    assert checker.check(DEMO, claim=claim).case_id == "C9"


def test_thread_safe(checker):
    notes = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.glob("h[g-k]-*.txt"))[:12]]
    alone = [checker.check(n).model_dump() for n in notes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda n: checker.check(n).model_dump(), notes * 3))
    assert together == alone * 3


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = ["L4-5", "L5S1", "left", "R", "bilat", "laminotomy", "facetectomy", "foraminotomy", "no", "prior", "TLIF",
         "cage", "at", ".", ";", "\n", "PROCEDURES:", "1.", "[correction: right]", "{a/b: ***}", "stenosis",
         "compressed", "in the same manner", "<script>", "&", "\udc00", "SURGEON:", "=1+2"]
LINES = st.lists(st.sampled_from(["22630", "22632", "22633", "22634", "22612", "63052", "63053", "63047", "63048",
                                  "69990", "63053-51", "63052-XS", "63053x3", "63052-62", "22630-62", "63047-59"]),
                 max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=50).map(" ".join), LINES)
def test_any_note_and_claim_make_a_report_every_renderer_can_show(checker, text, lines):
    """Fuzzed notes and claim lines: a report, never an exception; dollars never exceed what is billed;
    every evidence span quotes the note; HTML keeps the note's markup as text."""
    from opnote_check.render.html import render_html, render_page_result

    report = checker.check(text, claim=lines or None)
    billed = sum(l.amount for l in report.billed_lines or [])
    assert 0 <= report.amount_at_risk <= billed + 0.005
    for gap in report.gaps:
        for ev in gap.evidence:
            assert text[ev.start:ev.end] == ev.text
    page, result = render_html(report, text), render_page_result(report, text)
    assert page.count("<script>") == 1 and "<script" not in result  # the file's own script only
    if "<script>" in text:
        assert "&lt;script&gt;" in result
