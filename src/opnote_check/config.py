"""A site's settings, discovered like ruff's: `.opnote-check.toml`, or `[tool.opnote-check]` in a
`pyproject.toml`, in the working folder or the nearest folder above it.

    [tool.opnote-check]
    patterns = "site-patterns"          # relative to the file
    fail-on = "warning"
    select = ["NCCI_", "SEGMENT_COUNT_MISMATCH"]   # rule ids, or prefixes of them
    ignore = ["MICROSCOPE_NOT_PAYABLE"]
    severity = { LATERALITY_NOT_DOCUMENTED = "error" }

Command-line options win over the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class ConfigError(ValueError):
    """A settings file that cannot be used; one line naming the file."""


def check_rule_prefixes(ids) -> None:
    """ValueError for a select / ignore entry that names no rule."""
    from .rules import REGISTRY

    for rule_id in ids:
        if not any(r.startswith(rule_id) for r in REGISTRY):
            raise ValueError(f"{rule_id!r} is no rule id or prefix of one (opnote-check rules)")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    patterns: str | None = None
    fail_on: Literal["error", "warning", "never"] | None = Field(default=None, alias="fail-on")
    select: list[str] = []
    ignore: list[str] = []
    severity: dict[str, Literal["error", "warning"]] = {}

    @field_validator("select", "ignore")
    @classmethod
    def _known(cls, ids: list[str]) -> list[str]:
        check_rule_prefixes(ids)
        return ids

    @field_validator("severity")
    @classmethod
    def _known_rules(cls, severity: dict[str, str]) -> dict[str, str]:
        from .rules import REGISTRY

        for rule_id in severity:
            if rule_id not in REGISTRY:
                raise ValueError(f"{rule_id!r} is no rule id (opnote-check rules)")
        return severity


@dataclass(frozen=True)
class RuleSelection:
    """Which rules report, and at what severity (a site's choice)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)

    def keeps(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(i) for i in self.ignore)

    def __bool__(self) -> bool:
        return bool(self.select or self.ignore or self.severity)


@dataclass(frozen=True)
class Config:
    settings: Settings
    source: Path | None

    @property
    def patterns(self) -> str | None:
        if self.settings.patterns is None:
            return None
        base = self.source.parent if self.source else Path.cwd()
        return str((base / self.settings.patterns).resolve())

    def selection(self, select=(), ignore=()) -> RuleSelection:
        return RuleSelection(tuple(select) or tuple(self.settings.select),
                             tuple(self.settings.ignore) + tuple(ignore), dict(self.settings.severity))


def _read(path: Path, table: bool) -> Settings | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file ({exc})") from None
    if table:
        data = data.get("tool", {}).get("opnote-check")
        if data is None:
            return None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: {where + ': ' if where else ''}{err['msg']}") from None


def discover(start: Path | None = None, explicit: Path | None = None) -> Config:
    """The settings in force for a run started in `start` (default: the working folder)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such settings file")
        return Config(_read(explicit, explicit.name == "pyproject.toml") or Settings(), explicit)
    folder = (start or Path.cwd()).resolve()
    for here in (folder, *folder.parents):
        own = here / ".opnote-check.toml"
        if own.is_file():
            return Config(_read(own, False), own)
        project = here / "pyproject.toml"
        if project.is_file():
            settings = _read(project, True)
            if settings is not None:
                return Config(settings, project)
    return Config(Settings(), None)
