"""Utterance JSONL in the project's own schema (``data_schemas/utterance.schema.json``)."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from pipeline.datamodel import Transcript, Turn, Utterance
from pipeline.errors import InputError
from pipeline.io import read_utterances
from pipeline.readers.decode import read_text


def read_utterance_jsonl(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """Read our utterance JSONL; one transcript per ``session_id``, utterances kept as they are."""
    _, encoding = read_text(path)
    groups: OrderedDict[str, list[Utterance]] = OrderedDict()
    for u in read_utterances(path):
        groups.setdefault(u.session_id, []).append(u)
    out = []
    for sid, utts in groups.items():
        if len({u.role for u in utts}) < 2:
            raise InputError(
                path,
                f"session {sid!r} has only one speaker role",
                hint="a session needs the patient and the therapist",
            )
        out.append(
            Transcript(
                session_id=sid,
                source=str(path),
                input_format="jsonl",
                encoding=encoding,
                turns=_turns(utts),
                utterances=utts,
            )
        )
    return out


def _turns(utts: list[Utterance]) -> list[Turn]:
    turns: list[Turn] = []
    for u in utts:
        if turns and turns[-1].turn_id == u.turn_id:
            turns[-1].text += " " + u.text
            turns[-1].end = u.end
            continue
        turns.append(
            Turn(
                session_id=u.session_id,
                turn_id=u.turn_id,
                role=u.role,
                speaker=u.speaker,
                text=u.text,
                start=u.start,
                end=u.end,
                source_line=u.source_line,
            )
        )
    return turns
