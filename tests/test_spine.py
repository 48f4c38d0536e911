"""Spine arithmetic: interspaces beside, above, below and between vertebrae."""

import pytest

from opnote_check.patterns import load_patterns
from opnote_check.spine import Spine


@pytest.fixture(scope="module")
def spine():
    lexicon = load_patterns().lexicon
    return Spine(lexicon.spine, lexicon.transitional)


def test_adjacent_and_between(spine):
    assert spine.adjacent_interspaces("L4") == ("L3-L4", "L4-L5")
    assert spine.adjacent_interspaces("L5") == ("L4-L5", "L5-S1")
    assert spine.adjacent_interspaces("L5", transitional=True) == ("L4-L5", "L5-L6")
    assert spine.between(("L5", "S1")) == ("L5-S1",)
    assert spine.between(("L3", "L5")) == ()
    assert spine.interspace_below("L4") == "L4-L5"
    assert spine.interspace_above("L4") == "L3-L4"
    assert spine.interspace_above(spine.vertebrae[0]) is None  # nothing above the first vertebra
    assert spine.interspace_below(spine.vertebrae[-1]) is None  # nothing below the last one


@pytest.mark.parametrize(
    "interspace, step, expected",
    [
        ("L4-L5", 1, "L5-S1"),
        ("L4-L5", -1, "L3-L4"),
        ("L5-S1", -2, "L3-L4"),
        ("T12-L1", 1, "L1-L2"),
        ("L4-L5", 5, None),  # past the sacrum's interspaces
        ("X1-X2", 1, None),  # not a known interspace
    ],
)
def test_neighbour(spine, interspace, step, expected):
    assert spine.neighbour(interspace, step) == expected


@pytest.mark.parametrize(
    "first, last, expected",
    [("L3", "S1", ("L3-L4", "L4-L5", "L5-S1")), ("L4", "L5", ("L4-L5",)), ("L5", "L4", None), ("L4", "Q9", None)],
)
def test_span(spine, first, last, expected):
    assert spine.span(first, last) == expected


def test_order_and_ordered(spine):
    assert spine.ordered(["L5-S1", "L3-L4", "L5-S1"]) == ("L3-L4", "L5-S1")
    assert spine.order("nonsense") == len(spine.all_interspaces)


@pytest.mark.parametrize("interspace, lumbar", [("L4-L5", True), ("T12-L1", True), ("T11-T12", False), ("S1-S2", False)])
def test_is_lumbar(spine, interspace, lumbar):
    assert spine.is_lumbar_interspace(interspace) is lumbar
