"""The one template engine of the HTML outputs (Jinja2, autoescaped): the single-note report,
the batch report and its per-case pages, from render/templates/."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import billed_text, lines_text, usd, verdict_text

TEMPLATES = files("opnote_check") / "render" / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=False, lstrip_blocks=False)
    env.filters["usd"] = usd
    env.globals.update(verdict_text=verdict_text, lines_text=lines_text, billed_text=billed_text)
    return env


@lru_cache(maxsize=None)
def asset(name: str) -> Markup:
    """A CSS or JS file of templates/, inlined as is (the pages are single self-contained files)."""
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script and no other."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
