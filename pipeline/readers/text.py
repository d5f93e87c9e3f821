"""Plain-text transcripts with speaker prefixes and optional time stamps.

Accepted lines::

    # title: First session            (metadata)
    [00:12:31] T: So what brings you in?
    Client: I don't know. [pause] My wife, I guess.
    Dr. Lee: Mm-hmm.
    and a line with no prefix continues the previous turn.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.datamodel import Transcript
from pipeline.errors import InputError
from pipeline.readers.common import RawTurn, build_transcript, read_time, session_id_from, split_lines
from pipeline.readers.decode import read_text

_STAMP = re.compile(r"^[\[(]\s*([\d:.,]+)\s*[\])]\s*")
_BAD_STAMP = re.compile(r"^[\[(]\s*\d[\w:.,]*\s*[\])]")
_SPEAKER = re.compile(
    r"^(?P<spk>(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?\s+[A-Z][\w'-]*"
    r"|SPEAKER_\d+"
    r"|[A-Z][\w'-]*(?:\s[A-Z][\w'-]*){0,2}"
    r"|[a-z][a-z_]{0,11})\s*:\s+(?P<text>.*)$"
)
_META = re.compile(r"^#\s*([\w-]+)\s*:\s*(.*)$")


def read_plain_text(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """Read one plain-text transcript."""
    text, encoding = read_text(path)
    raw: list[RawTurn] = []
    parts: list[list[str]] = []  # each turn's text line by line, joined once at the end
    meta: dict[str, str] = {}
    warnings: list[str] = []
    for no, line in enumerate(split_lines(text), start=1):
        line = line.strip()
        if not line:
            continue
        m = _META.match(line)
        if m and not raw:
            meta[m[1]] = m[2].strip()
            continue
        if line.startswith("#"):
            continue
        _read_line(path, no, line, raw, parts, warnings)
    for turn, lines in zip(raw, parts, strict=True):
        turn.text = " ".join(lines)
    session_id = meta.pop("session_id", None) or session_id_from(path)
    return [build_transcript(path, session_id, raw, roles, "text", encoding, meta, warnings=warnings)]


def _read_line(
    path: Path, no: int, line: str, raw: list[RawTurn], parts: list[list[str]], warnings: list[str]
) -> None:
    start = None
    stamp = _STAMP.match(line) or _BAD_STAMP.match(line)
    if stamp:
        start = read_time(path, no, stamp[0].strip("[]() "), warnings, "time stamp")
        line = line[stamp.end() :].lstrip()
    spk = _SPEAKER.match(line)
    if spk:
        raw.append(RawTurn(speaker=spk["spk"].strip(), text="", line=no, start=start))
        parts.append([spk["text"]])
    elif raw:
        parts[-1].append(line)
    else:
        raise InputError(
            path,
            "the first turn has no speaker prefix",
            line=no,
            hint="start each turn with 'T:' / 'P:' or a speaker name and a colon",
        )
