"""The batch report: one self-contained page with totals, counts per rule, the amount at risk and
the cases with the most severe gaps first, each linked to its own report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

from . import VERDICT_WORDS, usd
from .html import CSS


@dataclass
class BatchTotals:
    cases: int = 0
    status: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    amount_at_risk: float = 0.0
    amount_unbilled: float = 0.0
    amount_billed: float = 0.0
    verdicts: Counter = field(default_factory=Counter)

    def add(self, row: dict) -> None:
        self.cases += 1
        self.status[row["status"]] += 1
        self.errors.update(row["errors"].split())
        self.warnings.update(row["warnings"].split())
        self.amount_at_risk += float(row["amount_at_risk"] or 0)
        self.amount_unbilled += float(row.get("amount_unbilled") or 0)
        self.amount_billed += float(row.get("amount_billed") or 0)
        self.verdicts.update(v.split("=", 1)[1] for v in (row.get("verdicts") or "").split() if "=" in v)


def render_batch_report(totals: BatchTotals, worst: list[dict]) -> str:
    status = " · ".join(f"{escape(k)}: {v}" for k, v in sorted(totals.status.items()))
    verdicts = ", ".join(f"{totals.verdicts[v]} {words}" for v, words in VERDICT_WORDS.items()) or "none"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>opnote-check batch report</title><style>{CSS}</style></head><body>",
        f"<header><h1>opnote-check batch: {totals.cases} cases</h1><div class='meta'>{status} · "
        f"billed {usd(totals.amount_billed)} · at risk (error gaps, each billed unit once) {usd(totals.amount_at_risk)} · "
        f"supported but not billed {usd(totals.amount_unbilled)} · levels: {verdicts}</div></header>",
        "<main><div><section><h2>Gaps per rule</h2><table><tr><th>Rule</th><th>Severity</th><th>Cases</th></tr>",
    ]
    for severity, counter in (("error", totals.errors), ("warning", totals.warnings)):
        for rule, n in counter.most_common():
            parts.append(f"<tr><td><b>{escape(rule)}</b></td><td><span class='pill {severity}'>{severity}</span></td><td>{n}</td></tr>")
    if not totals.errors and not totals.warnings:
        parts.append("<tr><td colspan='3'>No gaps.</td></tr>")
    parts.append("</table></section></div><div><section><h2>Cases, most severe first</h2>")
    parts.append("<table><tr><th>Case</th><th>Status</th><th>Errors</th><th>Warnings</th><th>At risk</th><th>Unbilled</th><th>Issue</th></tr>")
    for row in worst:
        case = escape(row["case_id"] or "")
        link = f"<a href='{escape(row['html'])}'>{case}</a>" if row["html"] else case
        parts.append(
            f"<tr><td>{link}</td><td>{escape(row['status'] or '')}</td><td>{escape(row['errors'])}</td>"
            f"<td>{escape(row['warnings'])}</td><td>{usd(float(row['amount_at_risk']))}</td>"
            f"<td>{usd(float(row.get('amount_unbilled') or 0))}</td><td>{escape(row['issue'])}</td></tr>"
        )
    if totals.cases > len(worst):
        parts.append(f"<tr><td colspan='7'>… {totals.cases - len(worst)} more in summary.csv</td></tr>")
    parts.append("</table></section></div></main><footer>Generated locally; nothing was sent off this machine.</footer></body></html>")
    return "".join(parts)
