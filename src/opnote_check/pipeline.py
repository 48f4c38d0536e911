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
from bisect import bisect_left
import re._constants as _sre_constants  # the regex parser, to find each rule's required literals
import re._parser as _sre_parse
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.regex_matcher import RegexMatcher
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextRule
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from medspacy.section_detection import SectionRule
from medspacy.target_matcher import TargetRule
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .levels import LevelGrammar
from .patterns import PatternSet, load_patterns

SPAN_GROUP = "opnote"
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "vs", "approx", "st", "no", "fig", "e.g", "i.e", "etc", "ca", "cf"}



def required_literals(pattern: str, flags: int = 0) -> list[str] | None:
    """Literal strings of which every match of `pattern` contains at least one (lower case), or
    None when no such set is known. A pattern whose literals are all absent from a note cannot
    match it, so it need not be run: most rules match nothing in most notes."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except re.error:
        return None
    found = _required(list(parsed))
    return sorted({f.lower() for f in found}) if found else None


def _required(items) -> list[str] | None:
    best: list[str] | None = None
    run: list[str] = []

    def consider(candidates: list[str] | None) -> None:
        nonlocal best
        if candidates and all(candidates):
            score = (min(map(len, candidates)), -len(candidates))
            if best is None or score > (min(map(len, best)), -len(best)):
                best = candidates

    for op, av in items:
        if op is _sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(["".join(run)])
            run = []
        if op is _sre_constants.SUBPATTERN:
            consider(_required(list(av[-1])))
        elif op is _sre_constants.BRANCH:
            branches = [_required(list(branch)) for branch in av[1]]
            if all(branches):
                consider(sorted({lit for branch in branches for lit in branch}))
        elif op in (_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT) and av[0] >= 1:
            consider(_required(list(av[2])))
    if run:
        consider(["".join(run)])
    return best


# Three private subclasses make medspaCy fast and quiet for this pipeline only: the pipeline's own
# matcher and ConText instances take them (_own_instances); medspaCy's classes are left as they
# are, so other medspaCy pipelines in the same process behave exactly as before (a test checks it).


class _PrefilteredRegexMatcher(RegexMatcher):
    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """medspaCy 1.3.1's RegexMatcher rebuilds doc.text_with_ws for every pattern (two thirds of
        the pipeline's time on a 5 KB note) and runs every pattern over the whole note. Same matches,
        with the text built once and a pattern skipped when none of its required literals is in the
        note; spans snap outwards to token boundaries as medspaCy's default resolve_start='left' /
        resolve_end='right'."""
        if (self.resolve_start, self.resolve_end) != ("left", "right"):
            return RegexMatcher.__call__(self, doc)
        gates = self.__dict__.setdefault("_opnote_gates", {})
        text = doc.text
        lowered = text.lower()
        matches: list[tuple[int, int, int]] = []
        for match_id, patterns in self._patterns.items():
            on_match = self._callbacks[match_id]
            for pattern in patterns:
                if pattern not in gates:
                    gates[pattern] = required_literals(pattern.pattern, pattern.flags)
                literals = gates[pattern]
                if literals is not None and not any(lit in lowered for lit in literals):
                    continue
                for found in pattern.finditer(text):
                    span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        matches.append((match_id, span.start, span.end))
                        if on_match is not None:
                            on_match(self, doc, len(matches) - 1, matches)
        return matches


class _QuietMedspacyMatcher(MedspacyMatcher):
    """Runs only the matchers that hold rules: spaCy warns (W036) for an empty Matcher or
    PhraseMatcher on every Doc, and this pipeline's rules are all regular expressions."""

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        matches = []
        for matcher in (self._MedspacyMatcher__matcher, self._MedspacyMatcher__phrase_matcher):
            if len(matcher):
                matches += matcher(doc)
        matches += self._MedspacyMatcher__regex_matcher(doc)
        return prune_overlapping_matches(matches) if self._prune else matches


class _ScopedConTextGraph(ConTextGraph):
    def apply_modifiers(self) -> None:
        """medspaCy's ConTextGraph.apply_modifiers compares every modifier with every target of the
        note; a modifier can only modify targets that overlap its scope (within its sentence), so
        only those are compared. Same edges."""
        targets = sorted(self.targets, key=lambda t: (t.start, t.end))
        starts = [t.start for t in targets]
        longest = max((t.end - t.start for t in targets), default=0)

        def overlapping(start: int, end: int):
            # targets with t.start < end and t.end > start
            for k in range(bisect_left(starts, start - longest), bisect_left(starts, end)):
                if targets[k].end > start:
                    yield targets[k]

        if self.prune_on_modifier_overlap:
            self.modifiers = [
                m for m in self.modifiers if next(overlapping(*m.modifier_span), None) is None
            ]
        for modifier in self.modifiers:
            for target in overlapping(*modifier.scope_span):
                if modifier.modifies(target):
                    modifier.modify(target)
        edges = []
        for modifier in self.modifiers:
            modifier.reduce_targets()
            for target in modifier._targets:
                edges.append((target, modifier))
        self.edges = edges


