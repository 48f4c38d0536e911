"""results.jsonl -> the files a revenue-cycle team works from, in one streamed pass:

    summary.csv    one row per case: status, surgeon, date of service, gap counts, rule ids,
                   billed / documented / supported units, dollars billed, at risk and unbilled
    gaps.csv       one row per gap: case, rule, severity, interspace, message, fix, dollars, evidence
    worklist.xlsx  a Cases sheet and a Gaps sheet (filters, frozen headers, money formatted)
    report.html    totals, gaps per rule with dollars, the cases ranked by dollars at risk

Every file holds PHI-adjacent data (case ids, surgeons, evidence quotes): written owner-only, and
atomically (a temporary file renamed into place). Spreadsheet cells that a spreadsheet would run
as a formula (=, +, -, @ first) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import json
import os
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .render import VERDICT_WORDS

WORST_CASES = 2000  # report.html lists this many cases, the most at risk first; the CSVs and xlsx have all

SUMMARY_FIELDS = [
    "case_id", "status", "surgeon", "date_of_service", "errors", "warnings", "rules",
    "billed_63052", "billed_63053", "documented_63052", "documented_63053", "supported_63052", "supported_63053",
    "amount_billed", "amount_at_risk", "amount_unbilled", "verdicts", "issue", "source", "html",
]
GAP_FIELDS = ["case_id", "rule", "severity", "interspace", "message", "fix", "amount_at_risk", "evidence"]
MONEY_FIELDS = {"amount_billed", "amount_at_risk", "amount_unbilled"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as a spreadsheet shows it, never as a formula it would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def case_html(case_id: str) -> str:
    """The case's own HTML report, relative to the output folder: a readable prefix plus a hash of
    the whole id, so ids that differ only in characters a file name drops ('a/b', 'a_b') never share
    a page."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", case_id)[:60].strip("._") or "case"
    return f"cases/{stem}-{hashlib.sha256(case_id.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}.html"


@dataclass(frozen=True)
class CaseRow:
    """One case of results.jsonl, as the worklist files show it."""

    case_id: str
    status: str
    surgeon: str
    date_of_service: str
    rules: tuple[tuple[str, str], ...]  # (rule id, severity) in report order
    billed: dict[str, int | None]
    documented: dict[str, int | None]
    supported: dict[str, int | None]
    amount_billed: float
    amount_at_risk: float
    amount_unbilled: float
    verdicts: tuple[tuple[str, str], ...]  # (interspace, verdict)
    issue: str
    source: str
    html: str | None
    gaps: tuple[dict, ...]

    @classmethod
    def from_result(cls, body: dict, html: str | None) -> "CaseRow":
        noted = body.get("status") != "error"
        billed_lines = body.get("billed_lines")

        def units(lines, code):
            return sum(l["units"] for l in lines or [] if l["code"] == code)

        codes = ("63052", "63053")
        return cls(
            case_id=str(body.get("case_id") or ""),
            status=body.get("status") or "",
            surgeon=body.get("surgeon") or "",
            date_of_service=(body.get("provenance") or {}).get("date_of_service") or "",
            rules=tuple((g["rule"], g["severity"]) for g in body.get("gaps") or []),
            billed={c: units(billed_lines, c) if billed_lines is not None else None for c in codes},
            documented={c: units(body.get("documented_lines"), c) if noted else None for c in codes},
            supported={c: units(body.get("supported_lines"), c) if noted else None for c in codes},
            amount_billed=round(sum(l.get("amount") or 0 for l in billed_lines or []), 2),
            amount_at_risk=float(body.get("amount_at_risk") or 0),
            amount_unbilled=float(body.get("amount_unbilled") or 0),
            verdicts=tuple((s["interspace"], s.get("verdict") or "") for s in body.get("segments") or []),
            issue=body.get("error") or body.get("input_issue") or "",
            source=str(body.get("source") or ""),
            html=html,
            gaps=tuple(body.get("gaps") or []),
        )

    @property
    def errors(self) -> int:
        return sum(1 for _, s in self.rules if s == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for _, s in self.rules if s == "warning")

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(r for r, _ in self.rules))

    @property
    def verdict_words(self) -> str:
        return ", ".join(f"{i} {VERDICT_WORDS.get(v, v)}" for i, v in self.verdicts)

    def rank(self) -> tuple:
        """Most dollars at risk first, then the most errors, then the most warnings."""
        return (self.amount_at_risk, self.errors, self.warnings)

    def summary(self) -> dict:
        blank = lambda n: "" if n is None else n  # noqa: E731
        return {
            "case_id": self.case_id, "status": self.status, "surgeon": self.surgeon,
            "date_of_service": self.date_of_service, "errors": self.errors, "warnings": self.warnings,
            "rules": " ".join(self.rule_ids),
            "billed_63052": blank(self.billed["63052"]), "billed_63053": blank(self.billed["63053"]),
            "documented_63052": blank(self.documented["63052"]), "documented_63053": blank(self.documented["63053"]),
            "supported_63052": blank(self.supported["63052"]), "supported_63053": blank(self.supported["63053"]),
            "amount_billed": self.amount_billed, "amount_at_risk": self.amount_at_risk,
            "amount_unbilled": self.amount_unbilled,
            "verdicts": " ".join(f"{i}={v}" for i, v in self.verdicts),
            "issue": self.issue, "source": self.source, "html": self.html or "",
        }

    def gap_rows(self) -> Iterator[dict]:
        for gap in self.gaps:
            yield {
                "case_id": self.case_id, "rule": gap["rule"], "severity": gap["severity"],
                "interspace": gap.get("interspace") or "", "message": gap["message"], "fix": gap["fix"],
                "amount_at_risk": float(gap.get("amount_at_risk") or 0),
                "evidence": " · ".join(f"“{e['text']}” @{e['start']}-{e['end']}" for e in gap.get("evidence") or []),
            }


