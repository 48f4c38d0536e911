"""Stage 2: side words and prep cues attach to the technique they qualify.

Each side word belongs to the nearest technique, finding, root or arthrodesis mention in its
clause; it counts for the decompression only when that nearest one is a technique.
"Contralateral" is read against the approach side (segments stage). A prep cue ("to reach the
disc") marks its nearest technique as interbody preparation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from .mentions import MentionTable, Record, Sentence

SIDE_TARGETS = {"TECHNIQUE", "DECOMPRESSION", "FINDING", "ARTHRODESIS", "ROOT", "DEVICE", "HARDWARE"}  # a side beside screws is theirs
OPPOSITE = {"left": "right", "right": "left"}
MAX_SIDE_GAP = 8
MAX_CROSS_CLAUSE_GAP = 2  # "ipsilateral (left) laminotomy": a bracket does not separate a side from its noun
MAX_PREP_GAP = 20
MAX_SPAN = 40  # tokens: no target span is longer (a longer one is looked for only near its start)

SideWords = list[tuple[re.Pattern, str]]


@dataclass
class SideFacts:
    approach: list[Record]  # side words naming the approach ("from the left", "left TLIF")
    level_sides: dict[str, set[str]]  # sides that stand beside a level and qualify no technique
    approach_at: dict[str, str]  # a level block's own approach side ("Level: L5/S1 / Approach side: Right")


def nearest(
    side: Record, candidates: list[Record], max_gap: int = MAX_SIDE_GAP, cross_clause_gap: int = MAX_CROSS_CLAUSE_GAP,
    words: list[str] = (),
) -> Record | None:
    """The candidate in the side word's clause closest to it. A side word usually precedes its
    noun ("left laminotomy"); "on the right", "bilaterally" usually follow it. A bracket does not
    separate a side from its noun, a semicolon does ("laminotomy; left foraminotomy")."""
    prefer_before = side.meta.get("attach") == "before"
    best, best_key = None, None
    closing = bool(words) and all(not w.strip() or w in ".)" for w in words[side.tend : side.tend + 2])
    # only candidates that start near the side can be within max_gap of it (candidates are in order)
    lo = bisect_left(candidates, side.tstart - max_gap - MAX_SPAN, key=lambda t: t.tstart)
    hi = bisect_right(candidates, side.tend + max_gap, key=lambda t: t.tstart)
    for t in candidates[lo:hi]:
        if (t.clause != side.clause and words and ";" in words[min(side.tend, t.tend) : max(side.tstart, t.tstart)]
                and not (closing and t.tend <= side.tstart)):  # "...; right." closes the clause before it
            continue
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


def _opens_an_item(opening: list[str]) -> bool:
    """A sentence that starts a numbered step ("6. L5-S1: ...", "7) ...") starts a new scope for
    side headings; a level heading does not ("Right side: L4-5: ... L5-S1: ...")."""
    return len(opening) >= 2 and opening[0].isdigit() and opening[1] in (".", ")")


def side_headings(table: MentionTable) -> None:
    """"Right side: complete facetectomy ...", "On the left, the L5 root was trapped. A foraminotomy
    was performed ...": a sentence opening with a side heading sides the unsided techniques of the
    rest of its paragraph, until the next heading or numbered step ("6. ..."); a template's field
    "Side: Bilateral" sides the unsided work in the fields above it."""
    heading: Record | None = None
    paragraph = -1
    block: list[Sentence] = []  # the sentences of this paragraph so far
    for s in table.sentences:
        opening = [w for w in table.words[s.start : s.start + 6] if w.strip()]
        if s.paragraph != paragraph:
            block = []
        if s.paragraph != paragraph or _opens_an_item(opening):
            heading, paragraph = None, s.paragraph
        block.append(s)
        first_side = next(iter(s.of_kind("SIDE")), None)
        if first_side is not None and opening[:2] in (["side", ":"], ["sides", ":"]) and first_side.tstart <= s.start + 3:
            # a template's field "Side: Bilateral" sides the unsided work named in the fields above it
            for earlier in block[:-1]:
                _side_unsided(earlier, first_side)
            continue
        if first_side is not None and first_side.tstart <= s.start + 1 and first_side.meta["side"] in OPPOSITE:
            said = first_side.text.lower().split()
            # "Right side: ...", "Left: ...", "On the left, the traversing L5 root was trapped ..."
            if opening[: len(said) + 2] == [*said, "side", ":"] or opening[: len(said) + 1] in ([*said, ":"], [*said, ","]):
                heading = first_side
        if heading is not None:
            _side_unsided(s, heading)


def _side_unsided(s: Sentence, side: Record) -> None:
    for m in s.of_kind("TECHNIQUE"):
        if not m.sides and m.affirmed:
            m.sides.add(side.meta["side"])
            m.side_evidence.append(side)


def assign_sides(table: MentionTable, side_words: SideWords) -> SideFacts:
    """Attach side words to techniques; collect approach sides and sides named beside a level
    ("discectomy, left L5-S1")."""
    approach: list[Record] = []
    level_sides: dict[str, set[str]] = defaultdict(set)
    for s in table.sentences:
        targets = [m for m in s.mentions if m.kind in SIDE_TARGETS or (m.kind == "LEVEL" and m.level.kind == "root")]
        levels = [m for m in s.mentions if m.kind == "LEVEL" and m.level.kind == "interspace"]
        for m in s.of_kind("TECHNIQUE", "DECOMPRESSION"):
            # a side inside the work's own words ("took off the left facet", "undercut the right lateral recess")
            if len(m.text) > 20:
                m.sides.update(side for rx, side in side_words if rx.search(m.text))
        fusions = [m for m in s.of_kind("ARTHRODESIS") if m.meta.get("arthrodesis") in ("tlif", "plif", "posterior_interbody")]
        for side in s.of_kind("SIDE"):
            if side.meta.get("approach"):
                approach.append(side)
                if side.affirmed and side.meta["side"] in OPPOSITE:
                    for fusion in fusions:  # "TLIF from the left at L4-5"
                        fusion.sides.add(side.meta["side"])
                continue
            best = nearest(side, targets, words=table.words)
            placed = _fronted_target(side, s, table.words) or _closing_target(side, s, table.words)
            if placed is not None and (best is None or best.kind not in ("TECHNIQUE", "DECOMPRESSION")):
                best = placed  # "; left, at L5-S1, a laminotomy is fashioned", "foraminotomy ...; right."
            if best is None:
                level = nearest(side, levels, words=table.words)
                if (level is not None and side.is_work and len(level.level.interspaces) == 1
                        and level.tstart - side.tend <= 1 and side.tstart - level.tend <= 1):
                    for i in level.level.interspaces:
                        level_sides[i].add(side.meta["side"])
                elif _trails_a_fusion(side, s, table.words):
                    approach.append(side)  # "TLIF L3-4 and L4-5, right"
                    for fusion in fusions:
                        fusion.sides.add(side.meta["side"])
            elif best.kind in ("TECHNIQUE", "DECOMPRESSION"):
                best.sides.add(side.meta["side"])
                best.side_evidence.append(side)
            elif best.kind == "ROOT":
                # "the right L4 root was then decompressed until mobile", "until the right L5 root was free"
                freed = _decompression_of_root(best, s) or _freeing_of_root(best, s)
                if freed is not None:
                    freed.sides.add(side.meta["side"])
                    freed.side_evidence.append(side)
            elif best.kind == "ARTHRODESIS" and side.meta["side"] in OPPOSITE and side.affirmed:
                approach.append(side)
                best.sides.add(side.meta["side"])
    return SideFacts(approach, level_sides, _block_approaches(table, approach))


def _block_approaches(table: MentionTable, approach: list[Record]) -> dict[str, str]:
    """An approach side in a paragraph that names one interspace only (a template's level block)
    is that level's approach side."""
    interspaces: dict[int, set[str]] = defaultdict(set)
    for s in table.sentences:
        for m in s.of_kind("LEVEL"):
            if m.level.kind == "interspace":
                interspaces[s.paragraph].update(m.level.interspaces)
    at: dict[str, set[str]] = defaultdict(set)
    for side in approach:
        levels = interspaces.get(table.sentences[side.sent].paragraph, set())
        if side.affirmed and side.meta["side"] in OPPOSITE and len(levels) == 1:
            at[next(iter(levels))].add(side.meta["side"])
    return {level: next(iter(sides)) for level, sides in at.items() if len(sides) == 1}


def _word_before(words: list[str], i: int, lo: int) -> str | None:
    while i > lo:
        i -= 1
        if words[i].strip():
            return words[i]
    return None


def _words_after(words: list[str], i: int, hi: int, count: int) -> list[str]:
    out: list[str] = []
    while i < hi and len(out) < count:
        if words[i].strip():
            out.append(words[i])
        i += 1
    return out


def _fronted_target(side: Record, s, words: list[str]) -> Record | None:
    """A side that opens its sentence (or the part after a semicolon) and is set off by a comma
    qualifies the first technique that follows, up to the next semicolon."""
    before = _word_before(words, side.tstart, s.start)
    after = _words_after(words, side.tend, s.end, 1)
    if (before is not None and before != ";") or after != [","]:
        return None
    for m in s.between(side.tend, s.end):
        if ";" in words[side.tend : m.tstart]:
            return None
        if m.kind in ("TECHNIQUE", "DECOMPRESSION"):
            return m
    return None


def _closing_target(side: Record, s, words: list[str]) -> Record | None:
    """"Foraminotomy was performed for the exiting L4 root; right.": a side alone after the last
    semicolon of its sentence qualifies the technique of the clause before it."""
    if _word_before(words, side.tstart, s.start) != ";" or any(w not in ".)" for w in _words_after(words, side.tend, s.end, 3)):
        return None
    work = [m for m in s.of_kind("TECHNIQUE", "DECOMPRESSION") if m.tend <= side.tstart]
    return work[-1] if work else None


def _decompression_of_root(root: Record, s) -> Record | None:
    """The decompression whose object is this root: "the right L4 root was decompressed",
    "decompressing the left L5 root" (a root that is compressed is a finding, not work)."""
    for m in s.between(root.tstart - 40, root.tend + 5):
        if m.kind in ("DECOMPRESSION", "TECHNIQUE") and m.clause == root.clause and (
            0 <= m.tstart - root.tend <= 4 or 0 <= root.tstart - m.tend <= 3
        ):
            return m
    return None


def _freeing_of_root(root: Record, s) -> Record | None:
    for m in s.between(root.tstart - 40, root.tend + 5):
        if m.kind == "ROOT_FREED" and m.clause == root.clause and (
            0 <= m.tstart - root.tend <= 4 or 0 <= root.tstart - m.tend <= 6
        ):
            return m
    return None


def _trails_a_fusion(side: Record, s, words: list[str]) -> bool:
    """A side closing a clause that names a posterior interbody fusion and its levels."""
    if side.meta["side"] not in OPPOSITE or not side.affirmed:
        return False
    after = [w for w in words[side.tend : s.end] if w.strip()]
    if after and after[0] not in (".", ";", ")", "\n"):
        return False
    fusions = [m for m in s.of_kind("ARTHRODESIS") if m.tend <= side.tstart and m.meta.get("arthrodesis") in ("tlif", "plif", "posterior_interbody")]
    return bool(fusions) and side.tstart - fusions[-1].tend <= 14


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
