"""One self-contained HTML file: the gaps (each linked to its evidence), the per-interspace table
and the note with every extracted span highlighted by kind (templates/report.html). No external
assets; every piece of note text is escaped (here by html.escape, in the template by Jinja)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from ..models import Report
from .jinja import asset, render, script_hash

KIND_LABELS = {
    "level": "level",
    "technique": "technique",
    "side": "laterality",
    "finding": "finding",
    "arthrodesis": "arthrodesis",
    "decompression": "decompression (no technique)",
    "negated": "negated",
    "historical": "historical",
    "hypothetical": "planned / hypothetical",
}


def _span_id(start: int, end: int) -> str:
    return f"s{start}-{end}"


def highlight_note(note: str, report: Report) -> str:
    """The note as escaped HTML with <mark> elements for every span (innermost span wins)."""
    intervals: dict[tuple[int, int], tuple[str, str, str]] = {}
    for m in report.spans:
        if 0 <= m.start < m.end <= len(note):
            title = f"{m.kind}{': ' + m.value if m.value else ''} ({m.status})"
            if m.explanation is not None:
                title += " \u2014 " + m.explanation.describe(m.status)
            intervals[(m.start, m.end)] = (m.kind, m.status, title)
    for gap in report.gaps:
        for ev in gap.evidence:
            if 0 <= ev.start < ev.end <= len(note):
                intervals.setdefault((ev.start, ev.end), ("evidence", "affirmed", f"evidence for {gap.rule}"))
    bounds = sorted({0, len(note)} | {b for iv in intervals for b in iv})
    starts: dict[int, list[tuple[int, int]]] = {}
    for iv in intervals:
        starts.setdefault(iv[0], []).append(iv)
    active: list[tuple[int, int]] = []
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:]):  # a sweep: the intervals covering [a, b) are the active ones
        active = [iv for iv in active if iv[1] > a] + starts.get(a, [])
        text = escape(note[a:b])
        if not active:
            out.append(text)
            continue
        inner = min(active, key=lambda iv: iv[1] - iv[0])
        kind, status, title = intervals[inner]
        ids = " ".join(_span_id(*iv) for iv in active)
        anchor = max((iv for iv in active if iv[0] == a), key=lambda iv: iv[1] - iv[0], default=None)
        id_attr = f' id="{_span_id(*anchor)}"' if anchor else ""
        out.append(
            f'<mark class="{escape(kind)} {escape(status)}"{id_attr} data-s="{ids}" title="{escape(title)}">{text}</mark>'
        )
    return "".join(out)


def render_html(report: Report, note: str | None, back: str | None = None) -> str:
    """The report as one self-contained page; `back` links a batch's case page to its report."""
    script = asset("report.js")
    return render(
        "report.html",
        report=report,
        note=note,
        highlighted=Markup(highlight_note(note, report)) if note is not None else None,
        legend=list(KIND_LABELS.items()),
        back=back,
        css=asset("report.css"),
        script=script,
        script_hash=script_hash(str(script)),
    )


def render_page_result(report: Report, note: str) -> str:
    """The scribe page's result (templates/page_result.html): the per-level checklist with the
    queries to the surgeon, the claim lines with their dollars, the gaps and the highlighted note."""
    from .checklist import all_queries, checklist

    levels = checklist(report)
    return render(
        "page_result.html",
        report=report,
        levels=levels,
        queries=all_queries(levels, report.case_id),
        highlighted=Markup(highlight_note(note, report)),
        legend=list(KIND_LABELS.items()),
    )