@dataclass(frozen=True)
class RuleTotal:
    rule: str
    severity: str
    cases: int
    amount: float


@dataclass
class Totals:
    cases: int = 0
    status: Counter = field(default_factory=Counter)
    rule_cases: Counter = field(default_factory=Counter)
    rule_amount: Counter = field(default_factory=Counter)
    rule_severity: dict = field(default_factory=dict)
    verdicts: Counter = field(default_factory=Counter)
    surgeons: set = field(default_factory=set)
    amount_billed: float = 0.0
    amount_at_risk: float = 0.0
    amount_unbilled: float = 0.0
    claims_without_notes: int = 0
    claims_without_notes_listed: bool = True
    notes_without_claims: int = 0

    def add(self, row: CaseRow) -> None:
        self.cases += 1
        self.status[row.status] += 1
        for rule in row.rule_ids:
            self.rule_cases[rule] += 1
        for gap in row.gaps:
            self.rule_severity[gap["rule"]] = gap["severity"]
            self.rule_amount[gap["rule"]] += float(gap.get("amount_at_risk") or 0)
        self.verdicts.update(v for _, v in row.verdicts)
        if row.surgeon:
            self.surgeons.add(row.surgeon)
        self.amount_billed += row.amount_billed
        self.amount_at_risk += row.amount_at_risk
        self.amount_unbilled += row.amount_unbilled
        if row.issue == "claim has no note":
            self.claims_without_notes += 1
        elif row.issue.startswith("no claim lines"):
            self.notes_without_claims += 1

    def rules_ranked(self) -> list[RuleTotal]:
        """Errors before warnings, then the most dollars, then the most cases."""
        totals = [RuleTotal(r, self.rule_severity.get(r, "warning"), n, round(self.rule_amount[r], 2))
                  for r, n in self.rule_cases.items()]
        return sorted(totals, key=lambda t: (t.severity != "error", -t.amount, -t.cases, t.rule))


@contextmanager
def private_file(path: Path, mode: str = "w", **kwargs):
    """Open `path`.tmp owner-only (0600) and rename it over `path` when the block ends cleanly."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with open(fd, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_private(path: Path, text: str) -> None:
    with private_file(path, "w", encoding="utf-8") as fh:
        fh.write(text)


class Workbook:
    """worklist.xlsx, streamed (openpyxl write-only): a Cases and a Gaps sheet with frozen headers,
    filters over every row and money as currency."""

    MONEY = '"$"#,##0.00'

    def __init__(self):
        from openpyxl import Workbook as XlsxWorkbook
        from openpyxl.cell import WriteOnlyCell

        self.cell_type = WriteOnlyCell
        self.book = XlsxWorkbook(write_only=True)
        self.sheets = {}
        for title, fields in (("Cases", SUMMARY_FIELDS), ("Gaps", GAP_FIELDS)):
            sheet = self.book.create_sheet(title)
            sheet.freeze_panes = "A2"
            sheet.append(fields)
            self.sheets[title] = [sheet, fields, 1]

    def append(self, title: str, row: dict) -> None:
        sheet, fields, _ = entry = self.sheets[title]
        cells = []
        for name in fields:
            c = self.cell_type(sheet, value=cell(row[name]))
            if name in MONEY_FIELDS:
                c.number_format = self.MONEY
            cells.append(c)
        sheet.append(cells)
        entry[2] += 1

    def save(self, path: Path) -> None:
        from openpyxl.utils import get_column_letter

        for sheet, fields, rows in self.sheets.values():
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{rows}"
        with private_file(path, "wb") as fh:
            self.book.save(fh)


def write_worklist(results: Path, out_dir: Path, claims_without_notes_listed: bool = True,
                   claims_without_notes: int = 0) -> Totals:
    """summary.csv, gaps.csv, worklist.xlsx and report.html from results.jsonl, in one pass."""
    from .render.batch_html import render_batch_report

    totals = Totals(claims_without_notes_listed=claims_without_notes_listed)
    heap: list = []
    book = Workbook()
    with results.open("r", encoding="utf-8") as lines, \
            private_file(out_dir / "summary.csv", newline="", encoding="utf-8") as summary_fh, \
            private_file(out_dir / "gaps.csv", newline="", encoding="utf-8") as gaps_fh:
        summary = csv.DictWriter(summary_fh, fieldnames=SUMMARY_FIELDS)
        gaps = csv.DictWriter(gaps_fh, fieldnames=GAP_FIELDS)
        summary.writeheader()
        gaps.writeheader()
        for n, line in enumerate(lines):
            body = json.loads(line)
            html = case_html(str(body.get("case_id") or ""))
            row = CaseRow.from_result(body, html if (out_dir / html).exists() else None)
            totals.add(row)
            summary_row = row.summary()
            summary.writerow({k: cell(v) for k, v in summary_row.items()})
            book.append("Cases", summary_row)
            for gap in row.gap_rows():
                gaps.writerow({k: cell(v) for k, v in gap.items()})
                book.append("Gaps", gap)
            item = (row.rank(), -n, row)
            if len(heap) < WORST_CASES:
                heapq.heappush(heap, item)
            elif item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, item)
    if not claims_without_notes_listed:
        totals.claims_without_notes = claims_without_notes
    book.save(out_dir / "worklist.xlsx")
    ranked = [row for _, _, row in sorted(heap, key=lambda item: item[:2], reverse=True)]
    write_private(out_dir / "report.html", render_batch_report(totals, ranked))
    return totals
