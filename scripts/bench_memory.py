"""Peak memory of ``annotate`` against the number of sessions: it should follow the batch size, not N.

For each N in ``--sessions`` (default 10, 100, 400) the script writes N generated transcripts of
``--turns`` timed turns each (default 240: about an hour of session), then runs
:func:`pipeline.annotate.annotate` on them in a fresh subprocess with every output format and a
keyword stand-in for the model (the same interface as ``RuptureClassifier``; the model's own memory
does not depend on N, and the stand-in keeps the run short). The subprocess reports its resident set
after the imports and a warm-up run on one session (``base``) and its peak resident set over the
whole run (``peak``, ``ru_maxrss``); ``growth`` is ``peak - base``: what the run held on top of the
loaded code. With memory bounded by the batch size, ``growth`` stays nearly flat as N grows; what
remains is the cohort step at the end, which holds every session's summary at once (about 40 KB in
memory for an hour-long session: 16 MB for 400). Before the read-ahead and the writer were bounded
(issue #8), growth was 6, 45 and 107 MB for 10, 100 and 400 sessions.

Usage::

    .venv/bin/python scripts/bench_memory.py                      # table on stdout
    .venv/bin/python scripts/bench_memory.py --save scripts/results/bench_memory.txt
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
THERAPIST = [
    "How was the week?",
    "Tell me what happened, and what it was like for you.",
    "I'm sorry, I pushed too hard there. How is this landing for you?",
    "You need to stop drinking, you should really stop.",
    "It makes sense that you would want to protect yourself from that.",
]
PATIENT = [
    "Okay.",
    "Dunno. Whatever.",
    "This worksheet is a waste of my time, and I said so last time as well.",
    "You are not listening to me.",
    "I slept more this week, walking in the evening helped a bit, and I felt calmer at work.",
    "It was the worst attack in a long while, on the train, and I had to get off early.",
]


def write_transcripts(folder: Path, n: int, turns: int) -> int:
    """``n`` plain-text sessions of ``turns`` turns 15 s apart; returns the number of lines written."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        rng = random.Random(i)
        lines = []
        for k in range(turns):
            t = 15 * k
            who, pool = ("T", THERAPIST) if k % 2 == 0 else ("P", PATIENT)
            lines.append(f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] {who}: {rng.choice(pool)}")
        (folder / f"session-{i:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n * turns


def rss_mb() -> float:
    """Current resident set (MB) from ``/proc/self/status``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(inputs: Path, out: Path) -> None:
    """Runs in the subprocess: warm up on one session, then annotate them all; prints a JSON line."""
    sys.path.insert(0, str(REPO))
    from pipeline.annotate import AnnotateConfig, annotate
    from pipeline.labelset import load_labelset

    class Keywords:
        """The stand-in model: labels by keyword, scores every label of the utterance's role."""

        RULES = {
            "whatever": "wd_minimal_response",
            "waste": "cf_complaint_activities",
            "sorry": "rs_acknowledge_contribution",
            "you need to": "tc_lecture",
        }

        def __init__(self) -> None:
            self.labelset, self.card = load_labelset(), {"name": "keywords", "version": "0"}

        def predict(self, sessions, batch_size=64):
            return [
                s.model_copy(update={"utterances": [self._label(u) for u in s.utterances]}) for s in sessions
            ]

        def _label(self, u):
            ids = self.labelset.ids_for_role(u.role)
            hits = sorted(lab for key, lab in self.RULES.items() if key in u.text.lower() and lab in ids)
            return u.model_copy(
                update={"labels": hits, "scores": {lab: 0.9 if lab in hits else 0.05 for lab in ids}}
            )

    first = sorted(inputs.glob("*.txt"))[0]
    annotate([str(first)], AnnotateConfig(out.with_name("warmup"), progress=False), Keywords())
    base = rss_mb()
    started = time.perf_counter()
    res = annotate([str(inputs)], AnnotateConfig(out, progress=False), Keywords())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "written": res.written,
                "utterances": res.utterances,
                "base_mb": base,
                "peak_mb": peak,
                "seconds": seconds,
            }
        )
    )


def measure(n: int, turns: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        inputs = Path(tmp, "in")
        write_transcripts(inputs, n, turns)
        cmd = [sys.executable, __file__, "--child", str(inputs), str(Path(tmp, "out"))]
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[10, 100, 400])
    ap.add_argument("--turns", type=int, default=240, help="turns a session (default 240, about an hour)")
    ap.add_argument("--save", type=Path, help="also write the table to this file")
    ap.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    lines = [
        f"bench_memory: annotate with a keyword stand-in model, every output format, {args.turns} turns "
        f"a session; python {platform.python_version()} on {platform.machine()}",
        "seconds: the whole annotate call (the identifier check over the inputs included)",
        "",
        f"{'sessions':>8} {'utterances':>10} {'base MB':>8} {'peak MB':>8} {'growth MB':>9} {'seconds':>8}",
    ]
    print("\n".join(lines), flush=True)
    for n in args.sessions:
        r = measure(n, args.turns)
        row = (
            f"{n:>8} {r['utterances']:>10} {r['base_mb']:>8.0f} {r['peak_mb']:>8.0f} "
            f"{r['peak_mb'] - r['base_mb']:>9.0f} {r['seconds']:>8.1f}"
        )
        print(row, flush=True)
        lines.append(row)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