class _OpnoteConText(ConText):
    """medspaCy 1.3.1's ConText.__call__ for a span group, with _ScopedConTextGraph."""

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        matcher = self._ConText__matcher
        graph = _ScopedConTextGraph(prune_on_modifier_overlap=self.prune_on_target_overlap)
        graph.targets = doc.spans[self.span_group_name]
        graph.modifiers = [
            ConTextModifier(matcher.rule_map[self.nlp.vocab[match_id].text], start, end, doc, max_scope=self.max_scope)
            for match_id, start, end in matcher(doc)
        ]
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(graph.edges)
        doc._.context_graph = graph
        return doc


def _own_instances(nlp: Language) -> None:
    """Give this pipeline's medspaCy components the private subclasses above."""
    for _, component in nlp.pipeline:
        if isinstance(component, ConText):
            component.__class__ = _OpnoteConText
        for value in vars(component).values():
            if isinstance(value, MedspacyMatcher):
                value.__class__ = _QuietMedspacyMatcher
                value._MedspacyMatcher__regex_matcher.__class__ = _PrefilteredRegexMatcher


if not Span.has_extension("opnote_level"):
    Span.set_extension("opnote_level", default=None)


_NEWLINES = re.compile(r"[ \t]*(?:\r?\n[ \t]*)+")
_STOP = re.compile(r"(\S*?)[.?!][\"')\]]*\s+(?=[\w(\"'])")


@Language.component("opnote_sentences")
def opnote_sentences(doc: Doc) -> Doc:
    """Sentence starts for dictated notes, found on the text and set in one array operation:
    - at a line break that ends a line: a blank line, end punctuation before it, or a capital,
      digit, list mark or symbol after it (a lower-case word after it continues a wrapped line);
    - after . ? ! and white space before a word, digit or bracket (dictation is often all lower
      case), unless the period ends an abbreviation ("Dr.", "e.g."), an initial or a list number."""
    text = doc.text
    n = len(doc)
    if n == 0:
        return doc
    starts_at: list[int] = []
    for run in _NEWLINES.finditer(text):
        after = run.end()
        if after >= len(text) or run.start() == 0:
            continue
        before, first = text[run.start() - 1], text[after]
        if run.group().count("\n") > 1 or before in ".:;?!" or not first.islower():
            starts_at.append(after)
    for stop in _STOP.finditer(text):
        word = stop.group(1).lstrip("([\"'")
        if word.lower() in ABBREVIATIONS or "." in word or (len(word) == 1 and word.isalpha()):
            continue
        if word.isdigit() and len(word) <= 2:  # "1." of a list
            continue
        starts_at.append(stop.end())
    offsets = doc.to_array([IDX])
    flags = numpy.full((n, 1), -1, dtype="int64")
    flags[0, 0] = 1
    if starts_at:
        tokens = numpy.searchsorted(offsets, numpy.asarray(starts_at), side="left")
        flags[tokens[tokens < n], 0] = 1
    doc.from_array([SENT_START], flags.astype("uint64"))
    return doc


@Language.factory("opnote_levels", default_config={"lexicon": {}})
def make_level_tagger(nlp: Language, name: str, lexicon: dict) -> "LevelTagger":
    """With no lexicon (nlp.add_pipe("opnote_levels") in another pipeline), the packaged one."""
    from .levels import Lexicon

    if not lexicon:
        return LevelTagger(LevelGrammar(load_patterns(None).lexicon))
    return LevelTagger(LevelGrammar(Lexicon.model_validate(lexicon)))


class LevelTagger:
    """Adds a LEVEL (or ROOT) span for every level mention, with the parse in span._.opnote_level."""

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
            span._.opnote_level = mention
            spans.append(span)
        doc.spans[SPAN_GROUP] = spans  # the first component to write the group
        return doc


class IdentifiedTargetRule(TargetRule):
    """A TargetRule that knows the stable id of its entry in patterns/ (for explanations)."""

    def __init__(self, rule_id: str, **kwargs):
        super().__init__(**kwargs)
        self.rule_id = rule_id


class IdentifiedConTextRule(ConTextRule):
    """A ConTextRule that knows the stable id of its entry in patterns/ (for explanations)."""

    def __init__(self, rule_id: str, **kwargs):
        super().__init__(**kwargs)
        self.rule_id = rule_id


def _target_rule(spec) -> TargetRule:
    return IdentifiedTargetRule(
        spec.id, literal=spec.literal, category=spec.category, pattern=spec.pattern, metadata=spec.metadata
    )


def _context_rule(spec) -> ConTextRule:
    return IdentifiedConTextRule(
        spec.id,
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
        config={"rules": None, "require_start_line": False, "span_attrs": None, "input_span_type": None},  # the rules anchor themselves (patterns/sections.json)
    )
    sectionizer.add([
        SectionRule(literal=s.literal, category=s.category, pattern=s.pattern,
                    metadata={"header_field": s.header_field} if s.header_field else None)
        for s in patterns.sections
    ])
    nlp.add_pipe("opnote_levels", config={"lexicon": patterns.lexicon.model_dump(mode="json")})
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
    _own_instances(nlp)
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
