"""The rule catalogue (SPEC §6): a registry of rule ids, each a small function.

A rule receives a CheckContext (the extraction of the note, the claim, the reference table)
and yields Gaps. Claim-only rules need no note; documentation rules need no claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Literal

from ..claims import Claim
from ..models import Extraction, Gap, Severity
from ..reference import Reference

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

    def addon_amount(self) -> float | None:
        """National amount of the billed 63052/63053 lines (None without a claim)."""
        if self.claim is None:
            return None
        return sum(self.reference.amount(l.code, l.units) for l in self.claim.lines_for(*self.reference.addon_codes))


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    needs: Needs
    when: str
    source: str
    fn: Callable[["Rule", CheckContext], Iterable[Gap]]

    def check(self, ctx: CheckContext) -> Iterable[Gap]:
        return self.fn(self, ctx)

    def applies(self, ctx: CheckContext) -> bool:
        if self.needs == "claim":
            return ctx.claim is not None
        if self.needs == "note":
            return ctx.extraction is not None
        return ctx.claim is not None and ctx.extraction is not None

    def gap(self, message: str, fix: str, **fields) -> Gap:
        return Gap(rule=self.id, severity=self.severity, message=message, fix=fix, **fields)


REGISTRY: dict[str, Rule] = {}


def rule(id: str, severity: Severity, needs: Needs, when: str, source: str):
    """Register a rule function under a stable id."""

    def register(fn: Callable[[Rule, CheckContext], Iterable[Gap]]) -> Callable:
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        REGISTRY[id] = Rule(id, severity, needs, when, source, fn)
        return fn

    return register


def catalogue() -> list[dict]:
    """The rule catalogue as plain data (`opnote-check rules --format json`, GET /api/rules)."""
    return [{"id": r.id, "severity": r.severity, "needs": r.needs, "when": r.when, "source": r.source} for r in REGISTRY.values()]


def run_rules(ctx: CheckContext) -> list[Gap]:
    gaps: list[Gap] = []
    for r in REGISTRY.values():
        if r.applies(ctx):
            gaps.extend(r.check(ctx))
    order = {"error": 0, "warning": 1}
    return sorted(gaps, key=lambda g: (order[g.severity], g.rule, g.interspace or ""))


from . import claim_rules, documentation_rules, note_claim_rules  # noqa: E402,F401  (registers the rules)
