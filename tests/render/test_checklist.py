"""render/checklist.py: per level, the elements a 63052/63053 claim needs, and the query for what is missing."""

import pytest

from opnote_check.render.checklist import all_queries, checklist

CASES = [
    # every element present: no query
    ("PROCEDURES: Left TLIF L4-L5.\nDESCRIPTION: A left L4-L5 laminotomy was made; the L5 root was compressed by thick flavum.",
     "L4-L5", set(), None),
    # technique and finding missing at a fused level
    ("PROCEDURES: Left TLIF L4-L5 and L5-S1.\nDESCRIPTION: A left L4-L5 laminotomy was made; the L5 root was compressed by "
     "thick flavum. L5-S1 was decompressed on the left.", "L5-S1", {"technique", "finding"},
     "At L5-S1, please document the decompression technique performed (laminectomy, laminotomy, facetectomy or foraminotomy) "
     "and the intraoperative finding that required the decompression (e.g. hypertrophied ligamentum flavum compressing the root)."),
    # must NOT ask the surgeon about a level that is simply not fused (a billing matter, not a query)
    ("PROCEDURES: Left TLIF L4-L5.\nDESCRIPTION: A left L4-L5 laminotomy for a compressed L5 root. A right L3-L4 laminotomy "
     "for a compressed L4 root; L3-L4 was not fused.", "L3-L4", {"fused"}, None),
]


@pytest.mark.parametrize("note, interspace, missing, query", CASES)
def test_level_checklist(report_of, note, interspace, missing, query):
    levels = {level.interspace: level for level in checklist(report_of(note))}
    level = levels[interspace]
    assert {e.key for e in level.elements if not e.ok} == missing
    assert level.query == query


def test_all_queries_is_one_block(report_of):
    note = ("PROCEDURES: TLIF L4-L5 and L5-S1.\nDESCRIPTION: L4-L5 was decompressed. L5-S1 was decompressed on the right.")
    block = all_queries(checklist(report_of(note)), "C-17")
    lines = block.splitlines()
    assert lines[0] == "Documentation query, operative note C-17:" and len(lines) == 3
    assert lines[1].startswith("- At L4-L5, please document the decompression technique") and "the side decompressed" in lines[1]
    assert all_queries([]) == ""
