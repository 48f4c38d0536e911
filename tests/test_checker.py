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
