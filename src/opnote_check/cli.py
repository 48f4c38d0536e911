"""Command line (typer). Thin: parse options, call the stages, render, set the exit status.

Exit status: 0 fine, 1 gaps at or above --fail-on (check), 2 bad input or usage, 3 an internal
error (one line; OPNOTE_CHECK_DEBUG=1 shows the traceback), 130 interrupted.
A user's mistake is one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperArgument, TyperCommand
from rich.console import Console
from rich.table import Table

from . import __version__

app = typer.Typer(
    name="opnote-check",
    help="Check dictated lumbar operative notes against billed CPT 63052/63053 lines, level by level.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text shows [xUNITS] as written
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"opnote-check {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", metavar="", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Check dictated lumbar operative notes against billed CPT 63052/63053 lines, level by level."""


class SchemaName(str, Enum):
    report = "report"
    extraction = "extraction"
    claim = "claim"

class _PlainArgument(TyperArgument):
    """An argument whose help names it (NOTE...) without Typer's type label (<str>)."""

    def display_type_rich(self, ctx):
        return None


class _Command(TyperCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _PlainArgument  # this command's own parameters only


PatternsOption = Annotated[
    Optional[Path],
    typer.Option("--patterns", metavar="DIR", help="Folder of site rule files layered over the packaged patterns/."),
]


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


class UserError(Exception):
    """An error the user can fix; printed as one line, exit 2."""


def _fail(message: str) -> None:
    raise UserError(message)


def _read(note: str):
    """read_note, with what a terminal user needs to know about pasting (on stderr)."""
    from .notes import NoteError, looks_cut_by_terminal, read_note

    if note == "-" and sys.stdin.isatty():
        typer.echo("Paste the note, then press Enter and Ctrl-D (Ctrl-Z, Enter on Windows). "
                   "For long notes: opnote-check check - < note.txt, or the page (opnote-check serve).", err=True)
    try:
        name, text = read_note(note)
    except NoteError as exc:
        _fail(str(exc))
    if note == "-" and looks_cut_by_terminal(text):
        typer.echo("opnote-check: warning: a line of the paste is exactly 4095 bytes; the terminal may have cut it. "
                   "Use opnote-check check - < note.txt for long notes.", err=True)
    return name, text


def _checker(patterns: Path | None, qp: bool = False, selection=None):
    """The Checker for the patterns folder; a broken site rule file is a one-line error."""
    from .checker import Checker
    from .patterns import PatternError

    try:
        return Checker(patterns, qp=qp, selection=selection)
    except PatternError as exc:
        _fail(str(exc))


@app.command(cls=_Command)
def extract(
    note: Annotated[str, typer.Argument(metavar="NOTE", help="Note file (.txt, .docx, .rtf, .pdf), or - to read a pasted note from standard input.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    spans: Annotated[bool, typer.Option("--spans", metavar="", help="JSON: include every extracted span.")] = False,
    patterns: PatternsOption = None,
) -> None:
    """Show what the note documents per interspace: techniques, side, findings, fusion."""
    name, text = _read(note)
    checker = _checker(patterns)
    extraction = checker.extract(text)
    if format is TextOrJson.json:
        exclude = None if spans else {"spans"}
        body = {"schema_version": "1", "case_id": name, **extraction.model_dump(mode="json", exclude=exclude)}
        body["provenance"] = checker.provenance().model_dump(mode="json")
        typer.echo(json.dumps(body, indent=2))
        return
    from .render.text import print_extraction

    print_extraction(extraction, Console(), title=f"{name}: documented decompression by interspace")


@app.command(cls=_Command)
def check(
    notes: Annotated[list[str], typer.Argument(metavar="NOTE", help="Note files (.txt, .docx, .rtf, .pdf) or globs, or - to read a pasted note from standard input.")],
    claim: Annotated[Optional[Path], typer.Option("--claim", metavar="FILE", help="Claim file: JSON, CSV (case_id,code,units,modifiers,date_of_service,diagnoses), X12 837P or FHIR R4 Claim / Bundle. With several notes, each takes the case named like its file.")] = None,
    line: Annotated[Optional[list[str]], typer.Option("--line", metavar="SPEC", help="A billed line CODE[-MOD]...[xUNITS], e.g. 63053-62x2. Repeatable.")] = None,
    date_of_service: Annotated[Optional[datetime], typer.Option("--date-of-service", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Date of service of the --line claim (selects the reference tables; default today).")] = None,
    diagnosis: Annotated[Optional[list[str]], typer.Option("--diagnosis", metavar="ICD10", help="An ICD-10-CM code of the --line claim, e.g. M48.062. Repeatable.")] = None,
    qp: Annotated[bool, typer.Option("--qp", metavar="", help="Price lines with the qualifying-APM conversion factor (default non-QP).")] = False,
    case_id: Annotated[Optional[str], typer.Option("--case-id", metavar="ID", help="Which case of the claim file (default: the only one, or the note's name).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file (one note).")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Exit 1 when a gap of this severity (or worse) is found. [default: error, or the settings file's]")] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", metavar="RULE", help="Report only these rule ids (or prefixes). Repeatable.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="RULE", help="Do not report these rule ids (or prefixes). Repeatable.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", metavar="", help="Text: every evidence span of every gap (default: the first three).")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Settings file (default: .opnote-check.toml or [tool.opnote-check] in pyproject.toml, found upwards).")] = None,
    patterns: PatternsOption = None,
) -> None:
    """Check notes against their billed lines; every gap with its evidence and a fix.

    With no claim (scribe mode) the documentation rules still run and the report shows the
    63052/63053 lines the note supports. Several notes (or globs): one report each, like a linter.
    Exit 0: no gap at or above --fail-on; 1: such gaps; 2: bad input (the worst over the notes).
    """
    from .check import worst_severity

    settings = _settings(config, select or (), ignore or ())
    paths = _expand(notes)
    if len(paths) > 1 and (output is not None or "-" in paths or (line and not claim)):
        _fail("--output, - and --line take one note; give several notes with --claim or none")
    if len(paths) > 1 and case_id is not None:
        _fail("--case-id picks one case; with several notes each takes the case named like its file")
    claims = _claims(claim, line, date_of_service, diagnosis, case_id)
    checker = _checker(patterns or (settings.patterns and Path(settings.patterns)), qp, settings.selection(select or (), ignore or ()))
    threshold = fail_on.value if fail_on is not None else (settings.settings.fail_on or "error")
    status = 0
    json_reports = []
    for note in paths:
        try:
            name, text = _read(note)
            the_claim = claims(name, single=len(paths) == 1)
        except UserError as exc:
            if len(paths) == 1:
                raise
            typer.echo(f"opnote-check: error: {exc}", err=True)
            status = 2
            continue
        report = checker.report(checker.extract(text), the_claim,
                                case_id or (the_claim.case_id if the_claim and the_claim.case_id else name))
        if format is OutputFormat.json and len(paths) > 1:
            json_reports.append(report.model_dump(mode="json"))
        else:
            _emit(report, text, format, output, verbose)
        worst = worst_severity(report)
        if threshold != "never" and worst is not None and (worst == "error" or threshold == "warning"):
            status = max(status, 1)
    if json_reports:
        typer.echo(json.dumps(json_reports, indent=2))
    if status:
        raise typer.Exit(status)


def _expand(notes: list[str]) -> list[str]:
    """Globs expanded (for shells that do not), in order, each note once."""
    import glob

    out: list[str] = []
    for note in notes:
        found = sorted(glob.glob(note, recursive=True)) if note != "-" and any(c in note for c in "*?[") else [note]
        if not found:
            _fail(f"{note}: no note matches")
        out.extend(f for f in found if f not in out)
    return out


def _settings(config: Path | None, select, ignore):
    """The settings in force, with the command line's --select / --ignore ids checked."""
    from .config import ConfigError, check_rule_prefixes, discover

    try:
        check_rule_prefixes([*select, *ignore])
        return discover(explicit=config)
    except (ConfigError, ValueError) as exc:
        _fail(str(exc))


def _claims(claim, line, date_of_service, diagnosis, case_id):
    """A function: note name -> its claim (or None in scribe mode); a bad claim is a one-line error."""
    from .claims import ClaimError, claim_from_specs, load_claims, select_claim

    if claim is not None and line:
        _fail("give the billed lines with --claim or with --line, not both")
    if claim is not None and (date_of_service or diagnosis):
        _fail("--date-of-service and --diagnosis describe a --line claim; a claim file carries its own")
    try:
        if claim is not None:
            all_claims = load_claims(claim)

            def from_file(name: str, single: bool):
                wanted = case_id if case_id is not None else (name if (len(all_claims) > 1 or not single) and name in all_claims else None)
                if not single and wanted is None:
                    _fail(f"{claim}: no case {name!r} for note {name!r}")
                try:
                    return select_claim(all_claims, wanted, str(claim))
                except ClaimError as exc:
                    _fail(str(exc))

            return from_file
        if line:
            the_claim = claim_from_specs(line, case_id, date_of_service.date() if date_of_service else None, diagnosis or ())
            return lambda name, single: the_claim
    except ClaimError as exc:
        _fail(str(exc))
    return lambda name, single: None


def _emit(report, text: str, format: OutputFormat, output: Path | None, verbose: bool = False) -> None:
    if format is OutputFormat.json:
        rendered = report.model_dump_json(indent=2)
    elif format is OutputFormat.html:
        from .render.html import render_html

        rendered = render_html(report, text)
    else:
        rendered = None
    if output is not None:
        try:
            if rendered is None:
                from .render.text import print_report

                with output.open("w", encoding="utf-8") as fh:
                    print_report(report, Console(file=fh, width=100, color_system=None), title=f"{report.case_id}",
                                 note=text, verbose=verbose)
            else:
                output.write_text(rendered, encoding="utf-8")
        except OSError as exc:
            _fail(f"{output}: cannot write ({exc.strerror or exc})")
        return
    if rendered is None:
        from .render.text import print_report

        print_report(report, Console(), title=f"{report.case_id}: documented decompression by interspace", note=text,
                     verbose=verbose)
    else:
        typer.echo(rendered)


@app.command(cls=_Command)
def rules(
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """The rule catalogue: every rule id, its severity, when it fires and its source."""
    from .rules import REGISTRY, catalogue

    if format is TextOrJson.json:
        typer.echo(json.dumps(catalogue(), indent=2))
        return
    table = Table(header_style="bold", show_lines=False)
    table.add_column("rule", no_wrap=True, style="bold")
    for column in ("severity", "needs", "when", "source"):
        table.add_column(column, overflow="fold")
    for r in REGISTRY.values():
        table.add_row(r.id, r.severity, r.needs, r.when, r.source + (" (inferred from these sources)" if r.inferred else ""))
    Console().print(table)


@app.command(cls=_Command)
def reference(
    date_of_service: Annotated[Optional[datetime], typer.Option("--date-of-service", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Also say which tables a claim of this date is checked against.")] = None,
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    patterns: PatternsOption = None,
) -> None:
    """The CMS reference tables loaded (packaged and from --patterns), with the dates each is in force."""
    library = _checker(patterns).library
    tables = [
        {"kind": t.kind, "release": t.release, "effective_from": str(t.effective_from),
         "effective_to": str(t.effective_to), "title": t.title}
        for t in library.tables()
    ]
    chosen = library.on(date_of_service.date()) if date_of_service else None
    if format is TextOrJson.json:
        body = {"tables": tables}
        if chosen is not None:
            body["date_of_service"] = {"date": str(chosen.date_of_service), "release": chosen.release,
                                       "problems": chosen.coverage_problems()}
        typer.echo(json.dumps(body, indent=2))
        return
    table = Table(header_style="bold")
    for column in ("kind", "release", "in force", "what"):
        table.add_column(column, overflow="fold")
    for t in tables:
        table.add_row(t["kind"], t["release"], f"{t['effective_from']} to {t['effective_to']}", t["title"])
    console = Console()
    console.print(table)
    if chosen is not None:
        console.print(f"A claim of {chosen.date_of_service} is checked against {chosen.release}.")
        for problem in chosen.coverage_problems():
            console.print(f"  [yellow]{problem}[/yellow]")


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command(cls=_Command)
def batch(
    input: Annotated[Path, typer.Argument(metavar="INPUT", help="Folder of notes (.txt, .docx, .rtf, .pdf), a .zip / .tar.gz of them, or a JSONL file of {case_id, text}.")],
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Output folder: results.jsonl, summary.csv, gaps.csv, worklist.xlsx, report.html, cases/.")],
    claims: Annotated[Optional[Path], typer.Option("--claims", metavar="FILE", help="Claims file for all cases: CSV (case_id,code,units,modifiers,date_of_service,diagnoses), JSON / JSONL, X12 837P or FHIR R4. Without it: a documentation-only audit.")] = None,
    case_id_from: Annotated[str, typer.Option("--case-id-from", metavar="stem|parent|path|regex:PATTERN", help="Where a note's case id comes from: the file stem (CASE1.txt), its folder (CASE1/opnote.txt), its path, or a regex over the path (first group).")] = "stem",
    only_claims_with_notes: Annotated[bool, typer.Option("--only-claims-with-notes", metavar="", help="Leave out claims with no note in the input (a partial scan); they are still counted.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=0, metavar="N", help="Worker processes (default: all cores).")] = 0,
    resume: Annotated[bool, typer.Option("--resume", metavar="", help="Skip cases already in results.jsonl and finish the batch.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="local process pool, or a Dask cluster.")] = Engine.local,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDR", help="Dask scheduler address (default: a local cluster).")] = None,
    patterns: PatternsOption = None,
    qp: Annotated[bool, typer.Option("--qp", metavar="", help="Price lines with the qualifying-APM conversion factor (default non-QP).")] = False,
) -> None:
    """Check a whole archive of notes (against a claims file, if given), one report per case, and write the worklist."""
    from .batch import BatchError, run_batch
    from .patterns import PatternError

    interactive = sys.stderr.isatty()
    options = dict(qp=qp, case_id_from=case_id_from, only_claims_with_notes=only_claims_with_notes)
    try:
        if interactive:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            from .batch import count_inputs

            columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn())
            with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("batch", total=count_inputs(input), rate="")

                def advance(n: int) -> None:
                    bar.advance(task, n)
                    speed = bar.tasks[0].speed
                    bar.update(task, rate=f"{speed:.1f} notes/s" if speed else "")

                summary = run_batch(input, claims, out, workers, resume, engine.value, scheduler,
                                    str(patterns) if patterns else None, advance, **options)
        else:
            summary = run_batch(input, claims, out, workers, resume, engine.value, scheduler,
                                str(patterns) if patterns else None, **options)
    except (BatchError, PatternError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: finished cases are kept in {out}/results.jsonl; run the same command with --resume to finish.", err=True)
        raise typer.Exit(130)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(summary.counts.items())) or "nothing new"
    skipped = f" ({summary.skipped} already done)" if summary.skipped else ""
    extra = ""
    if claims is not None:
        listed = "not listed" if only_claims_with_notes else "listed as errors"
        extra = f" Claims with no note: {summary.claims_without_notes} ({listed}); notes with no claim: {summary.notes_without_claims}."
    typer.echo(f"{summary.cases} cases checked{skipped}: {counts}.{extra} Results in {out}/ (report.html, worklist.xlsx)",
               err=not interactive)


@app.command(cls=_Command)
def serve(
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="Address to bind; 127.0.0.1 keeps the page on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, metavar="PORT")] = 8000,
    patterns: PatternsOption = None,
) -> None:
    """The scribe page and JSON API on http://HOST:PORT (local only by default)."""
    from .patterns import PatternError
    from .server import serve as run_server

    try:
        run_server(host, port, str(patterns) if patterns else None)
    except PatternError as exc:
        _fail(str(exc))


@app.command(cls=_Command)
def schema(
    name: Annotated[SchemaName, typer.Argument(metavar="NAME", help="Which document: the check report, the extraction, or a claim.")] = SchemaName.report,
) -> None:
    """Print the JSON Schema of the report, the extraction or a claim (also shipped in the package)."""
    from .schemas import schema_of

    typer.echo(json.dumps(schema_of(name.value), indent=2))


@app.command("eval", cls=_Command)
def evaluate_cmd(
    corpus: Annotated[Path, typer.Argument(metavar="CORPUS", help="Folder of <id>.txt notes with <id>.gold.json labels (or gold/).")],
    json_out: Annotated[bool, typer.Option("--json", metavar="", help="Print the scores as JSON.")] = False,
    patterns: PatternsOption = None,
) -> None:
    """Precision, recall and F1 against a labelled corpus."""
    from .evaluate import CorpusError, evaluate

    checker = _checker(patterns)
    try:
        result = evaluate(corpus, checker.extract, checker.report)
    except CorpusError as exc:
        _fail(str(exc))
    scores = result.as_dict()
    if json_out:
        typer.echo(json.dumps(scores, indent=2))
        return
    console = Console()
    table = Table(title=f"{corpus} ({result.cases} cases)", title_justify="left", header_style="bold")
    for column in ("measure", "precision", "recall", "F1 / accuracy", "counts"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    for label, key in (
        ("decompressed interspaces", "interspaces"),
        ("technique per interspace", "technique_per_interspace"),
        ("fused interspaces", "fused_interspaces"),
    ):
        s = scores[key]
        table.add_row(label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", f"tp {s['tp']} fp {s['fp']} fn {s['fn']}")
    for label, key in (
        ("laterality (matched interspaces)", "laterality"),
        ("posterior interbody yes/no", "posterior_interbody"),
        ("supported 63052/63053 units exact", "supported_units_exact"),
    ):
        s = scores[key]
        table.add_row(label, "", "", f"{s['accuracy']:.3f}", f"{s['correct']}/{s['total']}")
    if "rules" in scores:
        s = scores["rules"]
        table.add_row("rule ids (cases with a claim)", f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", f"tp {s['tp']} fp {s['fp']} fn {s['fn']}")
        s = scores["rule_case_pass"]
        table.add_row("case pass (rules)", "", "", f"{s['accuracy']:.3f}", f"{s['correct']}/{s['total']}")
    console.print(table)
    for case_id, diffs in result.differences.items():
        console.print(f"[bold]{case_id}[/bold]: " + "; ".join(diffs))
    for case_id, message in result.errors.items():
        console.print(f"[bold red]{case_id}[/bold red]: {message}")


def main() -> None:
    """Entry point: run the app; turn every user error into one line and exit 2."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except UserError as exc:
        typer.echo(f"opnote-check: error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("opnote-check: aborted", err=True)
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(2)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        typer.echo(f"opnote-check: error: {' '.join(message.split())}", err=True)
        sys.exit(2)
    except Exception as exc:  # anything unforeseen: one line, never a traceback
        if os.environ.get("OPNOTE_CHECK_DEBUG"):
            raise
        typer.echo(f"opnote-check: internal error: {type(exc).__name__} (set OPNOTE_CHECK_DEBUG=1 for details)", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
