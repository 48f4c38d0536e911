"""Header fields of the note (who operated), read from the headings that patterns/sections.json
marks with a `header_field`: the first non-empty line under the heading."""

from __future__ import annotations

from spacy.tokens import Doc

MAX_FIELD_CHARS = 80
TRIM = " \t:;,-"


def header_field(doc: Doc, name: str) -> str | None:
    """'SURGEON: Jane Roe, MD' -> 'Jane Roe, MD'; a heading alone on its line takes the next line."""
    for section in doc._.sections:
        rule = section.rule
        if rule is None or (rule.metadata or {}).get("header_field") != name:
            continue
        body = doc[section.body_start : section.body_end].text
        line = next((l.strip(TRIM) for l in body.splitlines() if l.strip(TRIM)), "")
        if line:
            return line[:MAX_FIELD_CHARS]
    return None
