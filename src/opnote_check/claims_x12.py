"""X12 837P professional claims (005010X222A1): one Claim per CLM loop.

pyx12 reads the interchange: it takes the element, sub-element and segment separators from the
fixed-width ISA segment and yields one segment at a time. This module only walks the segments:
CLM opens a claim (CLM01 is its case id), its HI gives the diagnoses, each SV1 a line and
DTP*472 the date of service (a line's date, else a claim-level one). Every problem is a one-line
ClaimError naming the file and the segment's position in it (the ISA segment is segment 1).
Nothing of a claim is printed or logged; the messages quote codes and quantities, never names,
dates or ids. pyx12's own envelope checks (SE/GE/IEA counts, HL numbering) are not enforced.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterator

from pydantic import ValidationError
from pyx12.errors import X12Error
from pyx12.segment import Segment
from pyx12.x12file import X12Reader

from .claims import Claim, ClaimError, ClaimLine

LEADING = "\ufeff \t\r\n"
DIAGNOSIS_QUALIFIERS = ("ABK", "ABF", "BK", "BF")  # principal / other; BK and BF are the 4010 names
CLAIM_ENDS = ("CLM", "HL", "ST", "SE", "GE", "IEA")  # segments that close an open CLM loop
PROFESSIONAL = ("X222", "X098")  # 837P implementation guides: 005010X222A1, 004010X098A1
NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)$")
CCYYMMDD_RE = re.compile(r"^\d{8}$")
LINE_FIELDS = {"code": "SV101-2", "modifiers": "SV101 modifier", "units": "SV104"}


def looks_like(head: str) -> bool:
    """True when the text (its first few KB) starts with an ISA segment."""
    text = head.lstrip(LEADING)
    return text.startswith("ISA") and len(text) > 3 and not (text[3].isalnum() or text[3].isspace())


def read(text: str, name: str) -> list[Claim]:
    """All claims of an 837P interchange, in file order."""
    claims: list[Claim] = []
    current: _OpenClaim | None = None
    for n, seg in _segments(text, name):
        seg_id = seg.get_seg_id()
        if current is not None and seg_id in CLAIM_ENDS:
            claims.append(current.finish(name))
            current = None
        if seg_id == "ST":
            _check_transaction(seg, n, name)
        elif seg_id == "CLM":
            current = _OpenClaim(n, _case_id(seg, n, name))
        elif current is None:
            continue
        elif seg_id == "HI":
            current.add_diagnoses(seg, n, name)
        elif seg_id == "SV1":
            current.lines.append(_line(seg, n, name))
            current.line_dates.append(None)
        elif seg_id == "DTP" and seg.get_value("DTP01") == "472":
            current.add_date(_service_date(seg, n, name))
    if current is not None:
        claims.append(current.finish(name))
    if not claims:
        raise ClaimError(f"{name}: no claim (CLM segment) in the file")
    return claims


@dataclass
class _OpenClaim:
    """A CLM loop being read."""

    clm_seg: int
    case_id: str
    hi_seg: int | None = None
    diagnoses: list[str] = field(default_factory=list)
    lines: list[ClaimLine] = field(default_factory=list)
    line_dates: list[date | None] = field(default_factory=list)
    claim_date: date | None = None

    def add_diagnoses(self, seg: Segment, n: int, name: str) -> None:
        for i in range(1, len(seg) + 1):
            qualifier, code = seg.get_value(f"HI{i:02d}-1"), seg.get_value(f"HI{i:02d}-2")
            if qualifier in DIAGNOSIS_QUALIFIERS:
                if not code:
                    raise _error(name, n, "HI", f"HI{i:02d} has no diagnosis code")
                self.diagnoses.append(code)
                self.hi_seg = self.hi_seg or n  # an 837P claim has one diagnosis HI

    def add_date(self, day: date) -> None:
        if self.lines:
            self.line_dates[-1] = self.line_dates[-1] or day
        else:
            self.claim_date = self.claim_date or day

    def finish(self, name: str) -> Claim:
        if not self.lines:
            raise _error(name, self.clm_seg, "CLM", "claim has no service line (SV1)")
        day = next((d for d in self.line_dates if d), self.claim_date)
        try:
            return Claim(case_id=self.case_id, date_of_service=day, diagnoses=self.diagnoses, lines=self.lines)
        except ValidationError as exc:
            in_hi = exc.errors()[0]["loc"][:1] == ("diagnoses",) and self.hi_seg
            seg_no, seg_id = (self.hi_seg, "HI") if in_hi else (self.clm_seg, "CLM")
            raise _error(name, seg_no, seg_id, _explain(exc, {"diagnoses": "diagnosis"})) from None


def _segments(text: str, name: str) -> Iterator[tuple[int, Segment]]:
    """(position, segment) for each segment, read by pyx12's X12Reader."""
    stream = io.StringIO(text.lstrip(LEADING))  # X12Reader takes a file object (a str is a path)
    try:
        reader = X12Reader(stream)
    except X12Error as exc:
        raise ClaimError(f"{name}: segment 1: {_pyx12_message(exc)}") from None
    segments, n = iter(reader), 0
    while True:
        try:
            seg = next(segments)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - pyx12's bookkeeping fails on odd input with
            # X12Error but also plain IndexError (e.g. a second IEA): either way a malformed file
            raise ClaimError(f"{name}: segment {n + 1}: {_pyx12_message(exc)}") from None
        n += 1
        yield n, seg
    # pyx12 stops quietly at an empty segment or at text with no segment terminator after it
    if (reader.raw.buffer + stream.read()).strip():
        raise ClaimError(f"{name}: segment {n + 1}: empty or unterminated segment (terminator {reader.seg_term!r})")


