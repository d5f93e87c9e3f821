"""What every reader shares: time stamps, speaker checks, building a Transcript."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.datamodel import Transcript, Turn, Utterance
from pipeline.errors import InputError
from pipeline.readers.roles import role_of

_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
SHOWN = 5
"""Names a message lists before it says "and N more"."""
MAX_SECONDS = 7 * 24 * 3600.0
"""Times are offsets from the session start; larger ones (Unix times, typos) are not read as times."""
MAX_WARNINGS = 20
"""Warnings kept for one transcript; the rest are counted in one more line."""


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: split at ``\\n``, ``\\r\\n`` and ``\\r`` only.

    ``str.splitlines`` also splits at form feeds, ``\\x1c``-``\\x1e``, ``\\x85`` and
    ``\\u2028``, which would put error messages on the wrong line.

    Example:
        >>> split_lines("T: a\\x0cb\\r\\nP: c\\rT: d")
        ['T: a\\x0cb', 'P: c', 'T: d']
    """
    return _NEWLINE.split(text)


def short(value: str, limit: int = 40) -> str:
    """``repr`` of a value for a one-line message: whitespace squeezed, long values cut.

    Example:
        >>> short("SPEAKER 1\\n"), short("x" * 100, 8)
        ("'SPEAKER 1'", "'xxxxxxxx...' (100 characters)")
    """
    flat = " ".join(str(value).split())
    if len(flat) <= limit:
        return repr(flat)
    return f"{flat[:limit] + '...'!r} ({len(flat)} characters)"


def listing(values: list[str], limit: int = SHOWN) -> str:
    """The first few values (each :func:`short`) and how many more, for a one-line message.

    Example:
        >>> listing(["A", "B", "C"], limit=2)
        "'A', 'B' and 1 more"
    """
    shown = ", ".join(short(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def parse_clock(value: str) -> float | None:
    """``hh:mm:ss``, ``mm:ss`` (with ``.mmm`` or ``,mmm``) or plain seconds -> seconds; None if not a time.

    Example:
        >>> parse_clock("00:12:31"), parse_clock("1:05.5"), parse_clock("75"), parse_clock("12:75")
        (751.0, 65.5, 75.0, None)
    """
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if is_time(seconds) else None
    m = _CLOCK.match(value)
    if not m:
        return None
    h, mi, s, frac = m.groups()
    if int(s) > 59 or (h is not None and int(mi) > 59):
        return None
    total = int(h or 0) * 3600 + int(mi) * 60 + int(s)
    return total + (float(f"0.{frac}") if frac else 0.0)


def is_time(seconds: float) -> bool:
    """A usable offset from the session start: a number from 0 to :data:`MAX_SECONDS`, not NaN.

    Example:
        >>> is_time(12.5), is_time(-1), is_time(float("nan")), is_time(1.7e9)
        (True, False, False, False)
    """
    return math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS


def check_times(path: Path, no: int, u: Utterance) -> list[str]:
    """Make an utterance's unusable times unknown and say so in the returned warnings.

    Unusable: NaN, negative, over :data:`MAX_SECONDS`, or an end before the start.
    """
    warnings = []
    for name in ("start", "end"):
        value = getattr(u, name)
        if value is not None and not is_time(value):
            setattr(u, name, None)
            warnings.append(
                f"{path}:{no}: cannot read the {name} time {value!r}; its time is estimated from the "
                "neighbouring turns (write times as seconds from the session start)"
            )
    if u.start is not None and u.end is not None and u.end < u.start:
        warnings.append(
            f"{path}:{no}: the end time {u.end!r} is before the start {u.start!r}; the end is estimated "
            "from the next utterance (check the times)"
        )
        u.end = None
    return warnings


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
            f"{where}: cannot read the {what} {short(value)}; its time is estimated from the "
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
    pieces: int = 1
    """How many cues or rows of one speaker were merged into this turn."""


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
    _check_speakers(path, raw, roles, role_hint)
    warnings = list(warnings or [])
    if len(raw) == 1:
        where = f"{path}:{raw[0].line}" if raw[0].line is not None else str(path)
        warnings.append(
            f"{where}: the transcript has a single turn ({short(raw[0].speaker)}); "
            "it is read as a one-turn session (check the file if there should be more)"
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
        warnings=cap_warnings(path, warnings),
    )


def cap_warnings(path: Path, warnings: list[str]) -> list[str]:
    """The first :data:`MAX_WARNINGS` warnings and a line counting the rest (a bad column warns on every row).

    Example:
        >>> cap_warnings(Path("a.csv"), [f"a.csv:{i}: ..." for i in range(1, 31)])[-1]
        'a.csv: 10 more warnings (fix the lines above and read the file again to see them)'
    """
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    more = len(warnings) - MAX_WARNINGS
    return [
        *warnings[:MAX_WARNINGS],
        f"{path}: {more} more warnings (fix the lines above and read the file again to see them)",
    ]


def _check_speakers(path: Path, raw: list[RawTurn], roles: dict[str, str] | None, role_hint: str) -> None:
    """Every speaker has a role, and a transcript of several turns has more than one speaker."""
    unknown = sorted({t.speaker for t in raw if role_of(t.speaker, roles) is None})
    if unknown:
        names = set(unknown)
        first = next(t.line for t in raw if t.speaker in names)
        flat = [" ".join(name.split()) for name in unknown[:2]]
        pairs = ",".join(
            f"{name if len(name) <= 40 else 'NAME'}={'patient' if i else 'therapist'}"
            for i, name in enumerate(flat)
        )
        raise InputError(
            path,
            f"unknown speaker(s) {listing(unknown)}",
            line=first,
            hint=f'map them to roles with {role_hint} "{pairs}" (roles: patient, therapist, other)',
        )
    if len({t.speaker for t in raw}) < 2 and (len(raw) > 1 or raw[0].pieces > 1):
        raise InputError(
            path,
            f"only one speaker ({short(raw[0].speaker)}) in the whole transcript",
            hint="a session needs the patient and the therapist; check the speaker labels or the file",
        )


def session_id_from(path: Path) -> str:
    return re.sub(r"[^\w.-]+", "_", path.stem)
