"""Export an annotate output folder: ELAN ``.eaf`` tiers, a ConvoKit corpus, or one flat CSV.

The input is what ``rupture annotate`` wrote (``utterances/*.jsonl``, and ``sessions/*.json`` for the
episode tier), or utterance JSONL files. ELAN files carry the model's suggestions on their own tiers,
one a label group plus an episode tier, time-aligned with the transcript, so coders can check them
against the video (link the media in ELAN, or pass ``media``).

Example:
    >>> import tempfile, pathlib
    >>> from pipeline.datamodel import Session, Utterance
    >>> s = Session(session_id="s1", utterances=[Utterance(session_id="s1", turn_id="0", utterance_index=0,
    ...     role="patient", text="Dunno.", start=1.0, end=2.0, labels=["wd_minimal_response"])])
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in export_sessions([s], d, "elan")]
    ['s1.eaf']
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.etree import ElementTree as ET

from pipeline.annotate import file_stem
from pipeline.datamodel import Session, SessionSummary, Utterance
from pipeline.errors import InputError
from pipeline.io import atomic_open, read_utterances
from pipeline.labelset import load_labelset
from pipeline.summarise import summarise

TARGETS = ("elan", "convokit", "csv")
LABEL_TIERS = ("withdrawal", "confrontation", "resolution", "therapist_contribution")


def load_annotated(path: str | Path) -> list[Session]:
    """Sessions from an annotate folder (its ``utterances/``), a folder of JSONL files, or one file."""
    path = Path(path)
    if path.is_dir():
        folder = path / "utterances" if (path / "utterances").is_dir() else path
        files = sorted(folder.glob("*.jsonl"))
    else:
        files = [path]
    if not files:
        raise InputError(path, "holds no utterance files", hint="give a folder written by `rupture annotate`")
    sessions: dict[str, list[Utterance]] = {}
    for f in files:
        for u in read_utterances(f):
            sessions.setdefault(u.session_id, []).append(u)
    return [Session(session_id=sid, utterances=utts) for sid, utts in sessions.items()]


def load_summary(annotate_dir: Path, session: Session) -> SessionSummary:
    """The summary annotate wrote, or a fresh one from the utterance labels."""
    path = annotate_dir / "sessions" / f"{file_stem(session.session_id)}.json"
    if path.exists():
        return SessionSummary.model_validate_json(path.read_text(encoding="utf-8"))
    return summarise(session)


def export_annotated(path: str | Path, out_dir: str | Path, to: str, no_text: bool = False) -> list[Path]:
    """Export everything under an annotate output ``path`` into ``out_dir``; returns the files written."""
    sessions = load_annotated(path)
    base = Path(path) if Path(path).is_dir() else Path(path).parent
    return export_sessions(
        sessions, out_dir, to, no_text, {s.session_id: load_summary(base, s) for s in sessions}
    )


def export_sessions(
    sessions: list[Session],
    out_dir: str | Path,
    to: str,
    no_text: bool = False,
    summaries: dict[str, SessionSummary] | None = None,
) -> list[Path]:
    """Write ``sessions`` in format ``to`` (elan, convokit, csv) into ``out_dir``."""
    out = Path(out_dir)
    if no_text:
        withheld = {"text": "", "speaker": None}
        sessions = [
            s.model_copy(update={"utterances": [u.model_copy(update=withheld) for u in s.utterances]})
            for s in sessions
        ]
    if to == "elan":
        summaries = summaries or {}
        return [
            write_eaf(out / f"{file_stem(s.session_id)}.eaf", s, summaries.get(s.session_id))
            for s in sessions
        ]
    if to == "convokit":
        from pipeline.readers.convokit import write_convokit

        return [write_convokit(sessions, out / "convokit")]
    if to == "csv":
        return [write_flat_csv(out / "utterances.csv", sessions)]
    raise InputError(to, f"unknown export target; choose one of {', '.join(TARGETS)}")


# -- ELAN -----------------------------------------------------------------------------------------


def eaf_document(session: Session, summary: SessionSummary | None = None, media: str | None = None) -> str:
    """The ELAN 3.0 XML of one session: transcript tiers a role, suggestion tiers a label group, episodes."""
    ls = load_labelset()
    summary = summary or summarise(session)
    doc = ET.Element(
        "ANNOTATION_DOCUMENT",
        {
            "AUTHOR": "rupture",
            "DATE": "1970-01-01T00:00:00Z",
            "FORMAT": "3.0",
            "VERSION": "3.0",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        },
    )
    header = ET.SubElement(doc, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    if media:
        ET.SubElement(header, "MEDIA_DESCRIPTOR", {"MEDIA_URL": Path(media).resolve().as_uri()})
    times = ET.SubElement(doc, "TIME_ORDER")
    tiers: dict[str, list[tuple[int, int, str]]] = {}
    for u in session.utterances:
        t0, t1 = _ms(u)
        tiers.setdefault(f"transcript-{u.role}", []).append((t0, t1, u.text))
        for group in LABEL_TIERS:
            names = [ls.get(lab).name for lab in u.labels if lab in ls.ids and ls.group_of(lab) == group]
            if names:
                tiers.setdefault(f"suggested-{group}", []).append((t0, t1, "; ".join(names)))
    for e in summary.episodes:
        status = "resolved" if e.resolved else "addressed" if e.addressed else "not addressed"
        t0 = int(round((e.start or 0) * 1000))
        t1 = max(int(round((e.end or 0) * 1000)), t0 + 1)
        tiers.setdefault("suggested-episodes", []).append(
            (t0, t1, f"Episode {e.episode_index}: {e.kind}, {status}")
        )
    _fill_tiers(doc, times, tiers)
    ET.SubElement(
        doc,
        "LINGUISTIC_TYPE",
        {
            "LINGUISTIC_TYPE_ID": "default-lt",
            "TIME_ALIGNABLE": "true",
            "GRAPHIC_REFERENCES": "false",
        },
    )
    ET.indent(doc)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc, encoding="unicode") + "\n"


def _ms(u: Utterance) -> tuple[int, int]:
    t0 = int(round((u.start or 0.0) * 1000))
    t1 = int(round((u.end if u.end is not None else (u.start or 0.0) + 1.0) * 1000))
    return t0, max(t1, t0 + 1)


def _fill_tiers(doc: ET.Element, times: ET.Element, tiers: dict[str, list[tuple[int, int, str]]]) -> None:
    slot = aid = 0
    for tier_id, spans in tiers.items():
        tier = ET.SubElement(doc, "TIER", {"TIER_ID": tier_id, "LINGUISTIC_TYPE_REF": "default-lt"})
        last_end = 0
        for t0, t1, value in sorted(spans, key=lambda x: x[0]):
            t0 = max(t0, last_end)  # ELAN does not allow overlapping annotations on one tier
            t1 = last_end = max(t1, t0 + 1)
            refs = []
            for t in (t0, t1):
                slot += 1
                ET.SubElement(times, "TIME_SLOT", {"TIME_SLOT_ID": f"ts{slot}", "TIME_VALUE": str(t)})
                refs.append(f"ts{slot}")
            aid += 1
            wrap = ET.SubElement(tier, "ANNOTATION")
            ann = ET.SubElement(
                wrap,
                "ALIGNABLE_ANNOTATION",
                {
                    "ANNOTATION_ID": f"a{aid}",
                    "TIME_SLOT_REF1": refs[0],
                    "TIME_SLOT_REF2": refs[1],
                },
            )
            ET.SubElement(ann, "ANNOTATION_VALUE").text = value


def write_eaf(path: Path, session: Session, summary: SessionSummary | None = None) -> Path:
    """Write one ``.eaf`` file atomically."""
    with atomic_open(path) as fh:
        fh.write(eaf_document(session, summary))
    return path


# -- flat CSV -------------------------------------------------------------------------------------


def flat_rows(sessions: list[Session]) -> tuple[list[str], list[list[object]]]:
    """One row an utterance: its fields, ``labels`` joined by ``;``, and ``p_<label>`` for every label."""
    ids = load_labelset().ids
    header = [
        "session_id",
        "turn_id",
        "utterance_index",
        "role",
        "speaker",
        "start",
        "end",
        "times_estimated",
        "segment_index",
        "text",
        "labels",
        *[f"p_{i}" for i in ids],
    ]
    rows = []
    for s in sessions:
        for u in s.utterances:
            scores = u.scores or {}
            rows.append(
                [
                    s.session_id,
                    u.turn_id,
                    u.utterance_index,
                    u.role,
                    u.speaker,
                    u.start,
                    u.end,
                    u.times_estimated,
                    u.segment_index,
                    u.text,
                    ";".join(u.labels),
                    *[scores.get(i, "") for i in ids],
                ]
            )
    return header, rows


def write_flat_csv(path: Path, sessions: list[Session]) -> Path:
    """Write ``utterances.csv`` atomically (empty ``p_`` cells: label does not apply to the role)."""
    header, rows = flat_rows(sessions)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    with atomic_open(path) as fh:
        fh.write(buf.getvalue())
    return path
