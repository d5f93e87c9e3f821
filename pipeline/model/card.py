"""``MODEL_CARD.md``: what a model is, what it was trained on, and how well it does (with baselines).

Rendered from the JSON files of the model directory, so the card never states a figure that is not
in ``metrics.json`` / ``baselines.json``.

Example:
    >>> write_card("models/default")                             # doctest: +SKIP
    PosixPath('models/default/MODEL_CARD.md')
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.io import atomic_open
from pipeline.labelset import load_labelset

TARGETS = {"groups_macro_f1": 0.80, "macro_f1": 0.55}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _met(value: float, target: float) -> str:
    return "met" if value >= target else "NOT met"


def _summary_table(rows: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    out = [
        "| model | split | coarse groups macro-F1 | all labels macro-F1 | labels scored |",
        "|---|---|---|---|---|",
    ]
    for name, metrics in rows:
        for split in ("dev", "test"):
            m = (metrics or {}).get(split)
            if m:
                out.append(
                    f"| {name} | {split} | {_f(m['groups_macro_f1'])} | {_f(m['macro_f1'])} | "
                    f"{m['labels_scored']} |"
                )
    return out


def _label_table(metrics: dict[str, Any], baselines: dict[str, Any], split: str) -> list[str]:
    names = list(baselines)
    cols = ["label", "support", "P", "R", "F1"] + [f"F1 {n}" for n in names]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    m = metrics[split]
    for kind in ("groups", "labels"):
        for key, s in m[kind].items():
            others = [_f(baselines[n].get(split, {}).get(kind, {}).get(key, {}).get("f1")) for n in names]
            name = f"**{key}**" if kind == "groups" else f"`{key}`"
            cells = [name, str(s["support"]), _f(s["precision"]), _f(s["recall"]), _f(s["f1"]), *others]
            out.append("| " + " | ".join(cells) + " |")
    return out


def selected_weights(history: list[dict[str, Any]] | None) -> str | None:
    """Which training state the saved weights are, read from ``history.json``.

    Example:
        >>> selected_weights([{"stage": "fine-tune", "epoch": 0, "dev_macro_f1": 0.5},
        ...                   {"stage": "fine-tune", "epoch": 1, "dev_macro_f1": 0.4}])[:30]
        'Saved weights: the stage-1 head'
    """
    tuned = [h for h in history or [] if h.get("stage") == "fine-tune"]
    if not tuned:
        return None
    best = max(tuned, key=lambda h: h["dev_macro_f1"])  # first of equals, as training keeps it
    if best["epoch"] == 0:
        return (
            "Saved weights: the stage-1 heads on the unchanged encoder. No fine-tuning epoch raised dev "
            f"macro-F1 above {best['dev_macro_f1']:.4f}, so the adapters stayed at their zero start and "
            "the encoder is the base encoder as installed."
        )
    return f"Saved weights: fine-tuning epoch {best['epoch']} (dev macro-F1 {best['dev_macro_f1']:.4f})."


def render_card(model_dir: str | Path) -> str:
    """The card's markdown text."""
    d = Path(model_dir)
    card, metrics = _load(d / "card.json") or {}, _load(d / "metrics.json") or {}
    data, cfg = _load(d / "training_data.json") or {}, _load(d / "train_config.json") or {}
    baselines = _load(d / "baselines.json") or {}
    bench = _load(d / "benchmark.json")
    ls = load_labelset()
    lines = [
        f"# Model card: {card.get('name', d.name)}",
        "",
        "Finds alliance rupture markers, resolution strategies and therapist contributions (3RS-style "
        f"codebook, label set {ls.name} v{ls.version}, {len(ls.ids)} labels) in each utterance of a "
        "psychotherapy session transcript.",
        "",
        "## Model",
        "",
        f"- Base encoder: `{card.get('base_model', {}).get('spec')}` "
        f"({card.get('base_model', {}).get('model_type')}, weights sha256 "
        f"`{str(card.get('base_model', {}).get('weights_sha256', ''))[:16]}...`), not stored here.",
        f"- Fine-tuning: {cfg.get('finetune')} (r={cfg.get('lora_r')}, alpha={cfg.get('lora_alpha')}, "
        f"modules {cfg.get('lora_target')}, layers {cfg.get('lora_layers') or 'all'}); each utterance is "
        "encoded "
        f"alone ({cfg.get('pooling', 'mean')} pooling of encoder hidden states "
        f"{cfg.get('pool_layers') or [-1]}, joined; {cfg.get('max_length')} tokens), joined with a "
        "speaker-role embedding, and a "
        f"bidirectional GRU ({cfg.get('context_hidden')} units a direction) reads the session's sequence of "
        "utterances. One sigmoid output per label, masked by role; per-label thresholds tuned on dev"
        + (
            ", and a threshold per coarse group on its top label score (where it fires and no label of the "
            "group passes, the group's top label is reported)."
            if cfg.get("group_thresholds")
            else "."
        ),
        f"- Loss: {cfg.get('loss')} binary cross-entropy (positive weight sqrt(neg/pos), capped at "
        f"{cfg.get('pos_weight_cap')}); {cfg.get('head_epochs')} epochs heads on frozen vectors, then up to "
        f"{cfg.get('epochs')} epochs fine-tuning with early stopping on dev macro-F1 (patience "
        f"{cfg.get('patience')}); seed {cfg.get('seed')}.",
        *([f"- {chosen}"] if (chosen := selected_weights(_load(d / "history.json"))) else []),
        f"- Training took {card.get('train_seconds')} s in all ({card.get('fit_seconds')} s fitting, the "
        f"rest threshold tuning and scoring dev and test) on {card.get('device')}, torch threads: "
        f"{card.get('torch_threads')}.",
        "",
        "## Training data",
        "",
        f"- Data hash: `{card.get('data_hash')}`; units: {data.get('units')}.",
    ]
    for split, c in (data.get("splits") or {}).items():
        lines.append(f"- {split}: {c['sessions']} sessions, {c['utterances']} utterances.")
    lines += [
        "",
        "The project's corpus is scripted and hand-coded (see `data/corpus/`): figures on it say how "
        "well the model learnt the codebook on sessions like these, not how it does on real clinical "
        "recordings.",
        "",
        "## Results (utterance level)",
        "",
    ]
    lines += _summary_table([("this model", metrics)] + [(n, b) for n, b in baselines.items()])
    lines += [
        "",
        f"Targets (test): coarse groups macro-F1 >= {TARGETS['groups_macro_f1']}, all labels macro-F1 >= "
        f"{TARGETS['macro_f1']}. Macro-F1 averages the labels with support in the split.",
        "",
    ]
    test = metrics.get("test")
    if test:
        lines += [
            "Against the targets, on the test split: "
            + "; ".join(
                f"{label} {test[key]:.3f} (target {TARGETS[key]}: {_met(test[key], TARGETS[key])})"
                for key, label in (
                    ("groups_macro_f1", "coarse groups macro-F1"),
                    ("macro_f1", "all labels macro-F1"),
                )
            )
            + ".",
            "",
        ]
    if test and baselines:
        beaten = [
            n
            for n, b in baselines.items()
            if "test" in b
            and test["macro_f1"] > b["test"]["macro_f1"]
            and test["groups_macro_f1"] > b["test"]["groups_macro_f1"]
        ]
        lines += [
            f"Baselines beaten on both test measures: {', '.join(beaten) or 'none'} "
            f"(of {', '.join(baselines)}).",
            "",
        ]
    if bench:
        lines += [
            f"Inference: {bench.get('utterances_per_second')} utterances/s (predict(), tokenising to labels) "
            f"on {bench.get('where')}.",
            "",
        ]
    for split in ("test", "dev"):
        if split in metrics:
            lines += [f"### Per label, {split} split", ""] + _label_table(metrics, baselines, split) + [""]
    lines += [
        "## Use and limits",
        "",
        "A screening and teaching aid for supervisors and researchers: it points at utterances worth "
        "a look. It is not a clinical judgement; a trained coder decides. Labels with few training "
        "examples are unreliable; read the per-label table before relying on one.",
        "",
    ]
    return "\n".join(lines)


def write_card(model_dir: str | Path) -> Path:
    """Write ``MODEL_CARD.md`` into the model directory."""
    path = Path(model_dir) / "MODEL_CARD.md"
    with atomic_open(path) as fh:
        fh.write(render_card(model_dir))
    return path
