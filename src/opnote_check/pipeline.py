"""Builds the spaCy + medspaCy pipeline from the rules in patterns/.

    blank English tokenizer
    -> opnote_sentences   line- and punctuation-aware sentence starts (no PyRuSH: fast, silent)
    -> medspacy_sectionizer   operative-note headings (patterns/sections.json)
    -> opnote_levels      spinal levels and nerve roots (levels.py, patterns/levels.json)
    -> medspacy_target_matcher   techniques, findings, sides, arthrodesis ... (patterns/targets.json)
    -> medspacy_context   negated / historical / planned / imaging cues (patterns/context.json)

The pipeline is rebuilt from code and data at start-up and never saved: medspaCy pipelines
lose their rules when serialised (see the project notes). Nothing rewrites the text, so every
span's character offsets index the original note.
"""


import re
import warnings
from functools import lru_cache
from pathlib import Path

import spacy
from medspacy.context import ConTextRule
from medspacy.section_detection import SectionRule
from medspacy.target_matcher import TargetRule
from spacy.language import Language
from spacy.tokens import Doc, Span

from .levels import LevelGrammar
from .patterns import PatternSet, load_patterns

SPAN_GROUP = "opnote"
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "vs", "approx", "st", "no", "fig", "e.g", "i.e", "etc", "ca", "cf"}
_LIST_MARK = re.compile(r"^(?:\d{1,2}[.)]|[-*\u2022])$")

# medspaCy's matchers warn (spaCy W036) on every Doc when a rule set has no phrase rules.
warnings.filterwarnings("ignore", message=r"\[W036\]")

if not Span.has_extension("level"):
    Span.set_extension("level", default=None)


@Language.component("opnote_sentences")
def opnote_sentences(doc: Doc) -> Doc:
    """Sentence starts for dictated notes: after . ? ! before a word, digit or bracket (dictation is
    often all lower case), unless the period ends an abbreviation or a list number; and at a
    line break that ends a line (a blank line, end punctuation before it, or a capital, digit,
    list mark or symbol after it). A break inside a wrapped sentence does not split it."""
    n = len(doc)
    starts = [False] * n
    if n:
        starts[0] = True
    last_word = ""
    for i, tok in enumerate(doc):
        text = tok.text
        if tok.is_space:
            if "\n" in text or "\r" in text:
                j = _next_word(doc, i + 1)
                if j < n:
                    nxt = doc[j].text
                    first = nxt[:1]
                    if (
                        text.count("\n") > 1
                        or last_word[-1:] in ".:;?!"
                        or first.isupper()
                        or first.isdigit()
                        or not first.isalpha()
                        or _LIST_MARK.match(nxt)
                    ):
                        starts[j] = True
            continue
        if text in {".", "?", "!"} or (len(text) > 2 and text[-1] == "." and text[:-1].isalpha()):
            # "mA." / "cc." are tokens of their own; "Dr." / "e.g." are abbreviations
            word = last_word if text in {".", "?", "!"} else text[:-1]
            j = _next_word(doc, i + 1)
            if j < n:
                first = doc[j].text[:1]
                abbreviation = text[-1] == "." and (
                    word.lower() in ABBREVIATIONS
                    or (len(word) == 1 and word.isalpha())
                    or (word.isdigit() and len(word) <= 2)  # list numbers "1."
                    or "." in word
                )
                if not abbreviation and (first.isalnum() or first in "(\"'"):
                    starts[j] = True
        last_word = text
    for i, tok in enumerate(doc):
        tok.is_sent_start = starts[i]
    return doc


def _next_word(doc: Doc, i: int) -> int:
    while i < len(doc) and doc[i].is_space:
        i += 1
    return i


@Language.factory("opnote_levels", default_config={"lexicon": {}})
def make_level_tagger(nlp: Language, name: str, lexicon: dict) -> "LevelTagger":
    from .levels import Lexicon

    return LevelTagger(LevelGrammar(Lexicon.model_validate(lexicon)))


class LevelTagger:
    """Adds a LEVEL (or ROOT) span for every level mention, with the parse in span._.level."""

    def __init__(self, grammar: LevelGrammar):
        self.grammar = grammar

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for mention in self.grammar.scan(doc.text):
            span = doc.char_span(
                mention.start,
                mention.end,
                label="ROOT" if mention.kind == "root" else "LEVEL",
                alignment_mode="expand",
            )
            if span is None:
                continue
            span._.level = mention
            spans.append(span)
        group = doc.spans[SPAN_GROUP] if SPAN_GROUP in doc.spans else []
        doc.spans[SPAN_GROUP] = list(group) + spans
        return doc


def _target_rule(spec) -> TargetRule:
    return TargetRule(literal=spec.literal, category=spec.category, pattern=spec.pattern, metadata=spec.metadata)


def _context_rule(spec) -> ConTextRule:
    return ConTextRule(
        literal=spec.literal,
        category=spec.category,
        pattern=spec.pattern,
        direction=spec.direction,
        max_scope=spec.max_scope,
        max_targets=spec.max_targets,
        allowed_types=set(spec.allowed_types) if spec.allowed_types else None,
        excluded_types=set(spec.excluded_types) if spec.excluded_types else None,
        terminated_by=set(spec.terminated_by) if spec.terminated_by else None,
        metadata=spec.metadata,
    )


def build_pipeline(patterns: PatternSet) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("opnote_sentences")
    sectionizer = nlp.add_pipe(
        "medspacy_sectionizer",
        config={"rules": None, "require_start_line": True, "span_attrs": None, "input_span_type": None},
    )
    sectionizer.add([SectionRule(literal=s.literal, category=s.category, pattern=s.pattern) for s in patterns.sections])
    nlp.add_pipe("opnote_levels", config={"lexicon": patterns.lexicon.model_dump()})
    matcher = nlp.add_pipe(
        "medspacy_target_matcher", config={"result_type": "group", "span_group_name": SPAN_GROUP}
    )
    matcher.add([_target_rule(t) for t in patterns.targets])
    context = nlp.add_pipe(
        "medspacy_context",
        config={
            "rules": None,
            "input_span_type": "group",
            "span_group_name": SPAN_GROUP,
            "span_attrs": None,
        },
    )
    context.add([_context_rule(c) for c in patterns.context])
    return nlp


class NotePipeline:
    """The built pipeline with the grammar and the pattern set it came from."""

    def __init__(self, patterns: PatternSet):
        self.patterns = patterns
        self.nlp = build_pipeline(patterns)
        self.grammar: LevelGrammar = self.nlp.get_pipe("opnote_levels").grammar

    def __call__(self, text: str) -> Doc:
        return self.nlp(text)


@lru_cache(maxsize=4)
def get_pipeline(site_dir: str | None = None) -> NotePipeline:
    return NotePipeline(load_patterns(Path(site_dir) if site_dir else None))
