"""Reading hand-coded gold labels and 3RS ratings (the formats are in ``data_schemas/gold_*.schema.json``).

=================  ==========================================================================  ==========
Format             Columns / content                                                           Grain
=================  ==========================================================================  ==========
turn labels        CSV ``session_id,turn_id,labels`` (ids joined by ``;``, empty when none)     turn
utterance labels   our utterance JSONL (``labels``), a folder of them, a corpus folder, or     utterance
                   sessions coded in the corpus source format (``data/corpus/FORMAT.md``)
segment sheet      CSV ``session_id,segment_index,withdrawal_significance,                     segment
                   confrontation_significance,resolution`` (resolution empty when no rupture)
session sheet      CSV ``session_id,therapist_contribution,overall_resolution``                session
marker spans       CSV ``session_id,start,end,label`` (seconds or hh:mm:ss[.mmm]; ELAN export)  turn
=================  ==========================================================================  ==========

The kind of a CSV is told from its header. A corpus folder (``sessions.jsonl`` + ``utterances/``) gives
utterance labels and its hand-coded segment and session ratings; ``split`` picks its splits. Marker spans
are laid over the transcript's utterances (:func:`project_spans`): an utterance of the label's role carries
the label when its time overlaps the span; they are then scored per turn, since utterance times inside a
turn are only estimated by word count. Name gold files ``*.gold.csv``
so ``rupture annotate`` over a folder does not take them for transcripts.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "turns.gold.csv"
    >>> _ = p.write_text("session_id,turn_id,labels\\ns1,1,wd_denial;wd_minimal_response\\ns1,2,\\n")
    >>> g = read_gold([p])
    >>> g.grain, sorted(g.turns["s1"]["1"])
    ('turn', ['wd_denial', 'wd_minimal_response'])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.datamodel import SegmentRating, Session, SessionRating, Transcript, Utterance
from pipeline.errors import InputError
from pipeline.io import read_utterances
from pipeline.labelset import LabelSet, load_labelset
from pipeline.readers.common import parse_clock
from pipeline.readers.decode import read_text
from pipeline.segment import segment_transcript

TURN_COLUMNS = ("session_id", "turn_id", "labels")
SEGMENT_COLUMNS = (
    "session_id",
    "segment_index",
    "withdrawal_significance",
    "confrontation_significance",
    "resolution",
)
SESSION_COLUMNS = ("session_id", "therapist_contribution", "overall_resolution")
SPAN_COLUMNS = ("session_id", "start", "end", "label")
KINDS = {
    "turns": TURN_COLUMNS,
    "segments": SEGMENT_COLUMNS,
    "sessions": SESSION_COLUMNS,
    "spans": SPAN_COLUMNS,
}
EMPTY = {"", "-", "na", "n/a", "nan", "none", "null"}
FORMATS_HINT = (
    "gold CSVs have the columns "
    + "; ".join(f"{k}: {','.join(v)}" for k, v in KINDS.items())
    + " (see data_schemas/gold_*.schema.json)"
)


@dataclass(frozen=True)
class Span:
    """A marker span by time (ELAN export)."""

    session_id: str
    start: float
    end: float
    label: str
    where: str = ""


@dataclass
class GoldSet:
    """Everything read from the gold files: labels at one grain, and segment and session ratings."""

    utterances: dict[str, list[Utterance]] = field(default_factory=dict)
    turns: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    segment_ratings: dict[tuple[str, int], SegmentRating] = field(default_factory=dict)
    session_ratings: dict[str, SessionRating] = field(default_factory=dict)
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    @property
    def grain(self) -> str | None:
        """``utterance``, ``turn``, ``span`` or ``None`` (ratings only)."""
        for name, part in (("utterance", self.utterances), ("turn", self.turns), ("span", self.spans)):
            if part:
                return name
        return None

    def session_ids(self) -> list[str]:
        ids = set(self.utterances) | set(self.turns) | set(self.spans) | set(self.session_ratings)
        ids |= {sid for sid, _ in self.segment_ratings}
        return sorted(ids)

    def merge(self, other: GoldSet, where: str) -> None:
        grains = {g for g in (self.grain, other.grain) if g}
        if len(grains) > 1:
            raise InputError(
                where,
                f"gives {other.grain} labels but {self.grain} labels were already given",
                hint="give label-level gold in one format at a time",
            )
        for name in ("utterances", "turns", "spans", "segment_ratings", "session_ratings"):
            mine, theirs = getattr(self, name), getattr(other, name)
            dup = sorted(str(k) for k in set(mine) & set(theirs))
            if dup:
                raise InputError(
                    where,
                    f"repeats {name.replace('_', ' ')} already given for {', '.join(dup[:3])}",
                    hint="give each session once",
                )
            mine.update(theirs)
        self.metadata.update(other.metadata)
        self.sources += other.sources


def read_gold(
    paths: Sequence[str | Path], split: str | None = None, labelset: LabelSet | None = None
) -> GoldSet:
    """Read and merge gold files/folders; bad input raises :class:`InputError` naming file and line."""
    labelset = labelset or load_labelset()
    out = GoldSet()
    for p in paths:
        out.merge(read_gold_path(Path(p), split, labelset), str(p))
    return out


def read_gold_path(path: Path, split: str | None, labelset: LabelSet) -> GoldSet:
    """One gold file or folder (see the module docstring for what is accepted)."""
    if not path.exists():
        raise InputError(path, "does not exist", hint="check the --gold path")
    if path.is_dir():
        if (path / "sessions.jsonl").exists():
            return read_corpus_gold(path, split)
        sources = [f for f in sorted(path.glob("*.txt")) if is_corpus_source(f)]
        if sources:
            return read_source_gold(sources)
        files = sorted(path.glob("*.jsonl")) or sorted((path / "utterances").glob("*.jsonl"))
        files += sorted(f for f in path.iterdir() if f.suffix.lower() in {".csv", ".tsv"})
        if not files:
            raise InputError(
                path,
                "is a folder with no gold in it",
                hint="give a corpus folder, a folder of utterance JSONL files, or gold CSV files",
            )
        out = GoldSet(sources=[])
        for f in files:
            out.merge(read_gold_path(f, split, labelset), str(f))
        return out
    if path.suffix.lower() == ".jsonl":
        return read_utterance_gold(path, labelset)
    if is_corpus_source(path):
        return read_source_gold([path])
    return read_gold_csv(path, labelset)


def read_corpus_gold(path: Path, split: str | None) -> GoldSet:
    """The project's corpus: utterance labels, segment and session ratings (``split`` filters)."""
    from pipeline.corpus.load import load_corpus

    sessions = load_corpus(path, splits={s.strip() for s in split.split(",")} if split else None)
    if not sessions:
        raise InputError(path, f"has no session in split {split!r}", hint="splits are train, dev, test")
    return gold_from_sessions(sessions, f"{path}" + (f" (split {split})" if split else ""))


