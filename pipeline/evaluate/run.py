"""What ``rupture evaluate`` and ``rupture agreement`` do, as plain functions.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.gold.csv").write_text("session_id,turn_id,labels\\ns1,0,\\ns1,1,wd_denial\\n")
    >>> _ = (d / "b.gold.csv").write_text("session_id,turn_id,labels\\ns1,0,\\ns1,1,wd_denial\\n")
    >>> (res,) = run_agreement(d / "a.gold.csv", d / "b.gold.csv", bootstrap=0)
    >>> res.labels["wd_denial"].f1
    1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.batch import BatchReport, load_sessions
from pipeline.datamodel import Session
from pipeline.errors import RuptureError
from pipeline.evaluate.bootstrap import DEFAULT_DRAWS
from pipeline.evaluate.core import EvaluationResult, compare, compare_coders, score
from pipeline.evaluate.episodes import DEFAULT_TOLERANCE
from pipeline.evaluate.gold import GoldSet, read_gold
from pipeline.evaluate.predictions import Predictions, load_classifier, predict, read_predictions
from pipeline.labelset import LabelSet, load_labelset
from pipeline.segment import segments_of


def read_transcripts(
    inputs: Sequence[str | Path], read_options: dict[str, Any] | None = None
) -> tuple[list[Session], list[str]]:
    """Read and segment transcripts; the reader's warnings and skipped files come back as notes."""
    report = BatchReport()
    opts = read_options or {}
    sessions = list(
        load_sessions(list(inputs), opts.get("input_format"), opts.get("roles"), opts.get("columns"), report)
    )
    if not sessions:
        raise RuptureError("no transcript could be read: " + "; ".join(report.lines()))
    return sessions, [x for x in report.lines()[:-1]]


def gold_sessions(gold: GoldSet) -> list[Session]:
    """The gold's own utterances as sessions (to run a model on them)."""
    return [
        Session(
            session_id=sid, utterances=us, segments=segments_of(sid, us), metadata=gold.metadata.get(sid, {})
        )
        for sid, us in gold.utterances.items()
    ]


def get_predictions(
    gold: GoldSet,
    pred_dir: str | Path | None,
    model: str | Path | None,
    transcripts: Sequence[str | Path] | None,
    read_options: dict[str, Any] | None = None,
    classifier: Any = None,
) -> Predictions:
    """An annotate folder's predictions, or the model's on the transcripts (or on the gold's utterances)."""
    if (pred_dir is None) == (model is None and classifier is None):
        raise RuptureError("give either --pred DIR (an annotate output folder) or --model PATH")
    if pred_dir is not None:
        if transcripts:
            raise RuptureError("--transcripts goes with --model; --pred already holds the predictions")
        return read_predictions(pred_dir)
    notes: list[str] = []
    if transcripts:
        sessions, notes = read_transcripts(transcripts, read_options)
    elif gold.utterances:
        sessions = gold_sessions(gold)
    else:
        raise RuptureError("--model needs --transcripts INPUT (the gold has no utterances to run it on)")
    classifier = classifier or load_classifier(model)
    out = predict(sessions, classifier, source=str(model or "model"))
    out.notes += notes
    return out


def run_evaluate(
    gold_paths: Sequence[str | Path],
    pred_dir: str | Path | None = None,
    model: str | Path | None = None,
    transcripts: Sequence[str | Path] | None = None,
    split: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    bootstrap: int = DEFAULT_DRAWS,
    seed: int = 0,
    read_options: dict[str, Any] | None = None,
    labelset: LabelSet | None = None,
    classifier: Any = None,
) -> EvaluationResult:
    """``rupture evaluate``: read the gold and the predictions, line them up, score."""
    labelset = labelset or load_labelset()
    gold = read_gold(gold_paths, split, labelset)
    pred = get_predictions(gold, pred_dir, model, transcripts, read_options, classifier)
    comp = compare(gold, pred, labelset, tolerance)
    if not comp.units and not any(comp.ratings.pairs.values()):
        theirs = sorted(set(pred.utterances) | set(pred.summaries))
        ours = _some(gold.session_ids())
        raise RuptureError(
            f"the gold and the predictions have nothing in common (gold sessions: {ours}; predicted: "
            f"{_some(theirs)}); check the session and turn ids (see data_schemas/gold_*.schema.json)"
        )
    res = score(comp, labelset, bootstrap, seed, tolerance, model=pred.model)
    res.notes.insert(0, f"gold: {', '.join(gold.sources)}; predictions: {pred.source}")
    return res


def run_agreement(
    coder_a: str | Path,
    coder_b: str | Path,
    transcripts: Sequence[str | Path] | None = None,
    split: str | None = None,
    pred_dir: str | Path | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    bootstrap: int = DEFAULT_DRAWS,
    seed: int = 0,
    read_options: dict[str, Any] | None = None,
    labelset: LabelSet | None = None,
) -> list[EvaluationResult]:
    """``rupture agreement``: coder B against coder A; with ``pred_dir`` also the model against each coder."""
    labelset = labelset or load_labelset()
    a, b = read_gold([coder_a], split, labelset), read_gold([coder_b], split, labelset)
    skeleton, notes = None, []
    if transcripts:
        sessions, notes = read_transcripts(transcripts, read_options)
        skeleton = {s.session_id: s.utterances for s in sessions}
    comp = compare_coders(a, b, labelset, skeleton, tolerance)
    comp.notes += notes
    results = [score(comp, labelset, bootstrap, seed, tolerance)]
    results[0].notes.insert(0, f"coder A: {', '.join(a.sources)}; coder B: {', '.join(b.sources)}")
    if pred_dir is not None:
        pred = read_predictions(pred_dir)
        for name, g in (("coder A", a), ("coder B", b)):
            c = compare(g, pred, labelset, tolerance, names=(name, "model"))
            results.append(score(c, labelset, bootstrap, seed, tolerance, model=pred.model))
    return results


def _some(ids: Sequence[str], n: int = 3) -> str:
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "") if ids else "none"
