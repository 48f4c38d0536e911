"""Stage 5: per-interspace segments — techniques, laterality, findings, prep-only.

The narrative outranks the numbered procedure list, generic "decompression" counts only in a
note that documents open work, and a fused level whose only work is the access for the cage is
prep-only unless decompression is asserted there.
"""

from __future__ import annotations

from collections import defaultdict

from ..models import TECHNIQUES, Evidence, Segment
from ..spine import Spine
from .mentions import Record
from .sides import OPPOSITE

NEURAL_FINDING_KINDS = {"stenosis", "compression", "hypertrophy", "osteophyte", "cyst"}


def finding_label(m: Record) -> str:
    refine = m.meta.get("refine") or {}
    for word, label in refine.items():
        if word in m.sentence_text:
            return label
    return m.meta.get("finding", m.text.lower())


def _laterality(work: list[Record], approach_side: str | None, level_sides: set[str], level_approach: str | None) -> str | None:
    sides: set[str] = set()
    for m in work:
        if level_approach and not m.sides and m.meta.get("technique") == "facetectomy" and m.kind == "TECHNIQUE":
            sides.add(level_approach)  # "TLIF from the left at L4-5: facetectomy, discectomy, cage"
            continue
        here = level_approach or approach_side  # "approach side: right" at this level outranks the note's
        for side in m.sides:
            if side == "contralateral":
                side = OPPOSITE.get(here or "", "")
            elif side == "ipsilateral":
                side = here or ""
            if side:
                sides.add(side)
    if not sides:
        sides = set(level_sides)
    if "bilateral" in sides or {"left", "right"} <= sides:
        return "bilateral"
    return "left" if "left" in sides else "right" if "right" in sides else None


def _approach_by_level(mentions: list[Record]) -> dict[str, str]:
    """The side a posterior interbody fusion is done from, per fused level ("left TLIF L4-5")."""
    sides: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.kind == "ARTHRODESIS" and m.is_work and m.sides:
            for level in m.levels:
                sides[level].update(m.sides)
    return {level: next(iter(s)) for level, s in sides.items() if len(s) == 1}


def work_by_level(mentions: list[Record]) -> tuple[dict[str, list[Record]], dict[str, list[Record]], list[Evidence]]:
    """Decompressive work per interspace, the mentions that only lend their side to the work there
    ("until the right L5 root was free", "Decompression side: Bilateral"), and the work no level
    could be found for."""
    # "Nerve root decompression" by a catheter is not surgery: generic decompression counts only
    # in a note that documents open work (a named technique or an arthrodesis).
    open_surgery = any(m.kind in ("TECHNIQUE", "ARTHRODESIS", "DEVICE", "OPEN_WORK") and m.is_work for m in mentions)
    by_level: dict[str, list[Record]] = defaultdict(list)
    side_only: dict[str, list[Record]] = defaultdict(list)
    unattributed: list[Evidence] = []
    for m in mentions:
        if m.kind == "ROOT_FREED" and m.is_work and m.sides:
            for level in m.levels:
                side_only[level].append(m)
        if m.kind not in ("TECHNIQUE", "DECOMPRESSION") or not m.is_work:
            continue
        if m.kind == "DECOMPRESSION" and not open_surgery:
            continue
        if m.kind == "DECOMPRESSION" and m.level_source == "carried" and m.text.lower().endswith(("ion", "ions", "ive")):
            # "Attention was turned to the decompression": the noun names the step, not a level's
            # work -- though its side ("Decompression side: Bilateral") is the side of that work
            if any(side.tstart - m.tend == 2 for side in m.side_evidence):  # the field "Decompression side: X"
                for level in m.levels:
                    side_only[level].append(m)
            continue
        if not m.levels:
            unattributed.append(m.evidence())
            continue
        for level in m.levels:
            by_level[level].append(m)
    # The narrative outranks the numbered procedure list: "no foraminotomy was needed at this level"
    # in the narrative takes back a foraminotomy the list claims for that level.
    denied = {
        (level, m.meta.get("technique"))
        for m in mentions
        if m.kind == "TECHNIQUE" and m.status == "negated" and m.section not in ("procedure", "planned")
        for level in m.levels
    }
    # ... and takes back what a "repeated in the same manner" would copy there.
    kept = {
        level: [m for m in work if not ((m.section == "procedure" or m.level_source == "repeated")
                                        and (level, m.meta.get("technique")) in denied)]
        for level, work in by_level.items()
    }
    return {level: work for level, work in kept.items() if work}, side_only, unattributed


