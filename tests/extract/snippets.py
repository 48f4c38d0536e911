"""Shared helpers and note openings for the snippet tables of tests/extract/ (issue 8's classes)."""

ORDER = ["laminectomy", "laminotomy", "facetectomy", "foraminotomy"]
TLIF2 = "PROCEDURES:\n1. Left TLIF L4-L5 and L5-S1.\n\nDESCRIPTION OF PROCEDURE: "
TLIF3 = "PROCEDURES:\n1. TLIF L3-L4, L4-L5 and L5-S1.\n\nDESCRIPTION OF PROCEDURE: "


def techniques(extraction):
    return {s.interspace: s.techniques for s in extraction.segments}


def sides(extraction):
    return {s.interspace: s.laterality for s in extraction.segments}


def expect(mapping):
    return {k: sorted(v, key=ORDER.index) for k, v in mapping.items()}
