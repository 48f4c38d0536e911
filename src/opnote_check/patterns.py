"""Loading and validating the rule files in patterns/.

Every file is checked at start-up; a broken one stops the program with a PatternError
naming the file and the entry. A site directory (``--patterns DIR``) is layered over the
packaged one: its rules are added to the packaged rules of the same file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .levels import Lexicon
from .models import TECHNIQUES

TargetCategory = Literal[
    "TECHNIQUE",
    "DECOMPRESSION",
    "INDIRECT",
    "SIDE",
    "FINDING",
    "INSTRUMENT",
    "ARTHRODESIS",
    "DEVICE",
    "PREP",
    "SAME_SESSION",
    "STAGING",
    "COSURGEON",
    "VAGUE",
    "ANAPHOR",
    "REPEAT",
    "BEYOND_PREP",
    "PURPOSE",
    "OPEN_WORK",
    "ANTERIOR_APPROACH",
    "RELATIVE_LEVEL",
    "HARDWARE",
    "ROOT_FREED",
    "PATHOLOGY",
]
ARTHRODESIS_KINDS = {"tlif", "plif", "posterior_interbody", "interbody", "posterolateral", "alif", "lateral"}
SIDES = {"left", "right", "bilateral", "contralateral", "ipsilateral"}
# relative level references, resolved by extract/levels.py against the narrative and the construct
RELATIONS = {"above", "below", "caudal_end", "cranial_end", "index", "previous", "exiting", "traversing"}
FINDING_KINDS = {"stenosis", "compression", "hypertrophy", "osteophyte", "disc", "cyst", "scar"}
SECTION_CATEGORIES = {
    "diagnosis",
    "indications",
    "planned",
    "procedure",
    "description",
    "findings",
    "plan",
    "admin",
    "cosurgeon",
    "other",
}
CONTEXT_CATEGORIES = {"NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "IMAGING", "SCREW_ENTRY", "BONE_SOURCE", "ATTESTATION", "STATE", "PSEUDO", "TERMINATE"}

PACKAGED_DIR_CANDIDATES = (
    Path(__file__).resolve().parent / "patterns",  # installed wheel (force-included)
    Path(__file__).resolve().parents[2] / "patterns",  # source checkout / editable install
)


class PatternError(ValueError):
    """A pattern file that cannot be used; the message names the file and the entry."""


RULE_ID = r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$"


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=RULE_ID)  # stable: reports and explanations cite it
    literal: str
    pattern: str | list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _compiles(self) -> "_Rule":
        if isinstance(self.pattern, str):
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return self


class TargetRuleSpec(_Rule):
    category: TargetCategory
    metadata: dict[str, Any] = {}

    @model_validator(mode="after")
    def _metadata_fits_category(self) -> "TargetRuleSpec":
        meta = self.metadata
        if self.category == "TECHNIQUE" and meta.get("technique") not in TECHNIQUES:
            raise ValueError(f"TECHNIQUE needs metadata.technique, one of {', '.join(TECHNIQUES)}")
        if self.category == "SIDE" and meta.get("side") not in SIDES:
            raise ValueError(f"SIDE needs metadata.side, one of {', '.join(sorted(SIDES))}")
        if self.category == "FINDING":
            if not isinstance(meta.get("finding"), str) or meta.get("kind") not in FINDING_KINDS:
                raise ValueError(f"FINDING needs metadata.finding (text) and metadata.kind, one of {sorted(FINDING_KINDS)}")
        if self.category == "RELATIVE_LEVEL" and meta.get("relation") not in RELATIONS:
            raise ValueError(f"RELATIVE_LEVEL needs metadata.relation, one of {sorted(RELATIONS)}")
        if self.category == "ARTHRODESIS" and meta.get("arthrodesis") not in ARTHRODESIS_KINDS:
            raise ValueError(f"ARTHRODESIS needs metadata.arthrodesis, one of {sorted(ARTHRODESIS_KINDS)}")
        return self


class ContextRuleSpec(_Rule):
    category: str
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    max_scope: int | None = None
    max_targets: int | None = None
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    terminated_by: list[str] | None = None
    metadata: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _known_category(self) -> "ContextRuleSpec":
        if self.category not in CONTEXT_CATEGORIES:
            raise ValueError(f"category must be one of {sorted(CONTEXT_CATEGORIES)}")
        return self


class SectionRuleSpec(_Rule):
    category: str
    # the heading's text is a header field of the note (the surgeon for the batch worklist)
    header_field: Literal["surgeon"] | None = None

    @model_validator(mode="after")
    def _known_category(self) -> "SectionRuleSpec":
        if self.category not in SECTION_CATEGORIES:
            raise ValueError(f"category must be one of {sorted(SECTION_CATEGORIES)}")
        return self


@dataclass(frozen=True)
class PatternSet:
    targets: list[TargetRuleSpec]
    context: list[ContextRuleSpec]
    sections: list[SectionRuleSpec]
    lexicon: Lexicon
    version: str


FILES = {
    "targets.json": ("target_rules", TargetRuleSpec),
    "context.json": ("context_rules", ContextRuleSpec),
    "sections.json": ("section_rules", SectionRuleSpec),
}


def packaged_dir() -> Path:
    for candidate in PACKAGED_DIR_CANDIDATES:
        if (candidate / "targets.json").is_file():
            return candidate
    raise PatternError("packaged patterns/ folder not found (reinstall opnote-check)")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PatternError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except OSError as exc:
        raise PatternError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where + ': ' if where else ''}{err['msg']}"


def _load_rules(path: Path, key: str, model: type[_Rule]) -> list:
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise PatternError(f"{path}: expected an object with a list '{key}'")
    rules = []
    for i, entry in enumerate(data[key]):
        label = entry.get("literal", "?") if isinstance(entry, dict) else "?"
        try:
            rules.append(model.model_validate(entry))
        except ValidationError as exc:
            raise PatternError(f"{path}: {key}[{i}] ({label!r}): {_first_error(exc)}") from None
    return rules


def load_patterns(site_dir: Path | None = None) -> PatternSet:
    """Load the packaged patterns, then add a site folder's rules on top."""
    base = packaged_dir()
    dirs = [base] + ([Path(site_dir)] if site_dir is not None else [])
    if site_dir is not None and not Path(site_dir).is_dir():
        raise PatternError(f"{site_dir}: patterns folder not found")
    loaded: dict[str, list] = {name: [] for name in FILES}
    digest = hashlib.sha256()
    for folder in dirs:
        for name, (key, model) in FILES.items():
            path = folder / name
            if not path.is_file():
                if folder == base:
                    raise PatternError(f"{path}: missing")
                continue
            loaded[name].extend(_load_rules(path, key, model))
            digest.update(path.read_bytes())
    for name, rules in loaded.items():
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise PatternError(f"{name}: rule id {rule.id!r} is used twice (ids are stable and unique)")
            seen.add(rule.id)
    lexicon_path = base / "levels.json"
    if site_dir is not None and (Path(site_dir) / "levels.json").is_file():
        lexicon_path = Path(site_dir) / "levels.json"
    try:
        lexicon = Lexicon.model_validate(_read_json(lexicon_path))
    except ValidationError as exc:
        raise PatternError(f"{lexicon_path}: {_first_error(exc)}") from None
    digest.update(lexicon_path.read_bytes())
    return PatternSet(
        targets=loaded["targets.json"],
        context=loaded["context.json"],
        sections=loaded["sections.json"],
        lexicon=lexicon,
        version=digest.hexdigest()[:12],
    )