def _pyx12_message(exc: Exception) -> str:
    """pyx12's message on one line, without the copy of the ISA segment some messages carry."""
    msg = (str(exc).splitlines() or [""])[0]
    msg = re.sub(r"\s*(?:\(ISA|for ISA).*$", "", msg)
    if isinstance(exc, X12Error):
        return msg or "not an X12 interchange"
    return f"pyx12 cannot read it ({type(exc).__name__}: {msg})"


def _check_transaction(seg: Segment, n: int, name: str) -> None:
    kind, version = seg.get_value("ST01") or "", seg.get_value("ST03") or ""
    if kind != "837":
        raise _error(name, n, "ST", f"transaction set {kind!r} is not an 837 claim")
    if version and not any(guide in version for guide in PROFESSIONAL):
        raise _error(name, n, "ST", f"{version!r} is not an 837P professional claim (005010X222A1)")


def _case_id(seg: Segment, n: int, name: str) -> str:
    case_id = (seg.get_value("CLM01") or "").strip()
    if not case_id:
        raise _error(name, n, "CLM", "no patient control number (CLM01)")
    return case_id


def _line(seg: Segment, n: int, name: str) -> ClaimLine:
    qualifier, code = seg.get_value("SV101-1") or "", (seg.get_value("SV101-2") or "").strip()
    if not code:
        raise _error(name, n, "SV1", "no procedure code (SV101-2)")
    if qualifier != "HC":
        raise _error(name, n, "SV1", f"procedure code qualifier {qualifier!r} is not HC (HCPCS/CPT)")
    modifiers = [m for m in (seg.get_value(f"SV101-{i}") for i in range(3, 7)) if m]
    basis, quantity = seg.get_value("SV103") or "", (seg.get_value("SV104") or "").strip()
    if basis not in ("", "UN"):
        raise _error(name, n, "SV1", f"unit basis {basis!r} (SV103) is not UN (units)")
    if quantity and not NUMBER_RE.match(quantity):
        raise _error(name, n, "SV1", f"quantity {quantity!r} (SV104) is not a number")
    try:  # a float: ClaimLine accepts 2.0 as 2 and rejects 1.5
        return ClaimLine(code=code, modifiers=modifiers, units=float(quantity) if quantity else 1)
    except ValidationError as exc:
        raise _error(name, n, "SV1", _explain(exc, LINE_FIELDS)) from None


def _service_date(seg: Segment, n: int, name: str) -> date:
    """DTP*472*D8*CCYYMMDD, or DTP*472*RD8*CCYYMMDD-CCYYMMDD (the first day)."""
    form, value = seg.get_value("DTP02") or "", seg.get_value("DTP03") or ""
    if form not in ("D8", "RD8"):
        raise _error(name, n, "DTP", f"date format {form!r} (DTP02) is not D8 or RD8")
    parts = value.split("-") if form == "RD8" else [value]
    days = [_ccyymmdd(p) for p in parts]
    if None in days or len(days) != (2 if form == "RD8" else 1):
        expected = "CCYYMMDD-CCYYMMDD range" if form == "RD8" else "CCYYMMDD date"
        raise _error(name, n, "DTP", f"DTP03 is not a {expected}")
    if days[-1] < days[0]:  # type: ignore[operator]
        raise _error(name, n, "DTP", "DTP03 range ends before it starts")
    return days[0]  # type: ignore[return-value]


def _ccyymmdd(value: str) -> date | None:
    if not CCYYMMDD_RE.match(value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _explain(exc: ValidationError, fields: dict[str, str]) -> str:
    err = exc.errors()[0]
    name = str(err["loc"][0]) if err["loc"] else "value"
    msg = " ".join(err["msg"].removeprefix("Value error, ").split())
    return f"{fields.get(name, name)}: {msg}"


def _error(name: str, n: int, seg_id: str, problem: str) -> ClaimError:
    return ClaimError(f"{name}: segment {n} ({seg_id}): {problem}")
