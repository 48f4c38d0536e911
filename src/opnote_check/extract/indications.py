"""Stage 6b: the pathology the note names, per interspace (diagnosis, indications, findings,
imaging), for the rule that asks every treated level to have an indication."""

from __future__ import annotations

from ..models import Indication
from .mentions import MentionTable, Record

PATHOLOGY_KINDS = ("FINDING", "PATHOLOGY")
# a pathology the note names as present, seen now or on imaging; not a denial, a plan or a history
NAMED_AS_PRESENT = ("affirmed", "imaging", "state")


def indications(table: MentionTable, mentions: list[Record]) -> list[Indication]:
    """One Indication per pathology mention and interspace: its own resolved levels, else the
    interspaces named in its sentence, else the lumbar spine as a whole (interspace None)."""
    found: list[Indication] = []
    for m in mentions:
        if m.kind not in PATHOLOGY_KINDS or m.status not in NAMED_AS_PRESENT:
            continue
        levels = m.levels or _sentence_interspaces(table, m)
        evidence = m.evidence("indication")
        found.extend(Indication(interspace=isp, evidence=evidence) for isp in levels or (None,))
    return found


def _sentence_interspaces(table: MentionTable, m: Record) -> tuple[str, ...]:
    sentence = table.sentences[m.sent]
    return tuple(
        isp for l in sentence.mentions if l.kind == "LEVEL" and l.level is not None for isp in l.level.interspaces
    )
