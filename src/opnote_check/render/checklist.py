"""Per level, the elements a 63052/63053 claim needs (SPEC §1) as a checklist, and the query to the
surgeon for what is missing: the scribe page shows them with ticks and Copy buttons."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Report, Segment
from . import verdict_text

DOCUMENTED_SESSION = ("explicit", "implied")
ASK = {
    "technique": "the decompression technique performed (laminectomy, laminotomy, facetectomy or foraminotomy)",
    "side": "the side decompressed (left, right or bilateral)",
    "finding": "the intraoperative finding that required the decompression (e.g. hypertrophied ligamentum flavum compressing the root)",
    "session": "that the decompression was done in the same operative session as the interbody fusion",
}


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    ok: bool
    text: str


@dataclass(frozen=True)
class LevelChecklist:
    interspace: str
    verdict: str
    verdict_words: str
    elements: list[Element]
    query: str | None  # what to ask the surgeon, when the level needs a query


def _technique(s: Segment) -> Element:
    if s.techniques and s.technique_named:
        return Element("technique", "Technique", True, ", ".join(s.techniques))
    if s.techniques:
        return Element("technique", "Technique", False, f"only the {', '.join(s.techniques)} that opens the path for the cage")
    return Element("technique", "Technique", False, "no laminectomy, laminotomy, facetectomy or foraminotomy named")


def level_checklist(s: Segment, session_status: str | None) -> LevelChecklist:
    session_ok = session_status in DOCUMENTED_SESSION
    elements = [
        Element("level", "Level named", True, s.interspace + (" (from a vertebra)" if s.level_from_vertebra else "")),
        _technique(s),
        Element("side", "Side", bool(s.laterality), s.laterality or "no side stated"),
        Element("finding", "Intraoperative finding", bool(s.findings), "; ".join(s.findings) or "no intraoperative finding documented"),
        Element("fused", "Fused (posterior interbody)", s.fused,
                "posterior interbody fusion at this level" if s.fused
                else "not fused: bill 63047/63048 (or 63030/63035) with XS, not 63052/63053"),
        Element("session", "Same session as the fusion", session_ok,
                f"{session_status} in this note" if session_ok else "not documented"),
    ]
    query = None
    if s.verdict == "needs_query":
        missing = [ASK[e.key] for e in elements if not e.ok and e.key in ASK]
        if missing:
            asks = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
            query = f"At {s.interspace}, please document {asks}."
    return LevelChecklist(s.interspace, s.verdict, verdict_text(s.verdict, s.reasons), elements, query)


def checklist(report: Report) -> list[LevelChecklist]:
    status = report.same_session.status if report.same_session is not None else None
    return [level_checklist(s, status) for s in report.segments]


def all_queries(levels: list[LevelChecklist], case_id: str | None = None) -> str:
    """Every query as one block to paste into the EHR message to the surgeon."""
    queries = [level.query for level in levels if level.query]
    if not queries:
        return ""
    head = f"Documentation query, operative note{' ' + case_id if case_id else ''}:"
    return "\n".join([head, *(f"- {q}" for q in queries)])
