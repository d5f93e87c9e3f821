"""Build the corpus's JSONL files from the hand-written source files, and fix the splits.

Splits are by session, with all sessions of a character (patient or clinician) kept
in one split, and chosen so that every label has positives in dev and test. The
choice is deterministic: the same sources always give the same splits.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from pipeline.corpus.source import SourceSession, parse_source
from pipeline.datamodel import SegmentRating, Session, SessionRating, Transcript, Utterance
from pipeline.errors import InputError
from pipeline.io import write_jsonl, write_session_utterances
from pipeline.labelset import load_labelset
from pipeline.segment import segment_transcript

SPLIT_SHARES = {"train": 0.70, "dev": 0.15, "test": 0.15}
MIN_HELD_OUT_POSITIVES = 3
SPLIT_SEARCH_TRIES = 4000


def source_to_session(src: SourceSession) -> Session:
    """One parsed source file -> a segmented :class:`Session` with gold labels and ratings."""
    sid = src.header["session_id"]
    speakers = {"therapist": src.header["clinician"], "patient": src.header["patient"]}
    utterances = [
        Utterance(
            session_id=sid,
            turn_id=str(ln.turn_index),
            utterance_index=i,
            role=ln.role,
            speaker=speakers[ln.role],
            text=ln.text,
            labels=ln.labels,
            source_line=ln.line_no,
            start=ln.start if i == 0 or src.lines[i - 1].turn_index != ln.turn_index else None,
        )
        for i, ln in enumerate(src.lines)
    ]
    session = segment_transcript(Transcript(session_id=sid, source=str(src.path), utterances=utterances))
    session.metadata = {k: v for k, v in src.header.items() if k != "session_id"}
    session.metadata["scripted"] = True
    session.segment_ratings = [
        SegmentRating(
            session_id=sid,
            segment_index=k,
            withdrawal_significance=w,
            confrontation_significance=c,
            resolution=r,
        )
        for k, (w, c, r) in sorted(src.segments.items())
    ]
    tc, overall = src.session_rating
    session.session_rating = SessionRating(
        session_id=sid, therapist_contribution=tc, overall_resolution=overall
    )
    return session


def read_sources(src_dir: Path) -> list[Session]:
    """Parse every ``*.txt`` source; any error stops the build with the list of problems."""
    sources = [parse_source(p) for p in sorted(Path(src_dir).glob("*.txt"))]
    errors = [e for s in sources for e in s.errors]
    if errors:
        raise InputError(
            src_dir,
            f"{len(errors)} problems in the sources, first: {errors[0]}",
            hint="run scripts/check_corpus_source.py on them",
        )
    if not sources:
        raise InputError(src_dir, "holds no *.txt session sources")
    return [source_to_session(s) for s in sources]


def character_groups(sessions: list[Session]) -> list[list[int]]:
    """Sessions linked by a shared patient or clinician, as lists of indices."""
    parent = list(range(len(sessions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[str, int] = {}
    for i, s in enumerate(sessions):
        for who in (s.metadata["patient"], s.metadata["clinician"]):
            if who in first_seen:
                parent[find(i)] = find(first_seen[who])
            first_seen.setdefault(who, i)
    groups: dict[int, list[int]] = {}
    for i in range(len(sessions)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def _label_counts(session: Session) -> Counter[str]:
    return Counter(lab for u in session.utterances for lab in u.labels)


def assign_splits(sessions: list[Session], seed: int = 13) -> dict[str, str]:
    """Choose ``{session_id: split}``: shares near 70/15/15, every label with positives in dev and test."""
    groups = character_groups(sessions)
    counts = [_label_counts(s) for s in sessions]
    label_ids = load_labelset().ids
    rng = random.Random(seed)
    best, best_score = None, float("inf")
    n = len(sessions)
    for _ in range(SPLIT_SEARCH_TRIES):
        order = groups[:]
        rng.shuffle(order)
        split_of: dict[int, str] = {}
        filled = Counter()
        for g in order:
            name = min(("dev", "test", "train"), key=lambda k: filled[k] / (SPLIT_SHARES[k] * n))
            for i in g:
                split_of[i] = name
            filled[name] += len(g)
        score = _split_score(split_of, counts, label_ids, n)
        if score < best_score:
            best, best_score = split_of, score
    return {sessions[i].session_id: name for i, name in sorted(best.items())}


def _split_score(split_of: dict[int, str], counts: list[Counter[str]], label_ids: list[str], n: int) -> float:
    per = {k: Counter() for k in SPLIT_SHARES}
    sizes = Counter(split_of.values())
    for i, name in split_of.items():
        per[name].update(counts[i])
    shortfall = sum(
        max(0, MIN_HELD_OUT_POSITIVES - per[k][lab]) for k in ("dev", "test") for lab in label_ids
    )
    share_gap = sum(abs(sizes[k] / n - SPLIT_SHARES[k]) for k in SPLIT_SHARES)
    return shortfall * 100 + share_gap


def build_corpus(src_dir: str | Path, out_dir: str | Path, split: str | None = None) -> list[Session]:
    """Write ``utterances/<session_id>.jsonl`` and ``sessions.jsonl`` under ``out_dir``.

    ``split`` puts every session in that split (e.g. a second coder's sessions, all from
    the test split) instead of choosing the splits.
    """
    out = Path(out_dir)
    sessions = read_sources(Path(src_dir))
    splits = {s.session_id: split for s in sessions} if split else assign_splits(sessions)
    for s in sessions:
        s.split = splits[s.session_id]
    utt_dir = out / "utterances"
    for old in utt_dir.glob("*.jsonl"):
        if old.stem not in splits:
            old.unlink()
    for s in sessions:
        write_session_utterances(utt_dir / f"{s.session_id}.jsonl", s)
    write_jsonl(out / "sessions.jsonl", [s.info() for s in sessions])
    return sessions
