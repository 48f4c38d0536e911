"""Reading a note: bytes in, text out, or a one-line NoteError that says why not.

Offsets in every report index the text returned here, so nothing is rewritten:
line ends (CRLF) and spacing stay as dictated. A UTF-8 byte order mark is dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

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


def check_text(text: str, name: str = "note") -> str:
    if not text.strip():
        raise NoteError(f"{name}: note is empty")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise NoteError(f"{name}: not a text note (control characters)")
    return text


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
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise NoteError(f"{source}: note is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise NoteError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return path.stem, decode_note(data, source, max_bytes)
