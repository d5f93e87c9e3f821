"""Cross-validation grouped by patient (or session): retrain per fold, score the held-out fold, report the
spread over folds and the pooled out-of-fold figures.

Folds come from scikit-learn's ``GroupKFold`` over each session's ``metadata["patient"]`` (falling back to
the session id), so a patient's sessions never sit on both sides. Inside each fold's training sessions a
stable ~15% of the patient groups (by hash) becomes the ``dev`` split that training uses for early
stopping and thresholds; the rest is ``train``. Every system (the fine-tuned model, and any baseline
given) runs through the same folds. Per fold, figures are those of
:func:`~pipeline.evaluate.evaluate_sessions`; the spread is mean, standard deviation (ddof=1), minimum
and maximum over folds; the pooled figures score all out-of-fold predictions together, with bootstrap
intervals over sessions.

A *system* is a function ``fit(sessions, work_dir) -> classifier`` (``classifier.predict(sessions)``
fills labels and scores); :func:`model_system` wraps ``pipeline.model.train_model``. The model issue's
baselines (TF-IDF + logistic regression; frozen encoder + linear head) run through the same folds by
``pipeline.model.baselines.run_baselines`` (:func:`model_baselines`); they report label and group F1 only.

Example:
    >>> from pipeline.datamodel import Session
    >>> ss = [Session(session_id=f"s{i}", metadata={"patient": f"p{i // 2}"}) for i in range(6)]
    >>> [sorted(ss[j].session_id for j in test) for _, test in group_folds(ss, 3)]
    [['s4', 's5'], ['s2', 's3'], ['s0', 's1']]
"""

from __future__ import annotations

import hashlib
import math
import statistics
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.datamodel import Session
from pipeline.errors import RuptureError
from pipeline.evaluate.core import EvaluationResult, evaluate_sessions
from pipeline.labelset import LabelSet, load_labelset

System = Callable[[list[Session], Path], Any]
Baselines = Callable[[list[Session]], Mapping[str, Mapping[str, Any]]]
"""Sessions with train/dev/test splits -> ``{baseline name: {"test": metrics}}`` (as ``run_baselines``)."""
DEV_FRACTION = 0.15
FAST = {"head_epochs": 3, "epochs": 1, "patience": 1, "max_length": 32}
"""Training overrides of ``--fast``: a quick smoke run, not a model worth reporting."""


def group_of(session: Session) -> str:
    """The patient id when known, else the session id."""
    return str(session.metadata.get("patient") or session.session_id)


def group_folds(sessions: Sequence[Session], k: int) -> list[tuple[list[int], list[int]]]:
    """``(train, test)`` index lists of ``GroupKFold(k)`` over patient (or session) groups."""
    from sklearn.model_selection import GroupKFold

    groups = [group_of(s) for s in sessions]
    n_groups = len(set(groups))
    if k < 2 or k > n_groups:
        raise RuptureError(f"--folds {k}: need 2 to {n_groups} folds for {n_groups} patient/session groups")
    splitter = GroupKFold(n_splits=k)
    return [(list(tr), list(te)) for tr, te in splitter.split(list(range(len(sessions))), groups=groups)]


