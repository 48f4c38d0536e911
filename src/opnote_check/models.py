"""Pydantic models at the stage boundaries: what extraction produces (the §4 fields)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Technique = Literal["laminectomy", "laminotomy", "facetectomy", "foraminotomy"]
Laterality = Literal["left", "right", "bilateral"]
MentionStatus = Literal["affirmed", "negated", "historical", "hypothetical", "imaging", "instrumentation", "bone_source", "attestation", "state"]
ArthrodesisTechnique = Literal[
    "TLIF",
    "PLIF",
    "posterior_interbody",
    "combined_posterolateral_interbody",
    "posterolateral_only",
    "ALIF",
    "lateral",
    "none",
]
SameSessionStatus = Literal["explicit", "implied", "not_documented"]
Verdict = Literal["documented", "needs_query", "not_billable"]

TECHNIQUES: tuple[str, ...] = ("laminectomy", "laminotomy", "facetectomy", "foraminotomy")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Model):
    """A span of the note: note[start:end] == text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    section: str
    kind: str | None = None


class Cue(_Model):
    """The ConText cue that set a mention's status ("no", "prior", "will"), with its rule id."""

    rule_id: str
    category: str
    text: str
    start: int
    end: int


class Explanation(_Model):
    """Why a span is what it is: the stable id of the rule in patterns/ that matched it, and the
    ConText cue (if any) that made it negated, historical, planned ..."""

    rule_id: str
    cue: Cue | None = None

    def describe(self, status: str = "affirmed") -> str:
        text = f"matched by rule {self.rule_id}"
        if self.cue is not None:
            text += f"; {status} by the cue \u201c{self.cue.text}\u201d (rule {self.cue.rule_id})"
        return text


class Mention(_Model):
    """One extracted span with its kind, normalised value and ConText status (for highlighting)."""

    start: int
    end: int
    text: str
    kind: str
    value: str | None = None
    status: MentionStatus = "affirmed"
    section: str
    explanation: Explanation | None = None


class Segment(_Model):
    interspace: str
    fused: bool
    techniques: list[Technique]
    laterality: Laterality | None
    findings: list[str]
    prep_only: bool
    technique_named: bool = True
    lumbar: bool = True
    level_from_vertebra: bool = False
    evidence: list[Evidence]
    verdict: Verdict = "documented"
    reasons: list[str] = []

    @property
    def counts(self) -> bool:
        """Carries a 63052/63053 unit: a fused lumbar interspace with more than the interbody's access."""
        return self.fused and self.lumbar and not self.prep_only


class Arthrodesis(_Model):
    posterior_interbody: bool
    technique: ArthrodesisTechnique
    interspaces: list[str]
    posterolateral: bool = False
    approach_side: Literal["left", "right"] | None = None
    evidence: list[Evidence]


class SameSession(_Model):
    status: SameSessionStatus
    staged: bool = False
    evidence: list[Evidence]


class CoSurgeon(_Model):
    documented: bool
    evidence: list[Evidence]


class Indication(_Model):
    """A pathology the note names (diagnosis, indications, findings), at an interspace or for the
    lumbar spine as a whole (interspace None)."""

    interspace: str | None
    evidence: Evidence


class SupportedLine(_Model):
    code: str
    units: int = Field(ge=1)


class Extraction(_Model):
    """What the note documents, per interspace, before any claim is looked at."""

    arthrodesis: Arthrodesis
    segments: list[Segment]
    same_session: SameSession
    co_surgeon: CoSurgeon
    supported_lines: list[SupportedLine]
    documented_lines: list[SupportedLine] = []
    indications: list[Indication] = []
    unattributed_decompression: list[Evidence] = []
    vague_cues: list[Evidence] = []
    spans: list[Mention] = []  # every extracted span with its explanation (the report names it the same)
    surgeon: str | None = None  # the SURGEON: heading's line, as written

    def supported_units(self) -> dict[str, int]:
        units = {"63052": 0, "63053": 0}
        for line in self.supported_lines:
            units[line.code] = units.get(line.code, 0) + line.units
        return units


Severity = Literal["error", "warning"]


class LineRisk(_Model):
    """The billed units of one claim line that a gap puts at risk: `units` are unit numbers
    (1-based) on billed_lines[line], so two gaps on the same unit count it once."""

    line: int = Field(ge=0)
    code: str
    units: list[int]
    amount: float


class Gap(_Model):
    """One finding of the check: a rule that fired, with its evidence and a fix."""

    rule: str
    severity: Severity
    interspace: str | None = None
    message: str
    evidence: list[Evidence] = []
    fix: str
    amount_at_risk: float | None = None
    at_risk: list[LineRisk] = []


def line_spec(code: str, modifiers: list[str], units: int) -> str:
    """A claim line in the --line syntax: 63053-59x2."""
    return code + "".join(f"-{m}" for m in modifiers) + (f"x{units}" if units != 1 else "")


class BilledLine(_Model):
    code: str
    units: int
    modifiers: list[str] = []
    amount: float = 0.0
    amount_at_risk: float = 0.0
    units_at_risk: int = 0

    def spec(self) -> str:
        return line_spec(self.code, self.modifiers, self.units)


class ReferenceTable(_Model):
    kind: str
    release: str
    effective_from: date
    effective_to: date


class Provenance(_Model):
    tool_version: str
    patterns_version: str
    reference_release: str
    reference_tables: list[ReferenceTable] = []
    date_of_service: date | None = None
    conversion_factor: float | None = None
    payment_basis: str | None = None


class Report(_Model):
    """The §4 report: the extraction, the claim it was compared with, and the gaps."""

    schema_version: str = "1"
    case_id: str | None = None
    arthrodesis: Arthrodesis | None = None
    segments: list[Segment] = []
    same_session: SameSession | None = None
    co_surgeon: CoSurgeon | None = None
    supported_lines: list[SupportedLine] = []
    documented_lines: list[SupportedLine] = []
    billed_lines: list[BilledLine] | None = None
    unbilled_lines: list[SupportedLine] = []
    gaps: list[Gap] = []
    status: Literal["pass", "gaps", "error"] = "pass"
    amount_at_risk: float = 0.0
    amount_unbilled: float = 0.0
    indications: list[Indication] = []
    unattributed_decompression: list[Evidence] = []
    vague_cues: list[Evidence] = []
    surgeon: str | None = None
    provenance: Provenance
    spans: list[Mention] = []
    error: str | None = None
    input_issue: str | None = None

    def _repr_html_(self) -> str:
        """A notebook shows the report as the HTML report (without the note, which it does not hold)."""
        from .render.html import render_html

        return render_html(self, None)
