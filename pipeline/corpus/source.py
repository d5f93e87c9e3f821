"""Parse the hand-written corpus source files (format: ``data/corpus/FORMAT.md``).

Standard library only, so that ``scripts/check_corpus_source.py`` runs with any
Python while sessions are being written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

LABELSET_PATH = Path(__file__).resolve().parents[2] / "data_schemas" / "labelset.json"
HEADER_KEYS = (
    "session_id",
    "title",
    "setting",
    "modality",
    "presentation",
    "stage",
    "clinician",
    "clinician_style",
    "patient",
    "rupture",
    "summary",
)
ROLE_CODES = {"T": "therapist", "P": "patient"}
SEGMENT_SECONDS = 300

_TURN = re.compile(r"^\[(\d{2}):(\d{2}):(\d{2})\]\s+([TP]):\s*(.*)$")
_CONT = re.compile(r"^\+\s*(.*)$")
_LABELS = re.compile(r"\{([^{}]*)\}\s*$")
_SEGMENT = re.compile(
    r"^segment\s+(\d+):\s*withdrawal=([1-5])\s+confrontation=([1-5])\s+resolution=([1-5]|-)\s*$"
)
_SESSION = re.compile(r"^session:\s*therapist_contribution=([1-5])\s+overall_resolution=([1-5]|-)\s*$")


@dataclass
class SourceLine:
    line_no: int
    turn_index: int
    role: str
    start: float
    text: str
    labels: list[str]


@dataclass
class SourceSession:
    path: Path
    header: dict[str, str] = field(default_factory=dict)
    lines: list[SourceLine] = field(default_factory=list)
    segments: dict[int, tuple[int, int, int | None]] = field(default_factory=dict)
    session_rating: tuple[int, int | None] | None = None
    errors: list[str] = field(default_factory=list)

    def error(self, line_no: int | None, message: str) -> None:
        where = f"{self.path}:{line_no}" if line_no else str(self.path)
        self.errors.append(f"{where}: {message}")


def load_label_roles(path: Path = LABELSET_PATH) -> dict[str, str]:
    """Return ``{label_id: role}`` from the label set file."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    group_role = {name: g["role"] for name, g in doc["groups"].items()}
    return {lab["id"]: group_role[lab["group"]] for lab in doc["labels"]}


def parse_source(path: Path, label_roles: dict[str, str] | None = None) -> SourceSession:
    """Parse one source file; problems are collected in ``.errors``, never raised."""
    label_roles = label_roles or load_label_roles()
    session = SourceSession(path=Path(path))
    raw = Path(path).read_text(encoding="utf-8").splitlines()
    part = "header"
    turn_index = -1
    last_time = -1.0
    for no, line in enumerate(raw, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == "---":
            part = {"header": "body", "body": "footer"}.get(part, "footer")
            continue
        if part == "header":
            _parse_header_line(session, no, stripped)
        elif part == "body":
            turn_index, last_time = _parse_body_line(
                session, no, stripped, turn_index, last_time, label_roles
            )
        else:
            _parse_footer_line(session, no, stripped)
    _check_whole(session)
    return session


def _parse_header_line(session: SourceSession, no: int, line: str) -> None:
    m = re.match(r"^#\s*([a-z_]+):\s*(.*)$", line)
    if not m:
        session.error(no, f"header line should be '# key: value', got {line!r}")
        return
    session.header[m[1]] = m[2].strip()


def _split_labels(session: SourceSession, no: int, text: str) -> tuple[str, list[str]]:
    m = _LABELS.search(text)
    if not m:
        return text.strip(), []
    labels = [x.strip() for x in m[1].split(",") if x.strip()]
    return text[: m.start()].strip(), labels


def _parse_body_line(session, no, line, turn_index, last_time, label_roles):
    turn = _TURN.match(line)
    cont = _CONT.match(line)
    if turn:
        h, m, s, code, rest = turn.groups()
        start = int(h) * 3600 + int(m) * 60 + int(s)
        if start <= last_time:
            session.error(no, f"time {h}:{m}:{s} does not come after the previous turn's")
        turn_index += 1
        role = ROLE_CODES[code]
        if session.lines and session.lines[-1].role == role and start - session.lines[-1].start < 30:
            session.error(
                no, "a second turn in a row by the same speaker; write it as a '+' line of the turn"
            )
        last_time = max(last_time, start)
    elif cont:
        if turn_index < 0:
            session.error(no, "a '+' line must follow a turn line")
            return turn_index, last_time
        rest = cont[1]
        role = session.lines[-1].role
        start = session.lines[-1].start
    else:
        session.error(no, "body lines are '[hh:mm:ss] T: text {labels}' or '+ text {labels}'")
        return turn_index, last_time
    text, labels = _split_labels(session, no, rest)
    if not text:
        session.error(no, "empty utterance text")
    for lab in labels:
        if lab not in label_roles:
            session.error(no, f"unknown label id {lab!r}")
        elif label_roles[lab] != role:
            session.error(no, f"{lab} applies to {label_roles[lab]} utterances, not {role}")
    if len(set(labels)) != len(labels):
        session.error(no, "a label is repeated on one line")
    session.lines.append(SourceLine(no, turn_index, role, float(start), text, labels))
    return turn_index, last_time


def _parse_footer_line(session: SourceSession, no: int, line: str) -> None:
    seg = _SEGMENT.match(line)
    ses = _SESSION.match(line)
    if seg:
        idx = int(seg[1])
        res = None if seg[4] == "-" else int(seg[4])
        session.segments[idx] = (int(seg[2]), int(seg[3]), res)
    elif ses:
        session.session_rating = (int(ses[1]), None if ses[2] == "-" else int(ses[2]))
    else:
        session.error(no, f"footer line not understood: {line!r}")


def _check_whole(session: SourceSession) -> None:
    missing = [k for k in HEADER_KEYS if k not in session.header]
    if missing:
        session.error(None, f"header lacks: {', '.join(missing)}")
    sid = session.header.get("session_id")
    if sid and sid != session.path.stem:
        session.error(None, f"session_id {sid!r} differs from the file name {session.path.stem!r}")
    if not session.lines:
        session.error(None, "no utterances")
        return
    roles = {ln.role for ln in session.lines}
    if roles != {"patient", "therapist"}:
        session.error(None, "a session needs both T and P turns")
    wanted = sorted({int(ln.start // SEGMENT_SECONDS) + 1 for ln in session.lines})
    if sorted(session.segments) != wanted:
        session.error(
            None,
            f"segment lines should be exactly {wanted} (turns start in those 5-minute windows), "
            f"found {sorted(session.segments)}",
        )
    if session.session_rating is None:
        session.error(None, "missing 'session: therapist_contribution=N overall_resolution=N' line")
