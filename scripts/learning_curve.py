"""Issue #4 experiment: would more coded sessions help? Dev macro-F1 against the share of train used.

Dev split only; the test split is not read. Heads are trained on frozen vectors of a nested subset of
the train sessions (as stage 1 of ``rupture train`` does, with ``models/default/train.toml``) and
scored on dev split-half: thresholds tuned on one half of the dev sessions, scored on the other, both
ways. Each share is drawn three times (nested within a draw), each fitted with its own seed, and
the best of 10/15/20 epochs is NOT picked: 15 epochs, the middle, is reported for every share.

    python scripts/learning_curve.py > scripts/results/learning_curve.txt   # about 10 min, 2 cores
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from experiment_heads import halves, heads_from_command_line, split_half, table  # noqa: E402

SHARES = (0.25, 0.5, 0.75, 1.0)
EPOCHS = 15


def main() -> None:
    h = heads_from_command_line(__doc__.splitlines()[0])
    train, dev = h.split["train"], h.split["dev"]
    units = sum(len(p.roles) for p in train)
    print(f"train: {len(train)} sessions, {units} utterances; dev: {len(dev)} sessions")
    print(f"(coarse-group macro-F1, all-label macro-F1) on dev split-half, heads at {EPOCHS} epochs\n")
    means = {}
    for draw in range(3):
        order = np.random.default_rng(draw).permutation(len(train))
        for share in SHARES:
            subset = [train[i] for i in order[: max(1, round(share * len(train)))]]
            state = h.fit(subset, [EPOCHS], 100 * draw + int(share * 100))[EPOCHS]
            probs = h.probs(state, dev)
            result = split_half(h, *table(dev, probs), halves(probs))
            means.setdefault(share, []).append(result)
            print(f"draw {draw} share {share:.2f} ({len(subset)} sessions): {result}", flush=True)
    print("\n## mean over draws")
    curve = []
    for share, results in means.items():
        coarse, labels = np.mean(results, axis=0)
        curve.append((max(1, round(share * len(train))), coarse, labels))
        print(f"share {share:.2f}: coarse {coarse:.3f}, labels {labels:.3f}")
    print("\n## a straight line in log2(sessions), extrapolated (a rough guide, not a promise)")
    x = np.log2([n for n, _, _ in curve])
    for i, (name, target) in enumerate((("coarse", 0.80), ("labels", 0.55)), start=1):
        slope, intercept = np.polyfit(x, [row[i] for row in curve], 1)
        need = 2 ** ((target - intercept) / slope)
        print(f"{name}: +{slope:.3f} per doubling of train sessions; {target} at about {need:,.0f} sessions")


if __name__ == "__main__":
    main()
