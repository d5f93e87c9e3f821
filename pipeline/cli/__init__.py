"""The ``rupture`` command line. Each command module registers itself on ``app`` when imported."""

from __future__ import annotations

from pipeline.cli import annotate, corpus, evaluate, export, scan, segment, train  # noqa: F401
from pipeline.cli._app import app

__all__ = ["app"]
