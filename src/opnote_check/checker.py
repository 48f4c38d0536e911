"""The one way in: note text (and a claim) -> Report, for the CLI, the server, batch workers, eval
and anyone importing the package.

    >>> from opnote_check import Checker
    >>> report = Checker().check(note_text, claim=["22630", "63052"])
    >>> report.status, [g.rule for g in report.gaps]

A Checker builds the pipeline and loads the reference tables once (both cached per patterns
folder); `check` and `extract` are cheap to call repeatedly and safe from several threads (the
pipeline keeps no state between notes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .claims import Claim, claim_from_object, claim_from_specs
from .models import Extraction, Report

ClaimLike = Claim | dict | Iterable[str] | None


class Checker:
    def __init__(self, patterns: str | Path | None = None, reference=None, qp: bool = False, selection=None):
        from .pipeline import get_pipeline
        from .reference import get_reference

        site = str(patterns) if patterns else None
        self.pipeline = get_pipeline(site)  # PatternError for a broken site rule file
        self.library = reference if reference is not None else get_reference(site)
        self.qp = qp
        self.selection = selection  # config.RuleSelection: a site's select / ignore / severity

    @property
    def patterns_version(self) -> str:
        return self.pipeline.patterns.version

    def provenance(self):
        """The tool, patterns and tables (in force today) a report from this Checker cites."""
        from .check import provenance

        return provenance(self.library.on(None, qp=self.qp), self.patterns_version)

    def extract(self, text: str) -> Extraction:
        """Offsets index `text`; a lone UTF-16 surrogate in it reads as U+FFFD (one character, so
        offsets stay). Pass text through notes.check_text first to refuse empty or binary input."""
        from .extract import extract_text
        from .notes import without_lone_surrogates

        return extract_text(without_lone_surrogates(text), self.pipeline)

    def check(self, text: str, claim: ClaimLike = None, case_id: str | None = None) -> Report:
        """The §4 report of one note; `claim` is a Claim, a claim object ({"lines": [...]}), line
        specs (["22630", "63053-59x2"]) or None (scribe mode: documentation rules only)."""
        return self.report(self.extract(text), as_claim(claim, case_id), case_id)

    def report(self, extraction: Extraction | None, claim: Claim | None, case_id: str | None = None) -> Report:
        from .check import build_report

        return build_report(extraction, claim, self.library, self.patterns_version, case_id, self.qp, self.selection)


def as_claim(claim: ClaimLike, case_id: str | None = None) -> Claim | None:
    if claim is None or isinstance(claim, Claim):
        return claim
    if isinstance(claim, dict):
        return claim_from_object(claim, "claim")
    if isinstance(claim, str):
        return claim_from_specs(claim.replace(",", " ").split(), case_id)
    return claim_from_specs(list(claim), case_id)
