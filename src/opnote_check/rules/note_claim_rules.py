"""Note-against-claim rules: the billed lines compared with what the note supports."""

from __future__ import annotations

from . import CheckContext, Rule, rule
from .documentation_rules import counted, decompressed

DECOMPRESSION_CODES = ("63047", "63048", "63030", "63035")
ADDON_CODES = ("63052", "63053")


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
            at_risk=ctx.at_risk(ctx.addon_units_billed()),
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
        at_risk = ctx.at_risk(ctx.addon_units_billed()[supported:])
    else:
        message = f"Only {billed} unit(s) of 63052/63053 billed; the note supports {supported} (fused, decompressed: {levels})."
        at_risk = []
    yield r.gap(
        message,
        f"Bill {should} as documented, or query the surgeon about the levels that lack documentation.",
        evidence=[e for s in counted(ctx) for e in s.evidence if e.kind == "technique"],
        at_risk=at_risk,
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


@rule(
    "SAME_INTERSPACE_22612_22630",
    "error",
    "both",
    "the note documents posterolateral and posterior interbody fusion at the same interspace and the claim "
    "bills 22612 + 22630 for it (report 22633)",
    "CPT 22633 (combined posterolateral and posterior interbody technique, single interspace; AAOS Now 2012); "
    "CMS NCCI PTP 22612 / 22630, modifier indicator 1",
    inferred=True,
)
def same_interspace_22612_22630(r: Rule, ctx: CheckContext):
    if not ctx.fused_both_ways():
        return
    a = ctx.extraction.arthrodesis
    where = ", ".join(a.interspaces) or "the fused interspace"
    yield r.gap(
        f"22612 and 22630 are billed, but the note documents posterolateral and posterior interbody fusion "
        f"together at {where}: one interspace fused both ways is 22633.",
        "Report the interspace fused both ways as 22633 (and each additional one as +22634), with 63052/63053 "
        "for its decompression; keep 22612 / 22630 only for interspaces fused one way, with XS on 22630.",
        evidence=a.evidence,
        at_risk=ctx.at_risk(ctx.units_of("22630")),
    )


FUSION_LINES = ("22612", "22614", "22630", "22632", "22633", "22634")
ASSISTANT_MODIFIERS = {"80", "82", "AS"}


@rule(
    "CO_SURGERY_MODIFIER_INCONSISTENT",
    "warning",
    "claim",
    "62 on the fusion lines but not on 63052/63053 (or the reverse) while the note puts both surgeons on the "
    "decompression; 62 together with 80, 82 or AS on one line",
    "CPT modifier 62 ('to the procedure code and any associated add-on code(s)'); First Coast and Noridian "
    "modifier 62 fact sheets; no assistant payment on a co-surgery line",
)
def co_surgery_modifier_inconsistent(r: Rule, ctx: CheckContext):
    for line in ctx.claim.lines:
        both = sorted(set(line.modifiers) & ASSISTANT_MODIFIERS)
        if "62" in line.modifiers and both:
            yield r.gap(
                f"{line.spec()} carries 62 and {', '.join(both)}: a co-surgeon and an assistant on the same line.",
                f"Use 62 when two surgeons each performed a distinct part of {line.code}, or {both[0]} for an "
                "assistant, not both.",
            )
    fusion = ctx.claim.lines_for(*FUSION_LINES)
    addons = ctx.claim.lines_for(*ADDON_CODES)
    if not fusion or not addons:
        return
    if ctx.extraction is not None and not ctx.extraction.co_surgeon.documented:
        return  # CO_SURGEON_NOT_DOCUMENTED asks about the co-surgeon first
    on_fusion = any("62" in l.modifiers for l in fusion)
    on_addons = any("62" in l.modifiers for l in addons)
    if on_fusion != on_addons:
        with62, without = (fusion, addons) if on_fusion else (addons, fusion)
        yield r.gap(
            f"Modifier 62 is on {', '.join(l.spec() for l in with62)} but not on "
            f"{', '.join(l.spec() for l in without if '62' not in l.modifiers)}.",
            "When both surgeons also worked together on the decompression, 62 goes on the add-on codes too (each "
            "surgeon bills the same codes with 62); if one surgeon alone did it, bill it without 62 on that "
            "surgeon's claim only.",
        )


# per vertebral segment (63047 first, +63048 each additional) or per interspace (63030, +63035)
UNFUSED_FAMILIES = (("63047", "63048"), ("63030", "63035"))


@rule(
    "UNFUSED_DECOMPRESSION_UNITS",
    "warning",
    "both",
    "the note documents decompression at unfused levels and the billed 63047/63048 or 63030/63035 units differ "
    "from what it supports",
    "AAPC: 'report 63045-63048 per segment'; CPT 63030 / +63035 per interspace; coding-rules notes S6",
    inferred=True,
)
def unfused_decompression_units(r: Rule, ctx: CheckContext):
    unfused = [s for s in ctx.extraction.segments if not s.fused and s.lumbar and not s.prep_only]
    if not unfused:
        return
    levels = ", ".join(s.interspace for s in unfused)
    for first, each in UNFUSED_FAMILIES:
        billed = ctx.claim.units(first, each)
        if not billed or billed == len(unfused):
            continue
        should = f"{first} x1" + (f" + {each} x{len(unfused) - 1}" if len(unfused) > 1 else "")
        yield r.gap(
            f"{billed} unit(s) of {first}/{each} billed; the note documents decompression at {len(unfused)} "
            f"unfused level(s) ({levels}).",
            f"Bill {should} (one unit per level decompressed outside the fusion), or query the surgeon about "
            "the levels that lack documentation.",
            evidence=[e for s in unfused for e in s.evidence if e.kind == "technique"],
        )
