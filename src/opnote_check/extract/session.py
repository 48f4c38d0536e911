"""Stage 6: same operative session, co-surgeon, and the 63052/63053 lines the note supports."""

from __future__ import annotations

from ..models import Arthrodesis, CoSurgeon, SameSession, Segment, SupportedLine
from .mentions import Record


def same_session(mentions: list[Record], arthrodesis: Arthrodesis, segments: list[Segment]) -> SameSession:
    explicit = [m for m in mentions if m.kind == "SAME_SESSION" and m.affirmed]
    staging = [m for m in mentions if m.kind == "STAGING" and m.status in ("affirmed", "historical")]
    staged = bool(staging)
    if explicit:
        return SameSession(status="explicit", staged=staged, evidence=[m.evidence("same_session") for m in explicit])
    # Interbody fusion and real decompression at a fused level, both in this narrative: the same
    # session, even in a staged plan ("stage 1 of 2: TLIF L5-S1"; the rest is for stage 2).
    if arthrodesis.posterior_interbody and any(s.fused and not s.prep_only for s in segments):
        return SameSession(status="implied", staged=staged, evidence=[])
    if staged:
        return SameSession(status="not_documented", staged=True, evidence=[m.evidence("staging") for m in staging])
    if arthrodesis.posterior_interbody and any(s.fused for s in segments):
        return SameSession(status="implied", evidence=[])
    return SameSession(status="not_documented", evidence=[])


def co_surgeon(mentions: list[Record]) -> CoSurgeon:
    found = [m for m in mentions if m.kind == "COSURGEON" and m.status != "negated"]
    return CoSurgeon(documented=bool(found), evidence=[m.evidence("co_surgeon") for m in found])


def supported_lines(segments: list[Segment], session: SameSession) -> list[SupportedLine]:
    """One 63052 for the first counted interspace, 63053 for each further one; none without the same session."""
    units = 0 if session.status == "not_documented" else sum(s.counts for s in segments)
    return _lines(units)


def documented_lines(segments: list[Segment]) -> list[SupportedLine]:
    """The lines the note supports as written: the segments whose verdict is `documented`."""
    return _lines(sum(s.verdict == "documented" for s in segments))


def _lines(units: int) -> list[SupportedLine]:
    lines = [SupportedLine(code="63052", units=1)] if units else []
    if units > 1:
        lines.append(SupportedLine(code="63053", units=units - 1))
    return lines


def missing_elements(seg: Segment) -> list[str]:
    """What a query must ask for before the segment supports a unit as written (the same facts the
    TECHNIQUE_NOT_NAMED, LATERALITY_NOT_DOCUMENTED and FINDINGS_NOT_DOCUMENTED rules report)."""
    missing = []
    if not seg.technique_named:
        missing.append("no technique named")
    if seg.laterality is None:
        missing.append("no side stated")
    if not seg.findings:
        missing.append("no finding documented")
    return missing


def not_billable_reasons(seg: Segment, session: SameSession) -> list[str]:
    reasons = []
    if not seg.lumbar:
        reasons.append("not a lumbar interspace")
    if not seg.fused:
        reasons.append("not fused")
    elif seg.prep_only:
        reasons.append("interbody access only")
    if session.status == "not_documented" and seg.counts:
        reasons.append("same session not documented")
    return reasons


def with_verdicts(segments: list[Segment], session: SameSession) -> list[Segment]:
    """One verdict per segment: not_billable (never a unit), needs_query (a unit once the
    missing element is documented) or documented (a unit as written), with the reasons."""
    judged = []
    for seg in segments:
        reasons = not_billable_reasons(seg, session)
        if reasons:
            verdict = "not_billable"
        else:
            reasons = missing_elements(seg)
            verdict = "needs_query" if reasons else "documented"
        judged.append(seg.model_copy(update={"verdict": verdict, "reasons": reasons}))
    return judged
