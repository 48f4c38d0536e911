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
        at_risk=ctx.at_risk(ctx.addon_units_billed()),
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
                at_risk=ctx.at_risk(ctx.units_of(code)[mue.units :]),
            )


def _modifier_rule(r: Rule, ctx: CheckContext, modifiers: set[str], why: str, fix: str):
    for i, line in enumerate(ctx.claim.lines):
        found = sorted(set(line.modifiers) & modifiers) if line.code in ADDONS else []
        if found:
            yield r.gap(
                f"Modifier {', '.join(found)} on {line.spec()}: {why}",
                fix.format(code=line.code),
                at_risk=ctx.at_risk([(i, n) for n in range(1, line.units + 1)]),
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
            at_risk=ctx.at_risk(ctx.addon_units_billed()[fused:]),
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


# a second interspace beside 22633 is its per-additional-interspace add-on (AOC primaries include 22633)
RECODE_BESIDE_22633 = {"22630": "+22632", "22612": "+22614"}


@rule(
    "INCOMPATIBLE_PRIMARY_PAIR",
    "error",
    "claim",
    "22633 billed with 22630 or 22612",
    "CMS NCCI PTP 2024-07-01: 22633 / 22612 and 22633 / 22630, modifier indicator 0; "
    "AOC 2024-06-03: 22633 is a primary of +22632 and +22614",
)
def incompatible_primary_pair(r: Rule, ctx: CheckContext):
    for col1s, col2 in _ptp_pairs(ctx, r.id):
        addon = RECODE_BESIDE_22633.get(col2)
        yield r.gap(
            f"{col2} billed with {', '.join(col1s)}: NCCI never pays this pair (modifier indicator 0).",
            (
                f"If {col2} was for a different interspace than {', '.join(col1s)}, report that interspace as "
                f"{addon} (each additional interspace); if it was the same interspace, {', '.join(col1s)} already "
                f"describes the combined technique and {col2} is not reported."
            ),
            at_risk=ctx.at_risk(ctx.units_of(col2)),
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
        if col1s == ["22612"] and col2 == "22630" and ctx.fused_both_ways():
            continue  # one interspace fused both ways: XS would be wrong; SAME_INTERSPACE_22612_22630 says 22633
        col1 = ", ".join(col1s)
        if col2 in ADDONS:
            # 63052 is the code of the fused interspace: the edit asks to show that col1 was elsewhere
            fix = (
                f"If {col1} was performed at a different, unfused segment, append XS to {col2} (NCCI modifiers go on "
                f"the column-2 code) and document both levels; {col2} at the fused interspace stays reportable. If "
                f"{col1} was at the same fused interspace, remove {col1}: that decompression is {col2}."
            )
        else:
            fix = (
                f"If {col2} was performed at a different interspace, append XS (or 59) to {col2} and document the "
                f"level; if it was at the same interspace as {col1}, it is not separately reportable."
            )
        yield r.gap(f"{col2} beside {col1} has no 59/XS: NCCI bundles it unless it was a separate level.", fix)


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


@rule(
    "REFERENCE_DATE_NOT_COVERED",
    "warning",
    "claim",
    "no loaded table covers the date of service (today when the claim has none), or its NCCI quarter is older",
    "NCCI edits change quarterly and the PFS yearly (AAD DermWorld 2026-03; AAPC on the Q3-2023 63052 edit)",
)
def reference_date_not_covered(r: Rule, ctx: CheckContext):
    problems = ctx.reference.coverage_problems()
    if problems:
        yield r.gap(
            "Reference tables do not fit the date of service: " + "; ".join(problems) + ".",
            "Add the CMS table in force on the date of service to a --patterns folder (reference/pfs-YYYY.json, "
            "reference/ncci-YYYYqN.json); `opnote-check reference` lists the tables loaded and their dates.",
        )


# the fusion add-ons, each paid only beside one of its AOC primaries
FUSION_ADDONS = ("22632", "22634", "22614")


@rule(
    "FUSION_ADDON_WITHOUT_PRIMARY",
    "error",
    "claim",
    "+22634 without 22633; +22632 without 22612, 22630 or 22633; +22614 without 22600, 22610, 22612, 22630 or 22633",
    "CMS NCCI add-on code edits (AOC 2024-06-03): primaries of 22632, 22634 and 22614",
)
def fusion_addon_without_primary(r: Rule, ctx: CheckContext):
    aoc = ctx.reference.addon_primaries
    for code in FUSION_ADDONS:
        if code not in aoc or not ctx.claim.has(code) or ctx.claim.has(*aoc[code].primaries):
            continue
        primaries = ", ".join(aoc[code].primaries)
        # the fusion add-on whose primary the claim does bill ("22630 + 22634": +22632)
        instead = next((o for o in FUSION_ADDONS if o != code and o in aoc and ctx.claim.has(*aoc[o].primaries)), None)
        if instead:
            billed = ", ".join(l.code for l in ctx.claim.lines_for(*aoc[instead].primaries))
            advice = f"Beside {billed} the additional interspace is +{instead}."
        else:
            advice = "Bill the primary arthrodesis code of the first interspace, or remove the add-on."
        yield r.gap(
            f"{_spec(ctx, code)} billed without its primary code ({primaries}).",
            f"+{code} is paid only beside {primaries}. {advice}",
            at_risk=ctx.at_risk(ctx.units_of(code)),
        )


X_MODIFIERS = {"XE", "XP", "XS", "XU"}


@rule(
    "NCCI_MODIFIER_CHOICE",
    "warning",
    "claim",
    "59 and an X modifier on one line; XE / XP where the note shows one session and one surgeon; "
    "59 where XS (a different spinal level) is the precise one",
    "CMS MLN / CR8863 (X{EPSU} modifiers): use 59 only when no X modifier fits, never both; "
    "XE = separate encounter, XP = separate practitioner, XS = separate structure (a different level)",
)
def ncci_modifier_choice(r: Rule, ctx: CheckContext):
    col2 = {c for col1s, c in _ptp_pairs(ctx, "NCCI_MODIFIER_NEEDED")}
    ex = ctx.extraction
    one_session_one_surgeon = (
        ex is not None and ex.same_session.status != "not_documented" and not ex.same_session.staged
        and not ex.co_surgeon.documented
    )
    for line in ctx.claim.lines:
        mods = set(line.modifiers)
        if "59" in mods and mods & X_MODIFIERS:
            yield r.gap(
                f"{line.spec()} carries 59 and {', '.join(sorted(mods & X_MODIFIERS))}: CMS never wants both.",
                f"Keep the X modifier that describes the distinction on {line.code} and remove 59.",
            )
        elif "59" in mods and line.code in col2:
            yield r.gap(
                f"{line.spec()}: 59 is the modifier of last resort; a decompression at a different spinal level "
                "is a separate structure.",
                f"If {line.code} was at a different level, replace 59 with XS.",
            )
        wrong = sorted(mods & {"XE", "XP"})
        if wrong and one_session_one_surgeon:
            yield r.gap(
                f"{line.spec()}: {', '.join(wrong)} says a separate encounter or practitioner, but the note shows "
                "one session and one surgeon.",
                f"If {line.code} was at a different level in this session, use XS instead of {', '.join(wrong)}.",
            )


DECOMPRESSION_LINES = ("63052", "63053", "63047", "63048", "63030", "63035")


@rule(
    "DIAGNOSIS_NOT_SUPPORTING",
    "warning",
    "claim",
    "the claim's ICD-10-CM codes hold no compression diagnosis for its decompression lines, or a code "
    "no longer valid on the date of service (M51.36 / M51.37 without a 6th character from 2024-10-01)",
    "Aetna CPB 0743 / eviCore CMM-608 (decompression not covered for degenerative disc disease alone); "
    "ICD-10-CM FY2025 M51.36/M51.37 expansion",
    inferred=True,
)
def diagnosis_not_supporting(r: Rule, ctx: CheckContext):
    codes, table = ctx.claim.diagnoses, ctx.reference.diagnoses
    if not codes:
        return
    for code in codes:
        family = table.invalid_on(code, ctx.reference.date_of_service)
        if family:
            yield r.gap(
                f"Diagnosis {code} is not a valid ICD-10-CM code on {ctx.reference.date_of_service}: {family.label}.",
                f"Report {code} with its 6th character, as the documentation supports.",
            )
    lines = ctx.claim.lines_for(*DECOMPRESSION_LINES)
    if lines and not any(table.compression_family(c) for c in codes):
        yield r.gap(
            f"{', '.join(l.spec() for l in lines)} billed with diagnoses {', '.join(codes)}: none is a neural "
            "compression diagnosis (stenosis, herniation with radiculopathy, radiculopathy, cauda equina).",
            "Link the decompression lines to the compression diagnosis the note documents; if the note documents "
            "none, query the surgeon about the indication for the decompression.",
        )