def gold_from_sessions(sessions: Sequence[Session], source: str = "sessions") -> GoldSet:
    """Gold sessions (utterance labels, segment and session ratings) as a :class:`GoldSet`."""
    g = GoldSet(sources=[source])
    for s in sessions:
        g.utterances[s.session_id] = list(s.utterances)
        g.metadata[s.session_id] = s.metadata
        for r in s.segment_ratings:
            g.segment_ratings[(s.session_id, r.segment_index)] = r
        if s.session_rating is not None:
            g.session_ratings[s.session_id] = s.session_rating
    return g


def is_corpus_source(path: Path) -> bool:
    """A session coded in the corpus source format (``data/corpus/FORMAT.md``): starts ``# session_id:``."""
    if path.suffix.lower() != ".txt":
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        first = next((line for line in fh if line.strip()), "")
    return first.replace(" ", "").startswith("#session_id:")


def read_source_gold(paths: Sequence[Path]) -> GoldSet:
    """Sessions coded in the corpus source format (e.g. a second coder's files): labels and ratings."""
    from pipeline.corpus.build import source_to_session
    from pipeline.corpus.source import parse_source

    out = GoldSet(sources=[str(paths[0].parent if len(paths) > 1 else paths[0])])
    for p in paths:
        src = parse_source(p)
        if src.errors:
            raise InputError(
                p, src.errors[0].split(": ", 1)[-1], hint="check it with scripts/check_corpus_source.py"
            )
        s = source_to_session(src)
        if s.session_id in out.utterances:
            raise InputError(p, f"repeats session {s.session_id!r}", hint="give each session once")
        out.utterances[s.session_id] = s.utterances
        out.metadata[s.session_id] = s.metadata
        out.segment_ratings.update({(s.session_id, r.segment_index): r for r in s.segment_ratings})
        if s.session_rating is not None:
            out.session_ratings[s.session_id] = s.session_rating
    return out


