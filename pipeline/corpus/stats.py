"""Check a corpus against its schema and the label/role rules, and count it.

Example:
    >>> from pipeline.corpus.stats import corpus_stats
    >>> stats = corpus_stats("data/corpus")     # doctest: +SKIP
    >>> stats.problems                          # doctest: +SKIP
    []
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.datamodel import Session
from pipeline.errors import InputError
from pipeline.io import iter_jsonl, read_session_infos
from pipeline.labelset import LabelSet, load_labelset
from pipeline.readers.ours import read_utterance_jsonl
from pipeline.segment import segment_transcript

SPLITS = ("train", "dev", "test")
MINIMUMS = {"sessions": 80, "utterances": 8000, "label_positives": 40, "label_sessions": 10}


@dataclass
class CorpusStats:
    """Counts per split and label, and every rule the corpus breaks."""

    sessions: Counter[str] = field(default_factory=Counter)
    utterances: Counter[str] = field(default_factory=Counter)
    rupture_sessions: Counter[str] = field(default_factory=Counter)
    positives: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    label_sessions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    problems: list[str] = field(default_factory=list)

    def minimums_met(self, labelset: LabelSet) -> list[str]:
        """The issue's size and coverage minimums that are not met (empty when all are)."""
        short = []
        if sum(self.sessions.values()) < MINIMUMS["sessions"]:
            short.append(f"fewer than {MINIMUMS['sessions']} sessions")
        if sum(self.utterances.values()) < MINIMUMS["utterances"]:
            short.append(f"fewer than {MINIMUMS['utterances']} utterances")
        for lab in labelset.ids:
            if sum(self.positives[lab].values()) < MINIMUMS["label_positives"]:
                short.append(f"{lab}: fewer than {MINIMUMS['label_positives']} positives")
            if len(self.label_sessions[lab]) < MINIMUMS["label_sessions"]:
                short.append(f"{lab}: in fewer than {MINIMUMS['label_sessions']} sessions")
        return short


def check_session(session: Session, labelset: LabelSet) -> list[str]:
    """Label-set and role rules for one session's utterances."""
    problems = []
    known = set(labelset.ids)
    for u in session.utterances:
        where = f"{session.session_id} utterance {u.utterance_index} (line {u.source_line})"
        for lab in u.labels:
            if lab not in known:
                problems.append(f"{where}: unknown label id {lab!r}")
            elif labelset.role_of(lab) != u.role:
                problems.append(f"{where}: {lab} is for {labelset.role_of(lab)} utterances, this is {u.role}")
    return problems


def corpus_stats(path: str | Path, labelset: LabelSet | None = None) -> CorpusStats:
    """Validate and count the corpus at ``path`` (a folder with sessions.jsonl and utterances/)."""
    labelset = labelset or load_labelset()
    root = Path(path)
    stats = CorpusStats()
    index = root / "sessions.jsonl"
    if not index.exists():
        raise InputError(root, "is not a corpus folder (no sessions.jsonl)")
    split_of: dict[str, str] = {}
    characters: dict[str, set[str]] = defaultdict(set)
    try:
        infos = read_session_infos(index)
    except InputError as err:
        stats.problems.append(str(err))
        return stats
    for no, obj in iter_jsonl(index):
        sid = obj.get("session_id")
        if sid in split_of and split_of[sid] != obj.get("split"):
            stats.problems.append(
                f"{index}:{no}: session {sid} is in two splits ({split_of[sid]}, {obj.get('split')})"
            )
        elif sid in split_of:
            stats.problems.append(f"{index}:{no}: session {sid} is listed twice")
        split_of[sid] = obj.get("split")
    for info in infos:
        if info.split not in SPLITS:
            stats.problems.append(
                f"{index}: session {info.session_id} has split {info.split!r}, not one of {SPLITS}"
            )
        for key in ("patient", "clinician"):
            if info.metadata.get(key):
                characters[f"{key} {info.metadata[key]}"].add(info.split)
        _count_session(root, info, labelset, stats)
    for who, splits in sorted(characters.items()):
        if len(splits) > 1:
            stats.problems.append(
                f"{index}: {who} appears in {len(splits)} splits ({', '.join(sorted(map(str, splits)))})"
            )
    listed = {i.session_id for i in infos}
    for extra in sorted(p.stem for p in (root / "utterances").glob("*.jsonl") if p.stem not in listed):
        stats.problems.append(f"{root / 'utterances' / (extra + '.jsonl')}: not listed in {index}")
    return stats


def _count_session(root: Path, info, labelset: LabelSet, stats: CorpusStats) -> None:
    utt_file = root / "utterances" / f"{info.session_id}.jsonl"
    if not utt_file.exists():
        stats.problems.append(f"{utt_file}: missing (listed in sessions.jsonl)")
        return
    try:
        (transcript,) = read_utterance_jsonl(utt_file)
    except (InputError, ValueError) as err:
        stats.problems.append(str(err))
        return
    session = segment_transcript(transcript)
    if transcript.session_id != info.session_id:
        stats.problems.append(
            f"{utt_file}: holds session {transcript.session_id!r}, expected {info.session_id!r}"
        )
    stats.problems.extend(check_session(session, labelset))
    segments = {s.segment_index for s in session.segments}
    for r in info.segment_ratings:
        if r.segment_index not in segments:
            stats.problems.append(
                f"{info.session_id}: rating for segment {r.segment_index}, which has no utterance"
            )
    split = info.split
    stats.sessions[split] += 1
    stats.utterances[split] += len(session.utterances)
    rupture_groups = {"withdrawal", "confrontation"}
    if any(
        labelset.group_of(lab) in rupture_groups
        for u in session.utterances
        for lab in u.labels
        if lab in labelset.ids
    ):
        stats.rupture_sessions[split] += 1
    for u in session.utterances:
        for lab in u.labels:
            stats.positives[lab][split] += 1
            stats.label_sessions[lab].add(info.session_id)


def format_stats(stats: CorpusStats, labelset: LabelSet) -> str:
    """The counts as a plain-text table."""
    cols = SPLITS
    lines = [f"{'':34s}" + "".join(f"{c:>8s}" for c in cols) + f"{'total':>8s}{'sessions':>10s}"]
    for name, counter in (
        ("sessions", stats.sessions),
        ("utterances", stats.utterances),
        ("sessions with a rupture", stats.rupture_sessions),
    ):
        lines.append(
            f"{name:34s}" + "".join(f"{counter[c]:8d}" for c in cols) + f"{sum(counter.values()):8d}"
        )
    lines.append("")
    for group in labelset.group_names:
        lines.append(f"[{group}]")
        for lab in labelset.ids_in_group(group):
            c = stats.positives[lab]
            lines.append(
                f"  {lab:32s}"
                + "".join(f"{c[s]:8d}" for s in cols)
                + f"{sum(c.values()):8d}{len(stats.label_sessions[lab]):10d}"
            )
    return "\n".join(lines)
