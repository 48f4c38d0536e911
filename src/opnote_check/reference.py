"""The CMS reference tables in patterns/reference/: one file per PFS release (RVUs, payment
indicators, conversion factors) and one per NCCI quarter (add-on primaries, PTP pairs, MUEs), each
with the dates it is in force. A claim is checked against the tables covering its date of service;
a site adds a newer table by dropping a file into its --patterns folder, no code changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .models import ReferenceTable
from .patterns import PatternError, packaged_dir

ADDON_CODES = ("63052", "63053")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Table(_Model):
    kind: str
    release: str
    title: str
    effective_from: date
    effective_to: date
    description: str = ""
    sources: dict[str, str]

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.effective_to < self.effective_from:
            raise ValueError(f"effective_to {self.effective_to} is before effective_from {self.effective_from}")
        return self

    def covers(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to

    def span(self) -> str:
        return f"{self.effective_from} to {self.effective_to}"

    def _check_sources(self, named: list[tuple[str, str]]) -> None:
        for where, source in named:
            if source not in self.sources:
                raise ValueError(f"{where}: source {source!r} is not listed in 'sources'")


class PfsCode(_Model):
    """One code's row of the PFS relative value file (facility, national)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    status: str  # A active, B bundled (never paid separately), R restricted ...
    global_: str = Field(alias="global")  # "global" is a Python keyword
    work: float | None
    pe: float | None = None
    mp: float | None = None
    total: float | None
    mult_proc: int | None = None
    bilateral: int | None = None
    assistant: int | None = None
    co_surgeon: int | None = None
    team: int | None = None
    source: str
    indicators_source: str | None = None
    note: str | None = None

    @property
    def paid_separately(self) -> bool:
        return self.status != "B" and self.total is not None


class ConversionFactor(_Model):
    non_qp: float
    qp: float
    source: str


class PfsTable(_Table):
    kind: Literal["pfs"]
    conversion_factor: ConversionFactor
    codes: dict[str, PfsCode]

    @model_validator(mode="after")
    def _sources_named(self):
        named = [("conversion_factor", self.conversion_factor.source)]
        named += [(f"codes.{k}", v.source) for k, v in self.codes.items()]
        named += [(f"codes.{k}", v.indicators_source) for k, v in self.codes.items() if v.indicators_source]
        self._check_sources(named)
        return self


class AddonPrimaries(_Model):
    primaries: list[str]
    source: str


class Mue(_Model):
    units: int
    mai: int
    source: str


class PtpEdit(_Model):
    column1: list[str]
    column2: list[str]
    modifier_indicator: Literal[0, 1, 9]
    rule: str
    source: str


class NcciTable(_Table):
    kind: Literal["ncci"]
    addon_primaries: dict[str, AddonPrimaries]
    mue: dict[str, Mue]
    ptp: list[PtpEdit]
    ncci_modifiers: list[str]

    @model_validator(mode="after")
    def _sources_named(self):
        named = [(f"addon_primaries.{k}", v.source) for k, v in self.addon_primaries.items()]
        named += [(f"mue.{k}", v.source) for k, v in self.mue.items()]
        named += [(f"ptp.{i}", e.source) for i, e in enumerate(self.ptp)]
        self._check_sources(named)
        if "63052" not in self.addon_primaries:
            raise ValueError("addon_primaries: 63052 is required")
        return self


class DiagnosisFamily(_Model):
    id: str
    code: str  # a claim code matches when it starts with this (dotted form, M48.06)
    label: str
    source: str
    invalid_from: date | None = None

    def matches(self, code: str) -> bool:
        return code.startswith(self.code)


class DiagnosisTable(_Model):
    """ICD-10-CM families for the diagnosis rule: the compression diagnoses, and codes no longer valid."""

    kind: Literal["diagnoses"]
    version: str
    description: str = ""
    sources: dict[str, str]
    compression: list[DiagnosisFamily]
    invalid: list[DiagnosisFamily]

    @model_validator(mode="after")
    def _sources_named(self):
        for family in [*self.compression, *self.invalid]:
            if family.source not in self.sources:
                raise ValueError(f"{family.id}: source {family.source!r} is not listed in 'sources'")
        return self

    def compression_family(self, code: str) -> DiagnosisFamily | None:
        return next((f for f in self.compression if f.matches(code)), None)

    def invalid_on(self, code: str, day: date) -> DiagnosisFamily | None:
        """The family that makes this exact code invalid on day (a truncated code, not its children)."""
        return next((f for f in self.invalid if code == f.code and f.invalid_from and day >= f.invalid_from), None)


