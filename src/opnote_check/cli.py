"""Command line (typer). Thin: parse options, call the stages, render, set the exit status.

Exit status: 0 fine, 1 gaps at or above --fail-on (check), 2 bad input or usage.
A user's mistake is one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__

app = typer.Typer(
    name="opnote-check",
    help="Check dictated lumbar operative notes against billed CPT 63052/63053 lines, level by level.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PatternsOption = Annotated[
    Optional[Path],
    typer.Option("--patterns", help="Folder of site rule files layered over the packaged patterns/."),
]


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class UserError(Exception):
    """An error the user can fix; printed as one line, exit 2."""


def _fail(message: str) -> None:
    raise UserError(message)


def _pipeline(patterns: Path | None):
    from .patterns import PatternError
    from .pipeline import get_pipeline

    try:
        return get_pipeline(str(patterns) if patterns else None)
    except PatternError as exc:
        _fail(str(exc))


def provenance(pipeline) -> dict:
    return {"tool_version": __version__, "patterns_version": pipeline.patterns.version}


@app.command()
def extract(
    note: Annotated[str, typer.Argument(help="Note file (.txt), or - to read a pasted note from standard input.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    spans: Annotated[bool, typer.Option("--spans", help="JSON: include every extracted span.")] = False,
    patterns: PatternsOption = None,
) -> None:
    """Show what the note documents per interspace: techniques, side, findings, fusion."""
    from .extract import extract_text
    from .notes import NoteError, read_note

    try:
        name, text = read_note(note)
    except NoteError as exc:
        _fail(str(exc))
    pipeline = _pipeline(patterns)
    extraction = extract_text(text, pipeline)
    if format is TextOrJson.json:
        exclude = None if spans else {"mentions"}
        body = {"schema_version": "1", "case_id": name, **extraction.model_dump(mode="json", exclude=exclude)}
        body["provenance"] = provenance(pipeline)
        typer.echo(json.dumps(body, indent=2))
        return
    from .render.text import print_extraction

    print_extraction(extraction, Console(), title=f"{name}: documented decompression by interspace")


@app.command("eval")
def evaluate_cmd(
    corpus: Annotated[Path, typer.Argument(help="Folder of <id>.txt notes with <id>.gold.json labels (or gold/).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    patterns: PatternsOption = None,
) -> None:
    """Precision, recall and F1 against a labelled corpus."""
    from .evaluate import CorpusError, evaluate
    from .extract import extract_text

    pipeline = _pipeline(patterns)
    try:
        result = evaluate(corpus, lambda text: extract_text(text, pipeline))
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
    console.print(table)
    for case_id, diffs in result.differences.items():
        console.print(f"[bold]{case_id}[/bold]: " + "; ".join(diffs))
    for case_id, message in result.errors.items():
        console.print(f"[bold red]{case_id}[/bold red]: {message}")


def main() -> None:
    """Entry point: run the app; turn every user error into one line and exit 2."""
    try:
        app(standalone_mode=False)
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
