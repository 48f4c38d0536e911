"""Findings + claim -> report."""

from __future__ import annotations

from . import __version__
from .claims import Claim
from .models import BilledLine, Extraction, Provenance, Report
from .reference import Reference
from .rules import CheckContext, run_rules


def build_report(
    extraction: Extraction | None,
    claim: Claim | None,
    reference: Reference,
    patterns_version: str,
    case_id: str | None = None,
) -> Report:
    """Run every rule that applies and assemble the §4 report. With no claim (scribe mode) only
    the documentation rules run; with no note only the claim rules run."""
    gaps = run_rules(CheckContext(extraction, claim, reference))
    at_risk = round(sum(g.amount_at_risk or 0.0 for g in gaps if g.severity == "error"), 2)
    body = {}
    if extraction is not None:
        body = extraction.model_dump(exclude={"mentions"})
        body["spans"] = extraction.mentions
    return Report(
        case_id=case_id if case_id is not None else (claim.case_id if claim else None),
        billed_lines=[BilledLine(code=l.code, units=l.units, modifiers=l.modifiers) for l in claim.lines]
        if claim is not None
        else None,
        gaps=gaps,
        status="gaps" if gaps else "pass",
        amount_at_risk=at_risk,
        provenance=Provenance(
            tool_version=__version__, patterns_version=patterns_version, reference_release=reference.release
        ),
        **body,
    )


def worst_severity(report: Report) -> str | None:
    severities = {g.severity for g in report.gaps}
    return "error" if "error" in severities else "warning" if "warning" in severities else None