@dataclass(frozen=True)
class Reference:
    """The tables in force on one date of service, as the rules read them."""

    pfs: PfsTable
    ncci: NcciTable
    date_of_service: date
    diagnoses: DiagnosisTable
    qp: bool = False

    @property
    def release(self) -> str:
        return f"{self.pfs.release} / {self.ncci.release}"

    @property
    def conversion_factor(self) -> float:
        return self.pfs.conversion_factor.qp if self.qp else self.pfs.conversion_factor.non_qp

    @property
    def payment_basis(self) -> str:
        return "national, facility, " + ("qualifying APM participant" if self.qp else "non-qualifying APM")

    @property
    def addon_codes(self) -> tuple[str, ...]:
        return ADDON_CODES

    @property
    def interbody_primaries(self) -> list[str]:
        return self.ncci.addon_primaries["63052"].primaries

    @property
    def addon_primaries(self) -> dict[str, AddonPrimaries]:
        return self.ncci.addon_primaries

    @property
    def mue(self) -> dict[str, Mue]:
        return self.ncci.mue

    @property
    def ptp(self) -> list[PtpEdit]:
        return self.ncci.ptp

    @property
    def ncci_modifiers(self) -> list[str]:
        return self.ncci.ncci_modifiers

    def amount(self, code: str, units: int = 1) -> float:
        """Medicare national amount for units of code: facility total RVU x conversion factor,
        0.0 for a code never paid separately (status B) or not in the table."""
        row = self.pfs.codes.get(code)
        if row is None or not row.paid_separately:
            return 0.0
        return round(round(row.total * self.conversion_factor, 2) * units, 2)

    def tables(self) -> list[ReferenceTable]:
        """What the report's provenance names: which table, and when it is in force."""
        return [
            ReferenceTable(kind=t.kind, release=t.release, effective_from=t.effective_from, effective_to=t.effective_to)
            for t in (self.pfs, self.ncci)
        ]

    def coverage_problems(self) -> list[str]:
        """Why the tables do not fit the date of service (empty when they do)."""
        day, problems = self.date_of_service, []
        if not self.pfs.covers(day):
            problems.append(
                f"no fee schedule table covers {day}: amounts are from {self.pfs.release} ({self.pfs.span()})"
            )
        if day > self.ncci.effective_to:
            problems.append(
                f"the NCCI edits loaded ({self.ncci.release}, {self.ncci.span()}) are older than the date of service "
                f"{day}: edits added or deleted since are not checked"
            )
        elif day < self.ncci.effective_from:
            problems.append(
                f"no NCCI table covers {day}: the edits checked are {self.ncci.release} ({self.ncci.span()})"
            )
        return problems


@dataclass(frozen=True)
class ReferenceLibrary:
    """Every loaded table; `on(day)` picks the ones in force on a date of service."""

    pfs: tuple[PfsTable, ...]
    ncci: tuple[NcciTable, ...]
    diagnoses: DiagnosisTable

    def on(self, day: date | None = None, qp: bool = False) -> Reference:
        day = day or date.today()
        return Reference(
            pfs=_pick(self.pfs, day), ncci=_pick(self.ncci, day), date_of_service=day, diagnoses=self.diagnoses, qp=qp
        )

    def tables(self) -> list[_Table]:
        return sorted([*self.pfs, *self.ncci], key=lambda t: (t.kind, t.effective_from))


def _pick(tables, day: date):
    """The table covering day (the latest-starting one if several); else the newest one that
    started before it; else the earliest one."""
    covering = [t for t in tables if t.covers(day)]
    if covering:
        return max(covering, key=lambda t: t.effective_from)
    earlier = [t for t in tables if t.effective_from <= day]
    if earlier:
        return max(earlier, key=lambda t: t.effective_to)
    return min(tables, key=lambda t: t.effective_from)


def _load_table(path: Path) -> PfsTable | NcciTable | DiagnosisTable:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PatternError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(f"{path}: cannot read ({exc})") from None
    kind = data.get("kind") if isinstance(data, dict) else None
    model = {"pfs": PfsTable, "ncci": NcciTable, "diagnoses": DiagnosisTable}.get(kind)
    if model is None:
        raise PatternError(f"{path}: kind: expected 'pfs', 'ncci' or 'diagnoses', not {kind!r}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "table"
        raise PatternError(f"{path}: {where}: {err['msg'].removeprefix('Value error, ')}") from None


def load_reference(site_dir: Path | None = None) -> ReferenceLibrary:
    """The packaged tables, plus a site's `<patterns>/reference/*.json`; a site table with the
    release name of a packaged one replaces it."""
    folders = [packaged_dir() / "reference"]
    if site_dir is not None and (Path(site_dir) / "reference").is_dir():
        folders.append(Path(site_dir) / "reference")
    by_release: dict[tuple[str, str], PfsTable | NcciTable] = {}
    diagnoses: DiagnosisTable | None = None
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            table = _load_table(path)
            if isinstance(table, DiagnosisTable):
                diagnoses = table  # a site's list replaces the packaged one
            else:
                by_release[(table.kind, table.release)] = table
    pfs = tuple(t for t in by_release.values() if isinstance(t, PfsTable))
    ncci = tuple(t for t in by_release.values() if isinstance(t, NcciTable))
    if not pfs or not ncci or diagnoses is None:
        raise PatternError(f"{folders[-1]}: needs a 'pfs', an 'ncci' and a 'diagnoses' reference table (*.json)")
    return ReferenceLibrary(pfs=pfs, ncci=ncci, diagnoses=diagnoses)


@lru_cache(maxsize=4)
def get_reference(site_dir: str | None = None) -> ReferenceLibrary:
    return load_reference(Path(site_dir) if site_dir else None)
