"""Load a corpus in the project's schema, and turn it into a Hugging Face ``DatasetDict``.

A corpus folder holds ``sessions.jsonl`` (one :class:`~pipeline.datamodel.SessionInfo`
a line: split, metadata, hand-coded segment and session ratings) and
``utterances/<session_id>.jsonl`` (gold-labelled utterances).

Example:
    >>> from pipeline.corpus.load import load_corpus, to_dataset_dict
    >>> sessions = load_corpus("data/corpus")            # doctest: +SKIP
    >>> ds = to_dataset_dict(sessions)                   # doctest: +SKIP
    >>> ds["train"][0]["labels"]                         # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.datamodel import Session
from pipeline.errors import InputError
from pipeline.io import read_session_infos
from pipeline.readers.ours import read_utterance_jsonl
from pipeline.segment import segment_transcript

CONTEXT_UTTERANCES = 2


def load_corpus(path: str | Path, splits: set[str] | None = None) -> list[Session]:
    """Read a corpus folder into sessions (gold labels, ratings and split filled in)."""
    root = Path(path)
    index = root / "sessions.jsonl"
    if not index.exists():
        raise InputError(
            root,
            "is not a corpus folder (no sessions.jsonl)",
            hint="build it with scripts/build_corpus.py or give the corpus folder",
        )
    sessions = []
    for info in read_session_infos(index):
        if splits and info.split not in splits:
            continue
        utt_file = root / "utterances" / f"{info.session_id}.jsonl"
        if not utt_file.exists():
            raise InputError(utt_file, f"is missing (listed in {index})")
        (transcript,) = read_utterance_jsonl(utt_file)
        s = segment_transcript(transcript)
        s.metadata, s.split = info.metadata, info.split
        s.segment_ratings, s.session_rating = info.segment_ratings, info.session_rating
        sessions.append(s)
    return sessions


def utterance_rows(session: Session, context: int = CONTEXT_UTTERANCES) -> list[dict[str, Any]]:
    """One row an utterance, with the preceding ``context`` utterances as text."""
    rows = []
    utts = session.utterances
    for i, u in enumerate(utts):
        before = utts[max(0, i - context) : i]
        rows.append(
            {
                "session_id": u.session_id,
                "turn_id": u.turn_id,
                "utterance_index": u.utterance_index,
                "role": u.role,
                "text": u.text,
                "context": " ".join(f"{b.role.upper()}: {b.text}" for b in before),
                "start": u.start,
                "labels": list(u.labels),
                "split": session.split,
            }
        )
    return rows


def to_dataset_dict(sessions: list[Session], context: int = CONTEXT_UTTERANCES):
    """A ``datasets.DatasetDict`` with one split per corpus split, one row an utterance."""
    from datasets import Dataset, DatasetDict

    by_split: dict[str, list[dict[str, Any]]] = {}
    for s in sessions:
        by_split.setdefault(s.split or "train", []).extend(utterance_rows(s, context))
    return DatasetDict({k: Dataset.from_list(v) for k, v in sorted(by_split.items())})
