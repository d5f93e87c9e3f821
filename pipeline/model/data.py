"""Training data: sessions with gold labels on *units* (an utterance, or a whole turn).

Two sources: the project's corpus (or any folder in its schema), where gold labels sit on
utterances, and researchers' own turn-level coding, a ``session_id,turn_id,labels`` CSV beside
the transcripts (labels joined by ``;``).

Turn-level labels are trained as multiple-instance data: the model scores every utterance of the
turn and the turn's score for a label is the maximum over its utterances. This is the codebook's
own rule ("a turn carries a label if any of its utterances does") and it does not teach the model
that the "Mm-hmm." opening a long lecturing turn is itself a lecture, which copying the turn's
labels onto every utterance would.

Example:
    >>> from pipeline.datamodel import Session, Utterance
    >>> u = [Utterance(session_id="s", turn_id="0", utterance_index=0, role="patient", text="Fine.",
    ...                labels=["wd_minimal_response"])]
    >>> ts = from_sessions([Session(session_id="s", utterances=u, split="train")])[0]
    >>> ts.units, ts.unit_labels
    ([0], [['wd_minimal_response']])
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.datamodel import Session
from pipeline.errors import InputError
from pipeline.labelset import LabelSet, load_labelset

SPLITS = ("train", "dev", "test")
TURN_CSV_COLUMNS = ("session_id", "turn_id", "labels")


@dataclass
class TrainingSession:
    """A session and its gold labels per unit: ``units[i]`` is the unit of utterance ``i``."""

    session: Session
    units: list[int]
    unit_labels: list[list[str]]

    @property
    def split(self) -> str:
        return self.session.split or "train"


def from_sessions(sessions: list[Session]) -> list[TrainingSession]:
    """Utterance-level gold labels: every utterance is its own unit."""
    return [
        TrainingSession(s, list(range(len(s.utterances))), [list(u.labels) for u in s.utterances])
        for s in sessions
    ]


def by_turns(session: Session, turn_labels: dict[str, list[str]]) -> TrainingSession:
    """Units are the session's turns (in order); each turn gets its labels from ``turn_labels``."""
    units, order = [], {}
    for u in session.utterances:
        units.append(order.setdefault(u.turn_id, len(order)))
    return TrainingSession(session, units, [list(turn_labels.get(t, [])) for t in order])


def read_turn_labels(path: str | Path, labelset: LabelSet | None = None) -> dict[str, dict[str, list[str]]]:
    """Read a ``session_id,turn_id,labels`` CSV into ``{session_id: {turn_id: [label ids]}}``.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
        >>> _ = p.write_text("session_id,turn_id,labels\\ns1,4,wd_denial;cf_defend_self\\ns1,5,\\n")
        >>> read_turn_labels(p)["s1"]["4"]
        ['wd_denial', 'cf_defend_self']
    """
    from pipeline.evaluate.gold import read_gold_csv  # the one reader of gold files

    path, labelset = Path(path), labelset or load_labelset()
    gold = read_gold_csv(path, labelset)
    if gold.grain != "turn":
        raise InputError(path, "is not a turn-level label file", hint="header: session_id,turn_id,labels")
    order = {lab: i for i, lab in enumerate(labelset.ids)}
    return {
        sid: {tid: sorted(labels, key=order.__getitem__) for tid, labels in turns.items()}
        for sid, turns in gold.turns.items()
    }


def load_turn_labelled(
    transcripts: str | Path, labels_csv: str | Path, roles: dict[str, str] | None = None
) -> list[TrainingSession]:
    """Read transcripts (a file or folder) and attach turn-level labels from ``labels_csv``."""
    from pipeline.readers import expand_inputs, read_path
    from pipeline.segment import segment_transcript

    labels_csv = Path(labels_csv)
    coded = read_turn_labels(labels_csv)
    sessions: list[TrainingSession] = []
    for p in expand_inputs([transcripts]):
        if p.resolve() == labels_csv.resolve():
            continue
        for t in read_path(p, roles=roles):
            if t.session_id in coded:
                sessions.append(by_turns(_without_gold(segment_transcript(t)), coded[t.session_id]))
    _check_turns_found(labels_csv, coded, sessions)
    return sessions


def _without_gold(session: Session) -> Session:
    return session.model_copy(
        update={"utterances": [u.model_copy(update={"labels": []}) for u in session.utterances]}
    )


