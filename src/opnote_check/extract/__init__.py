"""Doc -> per-interspace findings, in named stages over one typed mention table.

    read_mentions     the Doc's spans as records: kind, rule, ConText cue, section, sentence, clause
    assign_sides      side words attach to the technique they qualify (side_headings: "Right side: ...")
    mark_prep         prep and purpose cues mark the technique they qualify
    assign_levels     every work mention gets its interspaces (clause, sentence, vertebrae,
                      narrative carry-over, "repeated in the same manner")
    read_arthrodesis  the interbody arthrodesis and its fused interspaces
    build_segments    per-interspace techniques, laterality, findings, prep-only
    same_session, co_surgeon, supported_lines
    with_verdicts     one verdict per segment: documented, needs_query or not_billable
    indications       the pathology named per interspace (diagnosis, indications, findings)
    header_field      who operated (the SURGEON: heading), for the batch worklist

Each stage reads what the stages before it produced and adds to the records' typed fields; none
reaches back.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from ..levels import BindingWords
from ..models import Extraction
from ..spine import Spine
from .arthrodesis import read_arthrodesis
from .header import header_field
from .levels import assign_levels, resolve_anaphora
from .mentions import MentionTable, Record, read_mentions
from .indications import indications
from .segments import build_segments
from .session import co_surgeon, documented_lines, same_session, supported_lines, with_verdicts
from .sides import SideWords, assign_sides, mark_prep, side_headings

__all__ = ["Extractor", "extract_text", "supported_lines", "MentionTable", "Record"]


class Extractor:
    def __init__(self, spine: Spine, words_for: BindingWords, side_words: SideWords = (), level_denials: frozenset[str] = frozenset()):
        self.spine = spine
        self.words_for = words_for  # patterns/levels.json "binding_words"
        self.level_denials = level_denials  # ConText rules saying a level itself was left alone
        # side rules, to read a side inside a technique's own words ("took off the left facet")
        self.side_words = list(side_words)
        self.transitional = set(spine.transitional)

    @classmethod
    def for_pipeline(cls, pipeline) -> "Extractor":
        sides = [
            (re.compile(t.pattern, re.IGNORECASE), t.metadata["side"])
            for t in pipeline.patterns.targets
            if t.category == "SIDE" and isinstance(t.pattern, str) and not t.metadata.get("approach")
            and t.metadata["side"] in ("left", "right", "bilateral")
        ]
        denials = frozenset(c.id for c in pipeline.patterns.context if (c.metadata or {}).get("denies_level"))
        return cls(pipeline.grammar.spine, pipeline.grammar.lexicon.binding_words, sides, denials)

    def __call__(self, doc: Doc) -> Extraction:
        table = read_mentions(doc)
        side_facts = assign_sides(table, self.side_words)
        side_headings(table)
        mark_prep(table)
        ctx, copies = assign_levels(table, self.spine, self.transitional, self.level_denials, self.words_for)
        mentions = table.mentions + copies
        arthrodesis = read_arthrodesis(mentions, ctx, side_facts.approach)
        fused = set(arthrodesis.interspaces) if arthrodesis.posterior_interbody else set()
        resolve_anaphora(mentions, fused, ctx)
        segments, unattributed = build_segments(
            mentions, self.spine, fused, arthrodesis.approach_side, side_facts.level_sides, side_facts.approach_at
        )
        session = same_session(mentions, arthrodesis, segments)
        segments = with_verdicts(segments, session)
        return Extraction(
            arthrodesis=arthrodesis,
            segments=segments,
            same_session=session,
            co_surgeon=co_surgeon(mentions),
            supported_lines=supported_lines(segments, session),
            documented_lines=documented_lines(segments),
            indications=indications(table, mentions),
            unattributed_decompression=unattributed,
            vague_cues=[m.evidence("vague") for m in mentions if m.kind == "VAGUE" and m.is_work],
            spans=[m.public() for m in mentions],
            surgeon=header_field(doc, "surgeon"),
        )


@lru_cache(maxsize=4)
def _extractor(pipeline) -> Extractor:
    return Extractor.for_pipeline(pipeline)  # built once per pipeline, like the pipeline itself


def extract_text(text: str, pipeline) -> Extraction:
    """Text -> Extraction with a NotePipeline (pipeline.get_pipeline())."""
    return _extractor(pipeline)(pipeline(text))
