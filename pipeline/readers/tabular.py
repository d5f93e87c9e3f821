"""CSV/TSV transcripts (one row a turn) and AnnoMI's CSV layout."""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from pathlib import Path

from pipeline.datamodel import Transcript
from pipeline.errors import InputError, RuptureError
from pipeline.readers.common import RawTurn, build_transcript, read_time, session_id_from
from pipeline.readers.decode import read_text

FIELDS = ("session", "speaker", "text", "start", "end", "turn_id", "labels")
GUESSES = {
    "session": ("session_id", "session", "conversation_id", "transcript_id"),
    "speaker": ("speaker", "role", "interlocutor", "speaker_role", "who"),
    "text": ("text", "utterance", "utterance_text", "transcript", "content"),
    "start": ("start", "start_time", "begin", "timestamp", "time"),
    "end": ("end", "end_time", "stop"),
    "turn_id": ("turn_id", "utterance_id", "turn", "id"),
    "labels": ("labels",),
}
ANNOMI_COLUMNS = {"transcript_id", "utterance_id", "interlocutor", "utterance_text", "timestamp"}
ANNOMI_ROLES = {"therapist": "therapist", "client": "patient"}
SHOWN_COLUMNS = 12


def parse_columns(spec: str | None) -> dict[str, str]:
    """Parse ``--columns "speaker=Who,text=Said,start=From"``.

    Example:
        >>> parse_columns("speaker=Who, text=Said")
        {'speaker': 'Who', 'text': 'Said'}
    """
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        key, sep, col = part.partition("=")
        key = key.strip()
        if not sep or key not in FIELDS or not col.strip():
            raise RuptureError(
                f"--columns: cannot read {part.strip()!r}; "
                f"write FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}"
            )
        out[key] = col.strip()
    return out


def _rows(path: Path, delimiter: str | None) -> tuple[list[str], list[tuple[int, dict[str, str]]], str]:
    text, encoding = read_text(path)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" or text.split("\n", 1)[0].count("\t") > 0 else ","
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))  # one long turn is no error
    # newline=None: a lone "\r" (old Mac files, stray CRs) ends a line, as in every other reader
    reader = csv.DictReader(io.StringIO(text, newline=None), delimiter=delimiter)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as err:
        raise InputError(
            path,
            f"cannot be read as CSV ({err})",
            line=reader.line_num or None,
            hint="check the quotes and delimiters there",
        ) from None
    return header, rows, encoding


def _columns(header: list[str]) -> str:
    """The header for a message: the first columns, each cut short, and how many more."""
    names = [" ".join(h.split())[:40] for h in header[:SHOWN_COLUMNS]]
    more = len(header) - SHOWN_COLUMNS
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _resolve(path: Path, header: list[str], columns: dict[str, str]) -> dict[str, str]:
    lower = {h.lower(): h for h in header}
    found: dict[str, str] = {}
    for key in FIELDS:
        if key in columns:
            if columns[key] not in header:
                raise InputError(
                    path,
                    f"has no column {columns[key]!r} (given for {key})",
                    line=1,
                    hint=f"its columns are: {_columns(header)}",
                )
            found[key] = columns[key]
            continue
        for guess in GUESSES[key]:
            if guess in lower:
                found[key] = lower[guess]
                break
    for needed in ("speaker", "text"):
        if needed not in found:
            raise InputError(
                path,
                f"has no {needed} column",
                line=1,
                hint=f'name it with --columns "{needed}=COLUMN"; its columns are: {_columns(header)}',
            )
    return found


def read_table(
    path: Path,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    delimiter: str | None = None,
) -> list[Transcript]:
    """Read a CSV/TSV transcript; a session column splits it into several sessions."""
    header, rows, encoding = _rows(path, delimiter)
    if not rows:
        raise InputError(path, "has a header but no rows", hint="give one row a turn")
    cols = _resolve(path, header, columns or {})
    sessions: OrderedDict[str, list[RawTurn]] = OrderedDict()
    warnings: dict[str, list[str]] = {}
    for line, row in rows:
        text = (row.get(cols["text"]) or "").strip()
        speaker = (row.get(cols["speaker"]) or "").strip()
        if not text and not speaker:
            continue
        if not speaker:
            raise InputError(path, "row has no speaker", line=line, hint="fill the speaker column")
        sid = (row.get(cols["session"]) or "").strip() if "session" in cols else ""
        labels = (row.get(cols["labels"]) or "") if "labels" in cols else ""
        sid = sid or session_id_from(path)
        mine = warnings.setdefault(sid, [])
        sessions.setdefault(sid, []).append(
            RawTurn(
                speaker=speaker,
                text=text,
                line=line,
                start=read_time(path, line, row.get(cols["start"]), mine, f"{cols['start']!r} time")
                if "start" in cols
                else None,
                end=read_time(path, line, row.get(cols["end"]), mine, f"{cols['end']!r} time")
                if "end" in cols
                else None,
                turn_id=(row.get(cols["turn_id"]) or "").strip() or None if "turn_id" in cols else None,
                labels=[x.strip() for x in labels.split(";") if x.strip()],
            )
        )
    return [
        build_transcript(path, sid, raw, roles, "csv", encoding, warnings=warnings[sid])
        for sid, raw in sessions.items()
    ]


def is_annomi(header: list[str]) -> bool:
    return ANNOMI_COLUMNS <= {h.strip() for h in header}


def read_annomi(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """AnnoMI (simple or full) CSV: one session per transcript_id, ``annomi-<id>``.

    The full CSV repeats each turn once per annotator; a turn is kept once.
    """
    header, rows, encoding = _rows(path, ",")
    if not is_annomi(header):
        missing = ANNOMI_COLUMNS - set(header)
        raise InputError(
            path,
            f"is not AnnoMI's layout (missing {', '.join(sorted(missing))})",
            line=1,
            hint="read it with --input-format csv",
        )
    sessions: OrderedDict[str, list[RawTurn]] = OrderedDict()
    meta: dict[str, dict[str, str]] = {}
    seen: set[tuple[str, str]] = set()
    warnings: dict[str, list[str]] = {}
    for line, row in rows:
        row = {k: v if isinstance(v, str) else "" for k, v in row.items()}  # short rows: None
        tid, uid = row["transcript_id"].strip(), row["utterance_id"].strip()
        if (tid, uid) in seen:
            continue
        seen.add((tid, uid))
        sid = f"annomi-{tid}"
        who = row["interlocutor"].strip().lower()
        if not who:
            raise InputError(path, "row has no interlocutor", line=line, hint="fill the interlocutor column")
        meta.setdefault(
            sid, {k: row[k] for k in ("mi_quality", "topic", "video_title", "video_url") if k in row}
        )
        sessions.setdefault(sid, []).append(
            RawTurn(
                speaker=ANNOMI_ROLES.get(who, who),
                text=row["utterance_text"],
                line=line,
                start=read_time(path, line, row["timestamp"], warnings.setdefault(sid, []), "timestamp"),
                turn_id=uid,
            )
        )
    return [
        build_transcript(
            path,
            sid,
            raw,
            roles,
            "annomi",
            encoding,
            {"corpus": "AnnoMI", "transcript_id": sid[7:], **meta[sid]},
            warnings=warnings[sid],
        )
        for sid, raw in sessions.items()
    ]
