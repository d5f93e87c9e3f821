"""``rupture annotate``: transcripts in; labels, session summaries, reports and a cohort table out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline import annotate as runner
from pipeline.cli._app import app, user_errors
from pipeline.cli.options import (
    COLUMNS_HELP,
    INPUT_FORMAT_HELP,
    MIN_CONFIDENCE_HELP,
    NAMES_HELP,
    ROLES_HELP,
    scan_options,
)
from pipeline.engines import run_annotate
from pipeline.errors import RuptureError
from pipeline.privacy.scan import DEFAULT_MIN_CONFIDENCE
from pipeline.readers.roles import parse_roles
from pipeline.readers.tabular import parse_columns

FORMAT_HELP = (
    f"Outputs to write, comma-separated from {','.join(runner.FORMATS)} (sessions/ is always written)."
)


def parse_formats(spec: str | None) -> frozenset[str]:
    """``"utterances,csv"`` -> ``frozenset({"utterances", "csv"})``; empty means all."""
    return frozenset(x.strip() for x in spec.split(",") if x.strip()) if spec else frozenset(runner.FORMATS)


def identifier_mode(redact: bool, allow_identifiers: bool) -> str:
    """``--redact`` -> ``redact``, ``--allow-identifiers`` -> ``allow``, neither -> ``stop``."""
    if redact and allow_identifiers:
        raise RuptureError("give --redact or --allow-identifiers, not both")
    return "redact" if redact else "allow" if allow_identifiers else "stop"


@app.command("annotate")
@user_errors
def annotate_command(
    inputs: Annotated[list[str], typer.Argument(help="Transcript files, folders or globs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created; a rerun resumes in it).")],
    model: Annotated[
        Path | None, typer.Option("--model", help="Model folder (default: the shipped models/default).")
    ] = None,
    formats: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    no_text: Annotated[
        bool, typer.Option("--no-text", help="Leave utterance text out of every output.")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Redo sessions already written in --out.")
    ] = False,
    input_format: Annotated[str | None, typer.Option("--input-format", help=INPUT_FORMAT_HELP)] = None,
    roles: Annotated[str | None, typer.Option("--roles", help=ROLES_HELP)] = None,
    columns: Annotated[str | None, typer.Option("--columns", help=COLUMNS_HELP)] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace possible identifiers with typed placeholders ([NAME_1], "
            "[PHONE_1], ...), the same within a session, before anything else sees the text.",
        ),
    ] = False,
    allow_identifiers: Annotated[
        bool,
        typer.Option(
            "--allow-identifiers",
            help="Go on although the inputs hold possible identifiers "
            "(by default annotate stops and says where to look).",
        ),
    ] = False,
    names: Annotated[Path | None, typer.Option("--names", help=NAMES_HELP)] = None,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help=MIN_CONFIDENCE_HELP)
    ] = DEFAULT_MIN_CONFIDENCE,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Utterances per forward pass of the model.")
    ] = 64,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr.")
    ] = True,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where to run: local (this process) or ray (a Ray cluster; needs the optional ray extra).",
        ),
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            help="Ray cluster for --engine ray (auto, ray://HEAD:10001, "
            "HEAD:6379); default: a local Ray started for the run.",
        ),
    ] = None,
) -> None:
    """Label every utterance, summarise ruptures and repair per session, and write reports.

    The inputs are scanned for identifiers first (see `rupture scan`): annotate stops on findings
    unless given --redact or --allow-identifiers.
    """
    config = runner.AnnotateConfig(
        out,
        parse_formats(formats),
        no_text,
        overwrite,
        batch_size,
        progress=progress,
        input_format=input_format,
        roles=parse_roles(roles),
        columns=parse_columns(columns),
        identifiers=identifier_mode(redact, allow_identifiers),
        scan=scan_options(names, min_confidence),
    )
    result = run_annotate(inputs, config, model, engine=engine, ray_address=ray_address)
    for line in result.lines(no_text):
        typer.echo(line, err=True)
    if result.written == 0 and result.already_done == 0:
        raise RuptureError("nothing could be annotated; see the lines above")
    if "reports" in config.formats:
        typer.echo(f"reports: {out / 'reports'}")
    if "cohort-html" in config.formats:
        typer.echo(f"cohort: {out / 'cohort.html'}")