def with_dev_split(sessions: Sequence[Session], fraction: float = DEV_FRACTION) -> list[Session]:
    """Copies with ``split``: a stable ``fraction`` of the patient groups to ``dev``, the rest ``train``."""
    groups = sorted({group_of(s) for s in sessions}, key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    dev = set(groups[: max(1, math.ceil(fraction * len(groups)))]) if len(groups) > 1 else set()
    return [s.model_copy(update={"split": "dev" if group_of(s) in dev else "train"}) for s in sessions]


def model_system(config: Any = None, base_model: str | Path | None = None, device: str = "cpu") -> System:
    """The fine-tuned model of ``pipeline.model`` as a system (trained with ``config``)."""

    def fit(sessions: list[Session], work_dir: Path) -> Any:
        from pipeline.model import TrainConfig, load_model, train_model
        from pipeline.model.data import from_sessions

        cfg = config or TrainConfig()
        train_model(
            from_sessions(sessions), work_dir, cfg, device=device, progress=False, base_model=base_model
        )
        return load_model(work_dir, device=device)

    return fit


@dataclass
class CVResult:
    """Per-fold and pooled results for each system, and the spread of the headline figures."""

    folds: int
    grouping: str
    fold_sessions: list[list[str]]
    per_fold: dict[str, list[EvaluationResult]] = field(default_factory=dict)
    pooled: dict[str, EvaluationResult] = field(default_factory=dict)
    baseline_folds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def systems(self) -> list[str]:
        return list(self.per_fold) + list(self.baseline_folds)

    def spread(self, system: str) -> dict[str, dict[str, float | None]]:
        """Mean, sd, min and max over folds of each headline figure."""
        out = {}
        values_of = (
            headline_values(self.per_fold[system])
            if system in self.per_fold
            else baseline_values(self.baseline_folds[system])
        )
        for name, values in values_of.items():
            xs = [v for v in values if v is not None]
            out[name] = {
                "mean": statistics.fmean(xs) if xs else None,
                "sd": statistics.stdev(xs) if len(xs) > 1 else None,
                "min": min(xs) if xs else None,
                "max": max(xs) if xs else None,
                "folds": len(xs),
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "grouping": self.grouping,
            "fold_sessions": self.fold_sessions,
            "spread": {s: self.spread(s) for s in self.systems},
            "pooled": {s: r.to_dict() for s, r in self.pooled.items()},
            "per_fold": {s: [r.to_dict() for r in rs] for s, rs in self.per_fold.items()},
            "baseline_folds": self.baseline_folds,
            "notes": self.notes,
        }


def headline_values(results: Sequence[EvaluationResult]) -> dict[str, list[float | None]]:
    """The figures whose spread over folds is reported."""
    out: dict[str, list[float | None]] = {
        "micro_f1": [r.micro_f1 for r in results],
        "macro_f1": [r.macro_f1 for r in results],
        "macro_kappa": [r.macro_kappa for r in results],
        "groups_macro_f1": [r.groups_macro_f1 for r in results],
        "episodes_f1": [r.episodes.f1 for r in results],
    }
    for g in sorted({g for r in results for g in r.groups}):
        out[f"{g}_f1"] = [r.groups[g].f1 if g in r.groups and r.groups[g].support else None for r in results]
    for item in sorted({i for r in results for i in r.ratings}):
        out[f"{item}_icc2_1"] = [r.ratings[item].icc2_1 if item in r.ratings else None for r in results]
        out[f"{item}_alpha"] = [r.ratings[item].alpha_ordinal if item in r.ratings else None for r in results]
    return out


def baseline_values(metrics: Sequence[Mapping[str, Any]]) -> dict[str, list[float | None]]:
    """The headline figures a baseline's ``{"macro_f1", "groups_macro_f1", "groups"}`` metrics give."""
    out: dict[str, list[float | None]] = {
        "macro_f1": [m.get("macro_f1") for m in metrics],
        "groups_macro_f1": [m.get("groups_macro_f1") for m in metrics],
    }
    for g in sorted({g for m in metrics for g in m.get("groups", {})}):
        out[f"{g}_f1"] = [
            m["groups"][g]["f1"] if m.get("groups", {}).get(g, {}).get("support") else None for m in metrics
        ]
    return out


def cross_validate(
    sessions: Sequence[Session],
    systems: Mapping[str, System],
    k: int = 5,
    work_dir: str | Path | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    labelset: LabelSet | None = None,
    progress: Callable[[str], None] | None = None,
    baselines: Baselines | None = None,
) -> CVResult:
    """Train and score every system (and ``baselines``) on the same grouped folds (module docstring)."""
    labelset = labelset or load_labelset()
    folds = group_folds(sessions, k)
    patients = any(s.metadata.get("patient") for s in sessions)
    res = CVResult(
        k, "patient" if patients else "session", [[sessions[i].session_id for i in te] for _, te in folds]
    )
    if not patients:
        res.notes.append("no session names a patient (metadata 'patient'): folds are grouped by session")
    root = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="rupture-cv-"))
    for name, fit in systems.items():
        res.per_fold[name], pooled_pred = [], []
        for f, (train_idx, test_idx) in enumerate(folds, start=1):
            if progress:
                progress(f"{name}: fold {f}/{k} (train {len(train_idx)}, test {len(test_idx)} sessions)")
            clf = fit(with_dev_split([sessions[i] for i in train_idx]), root / name / f"fold{f}")
            gold = [sessions[i] for i in test_idx]
            pred = clf.predict(gold)
            pooled_pred += pred
            res.per_fold[name].append(evaluate_sessions(gold, pred, labelset, bootstrap=0))
        gold_all = [sessions[i] for _, te in folds for i in te]
        res.pooled[name] = evaluate_sessions(gold_all, pooled_pred, labelset, bootstrap=bootstrap, seed=seed)
    for f, (train_idx, test_idx) in enumerate(folds, start=1) if baselines else ():
        if progress:
            progress(f"baselines: fold {f}/{k}")
        fold = with_dev_split([sessions[i] for i in train_idx])
        fold += [sessions[i].model_copy(update={"split": "test"}) for i in test_idx]
        for name, metrics in baselines(fold).items():
            res.baseline_folds.setdefault(name, []).append(metrics["test"])
    return res


