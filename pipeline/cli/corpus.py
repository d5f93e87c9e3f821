"""``rupture corpus``: build, check and count the labelled corpus."""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.cli._app import app, user_errors
from pipeline.corpus.build import build_corpus
from pipeline.corpus.stats import corpus_stats, format_stats
from pipeline.labelset import load_labelset

corpus_app = typer.Typer(help="Build, check and count a labelled corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("stats")
@user_errors
def stats_command(
    path: Path = typer.Argument(Path("data/corpus"), help="Corpus folder (sessions.jsonl, utterances/)."),
) -> None:
    """Print counts per split and label; exit 1 when the corpus breaks its schema or the label/role rules."""
    labelset = load_labelset()
    stats = corpus_stats(path, labelset)
    typer.echo(format_stats(stats, labelset))
    short = stats.minimums_met(labelset)
    typer.echo(
        "\nproject minimums (80 sessions, 8,000 utterances, every label >= 40 positives in >= 10 sessions): "
        + ("met" if not short else "NOT met: " + "; ".join(short))
    )
    for p in stats.problems:
        typer.echo(f"problem: {p}", err=True)
    if stats.problems:
        typer.echo(f"{len(stats.problems)} problems", err=True)
        raise typer.Exit(1)


@corpus_app.command("build")
@user_errors
def build_command(
    sources: Path = typer.Argument(
        Path("data/corpus/sessions"), help="Folder of hand-written *.txt sessions."
    ),
    out: Path = typer.Option(Path("data/corpus"), "--out", "-o", help="Corpus folder to write."),
    split: str = typer.Option(
        None, "--split", help="Put every session in this split instead of choosing splits."
    ),
) -> None:
    """Build the corpus JSONL files (and fix the splits) from the source files."""
    sessions = build_corpus(sources, out, split)
    typer.echo(f"wrote {len(sessions)} sessions to {out}")
