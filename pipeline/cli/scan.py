"""``rupture scan``: report residual identifiers per file and line, without printing them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._app import app, user_errors
from pipeline.cli.options import (
    COLUMNS_HELP,
    INPUT_FORMAT_HELP,
    MIN_CONFIDENCE_HELP,
    NAMES_HELP,
    ROLES_HELP,
    scan_options,
)
from pipeline.errors import RuptureError
from pipeline.io import atomic_open
from pipeline.privacy import ScanOptions, ScanResult, finding_line, scan_inputs
from pipeline.privacy.scan import DEFAULT_MIN_CONFIDENCE
from pipeline.readers.roles import parse_roles
from pipeline.readers.tabular import parse_columns


def scan_files(
    inputs: list[str],
    input_format: str | None = None,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    options: ScanOptions | None = None,
) -> ScanResult:
    """What ``rupture scan`` runs: read every input and scan it (unreadable files become problems)."""
    return scan_inputs(inputs, input_format, roles, columns, options)


def write_findings(result: ScanResult, path: Path) -> None:
    """Findings as JSONL (``data_schemas/identifierfinding.schema.json``), or CSV by the extension."""
    rows = [f.model_dump(mode="json") for f in result.findings]
    with atomic_open(path) as fh:
        if path.suffix.lower() == ".csv":
            import csv

            fields = list(rows[0]) if rows else ["session_id", "source", "line", "category"]
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        else:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@app.command("scan")
@user_errors
def scan_command(
    inputs: Annotated[list[str], typer.Argument(help="Transcript files, folders or globs.")],
    names: Annotated[Path | None, typer.Option("--names", help=NAMES_HELP)] = None,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help=MIN_CONFIDENCE_HELP)
    ] = DEFAULT_MIN_CONFIDENCE,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also write the findings to this .jsonl or .csv file."),
    ] = None,
    input_format: Annotated[str | None, typer.Option("--input-format", help=INPUT_FORMAT_HELP)] = None,
    roles: Annotated[str | None, typer.Option("--roles", help=ROLES_HELP)] = None,
    columns: Annotated[str | None, typer.Option("--columns", help=COLUMNS_HELP)] = None,
) -> None:
    """Report possible identifiers (e-mails, phone numbers, names, ...) per file and line.

    Prints where each finding is, its category and a masked shape (###-####, Xxxxx), never the
    identifier itself. Exits with 1 when anything is found, 0 when nothing is.
    """
    options = scan_options(names, min_confidence)
    result = scan_files(inputs, input_format, parse_roles(roles), parse_columns(columns), options)
    for f in result.findings:
        typer.echo(finding_line(f))
    for p in result.problems:
        typer.echo(f"skipped: {p.message}", err=True)
    if out is not None:
        write_findings(result, out)
    typer.echo(result.summary(), err=True)
    if result.sessions == 0:
        raise RuptureError("nothing could be scanned; see the lines above")
    if result.findings:
        raise typer.Exit(1)
