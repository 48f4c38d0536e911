"""Stage 3: every work mention gets its interspaces.

A work mention in a clause saying "each of these levels" / "both levels" takes the fused
interspaces (resolved once they are known); else the interspaces named in its own clause (a
comma ends a clause, except inside a list of levels), else in another clause of its sentence;
else the vertebrae named in its clause ("L4 and L5 laminectomies") mapped to interspaces (the
level being worked on, else those the note works on); else the level carried over from the
narrative ("Attention was then turned to L5-S1. ..."); else the note's only interspace. Words
such as "multilevel" stop the carry-over: that work stays unattributed. A finding holds at every
level of its sentence. Work "repeated in the same manner at L5-S1" is copied to that level.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from ..spine import Spine
from .mentions import MentionTable, Record, Sentence

WORK_KINDS = {"TECHNIQUE", "DECOMPRESSION", "FINDING", "ARTHRODESIS", "DEVICE"}
ACTION_KINDS = ("TECHNIQUE", "DECOMPRESSION", "ARTHRODESIS", "DEVICE")
MAX_CARRY_WIDTH = 4  # a fusion range "T2-L2" names no level of decompression

ClauseLevels = dict[int, tuple[str, ...]]


@dataclass
class LevelContext:
    spine: Spine
    transitional: bool  # the note names a transitional vertebra (L6), so interspaces count with it
    work_set: set[str]  # interspaces named explicitly for work anywhere in the note


def clause_levels(sentence: Sentence) -> ClauseLevels:
    out: dict[int, list[str]] = defaultdict(list)
    for m in sentence.mentions:
        if m.kind == "LEVEL" and m.level.kind == "interspace" and m.status != "historical":
            for i in m.level.interspaces:
                if i not in out[m.clause]:
                    out[m.clause].append(i)
    return {k: tuple(v) for k, v in out.items()}


def _other_clauses(m: Record, cl: ClauseLevels) -> tuple[str, ...]:
    """Interspaces named in another clause of the sentence: the nearest before, else after."""
    before = [c for c in cl if c < m.clause]
    if before:
        return cl[max(before)]
    after = [c for c in cl if c > m.clause]
    if after:
        return cl[min(after)]
    return ()


def _explicit(m: Record, cl: ClauseLevels) -> tuple[str, ...]:
    return cl.get(m.clause) or _other_clauses(m, cl)


def from_vertebrae(vertebrae: list[str], ctx: LevelContext, carry: tuple[str, ...]) -> tuple[str, ...]:
    """Interspaces for work named by vertebrae: the carried level when it is beside them, else
    those the note works on, else the interspaces between them, else the one below each."""
    spine, transitional = ctx.spine, ctx.transitional
    candidates: list[str] = []
    for v in vertebrae:
        for i in spine.adjacent_interspaces(v, transitional):
            if i not in candidates:
                candidates.append(i)
    if carry and all(c in candidates for c in carry):
        return carry  # "a left L4 hemilaminotomy" in the L4-L5 paragraph
    chosen = tuple(c for c in candidates if c in ctx.work_set)
    if chosen:
        return chosen
    if len(set(vertebrae)) > 1:
        between = spine.between(tuple(vertebrae), transitional)
        if between:
            return between
    below = [spine.interspace_below(v, transitional) for v in vertebrae]
    return tuple(dict.fromkeys(b for b in below if b))


def resolve(m: Record, s: Sentence, cl: ClauseLevels, ctx: LevelContext, carry: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """The interspaces of one work mention and where they came from (see the module docstring)."""
    if m.kind == "FINDING" and cl:  # a finding stated for several levels holds at each of them
        return tuple(dict.fromkeys(i for c in sorted(cl) for i in cl[c])), "explicit"
    if m.clause in s.anaphor_clauses:  # "at each of these three levels, particularly L4-5"
        return (), "anaphor"
    explicit = _explicit(m, cl)
    if explicit:
        return explicit, "explicit"
    if s.anaphor_clauses and not s.vague:
        return (), "anaphor"
    named = [x for x in s.mentions if x.kind == "LEVEL" and x.level.kind == "vertebra"]
    if m.kind != "FINDING":
        in_clause = [v for x in named if x.clause == m.clause for v in x.level.vertebrae]
        if in_clause:
            return from_vertebrae(in_clause, ctx, carry), "vertebra"
    if carry and not s.vague and not s.is_item:
        return carry, "carried"
    if named and m.kind != "FINDING":  # "... removed en bloc (Gill laminectomy)"
        return from_vertebrae([v for x in named for v in x.level.vertebrae], ctx, carry), "vertebra"
    if len(ctx.work_set) == 1 and not s.vague:
        return tuple(ctx.work_set), "single level"  # the note works on one interspace only
    return (), ""


def repeated(s: Sentence, cl: ClauseLevels, carry: tuple[str, ...], block: list[Record]) -> list[Record]:
    """"This process was then repeated in similar fashion at L5-S1": the techniques done at the
    previous level count at the new one, with the repeat phrase as their evidence."""
    cue = next((m for m in s.mentions if m.kind == "REPEAT" and m.is_work), None)
    if cue is None or not block:
        return []
    target = tuple(i for levels in cl.values() for i in levels if i not in carry)
    if not target:
        return []
    copies = []
    for technique in dict.fromkeys(m.meta["technique"] for m in block):
        source = next(m for m in block if m.meta["technique"] == technique)
        copies.append(
            replace(
                source,
                start=cue.start, end=cue.end, tstart=cue.tstart, tend=cue.tend, text=cue.text,
                sent=cue.sent, clause=cue.clause, rule_id=cue.rule_id,
                levels=tuple(dict.fromkeys(target)), level_source="repeated",
                sides=set().union(*(m.sides for m in block if m.meta["technique"] == technique)),
                side_evidence=list(source.side_evidence), meta=dict(source.meta),
            )
        )
    return copies


def assign_levels(table: MentionTable, spine: Spine, transitional_names: set[str]) -> tuple[LevelContext, list[Record]]:
    """Give every work mention its interspaces. Returns the level context (with the explicit work
    set) and the technique mentions copied to a level where the note says the same work was repeated."""
    sentences = table.sentences
    per_sentence = [clause_levels(s) for s in sentences]
    transitional = any(transitional_names & set(m.level.vertebrae) for m in table.mentions if m.level is not None)
    work_set: set[str] = set()
    for s, cl in zip(sentences, per_sentence):
        for m in s.of_kind(*ACTION_KINDS):
            if m.is_work:
                work_set.update(_explicit(m, cl))
    ctx = LevelContext(spine, transitional, work_set)
    carry: tuple[str, ...] = ()
    block: list[Record] = []  # technique mentions done at the carried level(s)
    copies: list[Record] = []
    section = "start"
    for s, cl in zip(sentences, per_sentence):
        if s.section != section:
            carry, section, block = (), s.section, []
        last_resolved: tuple[str, ...] = ()
        for m in s.mentions:
            if m.kind not in WORK_KINDS:
                continue
            m.levels, m.level_source = resolve(m, s, cl, ctx, carry)
            if m.levels and m.affirmed and m.kind != "FINDING":
                last_resolved = m.levels
        copies.extend(repeated(s, cl, carry, block))
        if s.is_item:
            continue
        if last_resolved and last_resolved != carry:
            block = []
        block.extend(m for m in s.mentions if m.kind == "TECHNIQUE" and m.is_work and m.levels)
        if last_resolved and len(last_resolved) <= MAX_CARRY_WIDTH:
            carry = last_resolved
        else:
            named = [
                i
                for x in s.mentions
                # a single interspace named ("Attention was turned to L5-S1"); a range is
                # usually the incision or the exposure, not the level being worked on
                if x.kind == "LEVEL" and x.level.kind == "interspace" and x.affirmed and len(x.level.interspaces) == 1
                for i in x.level.interspaces
            ]
            if named and tuple(dict.fromkeys(named)) != carry:
                carry, block = tuple(dict.fromkeys(named)), []
    return ctx, copies


def resolve_anaphora(mentions: list[Record], fused: set[str], ctx: LevelContext) -> None:
    """"Both levels" / "each of these levels" take the fused interspaces, else the worked ones."""
    for m in mentions:
        if m.level_source == "anaphor":
            m.levels = ctx.spine.ordered(fused or ctx.work_set)
