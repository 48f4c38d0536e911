"""Claim-only rules: edits on the billed lines themselves (NCCI add-on, PTP and MUE edits, PFS
indicators). They need no note."""

from __future__ import annotations

from . import CheckContext, Rule, rule

ADDONS = ("63052", "63053")


def _spec(ctx: CheckContext, *codes: str) -> str:
    return ", ".join(line.spec() for line in ctx.claim.lines_for(*codes))


@rule(
    "ADDON_WITHOUT_PRIMARY",
    "error",
    "claim",
    "63052/63053 billed and none of 22630, 22632, 22633, 22634 on the claim",
    "CMS NCCI add-on code edits (AOC file 2024-06-03): primaries of 63052 are 22630, 22632, 22633, 22634",
)
def addon_without_primary(r: Rule, ctx: CheckContext):
    if not ctx.addon_units:
        return
    primaries = ctx.reference.addon_primaries["63052"].primaries
    if ctx.claim.has(*primaries):
        return
    yield r.gap(
        f"{_spec(ctx, *ADDONS)} billed without a posterior interbody arthrodesis code ({', '.join(primaries)}).",
        "63052/63053 are add-on codes paid only beside 22630-22634. If a posterior interbody arthrodesis was "
        "performed, bill its code; otherwise report the decompression with 63047/63048 or 63030/63035.",
        amount_at_risk=ctx.addon_amount(),
    )


@rule(
    "ADDON_63053_WITHOUT_63052",
    "warning",
    "claim",
    "63053 billed without 63052",
    "CPT descriptor: 63053 is 'each additional segment' after 63052 (first segment)",
)
def addon_63053_without_63052(r: Rule, ctx: CheckContext):
    if ctx.claim.has("63053") and not ctx.claim.has("63052"):
        units = ctx.claim.units("63053")
        yield r.gap(
            f"63053 x{units} billed without 63052: the first decompressed segment is 63052.",
            f"Bill the first segment as 63052 x1 and the remaining {units - 1} as 63053"
            if units > 1
            else "Bill the segment as 63052 x1 instead of 63053.",
        )


@rule(
    "UNITS_EXCEED_MUE",
    "error",
    "claim",
    "63052 units > 1 or 63053 units > 4 (MUE, MAI 2: no modifier bypasses)",
    "CMS practitioner MUE table 2024-07-01: 63052 = 1, 63053 = 4, MAI 2",
)
def units_exceed_mue(r: Rule, ctx: CheckContext):
    for code in ADDONS:
        mue = ctx.reference.mue.get(code)
        units = ctx.claim.units(code)
        if mue and units > mue.units:
            yield r.gap(
                f"{code} x{units} exceeds its MUE of {mue.units} per day (MAI {mue.mai}: no modifier overrides it).",
                f"Bill {code} at most x{mue.units}"
                + ("; additional fused, decompressed interspaces are 63053." if code == "63052" else "."),
                amount_at_risk=ctx.reference.amount(code, units - mue.units),
            )


def _modifier_rule(r: Rule, ctx: CheckContext, modifiers: set[str], why: str, fix: str):
    for line in ctx.claim.lines_for(*ADDONS):
        found = sorted(set(line.modifiers) & modifiers)
        if found:
            yield r.gap(
                f"Modifier {', '.join(found)} on {line.spec()}: {why}",
                fix.format(code=line.code),
                amount_at_risk=ctx.reference.amount(line.code, line.units) if r.severity == "error" else None,
            )


@rule(
    "MODIFIER_51_ON_ADDON",
    "error",
    "claim",
    "modifier 51 on 63052/63053",
    "CMS PFS RVU25D: multiple-procedure indicator 0 for 63052/63053; add-on codes are exempt from 51",
)
def modifier_51(r: Rule, ctx: CheckContext):
    yield from _modifier_rule(
        r, ctx, {"51"}, "add-on codes are exempt from the multiple-procedure modifier.", "Remove modifier 51 from {code}."
    )


@rule(
    "MODIFIER_BILATERAL_ON_ADDON",
    "warning",
    "claim",
    "50, LT or RT on 63052/63053",
    "CMS PFS RVU25D: bilateral indicator 0; the descriptor already says 'unilateral or bilateral'",
)
def modifier_bilateral(r: Rule, ctx: CheckContext):
    yield from _modifier_rule(
        r,
        ctx,
        {"50", "LT", "RT"},
        "the code already covers unilateral or bilateral work; 50/LT/RT add no payment and invite denial.",
        "Remove the side modifier from {code}; report one unit per decompressed fused interspace.",
    )


