"""opnote-check: per-level documentation checks of lumbar operative notes for CPT 63052/63053.

    from opnote_check import Checker
    report = Checker().check(note_text, claim=["22630", "63052"])
"""

__version__ = "0.1.0"
__all__ = ["Checker", "__version__"]


def __getattr__(name: str):
    if name == "Checker":  # imported on first use: `import opnote_check` stays light
        from .checker import Checker

        return Checker
    raise AttributeError(f"module 'opnote_check' has no attribute {name!r}")
