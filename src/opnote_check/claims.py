"""Claim input: `--line` specs, JSON and CSV claim files. Every mistake is a one-line ClaimError
that names the file, line and field."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .models import line_spec

CODE_RE = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4})$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")
LINE_SPEC_RE = re.compile(r"^(?P<code>[0-9A-Za-z]+?)(?P<mods>(?:-[0-9A-Za-z]+?)*)(?:[xX*](?P<units>[-+]?\d+))?$")


class ClaimError(ValueError):
    """A claim that cannot be used; one line naming the file, line and field."""


class ClaimLine(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
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
        if v is None:
            return []
        items = re.split(r"[\s;,]+", v.strip()) if isinstance(v, str) else list(v)
        mods = [str(m).strip().upper() for m in items if str(m).strip()]
        for m in mods:
            if not MODIFIER_RE.match(m):
                raise ValueError(f"{m!r} is not a two-character modifier")
        return mods

    def spec(self) -> str:
        return line_spec(self.code, self.modifiers, self.units)


class Claim(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    case_id: str | None = None
    date_of_service: date | None = None
    lines: list[ClaimLine] = []

    def units(self, *codes: str) -> int:
        return sum(line.units for line in self.lines if line.code in codes)

    def has(self, *codes: str) -> bool:
        return any(line.code in codes for line in self.lines)

    def lines_for(self, *codes: str) -> list[ClaimLine]:
        return [line for line in self.lines if line.code in codes]


def _explain(exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "value"
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


def claim_from_specs(specs: Iterable[str], case_id: str | None = None) -> Claim:
    return Claim(case_id=case_id, lines=[parse_line_spec(s) for s in specs])


def claim_from_object(obj, where: str) -> Claim:
    if not isinstance(obj, dict):
        raise ClaimError(f"{where}: a claim must be an object with 'lines'")
    if "lines" not in obj:
        raise ClaimError(f"{where}: missing field 'lines'")
    try:
        return Claim.model_validate(obj)
    except ValidationError as exc:
        raise ClaimError(f"{where}: {_explain(exc)}") from None


def _json_claims(text: str, name: str) -> Iterator[tuple[str, Claim]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClaimError(f"{name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(data, dict) and "cases" in data:
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


def _csv_rows(lines: Iterable[str], name: str) -> Iterator[tuple[str, ClaimLine, str | None]]:
    """(case_id, line, date_of_service) for each row; rows of one case may be anywhere."""
    reader = csv.DictReader(lines)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ClaimError(f"{name}: line 1: missing column(s) {', '.join(missing)} (header case_id,code,units,modifiers)")
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
        except ValidationError as exc:
            raise ClaimError(f"{name}: line {lineno}: {_explain(exc)}") from None
        yield case_id, line, (row.get("date_of_service") or "").strip() or None


def iter_claim_parts(path: str | Path) -> Iterator[tuple[str, list[ClaimLine], str | None, bool]]:
    """Stream a claims file as (case_id, lines, date_of_service, whole): `whole` for a JSON claim
    (a second claim of the same case is an error), not for a CSV row (rows of a case add up).
    CSV and JSONL are read line by line; a JSON document is read whole."""
    whole_ids: set[str] = set()
    for case_id, lines, day, whole in _claim_parts(Path(path)):
        if whole:
            if case_id in whole_ids:
                raise ClaimError(f"{path}: duplicate case id {case_id!r}")
            whole_ids.add(case_id)
        yield case_id, lines, day, whole


def _claim_parts(path: Path) -> Iterator[tuple[str, list[ClaimLine], str | None, bool]]:
    if not path.is_file():
        raise ClaimError(f"{path}: no such claim file")
    name = str(path)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            head = fh.read(4096)
            if not head.strip():
                raise ClaimError(f"{name}: claim file is empty")
            fh.seek(0)
            suffix = path.suffix.lower()
            if suffix in (".jsonl", ".ndjson"):
                for _, claim in _jsonl_claims(fh, name):
                    yield claim.case_id or "", list(claim.lines), _date(claim), True
            elif suffix == ".json" or head.lstrip()[:1] in "[{":
                for _, claim in _json_claims(fh.read(), name):
                    yield claim.case_id or "", list(claim.lines), _date(claim), True
            else:
                for case_id, line, day in _csv_rows(fh, name):
                    yield case_id, [line], day, False
    except UnicodeDecodeError:
        raise ClaimError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise ClaimError(f"{name}: cannot read ({exc.strerror or exc})") from None


def _date(claim: Claim) -> str | None:
    return claim.date_of_service.isoformat() if claim.date_of_service else None


def load_claims(path: str | Path) -> dict[str, Claim]:
    """All claims of a JSON, JSONL or CSV file, keyed by case id."""
    lines: dict[str, list[ClaimLine]] = {}
    dates: dict[str, str | None] = {}
    for case_id, case_lines, day, _ in iter_claim_parts(path):
        lines.setdefault(case_id, []).extend(case_lines)
        dates[case_id] = day or dates.get(case_id)
    claims = {}
    for case_id, case_lines in lines.items():
        try:
            claims[case_id] = Claim(case_id=case_id or None, lines=case_lines, date_of_service=dates[case_id])
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