def build_segments(
    mentions: list[Record], spine: Spine, fused: set[str], approach_side: str | None, level_sides: dict[str, set[str]],
    block_approach: dict[str, str] | None = None,
) -> tuple[list[Segment], list[Evidence]]:
    by_level, side_only, unattributed = work_by_level(mentions)
    approach_at = {**(block_approach or {}), **_approach_by_level(mentions)}
    findings: dict[str, list[Record]] = defaultdict(list)
    for m in mentions:
        if m.kind == "FINDING" and m.is_work:
            for level in m.levels:
                findings[level].append(m)
    segments = []
    for level in spine.ordered(by_level):
        found = findings.get(level, [])
        neural = any(f.meta.get("kind") in NEURAL_FINDING_KINDS for f in found)
        # Bone removed to retrieve a foreign body, for a biopsy or a dural repair is decompression
        # only where compressed neural elements are documented.
        work = [m for m in by_level[level] if neural or not m.purpose]
        if not work:
            continue
        techniques = [t for t in TECHNIQUES if any(m.meta.get("technique") == t for m in work)]
        # "the lamina was removed" reads as a laminotomy unless the level has a named laminectomy
        if "laminectomy" in techniques and all(m.meta.get("weak") for m in work if m.meta.get("technique") == "laminotomy"):
            techniques = [t for t in techniques if t != "laminotomy"]
        is_fused = level in fused
        tech_mentions = [m for m in work if m.kind == "TECHNIQUE"]
        generic = [m for m in work if m.kind == "DECOMPRESSION"]
        # The surgeon says this level was decompressed: with its level or side named, or with
        # compressed neural elements documented there.
        asserted = any(m.level_source == "explicit" or m.sides for m in generic) or (bool(generic) and neural)
        # Bone removed only to reach the disc is part of the interbody arthrodesis: a fused level is
        # prep-only when every technique there is tied to a prep cue ("to reach the disc"), or when no
        # foraminotomy and no neural compression is documented there -- unless decompression is asserted.
        prep_only = (
            is_fused
            and bool(tech_mentions)
            and (all(m.prep or m.purpose for m in tech_mentions) or ("foraminotomy" not in techniques and not neural))
            and not asserted
        )
        technique_named = any(not m.prep for m in tech_mentions) or (bool(tech_mentions) and not is_fused)
        evidence = []
        own = {id(m) for m in work}
        for m in work + side_only.get(level, []):
            if id(m) in own:
                evidence.append(m.evidence())
            evidence.extend(side.evidence("laterality") for side in m.side_evidence)
        evidence.extend(f.evidence("finding") for f in found)
        segments.append(
            Segment(
                interspace=level,
                fused=is_fused,
                techniques=techniques,
                laterality=_laterality(work + side_only.get(level, []), approach_side, level_sides.get(level, set()), approach_at.get(level)),
                findings=list(dict.fromkeys(finding_label(f) for f in found)),
                prep_only=prep_only,
                technique_named=technique_named,
                lumbar=spine.is_lumbar_interspace(level),
                level_from_vertebra=all(m.level_source == "vertebra" for m in work),
                evidence=sorted(set(evidence), key=lambda e: (e.start, e.end)),
            )
        )
    return segments, unattributed
