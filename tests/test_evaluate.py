"""Accuracy: every fixture of ours against its gold label, and the SPEC §8 bars on the shared corpus."""

from pathlib import Path

import pytest

from opnote_check.check import build_report
from opnote_check.claims import load_claims, select_claim
from opnote_check.evaluate import PRF, CorpusError, evaluate, find_cases, score_case, EvalResult
from opnote_check.notes import read_note

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "notes"
CORPUS = ROOT.parent / "shared" / "corpus"
CASES = find_cases(FIXTURES)


def test_prf():
    prf = PRF()
    prf.add({1, 2, 3}, {2, 3, 4})
    assert (prf.tp, prf.fp, prf.fn) == (2, 1, 1) and prf.f1 == pytest.approx(2 / 3)


def test_corpus_errors(tmp_path):
    with pytest.raises(CorpusError, match="no cases"):
        find_cases(tmp_path)
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.gold.json").write_text("{}")
    with pytest.raises(CorpusError, match="a.gold.json: not a valid gold file"):
        find_cases(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_fixture_matches_its_gold_label(case, extract, library):
    """Each fixture note (our own writing) against its expected labels: interspaces, techniques,
    laterality, fusion, supported units, and the rules a correct checker reports."""
    _, text = read_note(str(case.note_path))
    extraction = extract(text)
    result = EvalResult()
    score_case(result, case, extraction)
    if case.claim_path is not None:
        from opnote_check.evaluate import score_rules

        claim = select_claim(load_claims(case.claim_path), None, str(case.claim_path))
        score_rules(result, case, build_report(extraction, claim, library, "test", case.case_id))
    assert result.differences.get(case.case_id, []) == []


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present on this machine")
@pytest.mark.parametrize("name", ["synthetic-dev", "mtsamples-lumbar"])
def test_shared_corpus_meets_the_bars(name, extract, library):
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    result = evaluate(folder, extract, lambda ex, claim, cid: build_report(ex, claim, library, "test", cid))
    assert result.interspaces.f1 >= 0.95
    assert result.techniques.f1 >= 0.90
    assert result.laterality.value >= 0.90
    assert result.fused.f1 >= 0.95
    assert result.posterior_interbody.value >= 0.95
    if result.rule_cases.total:
        assert result.rule_cases.value >= 0.90
        assert result.rules.precision >= 0.90 and result.rules.recall >= 0.90


HARD = ROOT / "fixtures" / "hard"


def test_hard_fixtures_do_not_fall_below_today(extract, library):
    """Notes whose gold label the extractor does not fully meet yet (fixtures/hard/README.md names
    what each still gets wrong). They are scored together; no figure may fall below the one
    measured when they were added."""
    result = evaluate(HARD, extract, lambda ex, claim, cid: build_report(ex, claim, library, "test", cid))
    # 30 cases since round 12 (ij-04, ij-07 added; hv-08 met and moved to fixtures/notes); measured
    # then: interspace 0.946, technique 0.857, laterality 0.698, fused 0.969, units 0.800, rules 0.45 / 0.78
    assert result.cases == 30
    assert result.interspaces.f1 >= 0.94
    assert result.techniques.f1 >= 0.85
    assert result.laterality.value >= 0.69
    assert result.fused.f1 >= 0.96 and result.posterior_interbody.value >= 1.0
    assert result.supported_units.value >= 0.80
    assert result.rules.precision >= 0.45 and result.rules.recall >= 0.77
