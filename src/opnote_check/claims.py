"""Claim input: `--line` specs, JSON and CSV claim files. Every mistake is a one-line ClaimError
that names the file, line and field."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .models import line_spec

CODE_RE = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4})$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")
ICD10_RE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")
LINE_SPEC_RE = re.compile(r"^(?P<code>[0-9A-Za-z]+?)(?P<mods>(?:-[0-9A-Za-z]+?)*)(?:[xX*](?P<units>[-+]?\d+))?$")


class ClaimError(ValueError):
    """A claim that cannot be used; one line naming the file, line and field."""


def _items(value) -> list[str]:
    """A list given as a list, or as one string separated by spaces, commas or semicolons."""
    if value is None:
        return []
    items = re.split(r"[\s;,]+", value.strip()) if isinstance(value, str) else list(value)
    return [str(i).strip() for i in items if str(i).strip()]


class ClaimLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    units: int = Field(default=1)
    modifiers: list[str] = []

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v):
        code = str(v).strip().upper()
        if not CODE_RE.match(code):
            raise ValueError(f"{v!r} is not a CPT/HCPCS code (five characters, e.g. 63052)")
        return code

    @field_validator("units", mode="before")
    @classmethod
    def _units(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            return 1
        if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
            raise ValueError(f"{v!r} is not a whole number of units")
        try:
            units = int(str(v).strip()) if not isinstance(v, (int, float)) else int(v)
        except ValueError:
            raise ValueError(f"{v!r} is not a whole number of units") from None
        if units <= 0:
            raise ValueError(f"units must be 1 or more, not {units}")
        return units

    @field_validator("modifiers", mode="before")
    @classmethod
    def _modifiers(cls, v):
        mods = [m.upper() for m in _items(v)]
        for m in mods:
            if not MODIFIER_RE.match(m):
                raise ValueError(f"{m!r} is not a two-character modifier")
        return mods

    def spec(self) -> str:
        return line_spec(self.code, self.modifiers, self.units)


def normalise_icd10(value) -> str:
    """'m48062' / 'M48.062' -> 'M48.062'; anything else is a ValueError naming it."""
    code = str(value).strip().upper().replace(" ", "")
    if not ICD10_RE.match(code):
        raise ValueError(f"{value!r} is not an ICD-10-CM code (e.g. M48.062)")
    code = code.replace(".", "")
    return code[:3] + ("." + code[3:] if len(code) > 3 else "")


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    case_id: str | None = None
    date_of_service: date | None = None
    diagnoses: list[str] = []
    lines: list[ClaimLine] = []

    @field_validator("case_id", mode="before")
    @classmethod
    def _case_id(cls, v):
        return None if v is None else str(v).strip() or None

    @field_validator("diagnoses", mode="before")
    @classmethod
    def _diagnoses(cls, v):
        return [normalise_icd10(d) for d in _items(v)]

    def units(self, *codes: str) -> int:
        return sum(line.units for line in self.lines if line.code in codes)

    def has(self, *codes: str) -> bool:
        return any(line.code in codes for line in self.lines)

    def lines_for(self, *codes: str) -> list[ClaimLine]:
        return [line for line in self.lines if line.code in codes]


FHIR_RESOURCE_TYPES = ("Claim", "Bundle")
CLAIM_FIELDS = ("case_id", "date_of_service", "diagnoses", "lines")
LINE_FIELDS = ("code", "units", "modifiers")


def _explain(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    if err["type"] == "extra_forbidden":
        accepted = LINE_FIELDS if "lines" in loc[:-1] else CLAIM_FIELDS
        where = ".".join(loc[:-1])
        return f"{where + ': ' if where else ''}unknown field {loc[-1]!r} (accepted: {', '.join(accepted)})"
    field = ".".join(loc) or "value"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{field}: {msg}"


def parse_line_spec(spec: str) -> ClaimLine:
    """'63053-62x2' -> ClaimLine(code='63053', modifiers=['62'], units=2)."""
    m = LINE_SPEC_RE.match(spec.strip())
    if not m:
        raise ClaimError(f"--line {spec!r}: expected CODE[-MOD]...[xUNITS], e.g. 63053-62x2")
    mods = [x for x in m.group("mods").split("-") if x]
    try:
        return ClaimLine(code=m.group("code"), modifiers=mods, units=m.group("units") or 1)
    except ValidationError as exc:
        raise ClaimError(f"--line {spec!r}: {_explain(exc)}") from None


def claim_from_specs(specs: Iterable[str], case_id: str | None = None, date_of_service: date | None = None,
                     diagnoses: Iterable[str] = ()) -> Claim:
    try:
        return Claim(case_id=case_id, date_of_service=date_of_service, diagnoses=list(diagnoses),
                     lines=[parse_line_spec(s) for s in specs])
    except ValidationError as exc:
        raise ClaimError(f"--diagnosis: {_explain(exc)}") from None


def claim_from_object(obj, where: str) -> Claim:
    if not isinstance(obj, dict):
        raise ClaimError(f"{where}: a claim must be an object with 'lines'")
    if "lines" not in obj:
        raise ClaimError(f"{where}: missing field 'lines'")
    try:
        return Claim.model_validate(obj)
    except ValidationError as exc:
        raise ClaimError(f"{where}: {_explain(exc)}") from None


def _json_claims(data, name: str) -> Iterator[tuple[str, Claim]]:
    if isinstance(data, dict) and set(data) == {"cases"}:
        data = data["cases"]
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        where = f"{name}: claim {i + 1}" if isinstance(data, list) else name
        yield where, claim_from_object(item, where)


def _jsonl_claims(lines: Iterable[str], name: str) -> Iterator[tuple[str, Claim]]:
    for lineno, line in enumerate(lines, 1):
        if line.strip():
            where = f"{name}: line {lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ClaimError(f"{where}: not valid JSON ({exc.msg})") from None
            yield where, claim_from_object(obj, where)


REQUIRED_COLUMNS = ("case_id", "code")
CSV_COLUMNS = ("case_id", "code", "units", "modifiers", "date_of_service", "diagnoses")
# header spellings coders' exports use, read as the column they name (lower-cased, spaces and
# hyphens as underscores); any other column is an error
CSV_ALIASES = {
    "case": "case_id", "caseid": "case_id", "claim_id": "case_id", "encounter_id": "case_id",
    "cpt": "code", "cpt_code": "code", "hcpcs": "code", "procedure_code": "code",
    "unit": "units", "qty": "units", "quantity": "units",
    "modifier": "modifiers", "mods": "modifiers",
    "dos": "date_of_service", "service_date": "date_of_service", "date": "date_of_service",
    "diagnosis": "diagnoses", "dx": "diagnoses", "icd10": "diagnoses", "icd_10": "diagnoses", "icd_10_cm": "diagnoses",
}


@dataclass(frozen=True)
class ClaimPart:
    """A claim or one CSV row of it: `whole` for a claim read at once (JSON, 837P, FHIR; a second
    claim of the same case is an error), not for a CSV row (rows of a case add up)."""

    case_id: str
    lines: list[ClaimLine]
    date_of_service: str | None
    diagnoses: list[str]
    whole: bool


def _csv_column(header: str, name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", header.strip().lower())
    column = CSV_ALIASES.get(key, key)
    if column not in CSV_COLUMNS:
        raise ClaimError(f"{name}: line 1: unknown column {header.strip()!r} (accepted: {', '.join(CSV_COLUMNS)})")
    return column


def _csv_rows(lines: Iterable[str], name: str) -> Iterator[ClaimPart]:
    """One part per row; rows of one case may be anywhere."""
    reader = csv.DictReader(lines)
    header = [_csv_column(h, name) for h in (reader.fieldnames or []) if h is not None and h.strip()]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ClaimError(f"{name}: line 1: missing column(s) {', '.join(missing)} (header case_id,code,units,modifiers)")
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise ClaimError(f"{name}: line 1: column {duplicated[0]} given twice")
    reader.fieldnames = header
    for row in reader:
        lineno = reader.line_num
        case_id = (row.get("case_id") or "").strip()
        if not case_id:
            raise ClaimError(f"{name}: line {lineno}: case_id is empty")
        if row.get("code") is None:
            raise ClaimError(f"{name}: line {lineno}: missing value for code")
        try:
            line = ClaimLine(code=row["code"], units=row.get("units"), modifiers=row.get("modifiers") or "")
            day = (row.get("date_of_service") or "").strip() or None
            checked = Claim(date_of_service=day, diagnoses=row.get("diagnoses") or "")
        except ValidationError as exc:
            raise ClaimError(f"{name}: line {lineno}: {_explain(exc)}") from None
        yield ClaimPart(case_id, [line], day, list(checked.diagnoses), False)


def iter_claim_parts(path: str | Path) -> Iterator[ClaimPart]:
    """Stream a claims file: JSON, JSONL, CSV, X12 837P or FHIR R4 Claim / Bundle, told apart by
    content. CSV and JSONL are read line by line; the others are read whole."""
    whole_ids: set[str] = set()
    for part in _claim_parts(Path(path)):
        if part.whole:
            if part.case_id in whole_ids:
                raise ClaimError(f"{path}: duplicate case id {part.case_id!r}")
            whole_ids.add(part.case_id)
        yield part


def _whole(claim: Claim) -> ClaimPart:
    day = claim.date_of_service.isoformat() if claim.date_of_service else None
    return ClaimPart(claim.case_id or "", list(claim.lines), day, list(claim.diagnoses), True)


def _claim_parts(path: Path) -> Iterator[ClaimPart]:
    if not path.is_file():
        raise ClaimError(f"{path}: no such claim file")
    name = str(path)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            head = fh.read(4096)
            if not head.strip():
                raise ClaimError(f"{name}: claim file is empty")
            fh.seek(0)
            from . import claims_x12

            if claims_x12.looks_like(head):
                yield from map(_whole, claims_x12.read(fh.read(), name))
            elif head.lstrip()[:1] in "[{":
                yield from _json_parts(fh, name, path.suffix.lower() in (".jsonl", ".ndjson"))
            else:
                yield from _csv_rows(fh, name)
    except UnicodeDecodeError:
        raise ClaimError(f"{name}: not UTF-8 text") from None
    except csv.Error as exc:
        raise ClaimError(f"{name}: not a readable CSV file ({exc})") from None
    except RecursionError:
        raise ClaimError(f"{name}: nested too deeply to be a claim") from None
    except OSError as exc:
        raise ClaimError(f"{name}: cannot read ({exc.strerror or exc})") from None


def _json_parts(fh, name: str, lines: bool) -> Iterator[ClaimPart]:
    """A JSON document (our claim, a list of them, {"cases": [...]}, or FHIR), or JSON Lines."""
    if lines:
        yield from (_whole(c) for _, c in _jsonl_claims(fh, name))
        return
    text = fh.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise ClaimError(f"{name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        yield from (_whole(c) for _, c in _jsonl_claims(text.splitlines(), name))  # one object per line
        return
    if isinstance(data, dict) and data.get("resourceType") in FHIR_RESOURCE_TYPES:
        from . import claims_fhir  # fhir.resources takes a third of a second to import: only when needed

        yield from map(_whole, claims_fhir.read(data, name))
    else:
        yield from (_whole(c) for _, c in _json_claims(data, name))


def load_claims(path: str | Path) -> dict[str, Claim]:
    """All claims of a claims file (any format iter_claim_parts reads), keyed by case id."""
    lines: dict[str, list[ClaimLine]] = {}
    dates: dict[str, str | None] = {}
    diagnoses: dict[str, list[str]] = {}
    for part in iter_claim_parts(path):
        lines.setdefault(part.case_id, []).extend(part.lines)
        dates[part.case_id] = part.date_of_service or dates.get(part.case_id)
        known = diagnoses.setdefault(part.case_id, [])
        known.extend(d for d in part.diagnoses if d not in known)
    claims = {}
    for case_id, case_lines in lines.items():
        try:
            claims[case_id] = Claim(case_id=case_id or None, lines=case_lines, date_of_service=dates[case_id],
                                    diagnoses=diagnoses[case_id])
        except ValidationError as exc:
            raise ClaimError(f"{path}: case {case_id}: {_explain(exc)}") from None
    return claims


def select_claim(claims: dict[str, Claim], case_id: str | None, name: str) -> Claim:
    """The claim of case_id, or the only claim in the file."""
    if case_id is not None:
        if case_id not in claims:
            raise ClaimError(f"{name}: no claim for case id {case_id!r}")
        return claims[case_id]
    if len(claims) == 1:
        return next(iter(claims.values()))
    raise ClaimError(f"{name}: {len(claims)} cases in the file; choose one with --case-id")
