"""The JSON Schemas of the documents the tool reads and writes, from the pydantic models; the
same schemas are shipped as files beside this module (a test keeps them equal)."""

from __future__ import annotations

import json
from importlib.resources import files

SCHEMA_NAMES = ("report", "extraction", "claim")


def schema_of(name: str) -> dict:
    from ..claims import Claim
    from ..models import Extraction, Report

    model = {"report": Report, "extraction": Extraction, "claim": Claim}[name]
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://opnote-check.invalid/schemas/{name}.schema.json"
    return schema


def shipped(name: str) -> dict:
    return json.loads((files("opnote_check") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
