"""``rupture segment``: transcripts in, utterance JSONL out."""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.batch import BatchReport, load_sessions
from pipeline.cli._app import app, user_errors
from pipeline.cli.options import (
    COLUMNS_HELP,
    INPUT_FORMAT_HELP,
    MIN_CONFIDENCE_HELP,
    NAMES_HELP,
    ROLES_HELP,
    scan_options,
)
from pipeline.errors import RuptureError, withhold_quoted
from pipeline.io import write_session_utterances
from pipeline.paths import file_stem
from pipeline.privacy import ScanOptions, redactor
from pipeline.privacy.scan import DEFAULT_MIN_CONFIDENCE
from pipeline.readers.roles import parse_roles
from pipeline.readers.tabular import parse_columns


def segment_files(
    inputs: list[str | Path],
    out_dir: str | Path,
    input_format: str | None = None,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    no_text: bool = False,
    redact: ScanOptions | None = None,
) -> tuple[BatchReport, dict[str, int]]:
    """Write ``OUT/<session_id>.jsonl`` for every session read from ``inputs``; with ``redact``, the
    transcripts are redacted as they are read (as ``annotate --redact`` does). Returns the read report
    and how many identifiers of each category were replaced."""
    report, redacted = BatchReport(), {}
    out = Path(out_dir)
    prepare = redactor(redact, redacted) if redact else None
    for session in load_sessions(inputs, input_format, roles, columns, report, prepare):
        write_session_utterances(out / f"{file_stem(session.session_id)}.jsonl", session, no_text=no_text)
    return report, redacted


@app.command("segment")
@user_errors
def segment_command(
    inputs: list[str] = typer.Argument(..., help="Transcript files, folders or globs."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for <session_id>.jsonl files."),
    input_format: str = typer.Option(None, "--input-format", help=INPUT_FORMAT_HELP),
    roles: str = typer.Option(None, "--roles", help=ROLES_HELP),
    columns: str = typer.Option(None, "--columns", help=COLUMNS_HELP),
    no_text: bool = typer.Option(False, "--no-text", help="Leave utterance text out of the output."),
    redact: bool = typer.Option(
        False, "--redact", help="Replace possible identifiers with typed placeholders, as annotate --redact."
    ),
    names: Path = typer.Option(None, "--names", help=NAMES_HELP),
    min_confidence: float = typer.Option(
        DEFAULT_MIN_CONFIDENCE, "--min-confidence", help=MIN_CONFIDENCE_HELP
    ),
) -> None:
    """Segment transcripts into utterances (one JSONL file per session).

    The output holds the transcripts' text as it is: `rupture scan` shows what it may identify, and
    --redact replaces it.
    """
    options = scan_options(names, min_confidence) if redact else None
    report, redacted = segment_files(
        inputs, out, input_format, parse_roles(roles), parse_columns(columns), no_text, options
    )
    for line in report.lines():
        typer.echo(withhold_quoted(line) if no_text else line, err=True)
    if redacted:
        typer.echo("redacted: " + ", ".join(f"{c} {n}" for c, n in sorted(redacted.items())), err=True)
    if report.sessions == 0:
        raise RuptureError("nothing could be read; see the lines above")
    typer.echo(f"wrote {report.sessions} files to {out}")
