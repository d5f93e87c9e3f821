"""``rupture segment``: transcripts in, utterance JSONL out."""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.batch import BatchReport, load_sessions
from pipeline.cli._app import app, user_errors
from pipeline.errors import RuptureError
from pipeline.io import write_session_utterances
from pipeline.paths import file_stem
from pipeline.readers import READERS
from pipeline.readers.roles import parse_roles
from pipeline.readers.tabular import parse_columns

INPUT_FORMAT_HELP = (
    f"Force the input format: {', '.join(READERS)} (default: detected from extension and content)."
)
ROLES_HELP = 'Map speaker names to roles, e.g. "SPEAKER_00=therapist,SPEAKER_01=patient,Mum=other".'
COLUMNS_HELP = 'CSV/TSV columns, e.g. "speaker=Who,text=Said,start=From,end=To,session=Session".'


def segment_files(
    inputs: list[str | Path],
    out_dir: str | Path,
    input_format: str | None = None,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    no_text: bool = False,
) -> BatchReport:
    """Write ``OUT/<session_id>.jsonl`` for every session read from ``inputs``."""
    report = BatchReport()
    out = Path(out_dir)
    for session in load_sessions(inputs, input_format, roles, columns, report):
        write_session_utterances(out / f"{file_stem(session.session_id)}.jsonl", session, no_text=no_text)
    return report


@app.command("segment")
@user_errors
def segment_command(
    inputs: list[str] = typer.Argument(..., help="Transcript files, folders or globs."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for <session_id>.jsonl files."),
    input_format: str = typer.Option(None, "--input-format", help=INPUT_FORMAT_HELP),
    roles: str = typer.Option(None, "--roles", help=ROLES_HELP),
    columns: str = typer.Option(None, "--columns", help=COLUMNS_HELP),
    no_text: bool = typer.Option(False, "--no-text", help="Leave utterance text out of the output."),
) -> None:
    """Segment transcripts into utterances (one JSONL file per session)."""
    report = segment_files(inputs, out, input_format, parse_roles(roles), parse_columns(columns), no_text)
    for line in report.lines():
        typer.echo(line, err=True)
    if report.sessions == 0:
        raise RuptureError("nothing could be read; see the lines above")
    typer.echo(f"wrote {report.sessions} files to {out}")