def _check_turns_found(
    path: Path, coded: dict[str, dict[str, list[str]]], found: list[TrainingSession]
) -> None:
    by_id = {ts.session.session_id: ts for ts in found}
    missing = sorted(set(coded) - set(by_id))
    if missing:
        raise InputError(
            path,
            f"session {missing[0]!r} has no transcript ({len(missing)} missing in all)",
            hint="session ids are the transcript file names without extension",
        )
    for sid, turns in coded.items():
        ts = by_id[sid]
        have = {u.turn_id: u.role for u in ts.session.utterances}
        for turn_id, labels in turns.items():
            if turn_id not in have:
                raise InputError(
                    path,
                    f"session {sid!r} has no turn {turn_id!r}",
                    hint="turn ids are as the reader numbers them (see `rupture segment` output)",
                )
            _check_roles(path, sid, turn_id, have[turn_id], labels)


def _check_roles(path: Path, sid: str, turn_id: str, role: str, labels: list[str]) -> None:
    labelset = load_labelset()
    for lab in labels:
        if labelset.role_of(lab) != role:
            raise InputError(
                path, f"{sid} turn {turn_id}: {lab} applies to {labelset.role_of(lab)} turns, not {role}"
            )


def assign_missing_splits(data: list[TrainingSession], dev_fraction: float) -> list[TrainingSession]:
    """Sessions without a split go to dev (a stable, hash-chosen ``dev_fraction``) or train.

    Example:
        >>> from pipeline.datamodel import Session
        >>> ts = [TrainingSession(Session(session_id=f"s{i}"), [], []) for i in range(20)]
        >>> sorted({t.split for t in assign_missing_splits(ts, 0.2)})
        ['dev', 'train']
    """
    unsplit = sorted(
        (ts for ts in data if ts.session.split is None), key=lambda t: _stable(t.session.session_id)
    )
    n_dev = max(1, round(dev_fraction * len(unsplit))) if len(unsplit) > 1 else 0
    for i, ts in enumerate(unsplit):
        ts.session.split = "dev" if i < n_dev else "train"
    return data


def _stable(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def data_hash(data: list[TrainingSession]) -> str:
    """A sha256 over everything training reads: ids, splits, roles, texts and unit labels."""
    h = hashlib.sha256()
    for ts in sorted(data, key=lambda t: t.session.session_id):
        s = ts.session
        rec = [
            s.session_id,
            ts.split,
            [[u.turn_id, u.role, u.text] for u in s.utterances],
            ts.units,
            ts.unit_labels,
        ]
        h.update(json.dumps(rec, ensure_ascii=False).encode())
    return "sha256:" + h.hexdigest()


def split_counts(data: list[TrainingSession], labelset: LabelSet) -> dict[str, dict[str, int]]:
    """Sessions, utterances, units and positives of every label, per split."""
    out: dict[str, dict[str, int]] = {}
    for ts in data:
        c = out.setdefault(
            ts.split, {"sessions": 0, "utterances": 0, "units": 0} | dict.fromkeys(labelset.ids, 0)
        )
        c["sessions"] += 1
        c["utterances"] += len(ts.session.utterances)
        c["units"] += len(ts.unit_labels)
        for labels in ts.unit_labels:
            for lab in labels:
                c[lab] += 1
    return out


def load_training_data(
    corpus: str | Path, turn_labels: str | Path | None = None, dev_fraction: float = 0.15
) -> list[TrainingSession]:
    """The corpus folder (``sessions.jsonl``), or transcripts plus a turn-level label CSV.

    ``corpus`` may itself be the CSV; the transcripts are then the files beside it.
    """
    corpus = Path(corpus)
    if turn_labels is None and corpus.suffix.lower() == ".csv" and _is_turn_csv(corpus):
        turn_labels, corpus = corpus, corpus.parent
    if turn_labels is not None:
        data = load_turn_labelled(corpus, turn_labels)
    else:
        from pipeline.corpus.load import load_corpus

        data = from_sessions(load_corpus(corpus))
    if not data:
        raise InputError(corpus, "holds no training sessions")
    return assign_missing_splits(data, dev_fraction)


def _is_turn_csv(path: Path) -> bool:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    return set(TURN_CSV_COLUMNS) <= {h.strip() for h in header}
