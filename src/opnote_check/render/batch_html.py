"""The batch report: one self-contained page (templates/batch.html) with totals, gaps per rule
with dollars, and the cases ranked by dollars at risk, sortable and filterable in the page
(by rule, status, surgeon, date of service, amount), each linked to its own report."""

from __future__ import annotations

from . import VERDICT_WORDS
from .jinja import asset, render, script_hash


def render_batch_report(totals, rows) -> str:
    script = asset("batch.js")
    return render("batch.html", totals=totals, rows=rows, verdict_words=VERDICT_WORDS,
                  css=asset("report.css"), script=script, script_hash=script_hash(str(script)))
