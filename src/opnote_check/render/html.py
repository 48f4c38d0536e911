"""One self-contained HTML file: the gaps (each linked to its evidence), the per-interspace table
and the note with every extracted span highlighted by kind. No external assets; every piece of
note text goes through html.escape."""

from __future__ import annotations

from html import escape

from ..models import Report
from . import billed_text, lines_text, usd, verdict_text

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:14px 24px}header h1{font-size:18px;margin:0}
header .meta{opacity:.8;font-size:13px;margin-top:4px}
main{display:grid;grid-template-columns:minmax(320px,1fr) minmax(320px,1.2fr);gap:20px;padding:20px 24px}
@media (max-width:900px){main{grid-template-columns:1fr}}
section{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:14px 18px}
h2{font-size:15px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef1f4;vertical-align:top}
td.missing{color:#b42318;font-weight:600}td.verdict.documented{color:#067647}td.verdict.needs_query{color:#b54708;font-weight:600}td.verdict.not_billable{color:#475467}.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
.pill.error{background:#fde8e7;color:#b42318}.pill.warning{background:#fff4d6;color:#8a5a00}.pill.pass{background:#e3f6e8;color:#17663a}
.scroll{overflow-x:auto}section{min-width:0}
.gap{border-left:4px solid #ccc;padding:6px 10px;margin:8px 0}.gap.error{border-color:#d92d20;background:#fff}.gap.warning{border-color:#f0a000;background:#fff}
.gap .fix{margin-top:4px}.gap .fix b{color:#0b5cab}.ev{font-size:13px;color:#475467}.ev a{color:#0b5cab}
pre.note{white-space:pre-wrap;font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0}
mark{background:none;border-radius:3px;padding:0 1px;color:inherit}
mark.level{background:#dbeafe}mark.root{background:#eef4ff}mark.technique{background:#c9f1d4}mark.decompression{background:#d5f5ef}
mark.side{background:#ece3ff}mark.finding{background:#ffe2c2}mark.arthrodesis,mark.device{background:#f1e2d0}
mark.prep{background:#e9ebee}mark.same_session,mark.staging,mark.cosurgeon{background:#fde2f0}mark.vague,mark.anaphor{background:#ffd9d9}
mark.evidence{outline:1px dashed #98a2b3}
mark.negated{text-decoration:line-through;opacity:.65}mark.historical{font-style:italic;text-decoration:underline dotted}
mark.hypothetical{text-decoration:underline dashed}mark.imaging,mark.instrumentation,mark.bone_source,mark.attestation,mark.state{opacity:.6}
mark.flash{animation:flash 1.6s ease-out 1;outline:2px solid #d92d20}
@keyframes flash{0%{background:#ffec3d}100%{}}
.legend mark{margin-right:6px;font-size:12px}
footer{font-size:12px;color:#667085;padding:0 24px 20px}
"""

SCRIPT = """
document.addEventListener('click',function(e){var a=e.target.closest('a[data-target]');if(!a)return;
var id=a.getAttribute('data-target');var els=document.querySelectorAll('[data-s~="'+id+'"]');
els.forEach(function(el){el.classList.remove('flash');void el.offsetWidth;el.classList.add('flash');});
if(els.length){e.preventDefault();els[0].scrollIntoView({behavior:'smooth',block:'center'});history.replaceState(null,'','#'+id);}});
"""

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


def _cell(value: str | None) -> str:
    return f"<td>{escape(value)}</td>" if value else '<td class="missing">missing</td>'


def render_html(report: Report, note: str | None) -> str:
    case = escape(report.case_id or "note")
    counts = {s: sum(1 for g in report.gaps if g.severity == s) for s in ("error", "warning")}
    status = (
        '<span class="pill pass">pass</span>'
        if not report.gaps
        else " ".join(f'<span class="pill {s}">{n} {s}{"s" if n != 1 else ""}</span>' for s, n in counts.items() if n)
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>opnote-check report: {case}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{case} {status}</h1><div class='meta'>",
    ]
    if report.amount_at_risk:
        parts.append(f"Medicare national amount at risk (error gaps, each billed unit once): {usd(report.amount_at_risk)} · ")
    if report.amount_unbilled:
        parts.append(f"supported but not billed: {usd(report.amount_unbilled)} · ")
    prov = report.provenance
    parts.append(
        f"opnote-check {escape(prov.tool_version)} · patterns {escape(prov.patterns_version)} · {escape(prov.reference_release)}</div></header><main><div>"
    )
    parts.append(_gaps_section(report))
    parts.append(_table_section(report))
    parts.append("</div>")
    if note is not None:
        legend = "".join(f'<mark class="{k}">{escape(v)}</mark>' for k, v in KIND_LABELS.items())
        parts.append(
            f"<section><h2>Note</h2><div class='legend'>{legend}</div><pre class='note'>{highlight_note(note, report)}</pre></section>"
        )
    parts.append("</main><footer>Evidence offsets are character positions in the note as given. ")
    parts.append("Generated locally; nothing was sent off this machine.</footer>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "".join(parts)


def _gaps_section(report: Report) -> str:
    if not report.gaps:
        return "<section><h2>Gaps</h2><p>No gaps: the note supports the billed lines.</p></section>"
    out = ["<section><h2>Gaps</h2>"]
    for gap in report.gaps:
        where = f" · {escape(gap.interspace)}" if gap.interspace else ""
        money = f" · {usd(gap.amount_at_risk)} at risk" if gap.amount_at_risk else ""
        out.append(f"<div class='gap {gap.severity}'><span class='pill {gap.severity}'>{gap.severity}</span> ")
        out.append(f"<b>{escape(gap.rule)}</b>{where}{money}<div>{escape(gap.message)}</div>")
        if gap.evidence:
            links = " · ".join(
                f"<a href='#{_span_id(e.start, e.end)}' data-target='{_span_id(e.start, e.end)}'>“{escape(e.text)}”</a>"
                for e in gap.evidence
            )
            out.append(f"<div class='ev'>Evidence: {links}</div>")
        out.append(f"<div class='fix'><b>Fix:</b> {escape(gap.fix)}</div></div>")
    out.append("</section>")
    return "".join(out)


def _table_section(report: Report) -> str:
    # the verdict comes first after the level: it is what a coder reads the row for
    out = ["<section><h2>Per interspace</h2><div class='scroll'><table><tr><th>Interspace</th><th>Verdict</th><th>Fused</th>"]
    out.append("<th>Techniques</th><th>Side</th><th>Findings</th></tr>")
    for s in report.segments:
        out.append(
            f"<tr><td><b>{escape(s.interspace)}</b></td>"
            + f"<td class='verdict {s.verdict}'>{escape(verdict_text(s.verdict, s.reasons))}</td>"
            + f"<td>{'fused' if s.fused else 'not fused'}</td>"
            + _cell(", ".join(s.techniques) + ("" if s.technique_named or not s.techniques else " (access only)"))
            + _cell(s.laterality)
            + _cell("; ".join(s.findings))
            + "</tr>"
        )
    if not report.segments:
        out.append("<tr><td colspan='6'>No decompressed interspace documented.</td></tr>")
    out.append("</table></div>")
    supported = lines_text(report.supported_lines) or "none"
    out.append(f"<p><b>Note supports:</b> {escape(supported)}")
    if report.documented_lines != report.supported_lines:
        out.append(f" (as written: {escape(lines_text(report.documented_lines) or 'none')})")
    if report.billed_lines is not None:
        billed = ", ".join(escape(billed_text(l)) for l in report.billed_lines) or "none (scribe mode)"
        out.append(f"<br><b>Billed:</b> {billed}")
        if report.unbilled_lines:
            out.append(f"<br><b>Supported, not billed:</b> {escape(lines_text(report.unbilled_lines))} ({usd(report.amount_unbilled)})")
        prov = report.provenance
        out.append(f"<br><small>Amounts: {escape(prov.payment_basis or '')}, CF {prov.conversion_factor}; "
                   f"tables {escape(prov.reference_release)} for {prov.date_of_service}</small>")
    if report.arthrodesis is not None:
        a = report.arthrodesis
        out.append(
            f"<br><b>Arthrodesis:</b> {escape(a.technique)}; posterior interbody at {escape(', '.join(a.interspaces) or 'none')}"
        )
    if report.same_session is not None:
        out.append(f"<br><b>Same session:</b> {escape(report.same_session.status)}")
    out.append("</p></section>")
    return "".join(out)
