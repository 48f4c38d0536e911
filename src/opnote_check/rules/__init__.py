"""The rule catalogue (SPEC §6): a registry of rule ids, each a small function.

A rule receives a CheckContext (the extraction of the note, the claim, the reference table)
and yields Gaps. Claim-only rules need no note; documentation rules need no claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Literal

from ..claims import Claim
from ..models import Extraction, Gap, LineRisk, Segment, Severity
from ..reference import Reference

Unit = tuple[int, int]  # (index of the billed line, 1-based unit number on that line)

Needs = Literal["claim", "note", "both"]


@dataclass(frozen=True)
class CheckContext:
    extraction: Extraction | None
    claim: Claim | None
    reference: Reference

    @property
    def addon_units(self) -> int:
        return self.claim.units(*self.reference.addon_codes) if self.claim else 0

    @property
    def interbody_units(self) -> int:
        return self.claim.units(*self.reference.interbody_primaries) if self.claim else 0

    def fused_both_ways(self) -> bool:
        """The note documents posterolateral and posterior interbody fusion together (22633's
        combined technique), and the claim bills 22612 + 22630 without 22633 and without a
        modifier placing 22630 at another interspace: the two codes describe one interspace."""
        if self.extraction is None or self.claim is None:
            return False
        a = self.extraction.arthrodesis
        if not (a.posterior_interbody and a.posterolateral) or self.claim.has("22633"):
            return False
        if not (self.claim.has("22612") and self.claim.has("22630")):
            return False
        separate = set(self.reference.ncci_modifiers)
        return not any(set(l.modifiers) & separate for l in self.claim.lines_for("22630"))

    def units_of(self, *codes: str) -> list[Unit]:
        """Every billed unit of these codes, in the order the codes are given, then claim order."""
        if self.claim is None:
            return []
        return [
            (i, n)
            for code in codes
            for i, line in enumerate(self.claim.lines)
            if line.code == code
            for n in range(1, line.units + 1)
        ]

    def addon_units_billed(self) -> list[Unit]:
        """The billed 63052/63053 units, 63052 first: the i-th one pays for the i-th counted interspace."""
        return self.units_of(*self.reference.addon_codes)

    def unit_of_segment(self, seg: Segment) -> list[Unit]:
        """The billed add-on unit that a counted segment would carry (none if not billed or not counted)."""
        counted = [s for s in self.extraction.segments if s.counts]
        billed = self.addon_units_billed()
        if seg not in counted or counted.index(seg) >= len(billed):
            return []
        return [billed[counted.index(seg)]]

    def at_risk(self, units: list[Unit]) -> list[LineRisk]:
        """Units of billed lines, grouped by line and priced at the line's national amount per unit."""
        by_line: dict[int, list[int]] = {}
        for i, n in units:
            by_line.setdefault(i, []).append(n)
        risks = []
        for i, numbers in sorted(by_line.items()):
            code = self.claim.lines[i].code
            numbers = sorted(set(numbers))
            risks.append(LineRisk(line=i, code=code, units=numbers, amount=self.reference.amount(code, len(numbers))))
        return risks


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    needs: Needs
    when: str
    source: str
    fn: Callable[["Rule", CheckContext], Iterable[Gap]]
    inferred: bool = False  # the rule is reasoned from its sources rather than stated by them

    def check(self, ctx: CheckContext) -> Iterable[Gap]:
        return self.fn(self, ctx)

    def applies(self, ctx: CheckContext) -> bool:
        if self.needs == "claim":
            return ctx.claim is not None
        if self.needs == "note":
            return ctx.extraction is not None
        return ctx.claim is not None and ctx.extraction is not None

    def gap(self, message: str, fix: str, at_risk: list[LineRisk] = (), **fields) -> Gap:
        """A gap of this rule; an error may name the billed units it puts at risk."""
        at_risk = list(at_risk) if self.severity == "error" else []
        amount = round(sum(r.amount for r in at_risk), 2) if at_risk else None
        return Gap(rule=self.id, severity=self.severity, message=message, fix=fix, at_risk=at_risk, amount_at_risk=amount, **fields)


REGISTRY: dict[str, Rule] = {}


def rule(id: str, severity: Severity, needs: Needs, when: str, source: str, inferred: bool = False):
    """Register a rule function under a stable id."""

    def register(fn: Callable[[Rule, CheckContext], Iterable[Gap]]) -> Callable:
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        REGISTRY[id] = Rule(id, severity, needs, when, source, fn, inferred)
        return fn

    return register


def catalogue() -> list[dict]:
    """The rule catalogue as plain data (`opnote-check rules --format json`, GET /api/rules)."""
    return [
        {"id": r.id, "severity": r.severity, "needs": r.needs, "when": r.when, "source": r.source,
         "basis": "inferred" if r.inferred else "sourced"}
        for r in REGISTRY.values()
    ]


def run_rules(ctx: CheckContext) -> list[Gap]:
    gaps: list[Gap] = []
    for r in REGISTRY.values():
        if r.applies(ctx):
            gaps.extend(r.check(ctx))
    return in_report_order(gaps)


def in_report_order(gaps: list[Gap]) -> list[Gap]:
    """Errors first, then by rule id and interspace."""
    order = {"error": 0, "warning": 1}
    return sorted(gaps, key=lambda g: (order[g.severity], g.rule, g.interspace or ""))


from . import claim_rules, documentation_rules, note_claim_rules  # noqa: E402,F401  (registers the rules)
