"""Stage 3: every work mention gets its interspaces.

Where a work mention's interspaces come from, first rule that applies:

1. "each of these levels" / "both levels" in its clause: the fused interspaces (resolved once
   they are known, `resolve_anaphora`).
2. Interspaces named in its own clause. When a clause names several interspaces for different
   work ("laminotomy at L4-5 followed by a facetectomy at L5-S1", "left L4-5 laminotomy right
   L5-S1 foraminotomy"), each technique binds to its own: the level it is done "at", else the
   level written just before it. Relative references count as named levels once resolved ("the
   level below", "the caudal level of the construct", "the index level", "the exiting L5 root").
   A range beside screws or rods ("screws T12 to S1") names the instrumentation, not the work.
3. Interspaces named in another clause of its sentence.
4. Vertebrae named in its sentence ("L4 and L5 laminectomies", "the lower half of L3 and the
   upper half of L4", "a complete L5 laminectomy"), mapped to interspaces.
5. The level carried over from the narrative ("Attention was then turned to L5-S1. ..."). A level
   the sentence only looks at (negated, preserved, left undisturbed) is not carried.
6. The note's only interspace.

Words such as "multilevel" stop the carry-over: that work stays unattributed. A finding holds at
the levels of its own clause, else of its sentence. Work "repeated in the same manner" is copied
from the step just described (the current paragraph at the previous level) to the new level.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ..levels import BindingWords
from ..spine import Spine
from .mentions import MentionTable, Record, Sentence

WORK_KINDS = {"TECHNIQUE", "DECOMPRESSION", "FINDING", "ARTHRODESIS", "DEVICE", "ROOT_FREED"}
ACTION_KINDS = ("TECHNIQUE", "DECOMPRESSION", "ARTHRODESIS", "DEVICE")
BINDING_KINDS = {"TECHNIQUE", "DECOMPRESSION"}
HEAD_KINDS = {"TECHNIQUE", "DECOMPRESSION", "ARTHRODESIS", "DEVICE"}  # work that is done at a level
MAX_CARRY_WIDTH = 4  # a fusion range "T2-L2" names no level of decompression
MAX_BINDING_GAP = 24  # tokens between a technique and the level it is bound to

ClauseLevels = dict[int, tuple[str, ...]]


@dataclass
class LevelContext:
    spine: Spine
    transitional: bool  # the note names a transitional vertebra (L6), so interspaces count with it
    work_set: set[str]  # interspaces named explicitly for work anywhere in the note
    words: list[str] = field(default_factory=list)
    construct: tuple[str, ...] = ()  # the interbody levels the note names, cranial to caudal
    listed: set[str] = field(default_factory=set)  # interspaces the procedure list names for decompression
    aliases: dict[str, str] = field(default_factory=dict)  # "index" / "previous" -> interspace
    clause_start: dict[int, int] = field(default_factory=dict)
    level_denials: frozenset[str] = frozenset()  # ConText rules (metadata.denies_level) saying a level was left alone
    words_for: BindingWords | None = None  # patterns/levels.json "binding_words"


def _is_level(m: Record) -> bool:
    return m.kind == "LEVEL" and m.level.kind == "interspace" and m.status != "historical"


# -- relative references ------------------------------------------------------------------------

def learn_aliases(table: MentionTable) -> dict[str, str]:
    """"L4-L5 (index level)", "Index level: L5-S1", a prior operation at one level."""
    aliases: dict[str, str] = {}
    for s in table.sentences:
        levels = [m for m in s.mentions if m.kind == "LEVEL" and m.level.kind == "interspace" and len(m.level.interspaces) == 1]
        for ref in s.of_kind("RELATIVE_LEVEL"):
            relation = ref.meta.get("relation")
            if relation not in ("index", "previous"):
                continue
            for level in levels:
                gap = ref.tstart - level.tend if level.tend <= ref.tstart else level.tstart - ref.tend
                if 0 <= gap <= 3:
                    aliases.setdefault(relation, level.level.interspaces[0])
                    break
    if "previous" not in aliases:
        prior = {i for m in table.mentions if m.kind == "LEVEL" and m.status == "historical" for i in m.level.interspaces}
        if len(prior) == 1:
            aliases["previous"] = prior.pop()
    return aliases


def resolve_relative(ref: Record, s: Sentence, ctx: LevelContext, carry: tuple[str, ...]) -> tuple[str, ...]:
    relation = ref.meta.get("relation")
    spine, transitional = ctx.spine, ctx.transitional
    if relation in ("below", "above"):
        if not carry:
            return ()
        step = 1 if relation == "below" else -1
        base = carry[-1] if step > 0 else carry[0]
        found = spine.neighbour(base, step, transitional)
        return (found,) if found else ()
    if relation in ("caudal_end", "cranial_end"):
        construct = ctx.construct or spine.ordered(ctx.work_set)
        if len(construct) < 2:
            return ()
        return (construct[-1] if relation == "caudal_end" else construct[0],)
    if relation in ("index", "previous"):
        alias = ctx.aliases.get(relation)
        return (alias,) if alias else ()
    if relation in ("exiting", "traversing"):
        root = next((m for m in s.between(ref.tend, ref.tend + 4) if m.kind in ("LEVEL", "ROOT") and m.level is not None
                     and m.level.kind in ("root", "vertebra")), None)
        if root is None:
            return ()
        vertebra = root.level.vertebrae[0]
        found = (spine.interspace_below if relation == "exiting" else spine.interspace_above)(vertebra, transitional)
        return (found,) if found else ()
    return ()


# -- clause levels ------------------------------------------------------------------------------

def _hardware_ranges(s: Sentence, ctx: LevelContext) -> set[int]:
    """Token starts of ranges that name the instrumentation ("screws T12 to S1", "L4-S1 pedicle screws")."""
    out = set()
    for h in s.of_kind("HARDWARE"):
        near = s.between(h.tend, h.tend + 7) + s.between(h.tstart - 40, h.tstart)  # ranges just after or before it
        for m in near:
            if not (_is_level(m) and len(m.level.interspaces) >= 2):
                continue
            if h.tend <= m.tstart and all(w in ctx.words_for.hardware_join or not w.strip() for w in ctx.words[h.tend : m.tstart]) and m.tstart - h.tend <= 6:
                out.add(m.tstart)
            elif m.tend <= h.tstart and all(w in ctx.words_for.hardware_join or not w.strip() for w in ctx.words[m.tend : h.tstart]) and h.tstart - m.tend <= 2:
                out.add(m.tstart)
    return out


@dataclass
class LevelGroup:
    """Level mentions of one clause written together ("L4-5 and L5-S1")."""

    tstart: int
    tend: int
    interspaces: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...]  # the interspaces of each member
    negated: bool = False  # every member negated ("stayed below the L3-4 ligament")
    affirmed: bool = True  # every member affirmed
    denied: bool = False  # a member left alone by a level-denial cue ("L3-4 was preserved")


def clause_groups(s: Sentence, ctx: LevelContext, carry: tuple[str, ...]) -> dict[int, list[LevelGroup]]:
    hardware = _hardware_ranges(s, ctx)
    named: list[tuple[Record, tuple[str, ...]]] = []
    level_clauses = {x.clause for x in s.mentions if _is_level(x)}
    for m in s.mentions:
        if _is_level(m) and m.tstart not in hardware:
            named.append((m, m.level.interspaces))
        elif m.kind == "RELATIVE_LEVEL" and m.status != "historical":
            resolved = resolve_relative(m, s, ctx, carry)
            if resolved and not (m.meta.get("relation") in ("exiting", "traversing") and m.clause in level_clauses):
                named.append((m, resolved))
    groups: dict[int, list[LevelGroup]] = defaultdict(list)
    for m, interspaces in named:
        current = groups[m.clause]
        denied = m.cue is not None and m.cue.rule_id in ctx.level_denials
        if current and all(not w.strip() or w in ctx.words_for.level_glue for w in ctx.words[current[-1].tend : m.tstart]):
            last = current[-1]
            current[-1] = LevelGroup(
                last.tstart, m.tend, tuple(dict.fromkeys(last.interspaces + interspaces)), last.parts + (tuple(interspaces),),
                last.negated and m.status == "negated", last.affirmed and m.affirmed, last.denied or denied,
            )
        else:
            current.append(LevelGroup(m.tstart, m.tend, tuple(interspaces), (tuple(interspaces),),
                                      m.status == "negated", m.affirmed, denied))
    return groups


def clause_levels(groups: dict[int, list[LevelGroup]]) -> ClauseLevels:
    return {c: tuple(dict.fromkeys(i for g in gs for i in g.interspaces)) for c, gs in groups.items() if gs}


def _interleaved(groups: list[LevelGroup], heads: list[Record]) -> bool:
    """Work and levels alternate in the clause ("laminotomy at L4-5 followed by a facetectomy at
    L5-S1", "L4-5 laminotomy L5-S1 foraminotomy"): each piece of work has its own level. When all
    the work comes before (or after) all the levels, every level holds for all of it. (One pass
    over both, in order: the kinds change at least twice.)"""
    if len({g.interspaces for g in groups}) < 2:
        return False
    marks = sorted([(g.tstart, "level") for g in groups] + [(h.tstart, "work") for h in heads])
    changes = sum(1 for (_, a), (_, b) in zip(marks, marks[1:]) if a != b)
    return changes >= 2


def _plain_words(s: Sentence, words: list[str], start: int, end: int) -> list[str]:
    """The words in [start, end) that are not part of a piece of work or a side."""
    covered = {i for x in s.between(start, end) if x.kind in HEAD_KINDS or x.kind == "SIDE" for i in range(x.tstart, x.tend)}
    return [w for i, w in enumerate(words[start:end], start) if w.strip() and i not in covered]


def _bound_group(m: Record, groups: list[LevelGroup], s: Sentence, ctx: LevelContext) -> LevelGroup | None:
    """Of several level groups in a clause (in order), the one this technique is done at."""
    words = ctx.words
    k = bisect_left(groups, m.tend, key=lambda g: g.tstart)
    if k < len(groups) and groups[k].tstart - m.tend <= MAX_BINDING_GAP:  # forward: "<techniques> at L4-5"
        g = groups[k]
        stoppers = HEAD_KINDS - BINDING_KINDS | {"FINDING", "HARDWARE"}
        blocked = any(x.kind in stoppers and not (m.kind in stoppers and x.kind in HEAD_KINDS) for x in s.between(m.tend, g.tstart))
        before_level = next((w for w in reversed(words[m.tend : g.tstart]) if w.strip()), None)
        plain = _plain_words(s, words, m.tend, g.tstart)
        if m.kind not in BINDING_KINDS:
            plain = [w for w in plain if w not in ("cage", "cages", "interbody", "fusion")]
        if not blocked and before_level in ctx.words_for.object_of and len(plain) <= 8 and all(w in ctx.words_for.skip_forward or w in ctx.words_for.object_of for w in plain):
            return g
        if g.tstart == m.tend:  # the level right after the technique: "bilateral laminotomy L3-4"
            return g
    k = bisect_right(groups, m.tstart, key=lambda g: g.tend)  # the groups ending before m
    if k and m.tstart - groups[k - 1].tend <= MAX_BINDING_GAP:  # backward: "L4-5 laminotomy", "L4-5: left laminotomy ..."
        g = groups[k - 1]
        plain = _plain_words(s, words, g.tend, m.tstart)
        if len(plain) <= 6 and all(w in ctx.words_for.skip_backward for w in plain):
            return g
    return None


def _per_level_list(s: Sentence, groups: dict[int, list[LevelGroup]], ctx: LevelContext) -> bool:
    """Two or more clauses of the sentence open with their own level."""
    opening = 0
    for clause, gs in groups.items():
        start = ctx.clause_start.get(clause, gs[0].tstart)
        lead = [w for w in ctx.words[start : gs[0].tstart] if w.strip() and w not in (",", ";", "and", "-", "at", ":")]
        opening += not lead
    return opening >= 2


def _explicit(m: Record, cl: ClauseLevels) -> tuple[str, ...]:
    if m.clause in cl:
        return cl[m.clause]
    before = [c for c in cl if c < m.clause]
    if before:
        return cl[max(before)]
    after = [c for c in cl if c > m.clause]
    if after:
        return cl[min(after)]
    return ()


# -- vertebrae ----------------------------------------------------------------------------------

def _vertebra_part(x: Record, ctx: LevelContext) -> str | None:
    """"the lower half of L3" -> "lower"; "the superior L5 lamina" -> "upper"."""
    for w in reversed(ctx.words[max(0, x.tstart - 4) : x.tstart]):
        if w in ctx.words_for.lower_part:
            return "lower"
        if w in ctx.words_for.upper_part:
            return "upper"
    return None


def from_vertebrae(vertebrae: list[Record], m: Record, ctx: LevelContext, carry: tuple[str, ...]) -> tuple[str, ...]:
    """Interspaces for work named by vertebrae."""
    spine, transitional = ctx.spine, ctx.transitional
    names = [v for x in vertebrae for v in x.level.vertebrae]
    parts = [(x, _vertebra_part(x, ctx)) for x in vertebrae]
    if all(part for _, part in parts):  # "the lower half of L3 and the upper half of L4"
        out = []
        for x, part in parts:
            for v in x.level.vertebrae:
                i = (spine.interspace_below if part == "lower" else spine.interspace_above)(v, transitional)
                if i:
                    out.append(i)
        counted = [i for i in dict.fromkeys(out) if out.count(i) > 1] or list(dict.fromkeys(out))
        return tuple(counted)
    candidates: list[str] = []
    for v in names:
        for i in spine.adjacent_interspaces(v, transitional):
            if i not in candidates:
                candidates.append(i)
    whole = m.meta.get("technique") == "laminectomy" and any(
        w in ctx.words_for.whole_lamina for w in ctx.words[max(0, min(x.tstart for x in vertebrae) - 3) : m.tstart]
    )
    if len(set(names)) > 1 and ctx.construct:
        # "L4 and L5 laminectomies" beside a fusion of L4-5 and L5-S1: each vertebra's lamina at a
        # fused interspace, when the construct has one beside every vertebra named (a narrower
        # narrative level inside the construct still wins: "L4 and L5 laminotomies" in the L4-5 paragraph)
        fused = tuple(c for c in candidates if c in ctx.construct)
        if all(any(c in fused for c in spine.adjacent_interspaces(v, transitional)) for v in names) and not (
            carry and set(carry) <= set(fused)
        ):
            return fused
    # interspaces the note names for this work: those listed for decompression, then the fused ones
    named_for_work = ctx.listed | set(ctx.construct)
    if carry and all(c in candidates for c in carry) and all(
        any(c in spine.adjacent_interspaces(v, transitional) for c in carry) for v in names
    ) and (set(carry) <= named_for_work or not set(candidates) & named_for_work):
        return carry  # "a left L4 hemilaminotomy" in the L4-L5 paragraph
    # a whole lamina spans both interspaces of its vertebra that the note works on; a part of
    # one, the interspace the procedure list names for decompression, else the worked ones
    pools = (named_for_work, ctx.work_set) if whole else (ctx.listed, set(ctx.construct), ctx.work_set)
    for pool in pools:
        chosen = tuple(c for c in candidates if c in pool)
        if chosen and (whole or len(chosen) == 1 or len(set(names)) > 1 or pool is ctx.work_set):
            return chosen
    if len(set(names)) > 1:
        between = spine.between(tuple(names), transitional)
        if between:
            return between
    below = [spine.interspace_below(v, transitional) for v in names]
    return tuple(dict.fromkeys(b for b in below if b))


# -- resolution ---------------------------------------------------------------------------------

@dataclass
class SentenceLevels:
    """The levels of one sentence, worked out once for all its mentions."""

    groups: dict[int, list[LevelGroup]]
    cl: ClauseLevels  # every named level, per clause
    affirmed_cl: ClauseLevels  # without the levels the sentence only steers clear of
    per_level_list: bool  # two or more clauses open with their own level
    named: tuple[str, ...]  # all the interspaces of cl, in clause order
    named_affirmed: tuple[str, ...]  # those of affirmed_cl
    interleaved: frozenset[int]  # clauses where work and levels alternate (see _interleaved)

    @classmethod
    def of(cls, s: Sentence, groups: dict[int, list[LevelGroup]], ctx: LevelContext) -> "SentenceLevels":
        cl = clause_levels(groups)
        affirmed = clause_levels({c: [g for g in gs if not g.negated] for c, gs in groups.items()})

        def flat(levels: ClauseLevels) -> tuple[str, ...]:
            return tuple(dict.fromkeys(i for c in sorted(levels) for i in levels[c]))

        interleaved = frozenset(
            c for c, gs in groups.items() if len(gs) > 1 and _interleaved(gs, s.heads_by_clause.get(c, []))
        )
        return cls(groups, cl, affirmed, _per_level_list(s, groups, ctx), flat(cl), flat(affirmed), interleaved)


def resolve(
    m: Record, s: Sentence, here_levels: SentenceLevels, ctx: LevelContext, carry: tuple[str, ...], item: bool = False,
) -> tuple[tuple[str, ...], str]:
    """The interspaces of one work mention and where they came from (see the module docstring)."""
    groups, cl = here_levels.groups, here_levels.cl
    if m.kind == "FINDING" and cl:
        # a finding stated for several levels holds at each of them -- but in a list of per-level
        # facts ("L3-4 mild stenosis, L4-5 severe stenosis, L5-S1 normal disc") at its own only
        if here_levels.per_level_list:
            if m.clause in cl:
                return cl[m.clause], "explicit"
            # "at L4-5 complete laminectomy ..., ligamentum flavum markedly hypertrophied": the
            # level of the clause it follows, not every level of a long semicolon sentence
            before = [c for c in here_levels.affirmed_cl if c < m.clause]
            if before:
                return here_levels.affirmed_cl[max(before)], "explicit"
        return here_levels.named, "explicit"
    if m.clause in s.anaphor_clauses:  # "at each of these three levels, particularly L4-5"
        return (), "anaphor"
    own = groups.get(m.clause, [])
    if m.kind in HEAD_KINDS and m.clause in here_levels.interleaved:
        bound = _bound_group(m, own, s, ctx)
        if bound is not None:
            return bound.interspaces, "explicit"
    if own and m.kind in HEAD_KINDS and all(g.tstart >= m.tend for g in own) and _bound_group(m, own, s, ctx) is None:
        # "first at the index level, where ... through the laminotomy windows ... and then at L5-S1
        # where ...": a level that only comes later in a long clause is the next step's
        before = [c for c in cl if c < m.clause]
        if before:
            return cl[max(before)], "explicit"
    named = s.vertebrae
    if m.section == "procedure" and m.kind in BINDING_KINDS and m.clause not in cl and ";" in ctx.words[s.start : s.end]:
        # a procedure-list item of its own: "TLIF L4-5 and L5-S1; L4 laminectomy; left L5-S1 foraminotomy"
        in_clause = [x for x in named if x.clause == m.clause]
        if in_clause:
            return from_vertebrae(in_clause, m, ctx, carry), "vertebra"
    if m.affirmed and m.clause not in cl:
        # work does not borrow a level the sentence only steers clear of from another clause
        cl = here_levels.affirmed_cl
    # the narrative level this sentence names itself beats the one carried into it
    here = (here_levels.named_affirmed if cl is here_levels.affirmed_cl else here_levels.named) or carry
    explicit = _explicit(m, cl)
    if explicit and m.clause not in cl and m.kind != "FINDING":
        # "Dr. O performed the L4 laminectomy, the left-sided decompression at L4-L5 and L5-S1": a
        # vertebra in the work's own clause beats the interspaces of the clause beside it
        # (a parenthesis elaborates the clause before it: "decompression L5/S1 (L5 laminectomy, ...)")
        in_clause = [x for x in named if x.clause == m.clause]
        opens = ctx.words[ctx.clause_start.get(m.clause, m.tstart)]
        if in_clause and opens not in ("(", "["):
            return from_vertebrae(in_clause, m, ctx, here), "vertebra"
    if explicit:
        return explicit, "explicit" if m.clause in cl else "sentence"
    if s.anaphor_clauses and not s.vague:
        return (), "anaphor"
    if m.kind != "FINDING":
        in_clause = [x for x in named if x.clause == m.clause]
        if in_clause:
            return from_vertebrae(in_clause, m, ctx, here), "vertebra"
        if named and m.kind in BINDING_KINDS:  # "... removed en bloc (Gill laminectomy)"; vertebrae of its sentence beat the carry
            return from_vertebrae(named, m, ctx, here), "vertebra"
    if carry and not s.vague and not item:
        return carry, "carried"
    if named and m.kind != "FINDING":
        return from_vertebrae(named, m, ctx, carry), "vertebra"
    if len(ctx.work_set) == 1 and not s.vague:
        return tuple(ctx.work_set), "single level"  # the note works on one interspace only
    return (), ""


def _copy(source: Record, cue: Record, target: tuple[str, ...], sides: set[str]) -> Record:
    return replace(
        source,
        start=cue.start, end=cue.end, tstart=cue.tstart, tend=cue.tend, text=cue.text,
        sent=cue.sent, clause=cue.clause, rule_id=cue.rule_id,
        levels=target, level_source="repeated", sides=set(sides),
        side_evidence=list(source.side_evidence), meta=dict(source.meta),
    )


PLAIN_SIDES = frozenset({"left", "right", "bilateral"})


def repeated(s: Sentence, cl: ClauseLevels, carry: tuple[str, ...], block: list[Record], previous: list[Record]) -> list[Record]:
    """"This process was then repeated in similar fashion at L5-S1": the step just described (the
    techniques of the current paragraph at the previous level) counts at the new level, with the
    repeat phrase as its evidence. "We then moved to L5-S1. The facet was taken down here exactly
    as above.": the level moved just before, so the previous level's work is the source. A repeat
    sentence that names its own techniques copies only those (with their sides)."""
    cue = next((m for m in s.mentions if m.kind == "REPEAT" and m.is_work), None)
    if cue is None:
        return []
    if s.of_kind("HARDWARE") and not s.of_kind("TECHNIQUE", "DECOMPRESSION"):
        return []  # "The left L5 and S1 screws were placed in the same manner": the screws are repeated
    target = tuple(dict.fromkeys(i for levels in cl.values() for i in levels if i not in carry))
    # "... took the facet off for the approach ..., and then I did the same thing at L5-S1": the
    # step just described may be in the repeat's own sentence
    earlier: list[Record] = []
    if target and not block:
        earlier = [m for m in s.mentions if m.kind == "TECHNIQUE" and m.is_work and m.levels and m.tend <= cue.tstart]
        done = {i for m in earlier for i in m.levels}
        target = tuple(i for i in target if i not in done)
    source = block or earlier or previous
    if not target and carry and not block and previous:
        target, source = carry, previous  # the level moved just before the repeat
    if not target or not source:
        return []
    own = [m for m in s.mentions if m.kind == "TECHNIQUE" and m.affirmed and m not in earlier]
    named = {m.meta.get("technique") for m in own}
    # "L5-S1 was then addressed in a similar manner, again from the left": the repeat's own side
    own_sides = {m.meta["side"] for m in s.mentions if m.kind == "SIDE" and m.affirmed and m.meta.get("side") in PLAIN_SIDES}
    copies = []
    for technique in dict.fromkeys(m.meta["technique"] for m in source):
        if named and technique not in named:
            continue  # "A foraminotomy was repeated in the same manner at L5-S1": only the foraminotomy
        first = next(m for m in source if m.meta["technique"] == technique)
        sides = own_sides or set().union(*(m.sides for m in source if m.meta["technique"] == technique))
        if named:
            for mention in (m for m in own if m.meta.get("technique") == technique):
                if not mention.sides:
                    mention.sides.update(sides)  # "the facet was taken down here exactly as above": its side too
            continue
        copies.append(_copy(first, cue, target, sides))
    return copies


def assign_levels(
    table: MentionTable, spine: Spine, transitional_names: set[str], level_denials: frozenset[str], words_for: BindingWords,
) -> tuple[LevelContext, list[Record]]:
    """Give every work mention its interspaces. Returns the level context (with the explicit work
    set) and the technique mentions copied to a level where the note says the same work was repeated."""
    sentences = table.sentences
    transitional = any(transitional_names & set(m.level.vertebrae) for m in table.mentions if m.level is not None)
    ctx = LevelContext(spine, transitional, set(), table.words, clause_start=table.clause_start, level_denials=level_denials,
                       words_for=words_for)
    static = [clause_groups(s, ctx, ()) for s in sentences]
    construct: list[str] = []
    for s, groups in zip(sentences, static):
        cl = clause_levels(groups)
        for m in s.of_kind(*ACTION_KINDS):
            explicit = _explicit(m, cl)
            if m.kind in ("ARTHRODESIS", "DEVICE") and m.status in ("affirmed", "hypothetical") and m.meta.get("arthrodesis") not in ("posterolateral", "alif", "lateral"):
                construct.extend(explicit)  # the interbody levels the note names, done or planned
            if m.is_work:
                ctx.work_set.update(explicit)
                if m.section == "procedure" and m.kind in BINDING_KINDS:
                    ctx.listed.update(explicit)
    ctx.construct = spine.ordered(construct)
    ctx.aliases = learn_aliases(table)
    carry: tuple[str, ...] = ()
    block: list[Record] = []  # technique mentions done at the carried level(s), this paragraph
    previous: list[Record] = []  # the block of the level before the current one
    copies: list[Record] = []
    section, paragraph = "start", -1
    steps = False  # the bullets are the narrative's steps ("- 4-5 first", "- R facet off ...")
    step_runs = narrative_steps(sentences)
    for n, (s, groups0) in enumerate(zip(sentences, static)):
        if s.section != section:
            carry, section, block, previous, steps = (), s.section, [], [], step_runs[n]
        steps = steps or (s.is_item and _level_heading(s, ctx))
        item = s.is_item and not steps
        if s.paragraph != paragraph:
            paragraph = s.paragraph
            if block:
                previous, block = block, []
        groups = clause_groups(s, ctx, carry) if s.of_kind("RELATIVE_LEVEL") else groups0
        sentence_levels = SentenceLevels.of(s, groups, ctx)
        last_resolved: tuple[str, ...] = ()
        for m in s.mentions:
            if m.kind not in WORK_KINDS:
                continue
            m.levels, m.level_source = resolve(m, s, sentence_levels, ctx, carry, item)
            if m.levels and m.affirmed and m.kind not in ("FINDING", "ROOT_FREED"):
                last_resolved = m.levels
        copies.extend(repeated(s, sentence_levels.cl, carry, block, previous))
        if item:
            continue
        if last_resolved and last_resolved != carry:
            previous, block = (block or previous), []
        block.extend(m for m in s.mentions if m.kind == "TECHNIQUE" and m.is_work and m.levels)
        if last_resolved and len(last_resolved) <= MAX_CARRY_WIDTH:
            carry = last_resolved
        else:
            named = [
                i
                for c, gs in groups.items()
                for g in gs
                if g.affirmed or _fronted_locative(s, g, ctx)
                # a single interspace named ("Attention was turned to L5-S1"); a range is
                # usually the incision or the exposure, not the level being worked on
                for part in g.parts
                if len(part) == 1
                for i in part
            ]
            if not named and not s.of_kind("HARDWARE", "ARTHRODESIS", "DEVICE"):
                named = list(_adjacent_pair(s, ctx))  # "instability of the facets at T12 and L1. These facets ..."
            if named and tuple(dict.fromkeys(named)) != carry:
                previous, block = (block or previous), []
                carry = tuple(dict.fromkeys(named))
    return ctx, copies


def narrative_steps(sentences: list[Sentence]) -> list[bool]:
    """Per sentence: is its section a narrative written as numbered steps? A procedure list has one
    short line per item; when two or more items run on into sentences of their own ("4. L3-L4:
    bilateral laminotomies ... Ligamentum flavum hypertrophied ..."), the items are steps of the
    operation and the level moves from step to step."""
    out = [False] * len(sentences)
    start = 0
    for i in range(len(sentences) + 1):
        if i == len(sentences) or (i > start and sentences[i].section != sentences[start].section):
            run = sentences[start:i]
            running_on = sum(
                1 for a, b in zip(run, run[1:]) if a.is_item and not b.is_item and b.paragraph == a.paragraph
            )
            if running_on >= 2:
                out[start:i] = [True] * (i - start)
            start = i
    return out


def _level_heading(s: Sentence, ctx: LevelContext) -> bool:
    """A bullet that only names the level the next steps are at ("- 4-5 first", "- L5-S1:")."""
    levels = [m for m in s.mentions if m.kind == "LEVEL" and m.level.kind == "interspace"]
    if len(levels) != 1 or len(levels[0].level.interspaces) != 1 or any(m.kind in WORK_KINDS for m in s.mentions):
        return False
    words = [w for w in ctx.words[s.start : s.end] if w.strip() and w not in "-*\u2022:.,"]
    own = levels[0].tend - levels[0].tstart
    return len(words) - own <= 2


def _adjacent_pair(s: Sentence, ctx: LevelContext) -> tuple[str, ...]:
    """Two adjacent vertebrae named together ("the facets at T12 and L1") in a sentence that names
    no other level: the interspace between them."""
    levels = [m for m in s.mentions if m.kind == "LEVEL" and m.level.kind != "root"]
    if len(levels) != 2 or not all(m.affirmed and m.level.kind == "vertebra" for m in levels):
        return ()
    first, second = levels
    if second.tstart - first.tend > 3:
        return ()
    return ctx.spine.between(first.level.vertebrae + second.level.vertebrae, ctx.transitional)


def _fronted_locative(s: Sentence, g: LevelGroup, ctx: LevelContext) -> bool:
    """"At L3-L4 an interbody cage was considered but not placed. The sac there ...": the level
    that opens the sentence is where the narrative is, whatever the sentence then denies -- unless
    a level-denial cue leaves that level itself alone."""
    if g.denied or g.tstart - s.start > 4:
        return False
    return [w for w in ctx.words[s.start : g.tstart] if w.strip()] in ([], ["at"], ["then", "at"])


COUNT_WORDS = {"both": 2, "two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "five": 5, "5": 5}


def anaphor_count(m: Record, mentions: list[Record]) -> int | None:
    """How many levels "both levels" / "all three interspaces" in the mention's clause names."""
    for a in mentions:
        if a.kind == "ANAPHOR" and a.sent == m.sent and a.clause == m.clause:
            for word in a.text.lower().split():
                if word in COUNT_WORDS:
                    return COUNT_WORDS[word]
    return None


def resolve_anaphora(mentions: list[Record], fused: set[str], ctx: LevelContext) -> None:
    """"Both levels" / "each of these levels" take the fused interspaces, else the worked ones;
    a counted anaphor ("both levels", "the two levels") that the fusion does not fit takes the
    interspaces just named, in its own sentence or the one before, when they are that many."""
    named: dict[int, list[str]] = defaultdict(list)
    for m in mentions:
        if m.kind == "LEVEL" and m.level is not None and m.affirmed:
            named[m.sent].extend(m.level.interspaces)
    for m in mentions:
        if m.level_source != "anaphor":
            continue
        count = anaphor_count(m, mentions)
        recent = next((set(named[sent]) for sent in (m.sent, m.sent - 1) if len(set(named[sent])) == count), None)
        use_recent = count is not None and len(fused) != count and recent is not None
        m.levels = ctx.spine.ordered(recent if use_recent else (fused or ctx.work_set))
