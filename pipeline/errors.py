"""User-facing errors: one clear line naming the file (and line) and what to do."""

from __future__ import annotations

import re
from pathlib import Path


class RuptureError(Exception):
    """An error the user can act on. The CLI prints ``str(err)`` and never a traceback."""


class InputError(RuptureError):
    """A transcript or data file that cannot be read as given.

    Example:
        >>> str(InputError("a.txt", "no speaker prefix", line=3, hint="start lines with 'T:' or 'P:'"))
        "a.txt:3: no speaker prefix (start lines with 'T:' or 'P:')"
    """

    def __init__(self, path: str | Path, message: str, *, line: int | None = None, hint: str | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        self.hint = hint
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}" + (f" ({hint})" if hint else ""))


class ModelError(RuptureError):
    """A model directory that cannot be used (missing files, label-set mismatch, ...)."""


_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")


def withhold_quoted(message: str) -> str:
    """A message with every quoted value (speaker labels, cell values) replaced by ``'...'``.

    Messages quote what they found in a file so that the user can fix it; with ``--no-text`` the run's
    logs keep only where and what kind of problem.

    Example:
        >>> withhold_quoted("a.txt:3: unknown speaker(s) 'Anna Lee' (map it with --roles)")
        "a.txt:3: unknown speaker(s) '...' (map it with --roles)"
    """
    return _QUOTED.sub("'...'", message)
