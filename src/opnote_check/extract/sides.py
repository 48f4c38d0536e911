"""Stage 2: side words and prep cues attach to the technique they qualify.

Each side word belongs to the nearest technique, finding, root or arthrodesis mention in its
clause; it counts for the decompression only when that nearest one is a technique.
"Contralateral" is read against the approach side (segments stage). A prep cue ("to reach the
disc") marks its nearest technique as interbody preparation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .mentions import MentionTable, Record

SIDE_TARGETS = {"TECHNIQUE", "DECOMPRESSION", "FINDING", "ARTHRODESIS", "ROOT", "DEVICE"}
OPPOSITE = {"left": "right", "right": "left"}
MAX_SIDE_GAP = 8
MAX_CROSS_CLAUSE_GAP = 2  # "ipsilateral (left) laminotomy": a bracket does not separate a side from its noun
MAX_PREP_GAP = 12

SideWords = list[tuple[re.Pattern, str]]


@dataclass
class SideFacts:
    approach: list[Record]  # side words naming the approach ("from the left", "left TLIF")
    level_sides: dict[str, set[str]]  # sides that stand beside a level and qualify no technique


def nearest(side: Record, candidates: list[Record], max_gap: int = MAX_SIDE_GAP, cross_clause_gap: int = MAX_CROSS_CLAUSE_GAP) -> Record | None:
    """The candidate in the side word's clause closest to it. A side word usually precedes its
    noun ("left laminotomy"); "on the right", "bilaterally" usually follow it."""
    prefer_before = side.meta.get("attach") == "before"
    best, best_key = None, None
    for t in candidates:
        if t.tstart >= side.tend:
            gap, before = t.tstart - side.tend, False
        elif side.tstart >= t.tend:
            gap, before = side.tstart - t.tend, True
        else:
            gap, before = 0, prefer_before
        if gap > max_gap or (t.clause != side.clause and gap > cross_clause_gap):
            continue
        key = (before != prefer_before, gap) if prefer_before else (gap, before)
        if best_key is None or key < best_key:
            best, best_key = t, key
    return best


def assign_sides(table: MentionTable, side_words: SideWords) -> SideFacts:
    """Attach side words to techniques; collect approach sides and sides named beside a level
    ("discectomy, left L5-S1")."""
    approach: list[Record] = []
    level_sides: dict[str, set[str]] = defaultdict(set)
    for s in table.sentences:
        targets = [m for m in s.mentions if m.kind in SIDE_TARGETS or (m.kind == "LEVEL" and m.level.kind == "root")]
        levels = [m for m in s.mentions if m.kind == "LEVEL" and m.level.kind == "interspace"]
        for m in s.of_kind("TECHNIQUE"):
            if len(m.text) > 20:  # a side inside a technique's own words ("took off the left facet")
                m.sides.update(side for rx, side in side_words if rx.search(m.text))
        for side in s.of_kind("SIDE"):
            if side.meta.get("approach"):
                approach.append(side)
                continue
            best = nearest(side, targets)
            if best is None:
                level = nearest(side, levels)
                if level is not None and side.is_work and (level.tstart - side.tend <= 1 and side.tstart - level.tend <= 1):
                    for i in level.level.interspaces:
                        level_sides[i].add(side.meta["side"])
            elif best.kind in ("TECHNIQUE", "DECOMPRESSION"):
                best.sides.add(side.meta["side"])
                best.side_evidence.append(side)
            elif best.kind == "ARTHRODESIS" and side.meta["side"] in OPPOSITE and side.affirmed:
                approach.append(side)
    return SideFacts(approach, level_sides)


def mark_prep(table: MentionTable) -> None:
    """"... facet was removed for the approach": the cue marks the nearest technique as interbody
    preparation; "... to retrieve the broken drill bit", "for a biopsy": as done for another purpose."""
    for s in table.sentences:
        techniques = s.of_kind("TECHNIQUE")
        for cue in s.of_kind("PREP", "PURPOSE"):
            found = nearest(cue, techniques, max_gap=MAX_PREP_GAP, cross_clause_gap=MAX_PREP_GAP)
            if found is None or not cue.affirmed:
                continue
            if cue.kind == "PREP":
                found.prep = True
            else:
                found.purpose = True
