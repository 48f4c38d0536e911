"""Findings + claim -> report: the rules' gaps, and the dollars of each billed line."""

from __future__ import annotations

from . import __version__
from .claims import Claim
from .models import BilledLine, Extraction, Gap, Provenance, Report, SupportedLine
from .reference import ADDON_CODES, Reference, ReferenceLibrary
from .rules import CheckContext, in_report_order, run_rules


def build_report(
    extraction: Extraction | None,
    claim: Claim | None,
    library: ReferenceLibrary,
    patterns_version: str,
    case_id: str | None = None,
    qp: bool = False,
    selection=None,
) -> Report:
    """Run every rule that applies against the tables in force on the claim's date of service
    (today without one) and assemble the §4 report. With no claim (scribe mode) only the
    documentation rules run; with no note only the claim rules run."""
    reference = library.on(claim.date_of_service if claim else None, qp=qp)
    gaps = run_rules(CheckContext(extraction, claim, reference))
    if selection:
        gaps = select_gaps(gaps, selection)
    billed = billed_lines(claim, gaps, reference) if claim is not None else None
    unbilled = unbilled_lines(extraction, claim) if extraction is not None and claim is not None else []
    body = {}
    if extraction is not None:
        body = extraction.model_dump()
    return Report(
        case_id=case_id if case_id is not None else (claim.case_id if claim else None),
        billed_lines=billed,
        unbilled_lines=unbilled,
        gaps=gaps,
        status="gaps" if gaps else "pass",
        amount_at_risk=round(sum(l.amount_at_risk for l in billed or []), 2),
        amount_unbilled=round(sum(reference.amount(l.code, l.units) for l in unbilled), 2),
        provenance=provenance(reference, patterns_version),
        **body,
    )


def provenance(reference: Reference, patterns_version: str) -> Provenance:
    """What a report was made with: the one place provenance is built."""
    return Provenance(
        tool_version=__version__,
        patterns_version=patterns_version,
        reference_release=reference.release,
        reference_tables=reference.tables(),
        date_of_service=reference.date_of_service,
        conversion_factor=reference.conversion_factor,
        payment_basis=reference.payment_basis,
    )


def billed_lines(claim: Claim, gaps: list[Gap], reference: Reference) -> list[BilledLine]:
    """Each billed line with its national amount and the units the error gaps put at risk: the
    union over the gaps, so a unit two rules question counts once and a line never more than itself."""
    at_risk: dict[int, set[int]] = {}
    for gap in gaps:
        for risk in gap.at_risk:
            at_risk.setdefault(risk.line, set()).update(risk.units)
    lines = []
    for i, line in enumerate(claim.lines):
        units = len(at_risk.get(i, ()))  # unit numbers come from the line itself (CheckContext.units_of)
        lines.append(
            BilledLine(
                code=line.code,
                units=line.units,
                modifiers=line.modifiers,
                amount=reference.amount(line.code, line.units),
                units_at_risk=units,
                amount_at_risk=reference.amount(line.code, units),
            )
        )
    return lines


def unbilled_lines(extraction: Extraction, claim: Claim) -> list[SupportedLine]:
    """Units of 63052/63053 the note supports beyond those billed (under-coding): the first
    segment's 63052 if none is billed, the rest as 63053."""
    supported = extraction.supported_units()
    short = sum(supported.values()) - claim.units(*ADDON_CODES)
    if short <= 0:
        return []
    first = 1 if supported["63052"] and not claim.units("63052") else 0
    lines = [SupportedLine(code="63052", units=1)] if first else []
    if short - first:
        lines.append(SupportedLine(code="63053", units=short - first))
    return lines


def worst_severity(report: Report) -> str | None:
    severities = {g.severity for g in report.gaps}
    return "error" if "error" in severities else "warning" if "warning" in severities else None


def select_gaps(gaps: list[Gap], selection) -> list[Gap]:
    """A site's select / ignore / severity (config.RuleSelection); a gap made a warning no longer
    puts billed units at risk."""
    out = []
    for gap in gaps:
        if not selection.keeps(gap.rule):
            continue
        severity = selection.severity.get(gap.rule, gap.severity)
        if severity != gap.severity:
            gap = gap.model_copy(update={"severity": severity, "at_risk": gap.at_risk if severity == "error" else [],
                                         "amount_at_risk": gap.amount_at_risk if severity == "error" else None})
        out.append(gap)
    return in_report_order(out)
