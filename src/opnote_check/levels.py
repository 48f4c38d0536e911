"""The level scanner: finds level mentions in text and normalises them (arithmetic: spine.py).

A mention is one of
- an interspace or a range of vertebrae ("L4-5", "L4/L5", "L45", "L5 S1", "L four five",
  "fourth and fifth lumbar", "L3 through S1", "L4 to the sacrum"), normalised to the
  interspaces it covers ("L4-L5", "L5-S1");
- a single vertebra ("L4", "S1"), which names no interspace by itself;
- a nerve root ("the left L5 root", "L5 and S1 radiculopathy"), which is not a level at all.

The words come from ``patterns/levels.json``; this module holds only the mechanism.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .spine import Spine

MentionKind = Literal["interspace", "vertebra", "root"]


class BindingWords(BaseModel):
    """Words the levels stage reads between a piece of work and a level (patterns/levels.json,
    "binding_words"; extract/levels.py says how each list is used)."""

    model_config = ConfigDict(frozen=True)
    description: str = ""
    level_glue: frozenset[str]
    object_of: frozenset[str]
    skip_forward: frozenset[str]
    skip_backward: frozenset[str]
    lower_part: frozenset[str]
    upper_part: frozenset[str]
    whole_lamina: frozenset[str]
    hardware_join: frozenset[str]


class Lexicon(BaseModel):
    """The validated content of patterns/levels.json."""

    version: str
    spine: list[str] = Field(min_length=2)
    transitional: list[str] = []
    number_words: dict[str, int]
    ordinal_words: dict[str, int]
    ordinal_regions: dict[str, str]
    spoken_region_prefixes: list[str] = []
    sacrum_words: list[str] = []
    lumbosacral_words: list[str] = []
    range_words: list[str]
    root_words: list[str]
    not_level_after_t: list[str] = []
    # words after which a bare lumbar number names a vertebra ("the undersurface of 4")
    bare_lumbar_after: list[str] = []
    # words after which a bare pair of numbers names a lumbar interspace ("at 4-5", "the 5-1 level");
    # a pair that opens a line ("- 4-5 first") does too
    bare_interspace_after: list[str] = []
    binding_words: BindingWords
    description: str = ""

    @model_validator(mode="after")
    def _check_spine(self) -> "Lexicon":
        for name in self.spine:
            if not re.fullmatch(r"[CTLS]\d{1,2}", name):
                raise ValueError(f"spine entry {name!r} is not a vertebra name like 'L4'")
        for name in self.transitional:
            if name not in self.spine:
                raise ValueError(f"transitional vertebra {name!r} is not in spine")
        return self


@dataclass(frozen=True)
class LevelMention:
    start: int
    end: int
    text: str
    kind: MentionKind
    vertebrae: tuple[str, ...]
    interspaces: tuple[str, ...]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


class LevelGrammar:
    """Compiled level grammar built from a Lexicon."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self._numbers = {w.lower(): n for w, n in lexicon.number_words.items()}
        self._ordinals = {w.lower(): n for w, n in lexicon.ordinal_words.items()}
        num = rf"(?:1[0-2]|[1-9]|{_alternation(list(self._numbers))})"
        spoken = _alternation(lexicon.spoken_region_prefixes) if lexicon.spoken_region_prefixes else "(?!)"
        # Region letter: upper case always; lower case only when a digit follows ("l5");
        # a spoken prefix ("el 4-5") needs a number after it.
        # "S. one" / "L. four": speech recognition puts a period after a spoken region letter
        region1, region2 = (
            rf"(?P<{g}>[LTS](?:\.(?=\s(?i:{_alternation(list(self._numbers))})\b))?|[lts](?=\d)|(?i:{spoken})(?=\s?-?\s?{num}))"
            for g in ("r1", "r2")
        )
        sacrum = _alternation(lexicon.sacrum_words) if lexicon.sacrum_words else "(?!)"
        range_words = _alternation(lexicon.range_words)
        second = (
            # "L5S1", "T12L1": a second region letter glued to the first number
            rf"(?:(?P<sep>\s?[-\u2013/]\s?|\s)|\s+(?P<rw>(?i:{range_words}))\s+|(?=[LTS]\d))"
            rf"(?:{region2}\s?-?\s?)?(?P<n2>{num})"
            rf"|\s+(?P<rw2>(?i:{range_words}))\s+(?P<sac>(?i:{sacrum}))"
            rf"|(?P<glued>[1-6])"
        )
        self._mention = re.compile(
            rf"(?<![A-Za-z0-9]){region1}\s?-?\s?(?P<n1>{num})(?:{second})?(?![A-Za-z0-9]|\.\d|-\d)",
        )
        ordinal = _alternation(list(self._ordinals))
        oreg = _alternation(list(lexicon.ordinal_regions))
        self._ordinal_pair = re.compile(
            rf"(?i)(?<![A-Za-z])(?P<o1>{ordinal})(?:\s+(?P<oreg1>{oreg}))?\s*(?:and|to|through|-|/)\s*"
            rf"(?:the\s+)?(?P<o2>{ordinal})\s+(?P<oreg2>{oreg})(?![A-Za-z])"
        )
        self._bare = (
            re.compile(
                rf"(?i)(?<![A-Za-z])(?:{_alternation(lexicon.bare_lumbar_after)})\s+(?:the\s+)?"
                rf"(?P<n>[1-5]|one|two|three|four|five)(?![\w.]|\s*(?:mm|cm|x\b|%|-\d))"
            )
            if lexicon.bare_lumbar_after
            else None
        )
        self._bare_pair = (
            re.compile(
                rf"(?:(?i:(?<![A-Za-z])(?:{_alternation(lexicon.bare_interspace_after)}))[ \t]+|(?m:^)[ \t]*(?:[-*\u2022][ \t]+)?)"
                rf"(?P<a>[1-5])-(?P<b>[1-6])(?![\w./-]|[ \t]*(?:mm|cm|%|x\b|mA|o'?clock|days?|weeks?|months?|years?|hours?|times?|minutes?))"
            )
            if lexicon.bare_interspace_after
            else None
        )
        self._lumbosacral = (
            re.compile(rf"(?i)(?<![A-Za-z])(?:{_alternation(lexicon.lumbosacral_words)})(?![A-Za-z])")
            if lexicon.lumbosacral_words
            else None
        )
        roots = _alternation(lexicon.root_words)
        self._root_after = re.compile(
            rf"(?:\s*(?:,|and|or|&)\s*(?:[LTS]\d{{1,2}}|{num}))*\s*(?:-|\s)?(?:nerve\s+)?(?i:{roots})\b"
        )
        self._t_exclusions = (
            re.compile(rf"\s?-?\s?(?i:{_alternation(lexicon.not_level_after_t)})") if lexicon.not_level_after_t else None
        )
        self._order = {name: i for i, name in enumerate(lexicon.spine)}
        self._spoken = {p.lower() for p in lexicon.spoken_region_prefixes}
        self.spine = Spine(lexicon.spine, lexicon.transitional)

    # -- public -----------------------------------------------------------------------------

    def scan(self, text: str) -> Iterator[LevelMention]:
        """Yield every level mention in text, left to right, without overlaps."""
        found: list[LevelMention] = []
        for m in self._mention.finditer(text):
            mention = self._from_match(text, m)
            if mention is not None:
                found.append(mention)
        for m in self._ordinal_pair.finditer(text):
            mention = self._from_ordinals(text, m)
            if mention is not None:
                found.append(mention)
        if self._bare is not None:
            for m in self._bare.finditer(text):
                vertebra = self._vertebra("L", self._number(m.group("n")))
                if vertebra is not None:
                    found.append(LevelMention(m.start("n"), m.end("n"), m.group("n"), "vertebra", (vertebra,), ()))
        if self._bare_pair is not None:
            for m in self._bare_pair.finditer(text):
                mention = self._from_bare_pair(text, m)
                if mention is not None:
                    found.append(mention)
        if self._lumbosacral is not None:
            for m in self._lumbosacral.finditer(text):
                found.append(LevelMention(m.start(), m.end(), m.group(0), "interspace", ("L5", "S1"), ("L5-S1",)))
        found.sort(key=lambda x: (x.start, -x.end))
        last_end = -1
        for mention in found:
            if mention.start >= last_end:
                last_end = mention.end
                yield mention

    def parse(self, text: str) -> LevelMention | None:
        """Parse one level written alone ("L4-5", "L5/S1"); None if it is not one."""
        for mention in self.scan(text):
            if mention.start == 0 and mention.end == len(text.rstrip()):
                return mention
        return None

    # -- internals --------------------------------------------------------------------------

    def _number(self, token: str) -> int:
        token = token.lower()
        return int(token) if token.isdigit() else self._numbers[token]

    def _region(self, token: str) -> str:
        token = token.strip().rstrip(".").lower()
        return "L" if token in self._spoken else token.upper()

    def _vertebra(self, region: str, number: int) -> str | None:
        name = f"{region}{number}"
        return name if name in self._order else None

    def _single(self, text: str, m: re.Match) -> LevelMention | None:
        region = self._region(m.group("r1"))
        n1 = m.group("n1")
        if region == "L" and n1.isdigit() and len(n1) == 2:
            # "L12" style: read as two glued digits only when they are consecutive.
            a, b = int(n1[0]), int(n1[1])
            first, second = self._vertebra("L", a), self._vertebra("L", b)
            if first and second and b == a + 1:
                return self._make(text, m.start(), m.end(), (first, second), self.spine.span(first, second))
            return None
        vertebra = self._vertebra(region, self._number(n1))
        if vertebra is None:
            return None
        end = m.start("n1") + len(n1)
        if region == "T" and self._t_exclusions is not None and self._t_exclusions.match(text, end):
            return None
        return self._make(text, m.start(), end, (vertebra,), ())

    def _from_match(self, text: str, m: re.Match) -> LevelMention | None:
        has_second = m.group("n2") is not None or m.group("sac") is not None or m.group("glued") is not None
        if not has_second:
            return self._single(text, m)
        region1 = self._region(m.group("r1"))
        first = self._vertebra(region1, self._number(m.group("n1")))
        if first is None:
            return None
        if m.group("sac") is not None:
            last = "S1"
        elif m.group("glued") is not None:
            last = self._vertebra(region1, int(m.group("glued")))
            if last is None or self._order[last] != self._order[first] + 1:
                return self._single_prefix(text, m)
        else:
            region2 = self._region(m.group("r2")) if m.group("r2") else None
            n2 = self._number(m.group("n2"))
            explicit_range = m.group("rw") is not None
            if region2 is None:
                # A bare second number continues the first region: "L4-5", "L three four".
                last = self._vertebra(region1, n2)
                if last is None and region1 == "L" and n2 == 1:
                    last = "S1"  # "L5-1" is not dictated; keep the rule strict otherwise
                if last is None:
                    return self._single_prefix(text, m)
                bare_gap = self._order[last] - self._order[first]
                if not explicit_range and bare_gap != 1 and not (first == "L5" and last == "L6"):
                    return self._single_prefix(text, m)
            else:
                last = self._vertebra(region2, n2)
                if last is None:
                    return self._single_prefix(text, m)
                if m.group("sep") is not None and m.group("sep").isspace() and m.group("sep") != " ":
                    return self._single_prefix(text, m)
        interspaces = self.spine.span(first, last)
        if not interspaces:
            return self._single_prefix(text, m)
        return self._make(text, m.start(), m.end(), (first, last), interspaces)

    def _single_prefix(self, text: str, m: re.Match) -> LevelMention | None:
        """The match over-reached (e.g. "L4 6.5 mm"): keep only its first vertebra."""
        region = self._region(m.group("r1"))
        vertebra = self._vertebra(region, self._number(m.group("n1")))
        if vertebra is None:
            return None
        end = m.start("n1") + len(m.group("n1"))
        return self._make(text, m.start(), end, (vertebra,), ())

    def _from_bare_pair(self, text: str, m: re.Match) -> LevelMention | None:
        """"4-5" is L4-L5, "5-1" is L5-S1: two bare numbers naming one lumbar interspace."""
        a, b = int(m.group("a")), int(m.group("b"))
        first = self._vertebra("L", a)
        last = "S1" if (a, b) == (5, 1) else self._vertebra("L", b)
        interspaces = self.spine.span(first, last) if first and last else None
        if not interspaces or len(interspaces) != 1:  # one interspace: "4-5", "5-1", "5-6"; not "3-5"
            return None
        return LevelMention(m.start("a"), m.end("b"), text[m.start("a") : m.end("b")], "interspace", (first, last), interspaces)

    def _from_ordinals(self, text: str, m: re.Match) -> LevelMention | None:
        region = self.lexicon.ordinal_regions[m.group("oreg2").lower()]
        region1 = self.lexicon.ordinal_regions[m.group("oreg1").lower()] if m.group("oreg1") else region
        first = self._vertebra(region1, self._ordinals[m.group("o1").lower()])
        last = self._vertebra(region, self._ordinals[m.group("o2").lower()])
        if first is None or last is None:
            return None
        interspaces = self.spine.span(first, last)
        if not interspaces:
            return None
        return self._make(text, m.start(), m.end(), (first, last), interspaces)

    def _make(
        self, text: str, start: int, end: int, vertebrae: tuple[str, ...], interspaces: tuple[str, ...] | None
    ) -> LevelMention:
        kind: MentionKind = "interspace" if interspaces else "vertebra"
        if kind == "vertebra" and self._root_after.match(text, end):
            kind = "root"  # "the left L5 root"; but "L5-S1 nerve root decompression" names a level
        return LevelMention(start, end, text[start:end], kind, vertebrae, tuple(interspaces or ()))