def read_utterance_gold(path: Path, labelset: LabelSet) -> GoldSet:
    """Utterance JSONL with gold ``labels``; times and indices as segmentation gives them."""
    groups: dict[str, list[Utterance]] = {}
    for no, u in enumerate(read_utterances(path), start=1):
        check_labels(path, no, u.labels, labelset)
        groups.setdefault(u.session_id, []).append(u)
    out = GoldSet(sources=[str(path)])
    for sid, utts in groups.items():
        session = segment_transcript(Transcript(session_id=sid, source=str(path), utterances=utts))
        out.utterances[sid] = session.utterances
    return out


def check_labels(path: Path | str, line: int | None, labels: Sequence[str], labelset: LabelSet) -> None:
    known = set(labelset.ids)
    bad = [lab for lab in labels if lab not in known]
    if bad:
        raise InputError(
            path,
            f"unknown label id {bad[0]!r}",
            line=line,
            hint="use the ids of data_schemas/labelset.json, joined by ';'",
        )


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text, _ = read_text(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def gold_kind(path: Path, header: Sequence[str]) -> str:
    """Which gold CSV this is, from its header."""
    have = set(header)
    for kind, cols in KINDS.items():
        if set(cols) <= have:
            return kind
    raise InputError(
        path, f"is not a gold file I know (columns: {', '.join(header) or 'none'})", line=1, hint=FORMATS_HINT
    )


def read_gold_csv(path: Path, labelset: LabelSet) -> GoldSet:
    """A turn-label, segment-sheet, session-sheet or marker-span CSV (told apart by the header)."""
    header, rows = _csv_rows(path)
    kind = gold_kind(path, header)
    if not rows:
        raise InputError(path, "has a header but no rows", hint="one row a turn, segment, session or span")
    out = GoldSet(sources=[str(path)])
    seen: dict[tuple[str, ...], int] = {}
    for line, row in rows:
        if not row.get("session_id"):
            raise InputError(path, "row has no session_id", line=line, hint="fill the session_id column")
        key = (row["session_id"],) + (
            (row["turn_id"],)
            if kind == "turns"
            else (row["segment_index"],)
            if kind == "segments"
            else ()
            if kind == "sessions"
            else (str(line),)
        )
        if key in seen:
            raise InputError(
                path,
                f"repeats {' '.join(key)} (first on line {seen[key]})",
                line=line,
                hint="give each unit once",
            )
        seen[key] = line
        _READ_ROW[kind](path, line, row, out, labelset)
    return out


def _turn_row(path: Path, line: int, row: dict[str, str], out: GoldSet, labelset: LabelSet) -> None:
    labels = [x.strip() for x in row.get("labels", "").split(";") if x.strip()]
    check_labels(path, line, labels, labelset)
    if not row.get("turn_id"):
        raise InputError(path, "row has no turn_id", line=line, hint="turn ids are those the reader assigns")
    out.turns.setdefault(row["session_id"], {})[row["turn_id"]] = frozenset(labels)


def _rating(path: Path, line: int, row: dict[str, str], name: str, required: bool) -> int | None:
    value = row.get(name, "")
    if value.lower() in EMPTY:
        if required:
            raise InputError(path, f"{name} is empty", line=line, hint="rate it 1-5")
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number.is_integer() or not 1 <= number <= 5:
        raise InputError(
            path,
            f"{name} {value!r} is not a rating 1-5",
            line=line,
            hint="write a whole number 1-5 (leave resolution empty when there is no rupture)",
        )
    return int(number)


def _segment_row(path: Path, line: int, row: dict[str, str], out: GoldSet, labelset: LabelSet) -> None:
    try:
        index = int(row["segment_index"])
        rating = SegmentRating(
            session_id=row["session_id"],
            segment_index=index,
            withdrawal_significance=_rating(path, line, row, "withdrawal_significance", True),
            confrontation_significance=_rating(path, line, row, "confrontation_significance", True),
            resolution=_rating(path, line, row, "resolution", False),
        )
    except (ValueError, ValidationError):
        raise InputError(
            path,
            f"segment_index {row['segment_index']!r} is not a segment number",
            line=line,
            hint="segments count from 1 (segment 1 covers 00:00:00-00:04:59)",
        ) from None
    out.segment_ratings[(row["session_id"], index)] = rating


def _session_row(path: Path, line: int, row: dict[str, str], out: GoldSet, labelset: LabelSet) -> None:
    out.session_ratings[row["session_id"]] = SessionRating(
        session_id=row["session_id"],
        therapist_contribution=_rating(path, line, row, "therapist_contribution", True),
        overall_resolution=_rating(path, line, row, "overall_resolution", False),
    )


def _span_row(path: Path, line: int, row: dict[str, str], out: GoldSet, labelset: LabelSet) -> None:
    start, end = parse_clock(row["start"]), parse_clock(row["end"])
    if start is None or end is None or end < start:
        raise InputError(
            path,
            f"cannot read the span {row['start']!r} to {row['end']!r}",
            line=line,
            hint="write start <= end as seconds or hh:mm:ss[.mmm]",
        )
    check_labels(path, line, [row["label"]], labelset)
    out.spans.setdefault(row["session_id"], []).append(
        Span(row["session_id"], start, end, row["label"], f"{path}:{line}")
    )


_READ_ROW = {"turns": _turn_row, "segments": _segment_row, "sessions": _session_row, "spans": _span_row}


def project_spans(
    spans: Sequence[Span], utterances: Sequence[Utterance], labelset: LabelSet
) -> list[Utterance]:
    """Copies of ``utterances`` whose labels are the spans they overlap (same role as the label).

    Example:
        >>> from pipeline.labelset import load_labelset
        >>> u = Utterance(session_id="s", turn_id="0", utterance_index=0, role="patient", text="No.",
        ...               start=10.0, end=12.0)
        >>> [x.labels for x in project_spans([Span("s", 11.0, 11.5, "wd_denial")], [u], load_labelset())]
        [['wd_denial']]
    """
    out = []
    for u in utterances:
        start = u.start if u.start is not None else 0.0
        end = u.end if u.end is not None and u.end > start else start
        labels = sorted(
            {
                s.label
                for s in spans
                if labelset.role_of(s.label) == u.role and overlaps(s.start, s.end, start, end)
            }
        )
        out.append(u.model_copy(update={"labels": labels, "scores": None}))
    return out


def overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    """Do two time spans overlap (a zero-length one counts when it falls inside the other)?

    Example:
        >>> overlaps(0, 5, 5, 9), overlaps(0, 5, 4, 9), overlaps(3, 3, 0, 5)
        (False, True, True)
    """
    if a0 == a1:
        return b0 <= a0 < b1 or a0 == b0
    if b0 == b1:
        return a0 <= b0 < a1
    return max(a0, b0) < min(a1, b1)
