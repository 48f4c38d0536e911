"""Documentation rules: what the note itself lacks, with or without a claim.

Fixes are worded as compliant, non-leading queries to the surgeon: they ask for the missing
element and never suggest its value (ACDIS/AHIMA query practice)."""

from __future__ import annotations

from ..models import Segment
from . import CheckContext, Rule, rule


def counted(ctx: CheckContext) -> list[Segment]:
    """Fused, lumbar, non-prep segments: the ones that would carry a 63052/63053 unit."""
    return [s for s in ctx.extraction.segments if s.counts]


def decompressed(ctx: CheckContext) -> list[Segment]:
    return [s for s in ctx.extraction.segments if not s.prep_only]


@rule(
    "VAGUE_MULTILEVEL",
    "error",
    "note",
    'decompression described without per-level specificity ("multilevel decompression performed")',
    "Payer documentation guidance for 63052/63053 (mirahealth 63053: 'vague level documentation triggers audit flags')",
)
def vague_multilevel(r: Rule, ctx: CheckContext):
    ex = ctx.extraction
    unattributed = ex.unattributed_decompression
    named = [e for e in unattributed if e.kind == "technique"]
    if (ex.vague_cues and unattributed) or (named and not ex.segments):
        yield r.gap(
            "Decompression is described without naming the level(s) where it was done.",
            "Please document each level decompressed, with the technique and side at that level.",
            evidence=list(ex.vague_cues) + list(unattributed),
        )


@rule(
    "TECHNIQUE_NOT_NAMED",
    "error",
    "note",
    "an interspace is decompressed but no technique is named for it beyond the access facetectomy",
    "CPT 63052/63053 descriptor: laminectomy, facetectomy or foraminotomy must be performed",
)
def technique_not_named(r: Rule, ctx: CheckContext):
    for seg in decompressed(ctx):
        if not seg.technique_named:
            yield r.gap(
                f"{seg.interspace} is described as decompressed, but no laminectomy, laminotomy, facetectomy or "
                "foraminotomy is named for it.",
                f"Please document the decompression technique(s) performed at {seg.interspace}.",
                interspace=seg.interspace,
                evidence=seg.evidence,
                at_risk=ctx.at_risk(ctx.unit_of_segment(seg)),
            )


@rule(
    "LATERALITY_NOT_DOCUMENTED",
    "warning",
    "note",
    "a decompressed interspace with no laterality",
    "CPT 63052/63053 descriptor ('unilateral or bilateral'); auditor checklists ask for the side",
)
def laterality_not_documented(r: Rule, ctx: CheckContext):
    for seg in decompressed(ctx):
        if seg.laterality is None:
            yield r.gap(
                f"No side is stated for the decompression at {seg.interspace}.",
                f"Please document the side(s) of the decompression at {seg.interspace}.",
                interspace=seg.interspace,
                evidence=seg.evidence,
            )


@rule(
    "FINDINGS_NOT_DOCUMENTED",
    "warning",
    "note",
    "a decompressed interspace with no intraoperative finding that justifies it",
    "CPT 63052 descriptor (decompression of neural elements, e.g. stenosis); payer guidance: findings at each segment",
)
def findings_not_documented(r: Rule, ctx: CheckContext):
    for seg in decompressed(ctx):
        if not seg.findings:
            yield r.gap(
                f"No intraoperative finding (stenosis, compression of a named root, hypertrophy, herniation ...) "
                f"is documented at {seg.interspace}.",
                f"Please document the intraoperative findings at {seg.interspace} that led to the decompression, "
                "or state that none were found.",
                interspace=seg.interspace,
                evidence=seg.evidence,
            )


@rule(
    "SAME_SESSION_NOT_CONFIRMED",
    "error",
    "note",
    "no explicit or implied same-session link between decompression and the interbody fusion (e.g. staged)",
    "CPT 63052/63053: decompression 'during posterior interbody arthrodesis'",
)
def same_session_not_confirmed(r: Rule, ctx: CheckContext):
    ex = ctx.extraction
    if ex.same_session.status != "not_documented" or not ex.segments:
        return
    if not (ctx.addon_units or ex.arthrodesis.posterior_interbody or ex.same_session.staged):
        return
    why = "the note describes a staged procedure" if ex.same_session.staged else "no posterior interbody arthrodesis is documented in this operation"
    yield r.gap(
        f"The decompression is not documented in the same operative session as a posterior interbody fusion ({why}).",
        "Please clarify whether the decompression and the interbody fusion were performed in the same operative session.",
        evidence=list(ex.same_session.evidence),
        at_risk=ctx.at_risk(ctx.addon_units_billed()),
    )


