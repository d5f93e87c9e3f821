"""The Typer app and what every command shares (spaCy's ``cli/_util.py`` pattern).

Each command lives in its own module of ``pipeline/cli/`` as a thin wrapper over a
plain, importable, tested function elsewhere in the package.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from pipeline import __version__
from pipeline.errors import RuptureError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

app = typer.Typer(
    name="rupture",
    help="Find alliance ruptures and their repair in psychotherapy session transcripts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rupture {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """rupture: 3RS rupture and repair coding for session transcripts."""


def fail(message: str, code: int = 1) -> None:
    """Print one error line to stderr and exit (never a traceback)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`RuptureError` into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RuptureError as err:
            fail(str(err))
        except KeyboardInterrupt:
            typer.echo("interrupted: files already written are kept; rerun to resume", err=True)
            sys.exit(130)

    return wrapper
