"""Predictions to score: an ``annotate`` output folder, or a model run on transcripts (or on the gold).

Example:
    >>> import tempfile, pathlib
    >>> from pipeline.datamodel import Utterance
    >>> from pipeline.io import write_jsonl
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_jsonl(d / "utterances" / "s1.jsonl", [Utterance(session_id="s1", turn_id="0",
    ...     utterance_index=0, role="patient", text="Fine.", labels=["wd_minimal_response"])])
    >>> p = read_predictions(d)
    >>> [u.labels for u in p.utterances["s1"]], p.summaries
    ([['wd_minimal_response']], {})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.datamodel import Session, SessionSummary, Utterance
from pipeline.errors import InputError
from pipeline.io import read_utterances
from pipeline.segment import segments_of


@dataclass
class Predictions:
    """Predicted utterances (labels, scores) and session summaries, by session id."""

    utterances: dict[str, list[Utterance]] = field(default_factory=dict)
    summaries: dict[str, SessionSummary] = field(default_factory=dict)
    source: str = ""
    model: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def sessions(self) -> list[Session]:
        """The predicted utterances as sessions (segments from their times)."""
        return [
            Session(session_id=sid, utterances=utts, segments=segments_of(sid, utts))
            for sid, utts in self.utterances.items()
        ]


def read_predictions(path: str | Path) -> Predictions:
    """Read ``utterances/*.jsonl`` and ``sessions/*.json`` of an annotate output folder.

    A folder of utterance JSONL files (``rupture segment`` layout) is read too.
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError(root, "is not a folder", hint="give the --out folder of `rupture annotate`")
    files = sorted((root / "utterances").glob("*.jsonl")) or sorted(root.glob("*.jsonl"))
    out = Predictions(source=str(root))
    for f in files:
        for u in read_utterances(f):
            out.utterances.setdefault(u.session_id, []).append(u)
    for f in sorted((root / "sessions").glob("*.json")):
        try:
            summary = SessionSummary.model_validate_json(f.read_text(encoding="utf-8"))
        except ValidationError as err:
            raise InputError(
                f,
                f"is not a session summary ({err.errors()[0]['msg']})",
                hint="rerun `rupture annotate` into this folder",
            ) from None
        out.summaries[summary.session_id] = summary
        out.model = out.model or summary.model
    if not out.utterances and not out.summaries:
        raise InputError(
            root,
            "holds no predictions (no utterances/*.jsonl or sessions/*.json)",
            hint="give the --out folder of `rupture annotate`",
        )
    if not out.utterances:
        out.notes.append(
            f"{root}: no utterances/ (annotate --format without utterances): "
            "only segment and session ratings can be scored"
        )
    for utts in out.utterances.values():
        utts.sort(key=lambda u: u.utterance_index)
    return out


def predict(sessions: Sequence[Session], classifier: Any, source: str = "model") -> Predictions:
    """Run ``classifier.predict`` on sessions (their gold labels and scores cleared first) and summarise."""
    from pipeline.summarise import summarise

    blank = [
        s.model_copy(
            update={"utterances": [u.model_copy(update={"labels": [], "scores": None}) for u in s.utterances]}
        )
        for s in sessions
    ]
    done = classifier.predict(blank)
    card = getattr(classifier, "card", {}) or {}
    out = Predictions(source=source, model=dict(card))
    for s in done:
        out.utterances[s.session_id] = list(s.utterances)
        out.summaries[s.session_id] = summarise(s, getattr(classifier, "labelset", None), model_card=card)
    return out


def load_classifier(path: str | Path | None, device: str = "cpu") -> Any:
    """``pipeline.model.load_model`` (imported only when a model is asked for)."""
    try:
        from pipeline.model import load_model
    except ImportError as err:
        raise InputError(
            str(path or "models/default"),
            f"the model code cannot be loaded ({err})",
            hint="score an annotate output folder with --pred instead",
        ) from None
    return load_model(path, device=device)
