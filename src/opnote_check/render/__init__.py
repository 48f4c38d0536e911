"""Renderers: the same report as text (rich), JSON or one self-contained HTML file."""


def usd(amount: float) -> str:
    """Medicare national amounts as every renderer shows them: $1,234.50."""
    return f"${amount:,.2f}"
