"""Stage 4: the arthrodesis done in this operation, its kind and its fused interspaces."""

from __future__ import annotations

from collections import Counter

from ..models import Arthrodesis
from .levels import LevelContext
from .mentions import WORK_SECTIONS, Record
from .sides import OPPOSITE

POSTERIOR = {"tlif", "plif", "posterior_interbody"}


def read_arthrodesis(mentions: list[Record], ctx: LevelContext, approach_mentions: list[Record]) -> Arthrodesis:
    work = [m for m in mentions if m.is_work and m.kind in ("ARTHRODESIS", "DEVICE")]
    kinds = Counter(m.meta.get("arthrodesis", "device") for m in work)
    explicit = [m for m in work if m.meta.get("arthrodesis") in POSTERIOR]
    generic = [m for m in work if m.meta.get("arthrodesis") == "interbody" or m.kind == "DEVICE"]
    other_interbody = kinds["alif"] > 0 or kinds["lateral"] > 0
    posterior = bool(explicit) or (bool(generic) and not other_interbody)
    fused_mentions = explicit + ([] if other_interbody else generic)
    interspaces: set[str] = set()
    for m in fused_mentions:
        if m.level_source != "anaphor":
            interspaces.update(m.levels)
    if posterior and not interspaces:
        for m in fused_mentions:
            interspaces.update(ctx.work_set if m.level_source == "anaphor" else ())
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