@rule(
    "DECOMPRESSION_AT_UNFUSED_LEVEL",
    "warning",
    "note",
    "decompression at an interspace that is not fused: report 63047/63048 or 63030/63035 with 59/XS",
    "AAPC Neurosurgery Coding Alert (22630 + 63047-59 at a different level); CMS NCCI PTP modifier indicator 1",
)
def decompression_at_unfused_level(r: Rule, ctx: CheckContext):
    ex = ctx.extraction
    if not (ex.arthrodesis.posterior_interbody or ctx.addon_units):
        return
    for seg in decompressed(ctx):
        if not seg.fused and seg.lumbar:
            yield r.gap(
                f"{seg.interspace} is decompressed but not fused by a posterior interbody arthrodesis: it cannot carry "
                "a 63052/63053 unit.",
                f"Report the decompression at {seg.interspace} with 63047/63048 (or 63030/63035) and 59/XS, not 63052/63053.",
                interspace=seg.interspace,
                evidence=seg.evidence,
            )


@rule(
    "PREP_ONLY_FACETECTOMY",
    "warning",
    "note",
    "the only work at a fused interspace is the facetectomy to place the interbody device",
    "CPT 22630-22634 include 'laminectomy and/or discectomy to prepare interspace (other than for decompression)'",
)
def prep_only_facetectomy(r: Rule, ctx: CheckContext):
    for seg in ctx.extraction.segments:
        if seg.fused and seg.prep_only:
            yield r.gap(
                f"At {seg.interspace} the only documented work is the bone removal to reach the disc space, which is "
                "part of the interbody arthrodesis: no 63052/63053 unit.",
                f"Please clarify the purpose and extent of the work at {seg.interspace}, and any neural compression found there.",
                interspace=seg.interspace,
                evidence=seg.evidence,
            )


@rule(
    "NON_LUMBAR_LEVEL",
    "warning",
    "note",
    "decompression documented at a thoracic or sacral-only level",
    "CPT 63052/63053 descriptor: lumbar",
)
def non_lumbar_level(r: Rule, ctx: CheckContext):
    ex = ctx.extraction
    if not (ex.arthrodesis.posterior_interbody or ctx.addon_units):
        return
    for seg in decompressed(ctx):
        if not seg.lumbar:
            yield r.gap(
                f"{seg.interspace} is not a lumbar interspace; 63052/63053 are lumbar codes.",
                f"Report the decompression at {seg.interspace} with the code for its region, not 63052/63053.",
                interspace=seg.interspace,
                evidence=seg.evidence,
            )


@rule(
    "INDICATION_NOT_DOCUMENTED",
    "warning",
    "note",
    "a fused or decompressed interspace for which the note names no pathology at all (diagnosis, indications "
    "or findings)",
    "Premera lumbar fusion policy (criteria must be met at all levels); Aetna CPB 0743 (compression at the "
    "treated level); mirahealth 63052 (correlation to imaging)",
)
def indication_not_documented(r: Rule, ctx: CheckContext):
    ex = ctx.extraction
    named = {i.interspace for i in ex.indications}
    if None in named:
        return  # a pathology named for the lumbar spine as a whole ("lumbar stenosis") covers every level
    fused = set(ex.arthrodesis.interspaces) if ex.arthrodesis.posterior_interbody else set()
    treated = list(dict.fromkeys([*(s.interspace for s in ex.segments), *sorted(fused)]))
    for isp in treated:
        if isp not in named:
            seg = next((s for s in ex.segments if s.interspace == isp), None)
            yield r.gap(
                f"The note names no pathology (stenosis, herniation, spondylolisthesis, instability ...) at {isp}.",
                f"Please document the indication for the surgery at {isp}.",
                interspace=isp,
                evidence=seg.evidence if seg else [],
            )
