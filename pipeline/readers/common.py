"""What every reader shares: time stamps, speaker checks, building a Transcript."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.datamodel import Transcript, Turn
from pipeline.errors import InputError
from pipeline.readers.roles import role_of

_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def parse_clock(value: str) -> float | None:
    """``hh:mm:ss``, ``mm:ss`` (with ``.mmm`` or ``,mmm``) or plain seconds -> seconds; None if not a time.

    Example:
        >>> parse_clock("00:12:31"), parse_clock("1:05.5"), parse_clock("75"), parse_clock("12:75")
        (751.0, 65.5, 75.0, None)
    """
    value = value.strip()
    try:
        seconds = float(value)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    m = _CLOCK.match(value)
    if not m:
        return None
    h, mi, s, frac = m.groups()
    if int(s) > 59 or (h is not None and int(mi) > 59):
        return None
    total = int(h or 0) * 3600 + int(mi) * 60 + int(s)
    return total + (float(f"0.{frac}") if frac else 0.0)


def read_time(
    path: Path, line: int | None, value: str | None, warnings: list[str], what: str = "time"
) -> float | None:
    """Parse a time; an unreadable one becomes unknown (estimated later) with a warning naming the line."""
    if value is None or not value.strip() or value.strip().lower() in {"na", "n/a", "nan", "none"}:
        return None
    t = parse_clock(value)
    if t is None:
        where = f"{path}:{line}" if line is not None else str(path)
        warnings.append(
            f"{where}: cannot read the {what} {value.strip()!r}; its time is estimated from the "
            "neighbouring turns (write times as hh:mm:ss or seconds)"
        )
    return t


@dataclass
class RawTurn:
    speaker: str
    text: str
    line: int | None
    start: float | None = None
    end: float | None = None
    turn_id: str | None = None
    labels: list[str] = field(default_factory=list)


def build_transcript(
    path: Path,
    session_id: str,
    raw: list[RawTurn],
    roles: dict[str, str] | None,
    input_format: str,
    encoding: str | None = None,
    metadata: dict[str, Any] | None = None,
    role_hint: str = "--roles",
    warnings: list[str] | None = None,
) -> Transcript:
    """Check speakers and turn raw turns into a :class:`Transcript`."""
    if not raw:
        raise InputError(
            path, "no speaker turns found", hint=f"is this a {input_format} transcript? see --input-format"
        )
    unknown = sorted({t.speaker for t in raw if role_of(t.speaker, roles) is None})
    if unknown:
        first = next(t.line for t in raw if t.speaker in unknown)
        pairs = ",".join(
            f"{name}=patient" if i else f"{name}=therapist" for i, name in enumerate(unknown[:2])
        )
        raise InputError(
            path,
            f"unknown speaker(s) {', '.join(repr(u) for u in unknown)}",
            line=first,
            hint=f'map them to roles with {role_hint} "{pairs}" (roles: patient, therapist, other)',
        )
    speakers = {t.speaker for t in raw}
    if len(speakers) < 2:
        raise InputError(
            path,
            f"only one speaker ({next(iter(speakers))!r}) in the whole transcript",
            hint="a session needs the patient and the therapist; check the speaker labels or the file",
        )
    turns = [
        Turn(
            session_id=session_id,
            turn_id=t.turn_id if t.turn_id is not None else str(i),
            role=role_of(t.speaker, roles),
            speaker=t.speaker,
            text=t.text.strip(),
            start=t.start,
            end=t.end,
            source_line=t.line,
            labels=t.labels,
        )
        for i, t in enumerate(raw)
    ]
    return Transcript(
        session_id=session_id,
        source=str(path),
        input_format=input_format,
        encoding=encoding,
        metadata=metadata or {},
        turns=turns,
        warnings=warnings or [],
    )


def session_id_from(path: Path) -> str:
    return re.sub(r"[^\w.-]+", "_", path.stem)
