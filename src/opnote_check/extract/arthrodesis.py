"""Stage 4: the arthrodesis done in this operation, its kind and its fused interspaces."""

from __future__ import annotations

from collections import Counter

from ..models import Arthrodesis
from .levels import LevelContext, anaphor_count
from .mentions import WORK_SECTIONS, Record
from .sides import OPPOSITE

POSTERIOR = {"tlif", "plif", "posterior_interbody"}
OTHER_INTERBODY = {"alif", "lateral"}


def read_arthrodesis(mentions: list[Record], ctx: LevelContext, approach_mentions: list[Record]) -> Arthrodesis:
    work = [m for m in mentions if m.is_work and m.kind in ("ARTHRODESIS", "DEVICE")]
    anterior = any(m.kind == "ANTERIOR_APPROACH" and m.is_work for m in mentions)
    explicit = [m for m in work if m.meta.get("arthrodesis") in POSTERIOR]
    posterior_levels = {i for m in explicit for i in m.levels}
    other_levels = {i for m in work if m.meta.get("arthrodesis") in OTHER_INTERBODY for i in m.levels}
    generic, anterior_generic = [], []
    for m in work:
        if not (m.meta.get("arthrodesis") == "interbody" or m.kind == "DEVICE"):
            continue
        if not m.levels and m.level_source != "anaphor":
            continue  # an interbody arthrodesis needs an interspace: a cage with no level fuses nothing
        if ctx.construct and m.level_source in ("carried", "vertebra") and not set(m.levels) <= set(ctx.construct):
            continue  # a cage whose level is only carried over, outside the levels the note fuses
        if set(m.levels) & other_levels and not set(m.levels) & posterior_levels:
            continue  # the cage of the ALIF / lateral fusion named at that level
        if anterior and not set(m.levels) & posterior_levels:
            anterior_generic.append(m)  # "anterior exposure ... discectomy and interbody fusion": an ALIF
            continue
        generic.append(m)
    kinds = Counter(m.meta.get("arthrodesis", "device") for m in work)
    if anterior_generic:
        kinds["alif"] += len(anterior_generic)
    other_interbody = bool(other_levels) or kinds["alif"] > 0 or kinds["lateral"] > 0
    # a cage beside an ALIF / lateral fusion is theirs unless its level is fused from behind too
    fused_mentions = explicit + [m for m in generic if not other_interbody or set(m.levels) - other_levels]
    posterior = bool(fused_mentions)
    interspaces = {i for m in fused_mentions if m.level_source != "anaphor" for i in m.levels}
    for m in (m for m in fused_mentions if m.level_source == "anaphor"):
        # "interbody fusion was done at both spaces": the levels worked on, when they are as many
        count = anaphor_count(m, mentions)
        if not interspaces or (count and len(ctx.work_set) == count > len(interspaces)):
            interspaces.update(ctx.work_set)
    if not posterior:
        interspaces = set()
    posterolateral = kinds["posterolateral"] > 0
    if posterior:
        base = "PLIF" if kinds["plif"] else "TLIF" if kinds["tlif"] else "posterior_interbody"
        technique = "combined_posterolateral_interbody" if posterolateral else base
    elif kinds["alif"]:
        technique = "ALIF"
    elif kinds["lateral"]:
        technique = "lateral"
    elif posterolateral:
        technique = "posterolateral_only"
    else:
        technique = "none"
    sides = Counter(m.meta["side"] for m in approach_mentions if m.section in WORK_SECTIONS and m.meta["side"] in OPPOSITE)
    approach_side = sides.most_common(1)[0][0] if sides else None
    evidence = [m.evidence("arthrodesis") for m in (fused_mentions if posterior else work)]
    return Arthrodesis(
        posterior_interbody=posterior,
        technique=technique,
        interspaces=list(ctx.spine.ordered(interspaces)),
        posterolateral=posterolateral,
        approach_side=approach_side,
        evidence=evidence,
    )
