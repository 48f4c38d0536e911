"""Note-against-claim rules: the billed lines compared with what the note supports."""

from __future__ import annotations

from . import CheckContext, Rule, rule
from .documentation_rules import counted, decompressed

DECOMPRESSION_CODES = ("63047", "63048", "63030", "63035")


@rule(
    "NO_INTERBODY_ARTHRODESIS",
    "error",
    "both",
    "63052/63053 billed but the note documents no posterior interbody arthrodesis",
    "CPT 63052/63053 descriptor ('during posterior interbody arthrodesis'); NCCI AOC primaries 22630-22634",
)
def no_interbody_arthrodesis(r: Rule, ctx: CheckContext):
    a = ctx.extraction.arthrodesis
    if ctx.addon_units and not a.posterior_interbody:
        described = {
            "posterolateral_only": "a posterolateral fusion only",
            "ALIF": "an anterior interbody fusion",
            "lateral": "a lateral interbody fusion",
            "none": "no arthrodesis",
        }.get(a.technique, a.technique)
        yield r.gap(
            f"63052/63053 are billed, but the note documents {described}, not a posterior interbody arthrodesis.",
            "Report the decompression with 63047/63048 or 63030/63035. If a posterior interbody arthrodesis was "
            "performed, please document its approach and levels.",
            evidence=a.evidence,
            amount_at_risk=ctx.addon_amount(),
        )


@rule(
    "SEGMENT_COUNT_MISMATCH",
    "error",
    "both",
    "billed units of 63052+63053 differ from the number of fused interspaces with documented decompression",
    "AAPC / RUC: one unit per fused interspace decompressed (63052 first, 63053 each additional); MUE 1 + 4",
)
def segment_count_mismatch(r: Rule, ctx: CheckContext):
    billed = ctx.addon_units
    supported = sum(ctx.extraction.supported_units().values())
    # with no add-on billed, only a claim that bills the interbody fusion is under-coded
    if billed == supported or (not billed and not ctx.interbody_units):
        return
    levels = ", ".join(s.interspace for s in counted(ctx)) or "none"
    should = (
        " + ".join(f"{l.code} x{l.units}" for l in ctx.extraction.supported_lines) or "no 63052/63053 line"
    )
    if billed > supported:
        message = f"{billed} unit(s) of 63052/63053 billed; the note supports {supported} (fused, decompressed: {levels})."
        amount = ctx.reference.amount("63053", billed - supported)
    else:
        message = f"Only {billed} unit(s) of 63052/63053 billed; the note supports {supported} (fused, decompressed: {levels})."
        amount = None
    yield r.gap(
        message,
        f"Bill {should} as documented, or query the surgeon about the levels that lack documentation.",
        evidence=[e for s in counted(ctx) for e in s.evidence if e.kind == "technique"],
        amount_at_risk=amount,
    )


@rule(
    "CO_SURGEON_NOT_DOCUMENTED",
    "warning",
    "both",
    "modifier 62 billed and the note names no co-surgeon and their part",
    "CMS PFS co-surgeon indicator 2; First Coast modifier 62 fact sheet: each surgeon documents their part",
)
def co_surgeon_not_documented(r: Rule, ctx: CheckContext):
    with62 = [l for l in ctx.claim.lines if "62" in l.modifiers]
    if with62 and not ctx.extraction.co_surgeon.documented:
        yield r.gap(
            f"Modifier 62 on {', '.join(l.spec() for l in with62)}, but the note names no co-surgeon or their part.",
            "Please document the co-surgeon and the distinct part of the procedure each surgeon performed.",
        )


@rule(
    "SAME_LEVEL_BILLED_AS_63047",
    "warning",
    "both",
    "63047/63048/63030/63035 billed while the documented decompression is only at fused interspaces",
    "RUC 2022 / AAPC: decompression at the interbody interspace is 63052/63053 since 2022",
)
def same_level_billed_as_63047(r: Rule, ctx: CheckContext):
    lines = ctx.claim.lines_for(*DECOMPRESSION_CODES)
    segs = decompressed(ctx)
    if lines and segs and all(s.fused for s in segs):
        yield r.gap(
            f"{', '.join(l.spec() for l in lines)} billed, but all documented decompression is at fused interspaces "
            f"({', '.join(s.interspace for s in segs)}).",
            "Decompression at the interbody interspace is reported with 63052 (first) and 63053 (each additional).",
            evidence=[e for s in segs for e in s.evidence if e.kind == "technique"],
        )
