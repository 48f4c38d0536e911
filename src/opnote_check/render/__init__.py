"""Renderers: the same report as text (rich), JSON or one self-contained HTML file."""
