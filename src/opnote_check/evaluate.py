"""Accuracy against a labelled corpus (SPEC §8).

A corpus folder holds cases `<id>.txt` with gold labels `<id>.gold.json` beside them or in
`gold/`. Scores are micro-averaged over cases:

- decompressed interspaces: (case, interspace) pairs of `segments`;
- technique per interspace: (case, interspace, technique) triples;
- fused interspaces: (case, interspace) pairs of `fused_interspaces`;
- laterality: accuracy on interspaces found in both gold and prediction;
- posterior interbody: accuracy of the yes/no call per case;
- supported units: share of cases whose (63052, 63053) units match exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, ConfigDict, ValidationError

from .claims import Claim, ClaimError, load_claims, select_claim
from .models import Extraction, Report
from .notes import NoteError, read_note


class GoldSegment(BaseModel):
    model_config = ConfigDict(extra="ignore")
    interspace: str
    techniques: list[str] = []
    laterality: str | None = None
    findings: bool = False
    prep_only: bool = False


class Gold(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    posterior_interbody: bool
    arthrodesis_technique: str | None = None
    fused_interspaces: list[str] = []
    segments: list[GoldSegment] = []
    same_session: str | None = None
    supported_units: dict[str, int] = {}
    expected_rules: list[str] = []
    allowed_rules: list[str] = []
    forbidden_rules: list[str] = []


class CorpusError(ValueError):
    """A corpus folder that cannot be evaluated; one line naming the folder or file."""


@dataclass
class Case:
    case_id: str
    note_path: Path
    gold: Gold
    claim_path: Path | None = None


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class EvalResult:
    cases: int = 0
    interspaces: PRF = field(default_factory=PRF)
    techniques: PRF = field(default_factory=PRF)
    fused: PRF = field(default_factory=PRF)
    laterality: Accuracy = field(default_factory=Accuracy)
    posterior_interbody: Accuracy = field(default_factory=Accuracy)
    supported_units: Accuracy = field(default_factory=Accuracy)
    rule_cases: Accuracy = field(default_factory=Accuracy)
    rules: PRF = field(default_factory=PRF)
    differences: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        def prf(x: PRF) -> dict:
            return {"precision": round(x.precision, 4), "recall": round(x.recall, 4), "f1": round(x.f1, 4),
                    "tp": x.tp, "fp": x.fp, "fn": x.fn}

        def acc(x: Accuracy) -> dict:
            return {"accuracy": round(x.value, 4), "correct": x.correct, "total": x.total}

        return {
            "cases": self.cases,
            "interspaces": prf(self.interspaces),
            "technique_per_interspace": prf(self.techniques),
            "fused_interspaces": prf(self.fused),
            "laterality": acc(self.laterality),
            "posterior_interbody": acc(self.posterior_interbody),
            "supported_units_exact": acc(self.supported_units),
            **({"rule_case_pass": acc(self.rule_cases), "rules": prf(self.rules)} if self.rule_cases.total else {}),
            "differences": self.differences,
            "errors": self.errors,
        }


def find_cases(corpus: Path) -> list[Case]:
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: corpus folder not found")
    cases = []
    for note in sorted(corpus.glob("*.txt")):
        case_id = note.stem
        gold_path = next(
            (p for p in (corpus / f"{case_id}.gold.json", corpus / "gold" / f"{case_id}.gold.json") if p.is_file()),
            None,
        )
        if gold_path is None:
            continue
        try:
            gold = Gold.model_validate(json.loads(gold_path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise CorpusError(f"{gold_path}: not a valid gold file ({str(exc).splitlines()[0]})") from None
        claim = corpus / f"{case_id}.claim.json"
        cases.append(Case(case_id, note, gold, claim if claim.is_file() else None))
    if not cases:
        raise CorpusError(f"{corpus}: no cases (<id>.txt with <id>.gold.json or gold/<id>.gold.json)")
    return cases


def score_case(result: EvalResult, case: Case, pred: Extraction) -> None:
    gold, cid = case.gold, case.case_id
    diffs: list[str] = []
    g_seg = {s.interspace: s for s in gold.segments}
    p_seg = {s.interspace: s for s in pred.segments}
    result.interspaces.add({(cid, i) for i in g_seg}, {(cid, i) for i in p_seg})
    for i in sorted(set(g_seg) ^ set(p_seg)):
        diffs.append(f"segment {i}: gold {'yes' if i in g_seg else 'no'}, found {'yes' if i in p_seg else 'no'}")
    g_tech = {(cid, i, t) for i, s in g_seg.items() for t in s.techniques}
    p_tech = {(cid, i, t) for i, s in p_seg.items() for t in s.techniques}
    result.techniques.add(g_tech, p_tech)
    for i in sorted(set(g_seg) & set(p_seg)):
        g_t, p_t = set(g_seg[i].techniques), set(p_seg[i].techniques)
        if g_t != p_t:
            diffs.append(f"{i} techniques: gold {sorted(g_t)}, found {sorted(p_t)}")
        ok = g_seg[i].laterality == p_seg[i].laterality
        result.laterality.add(ok)
        if not ok:
            diffs.append(f"{i} laterality: gold {g_seg[i].laterality}, found {p_seg[i].laterality}")
        if g_seg[i].prep_only != p_seg[i].prep_only:
            diffs.append(f"{i} prep_only: gold {g_seg[i].prep_only}, found {p_seg[i].prep_only}")
    g_fused = set(gold.fused_interspaces)
    p_fused = set(pred.arthrodesis.interspaces) if pred.arthrodesis.posterior_interbody else set()
    result.fused.add({(cid, i) for i in g_fused}, {(cid, i) for i in p_fused})
    if g_fused != p_fused:
        diffs.append(f"fused: gold {sorted(g_fused)}, found {sorted(p_fused)}")
    ok = gold.posterior_interbody == pred.arthrodesis.posterior_interbody
    result.posterior_interbody.add(ok)
    if not ok:
        diffs.append(f"posterior interbody: gold {gold.posterior_interbody}, found {pred.arthrodesis.posterior_interbody}")
    g_units = (gold.supported_units.get("63052", 0), gold.supported_units.get("63053", 0))
    units = pred.supported_units()
    p_units = (units["63052"], units["63053"])
    result.supported_units.add(g_units == p_units)
    if g_units != p_units:
        diffs.append(f"supported units 63052/63053: gold {g_units}, found {p_units}")
    result.cases += 1
    if diffs:
        result.differences[cid] = diffs


# Notices about the installed reference tables rather than about the case: neutral unless a gold
# label names them (every case of a folder gets the same one from the same tables).
INSTALLATION_RULES = {"REFERENCE_DATE_NOT_COVERED"}


def score_rules(result: EvalResult, case: Case, report: Report) -> None:
    """Per-case pass: every expected rule reported, no forbidden rule, and no error-severity rule
    outside expected and allowed. Micro precision / recall over rule ids (allowed ones are neutral)."""
    gold = case.gold
    expected, allowed, forbidden = set(gold.expected_rules), set(gold.allowed_rules), set(gold.forbidden_rules)
    named = expected | allowed | forbidden
    reported = {g.rule for g in report.gaps if g.rule not in INSTALLATION_RULES or g.rule in named}
    errors = {g.rule for g in report.gaps if g.severity == "error"}
    result.rules.add(expected, reported - (allowed - expected))
    missing = expected - reported
    wrong = (reported & forbidden) | (errors - expected - allowed)
    result.rule_cases.add(not missing and not wrong)
    diffs = result.differences.setdefault(case.case_id, [])
    if missing:
        diffs.append(f"rules missing: {sorted(missing)}")
    if wrong:
        diffs.append(f"rules wrongly reported: {sorted(wrong)}")
    extra = reported - expected - allowed - wrong
    if extra:
        diffs.append(f"other rules reported: {sorted(extra)}")
    if not diffs:
        del result.differences[case.case_id]


def evaluate(
    corpus: Path,
    extract: Callable[[str], Extraction],
    check: Callable[[Extraction, Claim, str], Report] | None = None,
) -> EvalResult:
    result = EvalResult()
    for case in find_cases(corpus):
        try:
            _, text = read_note(str(case.note_path))
        except NoteError as exc:
            result.errors[case.case_id] = str(exc)
            continue
        extraction = extract(text)
        score_case(result, case, extraction)
        if check is not None and case.claim_path is not None:
            try:
                claim = select_claim(load_claims(case.claim_path), None, str(case.claim_path))
            except ClaimError as exc:
                result.errors[case.case_id] = str(exc)
                continue
            score_rules(result, case, check(extraction, claim, case.case_id))
    return result
