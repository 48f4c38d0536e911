"""Text output for a person: the per-interspace table, then what the note supports."""

from __future__ import annotations

import re

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..models import Extraction
from . import billed_text, lines_text, usd, verdict_text

MISSING = Text("missing", style="bold red")
VERDICT_STYLE = {"documented": "green", "needs_query": "bold yellow", "not_billable": "yellow"}


def interspace_table(extraction: Extraction, title: str | None = None) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", expand=False)
    for column in ("Interspace", "Fused", "Techniques", "Side", "Findings", "Verdict"):
        table.add_column(column)
    for seg in extraction.segments:
        table.add_row(
            Text(seg.interspace + (" *" if seg.level_from_vertebra else ""), style="bold"),
            "fused" if seg.fused else "not fused",
            (", ".join(seg.techniques) + ("" if seg.technique_named else " (access only)")) if seg.techniques else MISSING,
            seg.laterality or MISSING,
            "; ".join(seg.findings) if seg.findings else MISSING,
            Text(verdict_text(seg.verdict, seg.reasons), style=VERDICT_STYLE[seg.verdict]),
        )
    return table


def words(value: str) -> str:
    """An enum spelling as words: 'combined_posterolateral_interbody' -> 'combined posterolateral interbody'."""
    return value.replace("_", " ")


def summary_lines(extraction: Extraction) -> list[Text]:
    a = extraction.arthrodesis
    lines = []
    fused = ", ".join(a.interspaces) if a.interspaces else "none"
    approach = f", approach from the {a.approach_side}" if a.approach_side else ""
    lines.append(Text.assemble(("Arthrodesis: ", "bold"), f"{words(a.technique)}; posterior interbody at {fused}{approach}"))
    session = extraction.same_session
    lines.append(Text.assemble(("Same session: ", "bold"), words(session.status) + (" (staged)" if session.staged else "")))
    if extraction.co_surgeon.documented:
        lines.append(Text.assemble(("Co-surgeon: ", "bold"), "documented"))
    supported = lines_text(extraction.supported_lines) or "no 63052/63053 units"
    documented = lines_text(extraction.documented_lines) or "none"
    as_written = f" (as written: {documented})" if extraction.documented_lines != extraction.supported_lines else ""
    lines.append(Text.assemble(("Note supports: ", "bold"), supported + as_written))
    if any(s.level_from_vertebra for s in extraction.segments):
        lines.append(Text("* level read from vertebra names (e.g. 'L4 and L5 laminectomies'); confirm the interspace", style="dim"))
    if extraction.unattributed_decompression:
        quoted = "; ".join(f"“{e.text}” @{e.start}" for e in extraction.unattributed_decompression[:4])
        lines.append(Text.assemble(("Decompression with no level: ", "bold yellow"), quoted))
    return lines


def print_extraction(extraction: Extraction, console: Console, title: str | None = None) -> None:
    if extraction.segments:
        console.print(interspace_table(extraction, title))
    else:
        console.print(Text("No decompressed interspace documented in this operation.", style="yellow"))
    for line in summary_lines(extraction):
        console.print(line)


SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow"}


def _indented(text: Text, by: int) -> Padding:
    """Wrapped lines stay under their gap."""
    return Padding(text, (0, 0, 0, by))


def evidence_line(note: str, start: int, end: int, width: int = 60) -> Text:
    """'line 12: …the left L5-S1 «facet was taken down» to reach…': where the span is, in its line."""
    line_no = note.count("\n", 0, start) + 1
    line_start = note.rfind("\n", 0, start) + 1
    line_end = note.find("\n", end)
    line_end = len(note) if line_end == -1 else line_end
    before, span, after = note[line_start:start], note[start:end], note[end:line_end]
    room = max(10, (width - len(span)) // 2)
    if len(before) > room:  # cut at a word boundary
        cut = before[-room:]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut else cut)
    if len(after) > room:
        cut = after[:room]
        after = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    flat = lambda piece: re.sub(r"\s+", " ", piece)  # noqa: E731
    return Text.assemble((f"line {line_no}: ", "dim"), flat(before).lstrip(), ("«" + flat(span) + "»", "bold"), flat(after).rstrip())


def print_report(report, console: Console, title: str | None = None, note: str | None = None, verbose: bool = False) -> None:
    """The per-interspace table, then the gaps grouped by severity with evidence and fix. With the
    note, evidence reads as its line number and the line with the span marked (offsets are in the
    JSON); the first three spans of a gap unless verbose."""
    from ..models import Extraction

    if report.arthrodesis is not None:
        extraction = Extraction.model_validate(
            report.model_dump(include={"arthrodesis", "segments", "same_session", "co_surgeon", "supported_lines",
                                       "documented_lines", "unattributed_decompression", "vague_cues"})
        )
        print_extraction(extraction, console, title)
    if report.billed_lines is not None:
        billed = ", ".join(billed_text(l) for l in report.billed_lines) or "none (scribe mode)"
        console.print(Text.assemble(("Billed: ", "bold"), billed))
        if report.unbilled_lines:
            console.print(Text.assemble(("Supported, not billed: ", "bold yellow"),
                                        f"{lines_text(report.unbilled_lines)} ({usd(report.amount_unbilled)})"))
    console.print()
    if not report.gaps:
        console.print(Text("No gaps: the note supports the billed 63052/63053 lines.", style="bold green"))
        return
    shown = None if verbose else 3
    for severity in ("error", "warning"):
        gaps = [g for g in report.gaps if g.severity == severity]
        if not gaps:
            continue
        console.print(Text(f"{len(gaps)} {severity}{'s' if len(gaps) > 1 else ''}", style=SEVERITY_STYLE[severity]))
        for gap in gaps:
            where = f" [{gap.interspace}]" if gap.interspace else ""
            money = f"  ({usd(gap.amount_at_risk)} at risk)" if gap.amount_at_risk else ""
            console.print(_indented(Text.assemble((gap.rule, SEVERITY_STYLE[severity]), (where, "bold"), money), 2))
            console.print(_indented(Text(gap.message), 4))
            for ev in gap.evidence[:shown]:
                if note is not None and 0 <= ev.start < ev.end <= len(note):
                    console.print(_indented(evidence_line(note, ev.start, ev.end, max(40, console.width - 20)), 6))
                else:
                    console.print(_indented(Text(f"@{ev.start}-{ev.end} ({ev.section}): “{' '.join(ev.text.split())}”", style="dim"), 6))
            if shown is not None and len(gap.evidence) > shown:
                console.print(_indented(Text(f"… {len(gap.evidence) - shown} more span(s) (--verbose shows them)", style="dim"), 6))
            console.print(_indented(Text.assemble(("Fix: ", "bold cyan"), gap.fix), 4))
    footer(report, console)


def footer(report, console: Console) -> None:
    """The dollars, and the tables they come from."""
    prov = report.provenance
    if report.amount_at_risk:
        console.print(Text(f"Medicare national amount at risk (error gaps, each billed unit once): {usd(report.amount_at_risk)}", style="bold"))
    if report.amount_unbilled:
        console.print(Text(f"Supported but not billed: {usd(report.amount_unbilled)}", style="bold"))
    if report.billed_lines is not None and prov.conversion_factor:
        console.print(Text(f"Amounts: {prov.payment_basis}, CF {prov.conversion_factor}; tables {prov.reference_release} for {prov.date_of_service}", style="dim"))