def format_cv(res: CVResult) -> str:
    """Mean ± sd [min, max] over folds per system, then the pooled out-of-fold figures."""
    systems = res.systems
    lines = [
        f"{res.folds}-fold cross-validation grouped by {res.grouping}; figures over folds: mean ± sd "
        "[min, max]; pooled: all out-of-fold predictions together (bootstrap 95% CI over sessions)",
        "",
    ]
    header = f"{'figure':<40}" + "".join(f"{s:>34}" for s in systems)
    lines.append(header)
    spreads = {s: res.spread(s) for s in systems}
    for name in spreads[systems[0]] if systems else []:
        cells = []
        for s in systems:
            v = spreads[s].get(name, {})
            if v.get("mean") is None:
                cells.append(f"{'-':>34}")
                continue
            sd = f" ± {v['sd']:.2f}" if v["sd"] is not None else ""
            cells.append(f"{v['mean']:.2f}{sd} [{v['min']:.2f}, {v['max']:.2f}]".rjust(34))
        lines.append(f"{name:<40}" + "".join(cells))
    lines.append("")
    for s in res.pooled:
        p = res.pooled[s]
        ci = p.ci.get("macro_f1")
        lines.append(
            f"pooled {s}: micro-F1 {p.micro_f1:.2f}, macro-F1 "
            f"{'-' if p.macro_f1 is None else f'{p.macro_f1:.2f}'}"
            + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
            + f", {p.n_sessions} sessions, {p.n_units} utterances"
        )
    lines += [f"note: {n}" for n in res.notes]
    return "\n".join(lines)


def model_baselines(base_model: str | Path | None = None, max_length: int = 96) -> Baselines | None:
    """The model issue's baselines (TF-IDF + logistic regression; frozen encoder + linear head), trained and
    scored per fold by ``pipeline.model.baselines.run_baselines`` (figures by its metric function, whose
    precision, recall and F1 equal these definitions when predictions respect the roles)."""
    try:
        from pipeline.model.baselines import run_baselines
    except ImportError:
        return None

    def run(sessions: list[Session]) -> Mapping[str, Mapping[str, Any]]:
        from pipeline.model.data import from_sessions

        return run_baselines(from_sessions(sessions), base_model, max_length)

    return run


def run_cv(
    corpus: str | Path,
    k: int = 5,
    config: str | Path | None = None,
    fast: bool = False,
    base_model: str | Path | None = None,
    split: str | None = "train,dev",
    work_dir: str | Path | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    device: str = "cpu",
    baselines: bool = True,
    progress: Callable[[str], None] | None = None,
) -> CVResult:
    """``rupture cv``: load the corpus, build the systems, cross-validate."""
    from pipeline.corpus.load import load_corpus
    from pipeline.model import load_train_config

    wanted = None if not split or split.strip() == "all" else {s.strip() for s in split.split(",")}
    sessions = load_corpus(corpus, splits=wanted)
    cfg = load_train_config(config, **(FAST if fast else {}))
    systems: dict[str, System] = {"fine-tuned": model_system(cfg, base_model, device)}
    runner = model_baselines(base_model, cfg.max_length) if baselines else None
    res = cross_validate(sessions, systems, k, work_dir, bootstrap, seed, progress=progress, baselines=runner)
    if baselines and runner is None:
        res.notes.append("the baselines (pipeline.model.baselines) are not available: only the model ran")
    if res.baseline_folds:
        res.notes.append(
            "baselines are scored by pipeline.model.metrics (precision, recall, F1 only: no kappa, "
            "ratings or episodes, and no pooled figures)"
        )
    if fast:
        res.notes.append("--fast: a few training epochs only; a smoke run, not figures to report")
    return res
