"""The ``rupture`` command line. Each command module registers itself on ``app``."""

from __future__ import annotations

from pipeline.cli._app import app

# Importing a module registers its command(s) on ``app``.
from pipeline.cli import corpus, segment  # noqa: E402,F401

__all__ = ["app"]
