"""The versioned CMS reference table in patterns/reference/ (add-on primaries, MUE, PFS
indicators, NCCI PTP pairs, RVUs and the conversion factor). A newer table drops in as a file."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .patterns import PatternError, packaged_dir


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddonPrimaries(_Model):
    primaries: list[str]
    source: str


class Mue(_Model):
    units: int
    mai: int
    source: str


class Indicators(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    status: str
    global_: str = Field(alias="global")  # "global" is a Python keyword
    mult_proc: int
    bilateral: int
    assistant: int
    co_surgeon: int
    team: int
    source: str


class PtpEdit(_Model):
    column1: list[str]
    column2: list[str]
    modifier_indicator: Literal[0, 1, 9]
    rule: str
    source: str


class Rvu(_Model):
    year: int
    work: float | None
    pe: float | None
    mp: float | None
    total: float
    national_amount: float
    source: str
    inferred: bool
    note: str | None = None


class ConversionFactor(_Model):
    year: int
    value: float
    source: str
    inferred: bool


class Reference(_Model):
    release: str
    description: str = ""
    sources: dict[str, str]
    conversion_factor: ConversionFactor
    interbody_primaries: list[str]
    addon_codes: list[str]
    addon_primaries: dict[str, AddonPrimaries]
    mue: dict[str, Mue]
    pfs_indicators: dict[str, Indicators]
    ptp: list[PtpEdit]
    ncci_modifiers: list[str]
    rvu: dict[str, Rvu]

    @model_validator(mode="after")
    def _sources_named(self) -> "Reference":
        named = [("addon_primaries", k, v.source) for k, v in self.addon_primaries.items()]
        named += [("mue", k, v.source) for k, v in self.mue.items()]
        named += [("rvu", k, v.source) for k, v in self.rvu.items()]
        named += [("ptp", str(i), e.source) for i, e in enumerate(self.ptp)]
        for table, key, source in named:
            if source not in self.sources:
                raise ValueError(f"{table}.{key}: source {source!r} is not listed in 'sources'")
        return self

    def amount(self, code: str, units: int = 1) -> float:
        """Medicare national amount for units of code (0.0 when the table has no value)."""
        rvu = self.rvu.get(code)
        return round(rvu.national_amount * units, 2) if rvu else 0.0


def load_reference(site_dir: Path | None = None) -> Reference:
    folder = packaged_dir() / "reference"
    if site_dir is not None and (Path(site_dir) / "reference").is_dir():
        folder = Path(site_dir) / "reference"
    files = sorted(folder.glob("*.json"))
    if not files:
        raise PatternError(f"{folder}: no reference table (*.json)")
    path = files[-1]  # file names sort by release, e.g. cms-2026.json after cms-2025.json
    try:
        return Reference.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise PatternError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise PatternError(f"{path}: {where}: {err['msg']}") from None


@lru_cache(maxsize=4)
def get_reference(site_dir: str | None = None) -> Reference:
    return load_reference(Path(site_dir) if site_dir else None)
