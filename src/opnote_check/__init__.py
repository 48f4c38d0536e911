"""opnote-check: per-level documentation checks of lumbar operative notes for CPT 63052/63053."""

__version__ = "0.1.0"
