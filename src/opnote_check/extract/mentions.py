"""Stage 1: the Doc's spans as a typed mention table, with sentences, clauses and sections.

Every span of the pipeline's group becomes a `Record`: its kind, offsets, the rule that matched it,
the ConText cue (if any) that set its status, its section, sentence and clause. Later stages
add what they work out (levels, sides, prep) to the records' own typed fields; nothing is passed
through hidden dictionary keys. The rule metadata (`meta`) is read-only.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from spacy.tokens import Doc

from ..levels import LevelMention
from ..models import Cue, Evidence, Explanation, Mention
from ..pipeline import SPAN_GROUP

WORK_SECTIONS = {"procedure", "description", "findings", "other", None}
LIST_GLUE = {"and", "or", "at", "to", "then"}
LIST_SECTIONS = {"procedure", "planned", "diagnosis", "plan"}
ONE_LINE_SECTIONS = {"admin"}
ONE_PARAGRAPH_SECTIONS = {"indications"}
CLAUSE_BREAKS = {";", ":", "(", ")", "[", "]"}
STATUS_ORDER = (
    ("NEGATED_EXISTENCE", "negated"),
    ("HISTORICAL", "historical"),
    ("HYPOTHETICAL", "hypothetical"),
    ("IMAGING", "imaging"),
    ("SCREW_ENTRY", "instrumentation"),
    ("BONE_SOURCE", "bone_source"),
    ("ATTESTATION", "attestation"),
    ("STATE", "state"),  # "already well decompressed from the first operation": a state, not work
)


@dataclass
class Record:
    """A span of the Doc, with where it sits and how ConText qualified it."""

    kind: str
    start: int
    end: int
    tstart: int
    tend: int
    text: str
    meta: dict[str, Any]  # the matching rule's metadata (read-only)
    rule_id: str
    level: LevelMention | None
    status: str
    cue: Cue | None
    section: str | None
    sent: int
    clause: int
    sentence_text: str = ""
    # set by later stages
    levels: tuple[str, ...] = ()
    level_source: str = ""
    sides: set[str] = field(default_factory=set)
    side_evidence: list["Record"] = field(default_factory=list)
    prep: bool = False  # bone removed only to reach the disc for the interbody device
    purpose: bool = False  # bone removed for another purpose (a foreign body, a biopsy, a dural repair)

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

    def public(self) -> Mention:
        value = None
        if self.level is not None:
            value = ", ".join(self.level.interspaces or self.level.vertebrae)
        else:
            for key in ("technique", "side", "finding", "arthrodesis"):
                if key in self.meta:
                    value = str(self.meta[key])
                    break
        return Mention.model_construct(
            start=self.start,
            end=self.end,
            text=self.text,
            kind=self.kind.lower(),
            value=value,
            status=self.status,
            section=self.section or "narrative",
            explanation=Explanation.model_construct(rule_id=self.rule_id, cue=self.cue),
        )


@dataclass
class Sentence:
    index: int
    is_item: bool
    section: str | None
    text: str
    mentions: list[Record]
    paragraph: int = 0  # a blank line starts a new paragraph
    start: int = 0  # first token
    end: int = 0  # one past the last token

    @property
    def vague(self) -> bool:
        return any(m.kind == "VAGUE" for m in self.mentions)

    @cached_property
    def anaphor_clauses(self) -> set[int]:
        return {m.clause for m in self.mentions if m.kind == "ANAPHOR"}

    def of_kind(self, *kinds: str) -> list[Record]:
        return [m for m in self.mentions if m.kind in kinds]

    @cached_property
    def heads_by_clause(self) -> dict[int, list[Record]]:
        """Work that is done at a level (techniques, decompression, fusion, cages), per clause."""
        out: dict[int, list[Record]] = {}
        for m in self.mentions:
            if m.kind in ("TECHNIQUE", "DECOMPRESSION", "ARTHRODESIS", "DEVICE"):
                out.setdefault(m.clause, []).append(m)
        return out

    @cached_property
    def vertebrae(self) -> list[Record]:
        """Vertebrae named in the sentence (not in a historical mention)."""
        return [x for x in self.mentions if x.kind == "LEVEL" and x.level.kind == "vertebra" and x.status != "historical"]

    @cached_property
    def _starts(self) -> list[int]:
        return [m.tstart for m in self.mentions]

    def between(self, start: int, end: int) -> list[Record]:
        """The mentions that start in [start, end), in order (the mentions are sorted by start)."""
        return self.mentions[bisect_left(self._starts, start) : bisect_left(self._starts, end)]


@dataclass
class MentionTable:
    mentions: list[Record]
    sentences: list[Sentence]
    words: list[str] = field(default_factory=list)  # lower-cased token texts, by token index
    clause_start: dict[int, int] = field(default_factory=dict)  # clause id -> its first token


def _sections(doc: Doc, texts: list[str]) -> list[str | None]:
    section_of: list[str | None] = [None] * len(texts)
    for sec in doc._.sections:
        section_of[sec.title_start : sec.body_end] = [sec.category] * (sec.body_end - sec.title_start)
        if sec.category in ONE_LINE_SECTIONS or sec.category in ONE_PARAGRAPH_SECTIONS:
            # An administrative heading (SURGEON:, EBL:) heads one line, an Indications or History
            # heading one paragraph: narrative that follows without a heading of its own is
            # narrative again.
            breaks = 1 if sec.category in ONE_LINE_SECTIONS else 2
            for i in range(sec.body_start, sec.body_end):
                if texts[i].count("\n") >= breaks:
                    section_of[i + 1 : sec.body_end] = [None] * (sec.body_end - i - 1)
                    break
    return section_of


def _continues_levels(texts: list[str], comma: int, level_starts: set[int], level_ends: set[int]) -> bool:
    """This comma separates levels of one list: "L3-L4, L4-L5, L5-S1" or "at L3-4 ..., at L4-5"
    -- but not items of a procedure list ("laminectomy L4-L5, L3-L4 laminotomies")."""
    i = comma + 1
    glue = False
    while i < len(texts) and (not texts[i].strip() or texts[i].lower() in LIST_GLUE):
        glue = glue or texts[i].lower() in ("at", "to")
        i += 1
    return i in level_starts and (glue or comma - 1 in level_ends)


def _status(span, modifiers) -> tuple[str, Cue | None]:
    for category, name in STATUS_ORDER:
        for modifier in modifiers:
            if modifier.category == category:
                start, end = modifier.modifier_span
                cue_span = span.doc[start:end]
                return name, Cue.model_construct(
                    rule_id=modifier.rule.rule_id,
                    category=category,
                    text=cue_span.text,
                    start=cue_span.start_char,
                    end=cue_span.end_char,
                )
    return "affirmed", None


def read_mentions(doc: Doc) -> MentionTable:
    n = len(doc)
    texts = [t.text for t in doc]  # token texts, read once: Doc indexing is slow in a loop
    section_of = _sections(doc, texts)
    spans = list(doc.spans[SPAN_GROUP]) if SPAN_GROUP in doc.spans else []
    level_starts = {sp.start for sp in spans if sp.label_ == "LEVEL"}
    level_ends = {sp.end - 1 for sp in spans if sp.label_ == "LEVEL"}
    clause_of = [0] * n
    sent_of = [0] * n
    sentences: list[Sentence] = []
    clause = 0
    clause_start: dict[int, int] = {}
    paragraph = 0
    for s_index, sent in enumerate(doc.sents):
        a, b = sent.start, sent.end
        clause += 1
        if a > 0 and texts[a - 1].count("\n") >= 2:
            paragraph += 1
        for i in range(a, b):
            text = texts[i]
            if text in CLAUSE_BREAKS or (text == "," and not _continues_levels(texts, i, level_starts, level_ends)):
                clause += 1  # a comma ends a clause, except in a list of levels ("L3-L4, L4-L5 and at L5-S1")
            clause_of[i] = clause
            clause_start.setdefault(clause, i)
        sent_of[a:b] = [s_index] * (b - a)
        words = [texts[i] for i in range(a, min(b, a + 6)) if texts[i].strip()]
        # A numbered or bulleted line of a procedure list stands alone; bullets in a narrative do not.
        is_item = section_of[a] in LIST_SECTIONS and bool(words) and (
            (words[0][:1].isdigit() and len(words) > 1 and words[1] in {".", ")"})
            or words[0] in {"-", "*", "\u2022"}
            or (len(words[0]) <= 3 and words[0][:-1].isdigit() and words[0][-1:] in ".)")
        )
        sentences.append(Sentence(s_index, is_item, section_of[a], sent.text.lower(), [], paragraph, a, b))
    mentions = []
    for span in spans:
        modifiers = span._.modifiers
        if modifiers and any((m.rule.metadata or {}).get("retracts") for m in modifiers):
            continue  # "left [correction: right]": words the dictation itself takes back are not in the note
        status, cue = _status(span, modifiers)
        rule = getattr(span._, "target_rule", None)
        level = span._.opnote_level
        if rule is not None:
            rule_id = rule.rule_id
        else:
            rule_id = f"level.{level.kind}" if level is not None else span.label_.lower()
        mentions.append(
            Record(
                kind=span.label_,
                start=span.start_char,
                end=span.end_char,
                tstart=span.start,
                tend=span.end,
                text=span.text,
                meta=dict(rule.metadata or {}) if rule is not None else {},
                rule_id=rule_id,
                level=level,
                status=status,
                cue=cue,
                section=section_of[span.start],
                sent=sent_of[span.start],
                clause=clause_of[span.start],
                sentence_text=sentences[sent_of[span.start]].text,
            )
        )
    mentions.sort(key=lambda m: (m.start, m.end))
    for m in mentions:
        sentences[m.sent].mentions.append(m)
    return MentionTable(mentions, sentences, [t.lower() for t in texts], clause_start)
