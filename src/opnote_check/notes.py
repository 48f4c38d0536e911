"""Reading a note: bytes in, text out, or a one-line NoteError that says why not.

Plain text (.txt, UTF-8 or Windows-1252), Word (.docx, python-docx), RTF (striprtf) and PDFs with
a text layer (pypdf) are read the same way everywhere: check, extract, the page's file drop and
batch. Offsets in every report index the text returned here, so nothing is rewritten: line ends
(CRLF) and spacing stay as dictated. A UTF-8 byte order mark is dropped; UTF-16 surrogates that
pair up become their character and a lone one U+FFFD (RTF writes emoji as two \\u escapes).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

NOTE_SUFFIXES = (".txt", ".docx", ".rtf", ".pdf")
_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_NOTE_BYTES = 1_000_000
"""A dictated operative note is 2-20 KB; a megabyte is a paste gone wrong or not a note."""


class NoteError(ValueError):
    """A note that cannot be checked; the message is one line and names the input."""


def decode_note(data: bytes, name: str = "note", max_bytes: int = MAX_NOTE_BYTES) -> str:
    if len(data) > max_bytes:
        raise NoteError(f"{name}: note is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    if b"\x00" in data:
        raise NoteError(f"{name}: not a text note (binary content)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Transcription systems commonly export Windows-1252; Latin-1 takes any byte left.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return check_text(text, name)


def without_lone_surrogates(text: str) -> str:
    """UTF-16 surrogates that pair up become their character, a lone one U+FFFD (same offsets for
    text without pairs; nothing downstream can encode a lone surrogate)."""
    if _SURROGATE.search(text):
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def check_text(text: str, name: str = "note", max_chars: int = MAX_NOTE_BYTES) -> str:
    if len(text) > max_chars:
        raise NoteError(f"{name}: note is over the {max_chars:,}-character limit")
    text = without_lone_surrogates(text)
    if not text.strip():
        raise NoteError(f"{name}: note is empty")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise NoteError(f"{name}: not a text note (control characters)")
    return text


def note_from_bytes(data: bytes, filename: str, name: str = "note") -> str:
    """A note file's text, told apart by its suffix (.docx, .rtf, .pdf; anything else is text)."""
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(f"{name}: note is {len(data):,} bytes, over the {MAX_NOTE_BYTES:,}-byte limit")
    if suffix == ".docx":
        from docx import Document

        try:
            doc = Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several types for a broken file
            raise NoteError(f"{name}: not a readable .docx ({type(exc).__name__})") from None
        return check_text("\n".join(p.text for p in doc.paragraphs), name)
    if suffix == ".rtf":
        from striprtf.striprtf import rtf_to_text

        raw = decode_note(data, name)
        if not raw.lstrip().startswith("{\\rtf"):
            raise NoteError(f"{name}: not an RTF file")
        return check_text(rtf_to_text(raw, errors="ignore"), name)
    if suffix == ".pdf":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            raise NoteError(f"{name}: not a readable PDF ({type(exc).__name__})") from None
        if not text.strip():
            raise NoteError(f"{name}: the PDF has no text layer (a scan?); export the note as text")
        return check_text(text, name)
    return decode_note(data, name)


def read_note(source: str, max_bytes: int = MAX_NOTE_BYTES) -> tuple[str, str]:
    """Read a note from a path, or from standard input when source is '-'. Returns (name, text)."""
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return "stdin", decode_note(data, "stdin", max_bytes)
    path = Path(source)
    if not path.exists():
        raise NoteError(f"{source}: no such file")
    if path.is_dir():
        raise NoteError(f"{source}: is a folder, not a note")
    if not path.is_file():  # a device or a FIFO would read without end
        raise NoteError(f"{source}: not a regular file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise NoteError(f"{source}: note is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise NoteError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return path.stem, note_from_bytes(data, path.name, source)


TTY_LINE_LIMIT = 4095  # a terminal in canonical mode keeps at most this many bytes of one line


def looks_cut_by_terminal(text: str) -> bool:
    """A pasted line of exactly the terminal's limit was probably cut short by the terminal."""
    return any(len(line.encode("utf-8")) == TTY_LINE_LIMIT for line in text.splitlines())
