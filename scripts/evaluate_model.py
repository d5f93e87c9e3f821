"""Measure a model against the issue #4 targets on the test split, beside the two baselines.

Prints, for the test split at utterance level: coarse-group macro-F1 (target >= 0.80), all-label
macro-F1 (target >= 0.55) with every label's support, the training time from the model card
(target < 30 minutes), predict() throughput, and the TF-IDF and frozen-encoder baselines trained
and scored on the same splits. ``--write-card`` stores the baselines and the benchmark in the model
directory and re-renders ``MODEL_CARD.md``.

    python scripts/evaluate_model.py --model models/default --corpus data/corpus --write-card
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from pipeline.io import write_json  # noqa: E402
from pipeline.model import load_model, load_training_data  # noqa: E402
from pipeline.model.baselines import run_baselines  # noqa: E402
from pipeline.model.card import TARGETS, write_card  # noqa: E402
from pipeline.model.metrics import evaluate  # noqa: E402

TRAIN_MINUTES_TARGET = 30.0


def score_model(clf, data, split: str, batch_size: int = 64) -> dict:
    """Utterance-level metrics of the model on one split (units as in the data)."""
    part = [ts for ts in data if ts.split == split]
    predicted = clf.predict([ts.session for ts in part], batch_size)
    gold, pred = [], []
    for ts, s in zip(part, predicted, strict=True):
        units: dict[int, set[str]] = {}
        for u, k in zip(s.utterances, ts.units, strict=True):
            units.setdefault(k, set()).update(u.labels)
        gold += ts.unit_labels
        pred += [sorted(units.get(k, set())) for k in range(len(ts.unit_labels))]
    return evaluate(gold, pred, clf.labelset)


def benchmark(clf, sessions, batch_size: int = 64) -> dict:
    """predict() throughput over ``sessions`` (tokenising, encoding, context layer, thresholds)."""
    clf.predict(sessions[:1], batch_size)  # warm-up
    t = time.perf_counter()
    first = clf.predict(sessions, batch_size)
    seconds = time.perf_counter() - t
    other = clf.predict(sessions, 7)
    same = all(a.utterances == b.utterances for a, b in zip(first, other, strict=True))
    n = sum(len(s.utterances) for s in sessions)
    return {
        "utterances": n,
        "seconds": round(seconds, 2),
        "utterances_per_second": round(n / seconds, 1),
        "identical_with_batch_size_7": same,
        "threads": torch.get_num_threads(),
        "where": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
        f"precision {clf.precision}",
        "load_average": os.getloadavg()[0],
    }


def line(name: str, value: float, target: float, higher: bool = True) -> str:
    ok = value >= target if higher else value < target
    return (
        f"{name:<40} {value:8.3f}   target {'>=' if higher else '<'} {target:<6} {'MET' if ok else 'NOT MET'}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: models/default)")
    ap.add_argument("--corpus", default="data/corpus")
    ap.add_argument("--split", default="test")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument(
        "--write-card", action="store_true", help="store baselines/benchmark, re-render MODEL_CARD.md"
    )
    args = ap.parse_args(argv)

    clf = load_model(args.model)
    model_dir = Path(clf.card["path"])
    data = load_training_data(args.corpus)
    m = score_model(clf, data, args.split)
    print(f"model {model_dir} on {args.corpus}, split {args.split}, {m['units']} utterances\n")
    print(line("coarse groups macro-F1", m["groups_macro_f1"], TARGETS["groups_macro_f1"]))
    print(
        line(f"all labels macro-F1 ({m['labels_scored']} with support)", m["macro_f1"], TARGETS["macro_f1"])
    )
    minutes = clf.card.get("train_seconds", float("nan")) / 60
    print(line("training time, minutes", minutes, TRAIN_MINUTES_TARGET, higher=False))
    print(f"\n{'group / label':<34} {'support':>7} {'P':>6} {'R':>6} {'F1':>6}")
    for kind in ("groups", "labels"):
        for key, s in m[kind].items():
            print(f"{key:<34} {s['support']:>7} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}")

    bench = benchmark(clf, [ts.session for ts in data if ts.split == args.split])
    print(
        f"\npredict(): {bench['utterances_per_second']} utterances/s over {bench['utterances']} utterances "
        f"({bench['where']}; load average {bench['load_average']:.1f}); identical with batch size 7: "
        f"{bench['identical_with_batch_size_7']}"
    )

    baselines = {}
    if not args.no_baselines:
        baselines = run_baselines(
            data,
            base_dir=None
            if clf.card.get("base_model", {}).get("spec", "").startswith("package:")
            else clf.card["base_model"]["spec"],
            max_length=clf.max_length,
        )
        print(f"\n{'model':<26} {'groups macro-F1':>16} {'labels macro-F1':>16}")
        print(f"{'this model':<26} {m['groups_macro_f1']:>16.3f} {m['macro_f1']:>16.3f}")
        for name, b in baselines.items():
            bm = b[args.split]
            print(f"{name:<26} {bm['groups_macro_f1']:>16.3f} {bm['macro_f1']:>16.3f}")
        beats = all(
            m["macro_f1"] > b[args.split]["macro_f1"]
            and m["groups_macro_f1"] > b[args.split]["groups_macro_f1"]
            for b in baselines.values()
        )
        print(f"the model beats both baselines on both measures: {beats}")
    if args.write_card:
        # The card states the figures of the model as it loads (its stored precision included).
        metrics = {split: score_model(clf, data, split) for split in ("dev", "test")}
        write_json(model_dir / "metrics.json", metrics)
        card = json.loads((model_dir / "card.json").read_text(encoding="utf-8"))
        card["metrics"] = {
            k: {f: v[f] for f in ("units", "macro_f1", "labels_scored", "groups_macro_f1")}
            for k, v in metrics.items()
        }
        write_json(model_dir / "card.json", card)
        if baselines:
            write_json(model_dir / "baselines.json", baselines)
        write_json(model_dir / "benchmark.json", bench)
        print(f"\nwrote {write_card(model_dir)}")
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    sys.exit(main())
