import pytest

from opnote_check.notes import NoteError, check_text, decode_note, note_from_bytes, read_note

from notefiles import docx_bytes, pdf_bytes, rtf_bytes


def pdf_bytes_of(text: str) -> bytes:
    return pdf_bytes(text.splitlines())


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


NOTE = "PROCEDURES: Left TLIF L4-L5.\nA left L4-L5 laminotomy for a compressed L5 root."


@pytest.mark.parametrize("suffix, make", [(".docx", docx_bytes), (".rtf", rtf_bytes), (".pdf", pdf_bytes_of), (".txt", str.encode)])
def test_every_note_format_reads_to_the_same_text(suffix, make):
    text = note_from_bytes(make(NOTE), "op" + suffix)
    assert [l.strip() for l in text.strip().splitlines()] == NOTE.splitlines()


@pytest.mark.parametrize(
    "suffix, data, reason",
    [
        (".docx", b"not a zip", "not a readable .docx"),
        (".rtf", b"plain words", "not an RTF file"),
        (".pdf", b"%PDF-1.4 broken", "not a readable PDF"),
        (".pdf", pdf_bytes([]), "no text layer"),
    ],
)
def test_broken_note_files_are_one_line_errors(suffix, data, reason):
    with pytest.raises(NoteError, match=reason):
        note_from_bytes(data, "op" + suffix)


def test_rtf_emoji_and_lone_surrogates_become_text():
    # Word writes an emoji as two \u escapes (a surrogate pair); a lone one is replaced, never an error
    rtf = b"{\\rtf1\\ansi\\pard Left TLIF L4-L5 \\u-10179?\\u-8704? done.\\par}"
    assert "\U0001f600" in note_from_bytes(rtf, "op.rtf")
    assert check_text("TLIF L4-5 \udc00 laminotomy") == "TLIF L4-5 \ufffd laminotomy"


def test_read_note_reads_docx_like_batch(tmp_path):
    path = tmp_path / "op.docx"
    path.write_bytes(docx_bytes(NOTE))
    name, text = read_note(str(path))
    assert name == "op" and text == NOTE
