"""Doc -> per-interspace findings.

Reads the spans the pipeline put in the Doc (levels, techniques, sides, findings, arthrodesis
and their ConText status, the section of each) and works out, per interspace, what was done
in this operation:

1. Mentions. Every span becomes a Mention with its sentence, clause, section and status.
   Only affirmed mentions in sections that describe the operation count as work; the
   diagnosis, indications, plan and planned-procedure sections state intent, not work.
2. Levels. A work mention in a clause saying "each of these levels" / "both levels" takes the
   fused interspaces; else the interspaces named in its own clause (a comma ends a clause,
   except inside a list of levels), else in another clause of its sentence; else the vertebrae
   named in its clause ("L4 and L5 laminectomies") mapped to interspaces (the level being worked
   on, else those the note works on); else the level carried over from the narrative
   ("Attention was then turned to L5-S1. ..."); else the note's only interspace. Words such as
   "multilevel" stop the carry-over: that work stays unattributed. A finding holds at every level
   of its sentence. Work "repeated in the same manner at L5-S1" is copied to that level.
3. Sides and prep cues. Each side word belongs to the nearest technique, finding, root or
   arthrodesis mention in its clause; it counts for the decompression only when that nearest one
   is a technique. "Contralateral" is read against the approach side. A prep cue ("to reach the
   disc") marks its nearest technique as interbody preparation.
4. Segments, arthrodesis, prep-only, same session, co-surgeon and the supported lines.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from spacy.tokens import Doc

from .levels import LevelGrammar, LevelMention
from .models import (
    TECHNIQUES,
    Arthrodesis,
    CoSurgeon,
    Evidence,
    Extraction,
    Mention,
    SameSession,
    Segment,
    SupportedLine,
)
from .pipeline import SPAN_GROUP

WORK_SECTIONS = {"procedure", "description", "findings", "other", None}
WORK_KINDS = {"TECHNIQUE", "DECOMPRESSION", "FINDING", "ARTHRODESIS", "DEVICE"}
SIDE_TARGETS = {"TECHNIQUE", "DECOMPRESSION", "FINDING", "ARTHRODESIS", "ROOT", "DEVICE"}
POSTERIOR = {"tlif", "plif", "posterior_interbody"}
NEURAL_FINDING_KINDS = {"stenosis", "compression", "hypertrophy", "osteophyte", "cyst"}
STATUS_ORDER = (
    ("NEGATED_EXISTENCE", "negated"),
    ("HISTORICAL", "historical"),
    ("HYPOTHETICAL", "hypothetical"),
    ("IMAGING", "imaging"),
    ("SCREW_ENTRY", "instrumentation"),
    ("BONE_SOURCE", "bone_source"),
    ("ATTESTATION", "attestation"),
)
LIST_GLUE = {"and", "or", "at", "to", "then"}
LIST_SECTIONS = {"procedure", "planned", "diagnosis", "plan"}
CLAUSE_BREAKS = {";", ":", "(", ")", "[", "]"}
MAX_SIDE_GAP = 8
MAX_CROSS_CLAUSE_GAP = 2  # "ipsilateral (left) laminotomy": a bracket does not separate a side from its noun
MAX_PREP_GAP = 12
MAX_CARRY_WIDTH = 4  # a fusion range "T2-L2" names no level of decompression
OPPOSITE = {"left": "right", "right": "left"}


@dataclass
class M:
    """A span of the Doc, with where it sits and how ConText qualified it."""

    kind: str
    start: int
    end: int
    tstart: int
    tend: int
    text: str
    meta: dict
    level: LevelMention | None
    status: str
    section: str | None
    sent: int
    clause: int
    levels: tuple[str, ...] = ()
    level_source: str = ""
    sides: set[str] = field(default_factory=set)
    prep: bool = False

    @property
    def affirmed(self) -> bool:
        return self.status == "affirmed"

    @property
    def is_work(self) -> bool:
        return self.affirmed and self.section in WORK_SECTIONS

    def evidence(self, kind: str | None = None) -> Evidence:
        # built from the Doc's own spans: already valid, so skip validation on this hot path
        return Evidence.model_construct(
            start=self.start,
            end=self.end,
            text=self.text,
            section=self.section or "narrative",
            kind=kind or self.kind.lower(),
        )


@dataclass
class Sentence:
    is_item: bool
    section: str | None
    mentions: list[M]

    @property
    def vague(self) -> bool:
        return any(m.kind == "VAGUE" for m in self.mentions)

    @cached_property
    def anaphor_clauses(self) -> set[int]:
        return {m.clause for m in self.mentions if m.kind == "ANAPHOR"}


class Extractor:
    def __init__(self, grammar: LevelGrammar, side_words: list[tuple[re.Pattern, str]] = ()):
        self.grammar = grammar
        # side rules, to read a side inside a technique's own words ("took off the left facet")
        self.side_words = side_words

    @classmethod
    def for_pipeline(cls, pipeline) -> "Extractor":
        sides = [
            (re.compile(t.pattern, re.IGNORECASE), t.metadata["side"])
            for t in pipeline.patterns.targets
            if t.category == "SIDE" and isinstance(t.pattern, str) and not t.metadata.get("approach")
            and t.metadata["side"] in ("left", "right", "bilateral")
        ]
        return cls(pipeline.grammar, sides)

    # ------------------------------------------------------------------ mentions

    def _mentions(self, doc: Doc) -> tuple[list[M], list[Sentence]]:
        n = len(doc)
        texts = [t.text for t in doc]  # token texts, read once: Doc indexing is slow in a loop
        section_of: list[str | None] = [None] * n
        for sec in doc._.sections:
            section_of[sec.title_start : sec.body_end] = [sec.category] * (sec.body_end - sec.title_start)
            if sec.category == "admin":
                # An administrative heading (SURGEON:, EBL:, Neuromonitoring:) heads one line only:
                # narrative that follows it without a heading of its own is narrative again.
                for i in range(sec.body_start, sec.body_end):
                    if "\n" in texts[i]:
                        section_of[i + 1 : sec.body_end] = [None] * (sec.body_end - i - 1)
                        break
        spans = list(doc.spans[SPAN_GROUP]) if SPAN_GROUP in doc.spans else []
        level_starts = {sp.start for sp in spans if sp.label_ == "LEVEL"}
        level_ends = {sp.end - 1 for sp in spans if sp.label_ == "LEVEL"}
        clause_of = [0] * n
        sent_of = [0] * n
        sentences: list[Sentence] = []
        sentence_texts: list[str] = []
        clause = 0
        for s_index, sent in enumerate(doc.sents):
            a, b = sent.start, sent.end
            sentence_texts.append(sent.text.lower())
            clause += 1
            for i in range(a, b):
                text = texts[i]
                if text in CLAUSE_BREAKS or (text == "," and not self._continues_levels(texts, i, level_starts, level_ends)):
                    clause += 1  # a comma ends a clause, except in a list of levels ("L3-L4, L4-L5 and at L5-S1")
                clause_of[i] = clause
            sent_of[a:b] = [s_index] * (b - a)
            words = [texts[i] for i in range(a, min(b, a + 6)) if texts[i].strip()]
            # A numbered or bulleted line of a procedure list stands alone; bullets in a narrative do not.
            is_item = section_of[a] in LIST_SECTIONS and bool(words) and (
                (words[0][:1].isdigit() and len(words) > 1 and words[1] in {".", ")"})
                or words[0] in {"-", "*", "\u2022"}
                or (len(words[0]) <= 3 and words[0][:-1].isdigit() and words[0][-1:] in ".)")
            )
            sentences.append(Sentence(is_item, section_of[a], []))
        mentions = []
        for span in spans:
            status = "affirmed"
            categories = {m.category for m in span._.modifiers}
            for category, name in STATUS_ORDER:
                if category in categories:
                    status = name
                    break
            rule = getattr(span._, "target_rule", None)
            meta = dict(rule.metadata or {}) if rule is not None else {}
            if "refine" in meta:
                meta["_sentence_text"] = sentence_texts[sent_of[span.start]]
            m = M(
                kind=span.label_,
                start=span.start_char,
                end=span.end_char,
                tstart=span.start,
                tend=span.end,
                text=span.text,
                meta=meta,
                level=span._.level,
                status=status,
                section=section_of[span.start],
                sent=sent_of[span.start],
                clause=clause_of[span.start],
            )
            mentions.append(m)
        mentions.sort(key=lambda m: (m.start, m.end))
        for m in mentions:
            sentences[m.sent].mentions.append(m)
        return mentions, sentences

    @staticmethod
    def _continues_levels(texts: list[str], comma: int, level_starts: set[int], level_ends: set[int]) -> bool:
        """This comma separates levels of one list: "L3-L4, L4-L5, L5-S1" or "at L3-4 ..., at L4-5"
        -- but not items of a procedure list ("laminectomy L4-L5, L3-L4 laminotomies")."""
        i = comma + 1
        glue = False
        while i < len(texts) and (not texts[i].strip() or texts[i].lower() in LIST_GLUE):
            glue = glue or texts[i].lower() in ("at", "to")
            i += 1
        return i in level_starts and (glue or comma - 1 in level_ends)

    # ------------------------------------------------------------------ levels

    @staticmethod
    def _clause_levels(sentence: Sentence) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = defaultdict(list)
        for m in sentence.mentions:
            if m.kind == "LEVEL" and m.level.kind == "interspace" and m.status != "historical":
                for i in m.level.interspaces:
                    if i not in out[m.clause]:
                        out[m.clause].append(i)
        return {k: tuple(v) for k, v in out.items()}

    @staticmethod
    def _other_clauses(m: M, clause_levels: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
        """Interspaces named in another clause of the sentence: the nearest before, else after."""
        before = [c for c in clause_levels if c < m.clause]
        if before:
            return clause_levels[max(before)]
        after = [c for c in clause_levels if c > m.clause]
        if after:
            return clause_levels[min(after)]
        return ()

    def _explicit(self, m: M, clause_levels: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
        return clause_levels.get(m.clause) or self._other_clauses(m, clause_levels)

    def _from_vertebrae(
        self, vertebrae: list[str], work_set: set[str], carry: tuple[str, ...], transitional: bool
    ) -> tuple[str, ...]:
        """transitional: the note names a transitional vertebra (L6), so interspaces count with it."""
        candidates: list[str] = []
        for v in vertebrae:
            for i in self.grammar.adjacent_interspaces(v, transitional):
                if i not in candidates:
                    candidates.append(i)
        if carry and all(c in candidates for c in carry):
            return carry  # "a left L4 hemilaminotomy" in the L4-L5 paragraph
        chosen = tuple(c for c in candidates if c in work_set)
        if chosen:
            return chosen
        if len(set(vertebrae)) > 1:
            between = self.grammar.between(tuple(vertebrae), transitional)
            if between:
                return between
        below = [self.grammar.interspace_below(v, transitional) for v in vertebrae]
        return tuple(dict.fromkeys(b for b in below if b))

    def _resolve(
        self, m: M, s: Sentence, cl: dict[int, tuple[str, ...]], work_set: set[str], carry: tuple[str, ...],
        transitional: bool,
    ) -> tuple[tuple[str, ...], str]:
        """The interspaces of one work mention and where they came from (see the module docstring)."""
        if m.kind == "FINDING" and cl:  # a finding stated for several levels holds at each of them
            return tuple(dict.fromkeys(i for c in sorted(cl) for i in cl[c])), "explicit"
        if m.clause in s.anaphor_clauses:  # "at each of these three levels, particularly L4-5"
            return (), "anaphor"
        explicit = self._explicit(m, cl)
        if explicit:
            return explicit, "explicit"
        if s.anaphor_clauses and not s.vague:
            return (), "anaphor"
        named = [x for x in s.mentions if x.kind == "LEVEL" and x.level.kind == "vertebra"]
        if m.kind != "FINDING":
            in_clause = [v for x in named if x.clause == m.clause for v in x.level.vertebrae]
            if in_clause:
                return self._from_vertebrae(in_clause, work_set, carry, transitional), "vertebra"
        if carry and not s.vague and not s.is_item:
            return carry, "carried"
        if named and m.kind != "FINDING":  # "... removed en bloc (Gill laminectomy)"
            return self._from_vertebrae([v for x in named for v in x.level.vertebrae], work_set, carry, transitional), "vertebra"
        if len(work_set) == 1 and not s.vague:
            return tuple(work_set), "single level"  # the note works on one interspace only
        return (), ""

    def _assign_levels(self, sentences: list[Sentence]) -> tuple[set[str], list[M]]:
        """Give every work mention its interspaces. Returns the explicit work set and the technique
        mentions copied to a level where the note says the same work was repeated."""
        clause_levels = [self._clause_levels(s) for s in sentences]
        l6 = set(self.grammar.lexicon.transitional)
        transitional = any(l6 & set(m.level.vertebrae) for s in sentences for m in s.mentions if m.level is not None)
        work_set: set[str] = set()
        for s, cl in zip(sentences, clause_levels):
            for m in s.mentions:
                if m.kind in ("TECHNIQUE", "DECOMPRESSION", "ARTHRODESIS", "DEVICE") and m.is_work:
                    work_set.update(self._explicit(m, cl))
        carry: tuple[str, ...] = ()
        block: list[M] = []  # technique mentions done at the carried level(s)
        copies: list[M] = []
        section = "start"
        for s, cl in zip(sentences, clause_levels):
            if s.section != section:
                carry, section, block = (), s.section, []
            last_resolved: tuple[str, ...] = ()
            for m in s.mentions:
                if m.kind not in WORK_KINDS:
                    continue
                m.levels, m.level_source = self._resolve(m, s, cl, work_set, carry, transitional)
                if m.levels and m.affirmed and m.kind != "FINDING":
                    last_resolved = m.levels
            copies.extend(self._repeated(s, cl, carry, block))
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
        return work_set, copies

    @staticmethod
    def _repeated(s: Sentence, cl: dict[int, tuple[str, ...]], carry: tuple[str, ...], block: list[M]) -> list[M]:
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
            copy = M(**{**source.__dict__, "start": cue.start, "end": cue.end, "tstart": cue.tstart,
                        "tend": cue.tend, "text": cue.text, "sent": cue.sent, "clause": cue.clause,
                        "levels": tuple(dict.fromkeys(target)), "level_source": "repeated",
                        "sides": set().union(*(m.sides for m in block if m.meta["technique"] == technique)),
                        "meta": dict(source.meta)})
            copies.append(copy)
        return copies

    # ------------------------------------------------------------------ sides

    @staticmethod
    def _nearest(side: M, candidates: list[M], max_gap: int = MAX_SIDE_GAP, cross_clause_gap: int = MAX_CROSS_CLAUSE_GAP) -> M | None:
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

    def _assign_sides(self, sentences: list[Sentence]) -> tuple[list[M], dict[str, set[str]]]:
        """Attach side words to techniques. Returns the approach-side mentions and, for side words
        that qualify no technique but stand beside a level ("discectomy, left L5-S1"), the sides
        named for each interspace."""
        approach: list[M] = []
        level_sides: dict[str, set[str]] = defaultdict(set)
        for s in sentences:
            targets = [m for m in s.mentions if m.kind in SIDE_TARGETS or (m.kind == "LEVEL" and m.level.kind == "root")]
            levels = [m for m in s.mentions if m.kind == "LEVEL" and m.level.kind == "interspace"]
            for m in s.mentions:
                if m.kind == "TECHNIQUE" and len(m.text) > 20:
                    m.sides.update(side for rx, side in self.side_words if rx.search(m.text))
            for side in (m for m in s.mentions if m.kind == "SIDE"):
                if side.meta.get("approach"):
                    approach.append(side)
                    continue
                best = self._nearest(side, targets)
                if best is None:
                    level = self._nearest(side, levels)
                    if level is not None and side.is_work and (level.tstart - side.tend <= 1 and side.tstart - level.tend <= 1):
                        for i in level.level.interspaces:
                            level_sides[i].add(side.meta["side"])
                elif best.kind in ("TECHNIQUE", "DECOMPRESSION"):
                    best.sides.add(side.meta["side"])
                    best.meta.setdefault("_side_evidence", []).append(side)
                elif best.kind == "ARTHRODESIS" and side.meta["side"] in OPPOSITE and side.affirmed:
                    approach.append(side)
        return approach, level_sides

    # ------------------------------------------------------------------ assembly

    def __call__(self, doc: Doc) -> Extraction:
        mentions, sentences = self._mentions(doc)
        approach_mentions, level_sides = self._assign_sides(sentences)
        for s in sentences:  # "... facet was removed for the approach": the cue marks the nearest technique
            techniques = [m for m in s.mentions if m.kind == "TECHNIQUE"]
            for cue in (m for m in s.mentions if m.kind == "PREP"):
                nearest = self._nearest(cue, techniques, max_gap=MAX_PREP_GAP, cross_clause_gap=MAX_PREP_GAP)
                if nearest is not None:
                    nearest.prep = True
        work_set, copies = self._assign_levels(sentences)
        mentions = mentions + copies
        arthrodesis = self._arthrodesis(mentions, work_set, approach_mentions)
        fused = set(arthrodesis.interspaces) if arthrodesis.posterior_interbody else set()
        for m in mentions:
            if m.level_source == "anaphor":
                m.levels = tuple(sorted(fused or work_set, key=self._order))
        segments, unattributed = self._segments(mentions, fused, arthrodesis.approach_side, level_sides)
        same_session = self._same_session(mentions, arthrodesis, segments)
        co_surgeon = self._co_surgeon(mentions)
        supported = supported_lines(segments, same_session)
        return Extraction(
            arthrodesis=arthrodesis,
            segments=segments,
            same_session=same_session,
            co_surgeon=co_surgeon,
            supported_lines=supported,
            unattributed_decompression=unattributed,
            vague_cues=[m.evidence("vague") for m in mentions if m.kind == "VAGUE" and m.is_work],
            mentions=[self._public(m) for m in mentions],
        )

    def _order(self, interspace: str) -> int:
        all_ = self.grammar.all_interspaces
        return all_.index(interspace) if interspace in all_ else len(all_)

    def _arthrodesis(self, mentions: list[M], work_set: set[str], approach_mentions: list[M]) -> Arthrodesis:
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
                interspaces.update(work_set if m.level_source == "anaphor" else ())
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
            interspaces=sorted(interspaces, key=self._order),
            posterolateral=posterolateral,
            approach_side=approach_side,
            evidence=evidence,
        )

    def _segments(
        self, mentions: list[M], fused: set[str], approach_side: str | None, level_sides: dict[str, set[str]]
    ) -> tuple[list[Segment], list[Evidence]]:
        # "Nerve root decompression" by a catheter is not surgery: generic decompression counts only
        # in a note that documents open work (a named technique or an arthrodesis).
        open_surgery = any(m.kind in ("TECHNIQUE", "ARTHRODESIS", "DEVICE") and m.is_work for m in mentions)
        by_level: dict[str, list[M]] = defaultdict(list)
        unattributed: list[Evidence] = []
        for m in mentions:
            if m.kind not in ("TECHNIQUE", "DECOMPRESSION") or not m.is_work:
                continue
            if m.kind == "DECOMPRESSION" and not open_surgery:
                continue
            if m.kind == "DECOMPRESSION" and m.level_source == "carried" and m.text.lower().endswith(("ion", "ions", "ive")):
                continue  # "Attention was turned to the decompression": the noun names the step, not a level's work
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
        for level, work in by_level.items():
            by_level[level] = [
                m for m in work if not (m.section == "procedure" and (level, m.meta.get("technique")) in denied)
            ]
        by_level = {level: work for level, work in by_level.items() if work}
        findings: dict[str, list[M]] = defaultdict(list)
        for m in mentions:
            if m.kind == "FINDING" and m.is_work:
                for level in m.levels:
                    findings[level].append(m)
        segments = []
        for level in sorted(by_level, key=self._order):
            work = by_level[level]
            techniques = [t for t in TECHNIQUES if any(m.meta.get("technique") == t for m in work)]
            # "the lamina was removed" reads as a laminotomy unless the level has a named laminectomy
            if "laminectomy" in techniques and all(m.meta.get("weak") for m in work if m.meta.get("technique") == "laminotomy"):
                techniques = [t for t in techniques if t != "laminotomy"]
            found = findings.get(level, [])
            sides: set[str] = set()
            for m in work:
                for side in m.sides:
                    if side == "contralateral":
                        side = OPPOSITE.get(approach_side or "", "")
                    elif side == "ipsilateral":
                        side = approach_side or ""
                    if side:
                        sides.add(side)
            if not sides:
                sides = set(level_sides.get(level, ()))
            laterality = (
                "bilateral"
                if "bilateral" in sides or {"left", "right"} <= sides
                else "left" if "left" in sides else "right" if "right" in sides else None
            )
            is_fused = level in fused
            tech_mentions = [m for m in work if m.kind == "TECHNIQUE"]
            neural = any(f.meta.get("kind") in NEURAL_FINDING_KINDS for f in found)
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
                and (all(m.prep for m in tech_mentions) or ("foraminotomy" not in techniques and not neural))
                and not asserted
            )
            technique_named = any(not m.prep for m in tech_mentions) or (bool(tech_mentions) and not is_fused)
            evidence = []
            for m in work:
                evidence.append(m.evidence())
                for side in m.meta.get("_side_evidence", []):
                    evidence.append(side.evidence("laterality"))
            evidence.extend(f.evidence("finding") for f in found)
            segments.append(
                Segment(
                    interspace=level,
                    fused=is_fused,
                    techniques=techniques,
                    laterality=laterality,
                    findings=list(dict.fromkeys(self._finding_label(f) for f in found)),
                    prep_only=prep_only,
                    technique_named=technique_named,
                    lumbar=self.grammar.is_lumbar_interspace(level),
                    level_from_vertebra=all(m.level_source == "vertebra" for m in work),
                    evidence=sorted(set(evidence), key=lambda e: (e.start, e.end)),
                )
            )
        return segments, unattributed

    @staticmethod
    def _finding_label(m: M) -> str:
        refine = m.meta.get("refine") or {}
        text = m.meta.get("_sentence_text", "")
        for word, label in refine.items():
            if word in text:
                return label
        return m.meta.get("finding", m.text.lower())

    def _same_session(self, mentions: list[M], arthrodesis: Arthrodesis, segments: list[Segment]) -> SameSession:
        explicit = [m for m in mentions if m.kind == "SAME_SESSION" and m.affirmed]
        staging = [m for m in mentions if m.kind == "STAGING" and m.status in ("affirmed", "historical")]
        staged = bool(staging)
        if explicit:
            return SameSession(status="explicit", staged=staged, evidence=[m.evidence("same_session") for m in explicit])
        # Interbody fusion and real decompression at a fused level, both in this narrative: the same
        # session, even in a staged plan ("stage 1 of 2: TLIF L5-S1"; the rest is for stage 2).
        if arthrodesis.posterior_interbody and any(s.fused and not s.prep_only for s in segments):
            return SameSession(status="implied", staged=staged, evidence=[])
        if staged:
            return SameSession(status="not_documented", staged=True, evidence=[m.evidence("staging") for m in staging])
        if arthrodesis.posterior_interbody and any(s.fused for s in segments):
            return SameSession(status="implied", evidence=[])
        return SameSession(status="not_documented", evidence=[])

    @staticmethod
    def _co_surgeon(mentions: list[M]) -> CoSurgeon:
        found = [m for m in mentions if m.kind == "COSURGEON" and m.status != "negated"]
        return CoSurgeon(documented=bool(found), evidence=[m.evidence("co_surgeon") for m in found])

    @staticmethod
    def _public(m: M) -> Mention:
        value = None
        if m.level is not None:
            value = ", ".join(m.level.interspaces or m.level.vertebrae)
        else:
            for key in ("technique", "side", "finding", "arthrodesis"):
                if key in m.meta:
                    value = str(m.meta[key])
                    break
        return Mention.model_construct(
            start=m.start,
            end=m.end,
            text=m.text,
            kind=m.kind.lower(),
            value=value,
            status=m.status,
            section=m.section or "narrative",
        )


def supported_lines(segments: list[Segment], same_session: SameSession) -> list[SupportedLine]:
    """One 63052 for the first counted interspace, 63053 for each further one; none without the same session."""
    units = 0 if same_session.status == "not_documented" else sum(s.counts for s in segments)
    lines = [SupportedLine(code="63052", units=1)] if units else []
    if units > 1:
        lines.append(SupportedLine(code="63053", units=units - 1))
    return lines


@lru_cache(maxsize=4)
def _extractor(pipeline) -> Extractor:
    return Extractor.for_pipeline(pipeline)  # built once per pipeline, like the pipeline itself


def extract_text(text: str, pipeline) -> Extraction:
    """Text -> Extraction with a NotePipeline (pipeline.get_pipeline())."""
    return _extractor(pipeline)(pipeline(text))

