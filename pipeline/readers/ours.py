"""Utterance JSONL in the project's own schema (``data_schemas/utterance.schema.json``)."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from pathlib import Path

from pipeline.datamodel import Transcript, Turn, Utterance
from pipeline.errors import InputError
from pipeline.io import read_utterances
from pipeline.readers.common import cap_warnings, check_times, short
from pipeline.readers.decode import read_text


def read_utterance_jsonl(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """Read our utterance JSONL; one transcript per ``session_id``, utterances kept as they are."""
    text, encoding = read_text(path)
    if encoding not in {"utf-8", "utf-8-sig"}:
        raise InputError(path, f"is {encoding} text; JSON Lines must be UTF-8", hint="re-save it as UTF-8")
    lines = [no for no, line in enumerate(text.split("\n"), start=1) if line.strip()]
    groups: OrderedDict[str, list[tuple[int, Utterance]]] = OrderedDict()
    for no, u in zip(lines, read_utterances(path), strict=True):
        groups.setdefault(u.session_id, []).append((no, u))
    return [_transcript(path, sid, rows, encoding) for sid, rows in groups.items()]


def _transcript(path: Path, sid: str, rows: list[tuple[int, Utterance]], encoding: str) -> Transcript:
    utts = [u for _, u in rows]
    warnings = [w for no, u in rows for w in check_times(path, no, u)]
    if len({u.role for u in utts}) < 2:
        if len({u.turn_id for u in utts}) > 1:
            raise InputError(
                path,
                f"session {short(sid)} has only one speaker role",
                line=rows[0][0],
                hint="a session needs the patient and the therapist",
            )
        warnings.append(
            f"{path}:{rows[0][0]}: session {short(sid)} has a single turn; "
            "it is read as a one-turn session (check the file if there should be more)"
        )
    return Transcript(
        session_id=sid,
        source=str(path),
        input_format="jsonl",
        encoding=encoding,
        turns=_turns(utts),
        utterances=utts,
        warnings=cap_warnings(path, warnings),
    )


def _turns(utts: list[Utterance]) -> list[Turn]:
    """Consecutive utterances of one turn id make one turn."""
    turns: list[Turn] = []
    for _, group in itertools.groupby(utts, key=lambda u: u.turn_id):
        us = list(group)
        turns.append(
            Turn(
                session_id=us[0].session_id,
                turn_id=us[0].turn_id,
                role=us[0].role,
                speaker=us[0].speaker,
                text=" ".join(u.text for u in us),
                start=us[0].start,
                end=us[-1].end,
                source_line=us[0].source_line,
            )
        )
    return turns
