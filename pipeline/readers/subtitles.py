"""WebVTT and SRT captions from ASR (e.g. Whisper) with diarisation labels.

Speakers come from ``<v Name>`` voice tags or a ``SPEAKER_00:`` / ``[SPEAKER_00]`` prefix;
consecutive cues of one speaker make one turn.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.datamodel import Transcript
from pipeline.errors import InputError
from pipeline.readers.common import (
    RawTurn,
    build_transcript,
    parse_clock,
    session_id_from,
    short,
    split_lines,
)
from pipeline.readers.decode import read_text

_TIMING = re.compile(r"^\s*([\d:.,]+)\s*-->\s*([\d:.,]+)")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^<>]+)>")
_PREFIX = re.compile(
    r"^\[?((?:SPEAKER|Speaker|speaker)[ _]?\d+|[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2})\]?\s*:\s*"
)
_TAG = re.compile(r"</?[^<>]+>")  # [^<>]: a run of "<" without ">" stays linear


def read_captions(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """Read a ``.vtt`` or ``.srt`` file into one transcript."""
    text, encoding = read_text(path)
    fmt = "vtt" if text.lstrip("\ufeff").startswith("WEBVTT") else "srt"
    raw: list[RawTurn] = []
    parts: list[list[str]] = []  # each turn's cue texts, joined once at the end
    for cue_no, (line, start, end, body) in enumerate(_cues(path, text)):
        speaker, words = _speaker(body)
        if speaker is None:
            if not raw:
                raise InputError(
                    path,
                    "caption has no speaker label",
                    line=line,
                    hint="diarise the audio (<v Name> tags or 'SPEAKER_00:' prefixes)",
                )
            speaker = raw[-1].speaker
        if raw and raw[-1].speaker == speaker:
            parts[-1].append(words)
            raw[-1].end = end
            raw[-1].pieces += 1
        else:
            raw.append(
                RawTurn(speaker=speaker, text="", line=line, start=start, end=end, turn_id=str(cue_no))
            )
            parts.append([words])
    for turn, cues in zip(raw, parts, strict=True):
        turn.text = " ".join(cues)
    return [build_transcript(path, session_id_from(path), raw, roles, fmt, encoding)]


def _cues(path: Path, text: str):
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        m = _TIMING.match(lines[i])
        if not m:
            if "-->" in lines[i]:
                raise InputError(
                    path,
                    f"cannot read the cue timing {short(lines[i], 60)}",
                    line=i + 1,
                    hint="cue timings look like 00:01:02.500 --> 00:01:05.000",
                )
            i += 1
            continue
        start, end = parse_clock(m[1]), parse_clock(m[2])
        if start is None or end is None:
            raise InputError(
                path,
                f"cannot read the cue timing {short(lines[i], 60)}",
                line=i + 1,
                hint="cue timings look like 00:01:02.500 --> 00:01:05.000",
            )
        body, j = [], i + 1
        while j < len(lines) and lines[j].strip():
            body.append(lines[j].strip())
            j += 1
        if body:
            yield i + 1, start, end, " ".join(body)
        i = j


def _speaker(body: str) -> tuple[str | None, str]:
    voice = _VOICE.search(body)
    if voice:
        return voice[1].strip(), _TAG.sub("", body).strip()
    body = _TAG.sub("", body).strip()
    prefix = _PREFIX.match(body)
    if prefix:
        return prefix[1].strip(), body[prefix.end() :].strip()
    return None, body
