import pytest

from opnote_check.levels import LevelGrammar
from opnote_check.patterns import load_patterns


@pytest.fixture(scope="module")
def grammar():
    return LevelGrammar(load_patterns().lexicon)


@pytest.mark.parametrize(
    "text, interspaces",
    [
        ("L4-L5", ("L4-L5",)),
        ("L4-5", ("L4-L5",)),
        ("L4/5", ("L4-L5",)),
        ("L4 5", ("L4-L5",)),
        ("L45", ("L4-L5",)),
        ("L5-S1", ("L5-S1",)),
        ("L5/S1", ("L5-S1",)),
        ("L5 S1", ("L5-S1",)),
        ("L4\u2013L5", ("L4-L5",)),
        ("l4-5", ("L4-L5",)),
        ("el 4-5", ("L4-L5",)),
        ("L four five", ("L4-L5",)),
        ("L three four", ("L3-L4",)),
        ("fourth and fifth lumbar", ("L4-L5",)),
        ("fifth lumbar and first sacral", ("L5-S1",)),
        ("L4 through S1", ("L4-L5", "L5-S1")),
        ("L3 to L5", ("L3-L4", "L4-L5")),
        ("L2 to the sacrum", ("L2-L3", "L3-L4", "L4-L5", "L5-S1")),
        ("L4-S1", ("L4-L5", "L5-S1")),
        ("T12-L1", ("T12-L1",)),
        ("T11-L1", ("T11-T12", "T12-L1")),
        ("L5-L6", ("L5-L6",)),
        ("L6-S1", ("L6-S1",)),
        # speech recognition puts a period after a spoken region letter
        ("el five S. one", ("L5-S1",)),
        ("L. four five", ("L4-L5",)),
    ],
)
def test_interspace_forms(grammar, text, interspaces):
    mention = grammar.parse(text)
    assert mention is not None and mention.kind == "interspace"
    assert mention.interspaces == interspaces


@pytest.mark.parametrize("text, vertebra", [("L4", "L4"), ("S1", "S1"), ("T12", "T12"), ("l5", "L5"), ("L-4", "L4")])
def test_single_vertebra(grammar, text, vertebra):
    mention = grammar.parse(text)
    assert mention.kind == "vertebra" and mention.vertebrae == (vertebra,) and mention.interspaces == ()


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("the left L5 root was compressed", ["root"]),
        ("left L5 and S1 radiculopathy", ["root", "root"]),
        ("both L4 roots were free", ["root"]),
        ("the exiting L4 nerve root", ["root"]),
        ("an L5 distribution", ["root"]),
        ("screws at L4, L5 and S1", ["vertebra", "vertebra", "vertebra"]),
    ],
)
def test_roots_are_not_levels(grammar, text, kinds):
    assert [m.kind for m in grammar.scan(text)] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "T2-weighted images",
        "150 mL of saline",
        "a 6.5 mm screw",
        "C5-C6 anterior discectomy",
        "L1evels",
        "s/p fusion",
        "the slope was 45 degrees",
    ],
)
def test_not_a_level(grammar, text):
    assert list(grammar.scan(text)) == []


def test_screw_size_after_vertebra_is_not_an_interspace(grammar):
    mentions = list(grammar.scan("screws at L4 6.5 x 45 mm"))
    assert [(m.kind, m.text) for m in mentions] == [("vertebra", "L4")]


def test_offsets_index_the_text(grammar):
    text = "Decompression at L4-5 and L5/S1, then L three four."
    for m in grammar.scan(text):
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    "text, vertebrae",
    [
        ("the undersurface of 4 was undercut", [("L4",)]),
        ("the inferior facet of four on each side", [("L4",)]),
        ("the lamina of 5 was thinned", [("L5",)]),
    ],
)
def test_bare_lumbar_numbers_after_lamina_words(grammar, text, vertebrae):
    found = [m for m in grammar.scan(text)]
    assert [m.vertebrae for m in found] == vertebrae and all(m.kind == "vertebra" for m in found)
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    "text",
    [
        "the undersurface of 4 mm of bone",  # a measure, not a vertebra
        "S. Smith 4 assisted",  # an initial, not a spoken region letter
        "a lamina of 12 cm",
    ],
)
def test_bare_numbers_that_are_not_vertebrae(grammar, text):
    assert list(grammar.scan(text)) == []


# Round 12: a second region letter glued to the first number ---------------------------------------
@pytest.mark.parametrize(
    "text, interspaces",
    [("L5S1", ("L5-S1",)), ("L4L5", ("L4-L5",)), ("T12L1", ("T12-L1",)), ("at L5S1.", ("L5-S1",)),
     ("PLIF L45 and L5S1", ("L4-L5", "L5-S1"))],
)
def test_glued_region_letters(grammar, text, interspaces):
    found = tuple(i for m in grammar.scan(text) if m.kind == "interspace" for i in m.interspaces)
    assert found == interspaces


@pytest.mark.parametrize("text", ["L5S1a", "L4S", "MRN L5S1X2"])
def test_glued_letters_that_are_no_level(grammar, text):
    assert not [m for m in grammar.scan(text) if m.kind == "interspace"]