@rule(
    "MODIFIER_66_NOT_ALLOWED",
    "error",
    "claim",
    "66 on 63052/63053",
    "CMS PFS RVU25D: team-surgery indicator 0 (not permitted)",
)
def modifier_66(r: Rule, ctx: CheckContext):
    yield from _modifier_rule(
        r, ctx, {"66"}, "team surgery is not permitted for this code.", "Remove modifier 66 from {code}."
    )


@rule(
    "ADDON_UNITS_EXCEED_FUSED",
    "error",
    "claim",
    "units of 63052+63053 exceed units of 22630+22632+22633+22634",
    "AAPC / RUC 2022: 63052/63053 report decompression at the same interspace as the interbody arthrodesis",
)
def addon_units_exceed_fused(r: Rule, ctx: CheckContext):
    addon, fused = ctx.addon_units, ctx.interbody_units
    if addon > fused:
        yield r.gap(
            f"{addon} unit(s) of 63052/63053 against {fused} unit(s) of interbody arthrodesis (22630-22634).",
            "Each 63052/63053 unit needs a posterior interbody arthrodesis at the same interspace; decompression "
            "at an unfused level is 63047/63048 or 63030/63035 with 59/XS.",
            amount_at_risk=ctx.reference.amount("63053", addon - fused),
        )


def _ptp_pairs(ctx: CheckContext, rule_id: str):
    """(column-1 codes, column-2 code) pairs of the reference PTP table found on the claim."""
    for edit in ctx.reference.ptp:
        if edit.rule != rule_id:
            continue
        for col2 in edit.column2:
            if not ctx.claim.has(col2):
                continue
            col1s = [c for c in edit.column1 if ctx.claim.has(c) and c != col2]
            if col1s:
                yield col1s, col2


@rule(
    "INCOMPATIBLE_PRIMARY_PAIR",
    "error",
    "claim",
    "22633 billed with 22630 or 22612",
    "CMS NCCI PTP 2024-07-01: 22633 / 22612 and 22633 / 22630, modifier indicator 0",
)
def incompatible_primary_pair(r: Rule, ctx: CheckContext):
    for col1s, col2 in _ptp_pairs(ctx, r.id):
        yield r.gap(
            f"{col2} billed with {', '.join(col1s)}: NCCI never pays this pair (modifier indicator 0).",
            f"{', '.join(col1s)} describes the combined technique; remove {col2} (and its add-on codes).",
            amount_at_risk=sum(ctx.reference.amount(l.code, l.units) for l in ctx.claim.lines_for(col2)),
        )


@rule(
    "NCCI_MODIFIER_NEEDED",
    "warning",
    "claim",
    "63047/63048 (or 63030/63035) beside 22630-22634 or 63052 without 59/XS on the column-2 code",
    "CMS NCCI PTP 2024-07-01: 22630-22634 / 63030-63048 and 63047 / 63052, modifier indicator 1",
)
def ncci_modifier_needed(r: Rule, ctx: CheckContext):
    allowed = set(ctx.reference.ncci_modifiers)
    for col1s, col2 in _ptp_pairs(ctx, r.id):
        lines = ctx.claim.lines_for(col2)
        if all(set(l.modifiers) & allowed for l in lines):
            continue
        yield r.gap(
            f"{col2} beside {', '.join(col1s)} has no 59/XS: NCCI bundles it unless it was a separate level.",
            f"If {col2} was performed at a different interspace, append XS (or 59) to {col2} and document the level; "
            f"if it was at the same fused interspace, it is not separately reportable.",
        )


@rule(
    "MICROSCOPE_NOT_PAYABLE",
    "warning",
    "claim",
    "69990 beside these codes",
    "CMS NCCI PTP 2024-07-01: 69990 is column 2 with modifier indicator 0 to 22630, 22633, 63047, 63052, 63053",
)
def microscope_not_payable(r: Rule, ctx: CheckContext):
    for col1s, _col2 in _ptp_pairs(ctx, r.id):
        yield r.gap(
            f"69990 (operating microscope) billed with {', '.join(col1s)}: never payable with these codes.",
            "Remove 69990 from the claim.",
        )
