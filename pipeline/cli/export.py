"""``rupture export``: an annotate output folder as ELAN tiers, a ConvoKit corpus, or a flat CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._app import app, user_errors
from pipeline.errors import RuptureError
from pipeline.export import TARGETS, export_annotated


@app.command("export")
@user_errors
def export_command(
    source: Annotated[
        Path, typer.Argument(help="A folder written by `rupture annotate` (or utterance JSONL).")
    ],
    to: Annotated[str, typer.Option("--to", help=f"Target format: {', '.join(TARGETS)}.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")],
    no_text: Annotated[bool, typer.Option("--no-text", help="Leave utterance text out.")] = False,
) -> None:
    """Export annotations: ELAN .eaf (check suggestions against video), ConvoKit corpus, or flat CSV."""
    if to not in TARGETS:
        raise RuptureError(f"--to {to!r} is not one of {', '.join(TARGETS)}")
    if not source.exists():
        raise RuptureError(f"{source}: not found (give the --out folder of `rupture annotate`)")
    paths = export_annotated(source, out, to, no_text)
    typer.echo(f"wrote {len(paths)} {'file' if len(paths) == 1 else 'files'} to {out}")
