import pytest

from opnote_check.notes import NoteError, decode_note, read_note


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"L4-5 laminotomy.", "L4-5 laminotomy."),
        (b"\xef\xbb\xbfL4-5 laminotomy.", "L4-5 laminotomy."),  # UTF-8 BOM dropped
        ("L4\u2013L5 \u201cfree\u201d".encode("utf-8"), "L4\u2013L5 \u201cfree\u201d"),
        (b"L4\x96L5 \x93free\x94", "L4\u2013L5 \u201cfree\u201d"),  # Windows-1252
        (b"caf\xe9 L4-5", "caf\u00e9 L4-5"),  # Latin-1 / cp1252
        (b"line one\r\nline two\r\n", "line one\r\nline two\r\n"),  # CRLF kept: offsets stay true
    ],
)
def test_decodes_and_keeps_text(data, expected):
    assert decode_note(data) == expected


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\t  \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "control characters"),
    ],
)
def test_bad_notes_are_one_line_errors(data, reason):
    with pytest.raises(NoteError) as info:
        decode_note(data, "n.txt")
    message = str(info.value)
    assert reason in message and "n.txt" in message and "\n" not in message


def test_size_cap():
    with pytest.raises(NoteError, match="over the"):
        decode_note(b"a" * 2_000, max_bytes=1_000)


def test_read_note_from_path_and_errors(tmp_path):
    note = tmp_path / "case-7.txt"
    note.write_bytes(b"Right L5-S1 laminotomy.")
    assert read_note(str(note)) == ("case-7", "Right L5-S1 laminotomy.")
    with pytest.raises(NoteError, match="no such file"):
        read_note(str(tmp_path / "missing.txt"))
    with pytest.raises(NoteError, match="is a folder"):
        read_note(str(tmp_path))
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5_000_000)
    with pytest.raises(NoteError, match="5,000,000 bytes"):
        read_note(str(big))
