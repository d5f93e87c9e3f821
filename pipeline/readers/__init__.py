"""Transcript readers: every supported format turned into :class:`~pipeline.datamodel.Transcript`.

The format is detected from the extension and the content, and can be forced with
``input_format`` (``--input-format`` on the command line).

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s1.txt"
    >>> _ = p.write_text("T: How was the week?\\nP: Fine.\\n")
    >>> [(t.role, t.text) for t in read_path(p)[0].turns]
    [('therapist', 'How was the week?'), ('patient', 'Fine.')]
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path

from pipeline.datamodel import Transcript
from pipeline.errors import InputError
from pipeline.readers.common import split_lines
from pipeline.readers.convokit import is_convokit_dir, read_convokit
from pipeline.readers.decode import read_text
from pipeline.readers.ours import read_utterance_jsonl
from pipeline.readers.subtitles import read_captions
from pipeline.readers.tabular import is_annomi, read_annomi, read_table
from pipeline.readers.text import read_plain_text

Reader = Callable[..., list[Transcript]]

READERS: dict[str, Reader] = {
    "text": read_plain_text,
    "csv": read_table,
    "tsv": read_table,
    "jsonl": read_utterance_jsonl,
    "vtt": read_captions,
    "srt": read_captions,
    "annomi": read_annomi,
    "convokit": read_convokit,
}
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".vtt": "vtt",
    ".srt": "srt",
}
TRANSCRIPT_EXTENSIONS = set(EXTENSIONS)


def detect_format(path: Path) -> str:
    """Guess a file's format from its extension and first line."""
    if is_convokit_dir(path):
        return "convokit"
    if path.is_dir():
        raise InputError(
            path, "is a folder that is not a ConvoKit corpus", hint="give the transcript files in it"
        )
    fmt = EXTENSIONS.get(path.suffix.lower())
    head = read_text(path)[0].lstrip("\ufeff")[:2000]
    first = split_lines(head)[0]
    if head.startswith("WEBVTT"):
        return "vtt"
    if fmt in {"csv", None} and is_annomi(first.split(",")):
        return "annomi"
    if fmt is None:
        if first.lstrip().startswith("{"):
            return "jsonl"
        if "-->" in head.split("\n\n", 1)[0]:
            return "srt"
        return "text"
    return fmt


def read_path(
    path: str | Path,
    input_format: str | None = None,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
) -> list[Transcript]:
    """Read one file (or ConvoKit folder) into transcripts; raises :class:`InputError` on bad input."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "does not exist", hint="check the path")
    fmt = input_format or detect_format(path)
    if fmt not in READERS:
        raise InputError(path, f"unknown input format {fmt!r}", hint=f"choose one of {', '.join(READERS)}")
    if fmt in {"csv", "tsv"}:
        return read_table(path, roles, columns, delimiter="\t" if fmt == "tsv" else None)
    return READERS[fmt](path, roles)


def expand_inputs(inputs: list[str | Path]) -> list[Path]:
    """Files, folders and globs -> sorted unique paths.

    A folder gives the transcripts directly inside it and the ConvoKit corpora among its
    sub-folders (use a glob such as ``dir/**/*.txt`` to go deeper), so gold-label files
    kept in a sub-folder are never read as transcripts. A ConvoKit corpus folder stays
    one input. A pattern that matches nothing raises :class:`InputError`.
    """
    out: list[Path] = []
    for item in inputs:
        item = str(item)
        matches = (
            [Path(p) for p in sorted(glob.glob(item, recursive=True))]
            if glob.has_magic(item)
            else [Path(item)]
        )
        if not matches:
            raise InputError(item, "matches no file", hint="check the pattern or quote it")
        for p in matches:
            out.extend(_expand_one(p))
    seen: set[Path] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def _expand_one(p: Path) -> list[Path]:
    if p.is_dir() and not is_convokit_dir(p):
        return sorted(
            f
            for f in p.iterdir()
            if (f.is_file() and f.suffix.lower() in TRANSCRIPT_EXTENSIONS and not f.name.startswith("."))
            or is_convokit_dir(f)
        )
    return [p]
