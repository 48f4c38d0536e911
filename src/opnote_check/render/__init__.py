"""Renderers: the same report as text (rich), JSON or one self-contained HTML file."""

from __future__ import annotations

VERDICT_WORDS = {"documented": "documented", "needs_query": "needs query", "not_billable": "not billable"}


def usd(amount: float) -> str:
    """Medicare national amounts as every renderer shows them: $1,234.50."""
    return f"${amount:,.2f}"


def verdict_text(verdict: str, reasons: list[str]) -> str:
    """'needs query: no side stated' — the words every renderer shows for a segment's verdict."""
    words = VERDICT_WORDS[verdict]
    return f"{words}: {'; '.join(reasons)}" if reasons else words


def lines_text(lines) -> str:
    return ", ".join(f"{l.code} x{l.units}" for l in lines)


def billed_text(line) -> str:
    """'63053x2 $409.50 ($204.75 at risk)'."""
    text = f"{line.spec()} {usd(line.amount)}"
    return text + (f" ({usd(line.amount_at_risk)} at risk)" if line.amount_at_risk else "")
