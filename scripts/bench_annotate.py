"""Benchmark ``rupture annotate`` against the common published approach, on one machine, in one run.

Usage (from a clean clone, after ``make setup``)::

    .venv/bin/python scripts/bench_annotate.py --ray        # writes scripts/results/bench_annotate.{json,md}

Input: all 133 AnnoMI sessions (``../shared/data/annomi/AnnoMI-simple.csv``) when present, otherwise
the project's corpus (``data/corpus/utterances``). Model: ``--model`` (default ``models/default``).

Every measured run happens in a fresh subprocess (so peak memory figures do not mix), with
``torch.set_num_threads(--threads)`` (default: the machine's cores) and a warm-up before timing:

* ``annotate``: :func:`pipeline.annotate.annotate` on all sessions with every output format, exactly
  what ``rupture annotate INPUT --out DIR`` runs after loading the model: read, segment, classify,
  summarise, write utterances/sessions/reports, cohort tables and ``run.json``. Timed from the call
  to its return; the model load is reported apart. Once with the model's own precision setting and
  once forced to fp32 when that differs (bf16 is the opt-in reduced-precision path).
* ``peer``: the approach common in published code: for every utterance, the previous four
  utterances and the target joined into one input (``role: text`` pieces joined by ``[SEP]``,
  truncated to 256 tokens), encoded by the same encoder (the model's fine-tuned encoder), one forward
  pass per utterance through the transformers ``pipeline("feature-extraction")`` API, mean-pooled,
  then a linear label head. Timed on the first ``--peer-utterances`` utterances in input order (the
  full run would take many minutes); its throughput is per utterance.
* ``matmul``: the machine's dense fp32 matmul peak, best of 7 ``torch.matmul`` of 2048x2048 (and
  the bf16 peak), measured inside the annotate subprocess.
* ``steps``: encoder-only throughput of the design steps on the first ``--steps-utterances``
  utterances: one utterance per forward pass (on the first ``--steps-single`` only); batches of 64 in
  input order padded to the longest; length-bucketed batches of 64 (the shipped design) and of 256;
  length-bucketed with bf16 autocast.
* ``agreement``: macro-F1 on the corpus test split with fp32 and with bf16 autocast, and identical
  labels and scores for batch sizes 1, 7 and 64 on the first three input sessions (fp32).
* ``ray`` (with ``--ray``): ``--engine ray`` on a local Ray started for the run, one worker a core;
  its memory is the sum over all Ray processes (polled with psutil).

Encoder FLOPs (forward hooks on the encoder count every batch's shape and real token count): for a
BERT encoder with ``n`` layers, hidden size ``d`` and feed-forward size ``f``, a sequence of ``L``
tokens costs ``n * (8*L*d^2 + 4*L*d*f + 4*L^2*d)`` FLOPs (Q, K, V and output projections; the two
feed-forward matmuls; ``QK^T`` and attention-weighted ``V``; one multiply-add = 2 FLOPs; embeddings,
layer norms, softmax and GELU left out). ``executed`` uses the padded length the hardware ran;
``useful`` the real lengths. Achieved FLOP/s = executed FLOPs / time inside the encoder's forward.

Results: a table on stdout, ``scripts/results/bench_annotate.json`` and ``.md``. Other processes
on the machine slow every run down (two torch threads on two cores stall whenever another process
takes a core), so before each run the script waits (``--quiet-wait``, default 180 s) until other
processes use under 25% of the CPUs, and records the load average, that CPU share, and each run's
CPU utilisation (CPU seconds / wall seconds; near the thread count on a quiet machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ANNOMI = REPO.parent / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"
CORPUS = REPO / "data" / "corpus" / "utterances"
TARGETS = {"utterances_per_s": 200.0, "speedup_vs_peer": 5.0, "peak_rss_mb": 2048.0}

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# -- measuring helpers (run inside the subprocesses) ----------------------------------------------


def matmul_peak(threads: int, n: int = 2048, reps: int = 7) -> dict[str, float]:
    """Best-of-``reps`` GFLOP/s of an ``n x n`` fp32 (and bf16) ``torch.matmul``."""
    import torch

    torch.set_num_threads(threads)
    out = {}
    for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
        for _ in range(2):
            a @ b
        best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - t)
        out[f"{name}_gflops"] = round(2 * n**3 / best / 1e9, 1)
    return out


class EncoderMeter:
    """Forward hooks on a BERT-like encoder: time inside it, padded and real tokens, FLOPs."""

    def __init__(self, encoder: Any):
        cfg = encoder.config
        self.n, self.d, self.f = cfg.num_hidden_layers, cfg.hidden_size, cfg.intermediate_size
        self.calls = 0
        self.seconds = 0.0
        self.tokens_padded = 0
        self.tokens_real = 0
        self.flops_executed = 0.0
        self.flops_useful = 0.0
        self._t = 0.0
        self._handles = [
            encoder.register_forward_pre_hook(self._pre, with_kwargs=True),
            encoder.register_forward_hook(self._post, with_kwargs=True),
        ]

    def seq_flops(self, length: int) -> float:
        n, d, f = self.n, self.d, self.f
        return n * (8 * length * d * d + 4 * length * d * f + 4 * length * length * d)

    def _pre(self, module: Any, args: tuple, kwargs: dict) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        mask = kwargs.get("attention_mask")
        b, width = ids.shape
        lengths = mask.sum(1).tolist() if mask is not None else [width] * b
        self.calls += 1
        self.tokens_padded += b * width
        self.tokens_real += int(sum(lengths))
        self.flops_executed += b * self.seq_flops(width)
        self.flops_useful += sum(self.seq_flops(int(x)) for x in lengths)
        self._t = time.perf_counter()

    def _post(self, module: Any, args: tuple, kwargs: dict, output: Any) -> None:
        self.seconds += time.perf_counter() - self._t

    def remove(self) -> None:
        for h in self._handles:
            h.remove()

    def report(self, peak_gflops: float | None = None) -> dict[str, Any]:
        achieved = self.flops_executed / self.seconds / 1e9 if self.seconds else 0.0
        out = {
            "forward_calls": self.calls,
            "seconds": round(self.seconds, 2),
            "tokens_real": self.tokens_real,
            "tokens_padded": self.tokens_padded,
            "padding_share": round(1 - self.tokens_real / max(self.tokens_padded, 1), 4),
            "tflop_executed": round(self.flops_executed / 1e12, 3),
            "tflop_useful": round(self.flops_useful / 1e12, 3),
            "achieved_gflops": round(achieved, 1),
            "useful_gflops": round(self.flops_useful / self.seconds / 1e9, 1) if self.seconds else 0.0,
        }
        if peak_gflops:
            out["share_of_matmul_peak"] = round(achieved / peak_gflops, 3)
        return out


def _rusage() -> dict[str, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_mb": round(r.ru_maxrss / 1024, 1), "cpu_s": round(r.ru_utime + r.ru_stime, 2)}


def _load_sessions(input_path: str) -> list[Any]:
    from pipeline.batch import load_sessions

    return list(load_sessions([input_path]))


def _load_model(model: str | None, precision: str | None) -> Any:
    from pipeline.model import load_model

    return load_model(model, precision=precision)


# -- the subprocess jobs --------------------------------------------------------------------------


def job_annotate(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    torch.set_num_threads(args.threads)
    from pipeline.annotate import AnnotateConfig, annotate

    peak = matmul_peak(args.threads)
    t = time.perf_counter()
    clf = _load_model(args.model, args.precision)
    load_s = time.perf_counter() - t
    # warm-up: classify and summarise a few sessions (not timed; the timed run reads everything again)
    from pipeline.annotate import classify_and_summarise

    warm = _load_sessions(args.input)[:3]
    classify_and_summarise(warm, clf, AnnotateConfig(Path(tempfile.mkdtemp()), progress=False))
    meter = EncoderMeter(clf.net.encoder)
    out_dir = Path(tempfile.mkdtemp(prefix="bench-annotate-")) / "out"
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    # identifiers="allow": AnnoMI is public and already de-identified; the scan's own speed is measured
    # by scripts/bench_scan.py, and redaction would change what the model sees.
    config = AnnotateConfig(out_dir, progress=False, batch_size=args.batch_size, identifiers="allow")
    res = annotate([args.input], config, clf)
    wall = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    meter.remove()
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    precision = getattr(clf, "precision", None)
    from pipeline.model.classifier import autocast_for

    bf16 = type(autocast_for(precision, "cpu")).__name__ != "nullcontext"

    ru = _rusage()
    return {
        "what": "pipeline.annotate.annotate (all formats), model loaded once, warm",
        "precision_setting": precision,
        "bf16_active": bf16,
        "sessions": res.written,
        "utterances": res.utterances,
        "wall_s": round(wall, 2),
        "utterances_per_s": round(res.utterances / wall, 1),
        "sessions_per_s": round(res.written / wall, 2),
        "cpu_s": round(cpu, 2),
        "cpu_utilisation": round(cpu / wall, 2),
        "model_load_s": round(load_s, 2),
        "peak_rss_mb": ru["peak_rss_mb"],
        "encoder": meter.report(peak["bf16_gflops"] if bf16 else peak["fp32_gflops"]),
        "encoder_share_of_wall": round(meter.seconds / wall, 3),
        "matmul_peak": peak,
        "model_card": {k: clf.card.get(k) for k in ("name", "version", "created") if k in clf.card},
    }


def _context_inputs(sessions: list[Any], n: int, sep: str) -> list[str]:
    """The peer's inputs: previous four utterances and the target, ``role: text`` joined by ``sep``."""
    out = []
    for s in sessions:
        utts = s.utterances
        for i in range(len(utts)):
            window = utts[max(0, i - 4) : i + 1]
            out.append(f" {sep} ".join(f"{u.role}: {u.text}" for u in window))
            if len(out) >= n:
                return out
    return out


def job_peer(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    torch.set_num_threads(args.threads)
    from transformers import pipeline as hf_pipeline

    clf = _load_model(args.model, "fp32")
    encoder, tokenizer = clf.net.encoder, clf.tokenizer
    sessions = _load_sessions(args.input)
    texts = _context_inputs(sessions, args.peer_utterances + 10, tokenizer.sep_token)
    warm, texts = texts[:10], texts[10:]
    pipe = hf_pipeline("feature-extraction", model=encoder, tokenizer=tokenizer, device="cpu")
    head = torch.nn.Linear(encoder.config.hidden_size, len(clf.labelset.ids))

    def classify(batch: list[str]) -> list[Any]:
        out = []
        with torch.inference_mode():
            for hidden in pipe(
                batch,
                batch_size=1,
                return_tensors=True,
                tokenize_kwargs={"truncation": True, "max_length": 256},
            ):
                out.append(torch.sigmoid(head(hidden[0].mean(0))))
        return out

    classify(warm)
    meter = EncoderMeter(encoder)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    classify(texts)
    wall = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    meter.remove()
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    ru = _rusage()
    return {
        "what": (
            "previous 4 utterances + target joined by [SEP], one forward pass per utterance, "
            "transformers pipeline('feature-extraction') with the same encoder, fp32"
        ),
        "utterances": len(texts),
        "subset": f"first {len(texts)} utterances in input order (after 10 warm-up ones)",
        "wall_s": round(wall, 2),
        "utterances_per_s": round(len(texts) / wall, 1),
        "cpu_s": round(cpu, 2),
        "cpu_utilisation": round(cpu / wall, 2),
        "peak_rss_mb": ru["peak_rss_mb"],
        "encoder": meter.report(),
    }


def job_steps(args: argparse.Namespace) -> dict[str, Any]:
    """Encoder-only throughput of the design steps (same utterances, same encoder)."""
    import torch

    torch.set_num_threads(args.threads)
    from pipeline.model.encoding import encode_all, pad_batch, tokenize

    clf = _load_model(args.model, "fp32")
    net, tok = clf.net, clf.tokenizer
    sessions = _load_sessions(args.input)
    texts = [u.text for s in sessions for u in s.utterances][: args.steps_utterances]
    ids = tokenize(tok, texts, clf.max_length)
    pad = tok.pad_token_id

    def per_utterance() -> None:  # the slowest: on the first --steps-single utterances only
        for x in ids[: args.steps_single]:
            net.encode(*pad_batch([x], pad, exact=False))

    def input_order() -> None:
        for i in range(0, len(ids), 64):
            net.encode(*pad_batch(ids[i : i + 64], pad, exact=False))

    def bucketed() -> None:
        encode_all(net.encode, ids, pad, 64)

    def bucketed_256() -> None:
        encode_all(net.encode, ids, pad, 256)

    def bucketed_bf16() -> None:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            encode_all(net.encode, ids, pad, 64)

    steps = [
        ("one utterance per forward pass", per_utterance),
        ("batches of 64 in input order, padded to the longest", input_order),
        ("length-bucketed batches of 64 (shipped design, fp32)", bucketed),
        ("length-bucketed batches of 256 (fp32)", bucketed_256),
        ("length-bucketed + bf16 autocast (opt-in)", bucketed_bf16),
    ]
    out = []
    with torch.inference_mode():
        encode_all(net.encode, ids[:200], pad, 64)  # warm-up
        for name, fn in steps:
            meter = EncoderMeter(net.encoder)
            t = time.perf_counter()
            fn()
            wall = time.perf_counter() - t
            meter.remove()
            rep = meter.report()
            n = min(len(ids), args.steps_single) if fn is per_utterance else len(ids)
            out.append(
                {
                    "step": name,
                    "utterances": n,
                    "wall_s": round(wall, 2),
                    "utterances_per_s": round(n / wall, 1),
                    "padding_share": rep["padding_share"],
                    "achieved_gflops": rep["achieved_gflops"],
                }
            )
    return {"steps": out}


def job_agreement(args: argparse.Namespace) -> dict[str, Any]:
    """Exact path vs bf16: macro-F1 on the corpus test split; batch-size invariance on the input."""
    import torch

    torch.set_num_threads(args.threads)
    from pipeline.model import load_training_data
    from pipeline.model.metrics import evaluate

    out: dict[str, Any] = {}
    data = [ts for ts in load_training_data(REPO / "data" / "corpus") if ts.split == "test"]
    for precision in ("fp32", "bf16"):
        clf = _load_model(args.model, precision)
        predicted = clf.predict([ts.session for ts in data], args.batch_size)
        gold, pred = [], []
        for ts, s in zip(data, predicted, strict=True):
            units: dict[int, set[str]] = {}
            for u, k in zip(s.utterances, ts.units, strict=True):
                units.setdefault(k, set()).update(u.labels)
            gold += ts.unit_labels
            pred += [sorted(units.get(k, set())) for k in range(len(ts.unit_labels))]
        m = evaluate(gold, pred, clf.labelset)
        out[precision] = {
            "macro_f1": m["macro_f1"],
            "units": m["units"],
            "labels": [u.labels for s in predicted for u in s.utterances],
        }
    a, b = out["fp32"].pop("labels"), out["bf16"].pop("labels")
    out["test_sessions"] = len(data)
    out["macro_f1_difference"] = round(abs(out["fp32"]["macro_f1"] - out["bf16"]["macro_f1"]), 4)
    out["utterances_with_same_labels"] = round(sum(x == y for x, y in zip(a, b, strict=True)) / len(a), 4)
    clf = _load_model(args.model, "fp32")
    sessions = _load_sessions(args.input)[:3]
    runs = {
        bs: [(u.labels, u.scores) for s in clf.predict(sessions, bs) for u in s.utterances]
        for bs in (1, 7, 64)
    }
    out["batch_size_invariance"] = {
        "sessions": len(sessions),
        "utterances": len(runs[1]),
        "identical_labels_and_scores_for_batch_sizes_1_7_64": runs[1] == runs[7] == runs[64],
    }
    return out


def job_ray(args: argparse.Namespace) -> dict[str, Any]:
    """``--engine ray`` on a local Ray started for the run: workers of 1 CPU (1 torch thread) each."""
    import threading

    import psutil

    from pipeline.annotate import AnnotateConfig
    from pipeline.engines.ray_engine import annotate_ray

    me = psutil.Process()
    peak = [0]
    stop = threading.Event()

    def poll() -> None:  # the driver, raylet and workers together
        while not stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            stop.wait(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out_dir = Path(tempfile.mkdtemp(prefix="bench-ray-")) / "out"
    t = time.perf_counter()
    config = AnnotateConfig(out_dir, progress=False, batch_size=args.batch_size, identifiers="allow")
    res = annotate_ray([args.input], config, args.model, num_cpus=args.threads)
    wall = time.perf_counter() - t
    stop.set()
    poller.join()
    return {
        "what": f"annotate --engine ray: local Ray started for the run, {args.threads} workers x 1 thread; "
        "wall includes starting Ray and loading the model in each worker",
        "sessions": res.written,
        "utterances": res.utterances,
        "wall_s": round(wall, 2),
        "utterances_per_s": round(res.utterances / wall, 1),
        "sessions_per_s": round(res.written / wall, 2),
        "peak_rss_mb_all_processes": round(peak[0] / 2**20, 1),
    }


JOBS = {
    "annotate": job_annotate,
    "peer": job_peer,
    "steps": job_steps,
    "ray": job_ray,
    "agreement": job_agreement,
}


# -- the driver -----------------------------------------------------------------------------------


def run_job(name: str, args: argparse.Namespace, precision: str | None = None) -> dict[str, Any]:
    """Run one job in a fresh Python process; its JSON comes back on the last stdout line."""
    cmd = [
        sys.executable,
        __file__,
        "--job",
        name,
        "--input",
        args.input,
        "--threads",
        str(args.threads),
        "--peer-utterances",
        str(args.peer_utterances),
        "--steps-utterances",
        str(args.steps_utterances),
        "--steps-single",
        str(args.steps_single),
        "--batch-size",
        str(args.batch_size),
    ]
    if args.model:
        cmd += ["--model", args.model]
    if precision:
        cmd += ["--precision", precision]
    busy = wait_until_quiet(args.quiet_wait)
    load = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"benchmark job {name} failed (exit {proc.returncode})")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = round(time.perf_counter() - t, 2)
    out["load_average_before"] = round(load, 2)
    out["cpu_busy_before_pct"] = busy
    label = f"{name} {precision}" if precision else name
    print(f"  {label}: done in {out['process_wall_s']:.0f} s", file=sys.stderr)
    return out


def wait_until_quiet(max_wait: float, busy_below: float = 25.0) -> float:
    """Wait (up to ``max_wait`` s) until other processes use under ``busy_below`` % of the CPUs."""
    import psutil

    deadline = time.monotonic() + max_wait
    busy = psutil.cpu_percent(interval=1.0)
    while busy >= busy_below and time.monotonic() < deadline:
        busy = psutil.cpu_percent(interval=2.0)
    if busy >= busy_below:
        print(
            f"  note: the machine is busy ({busy:.0f}% CPU used by other processes); "
            "figures will be lower than on a quiet machine",
            file=sys.stderr,
        )
    return round(busy, 1)


def _model_precision(model: str | None) -> str:
    from pipeline.paths import default_model_dir

    path = Path(model) if model else default_model_dir()
    try:
        return json.loads((path / "model.json").read_text()).get("precision", "auto")
    except (OSError, json.JSONDecodeError):
        return "auto"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", default=str(ANNOMI if ANNOMI.exists() else CORPUS))
    ap.add_argument("--model", default=None, help="model folder (default: models/default)")
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--peer-utterances", type=int, default=1000)
    ap.add_argument("--steps-utterances", type=int, default=1500)
    ap.add_argument("--steps-single", type=int, default=200, help="utterances for the one-per-pass step")
    ap.add_argument("--skip-steps", action="store_true", help="leave out the design-step measurements")
    ap.add_argument("--ray", action="store_true", help="also time --engine ray on a local Ray (needs .[ray])")
    ap.add_argument("--skip-agreement", action="store_true", help="leave out fp32-vs-bf16 macro-F1")
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=180.0,
        help="seconds to wait before each run for other processes to leave the CPUs",
    )
    ap.add_argument("--out", default=str(REPO / "scripts" / "results"))
    ap.add_argument("--job", choices=sorted(JOBS), help=argparse.SUPPRESS)
    ap.add_argument("--precision", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.job:
        print(json.dumps(JOBS[args.job](args)))
        return 0

    model = args.model or "models/default"
    print(f"benchmark: {args.input} with {model}, {args.threads} threads", file=sys.stderr)
    own = _model_precision(args.model)
    runs: dict[str, Any] = {"annotate": run_job("annotate", args)}
    if runs["annotate"]["bf16_active"]:
        runs["annotate_fp32"] = run_job("annotate", args, "fp32")
    runs["peer"] = run_job("peer", args)
    if not args.skip_steps:
        runs["steps"] = run_job("steps", args)["steps"]
    if args.ray:
        runs["ray"] = run_job("ray", args)
    if not args.skip_agreement and (REPO / "data" / "corpus" / "sessions.jsonl").exists():
        runs["agreement"] = run_job("agreement", args)

    main_run = runs.get("annotate_fp32", runs["annotate"])  # the targets judge the exact (fp32) path
    peer = runs["peer"]
    results = {
        "issue": 7,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python scripts/bench_annotate.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {
            "cpu": _cpu_name(),
            "cores_used": args.threads,
            "python": platform.python_version(),
            "torch": _version("torch"),
            "transformers": _version("transformers"),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        },
        "input": args.input,
        "model": args.model or "models/default",
        "model_precision_setting": own,
        "runs": runs,
        "speedup_vs_peer": round(main_run["utterances_per_s"] / peer["utterances_per_s"], 2),
        "speedup_vs_peer_default_precision": round(
            runs["annotate"]["utterances_per_s"] / peer["utterances_per_s"], 2
        ),
        "targets": {
            "utterances_per_s >= 200 (fp32)": main_run["utterances_per_s"] >= TARGETS["utterances_per_s"],
            "speedup_vs_peer >= 5": main_run["utterances_per_s"] / peer["utterances_per_s"]
            >= TARGETS["speedup_vs_peer"],
            "peak_rss_mb < 2048": max(r["peak_rss_mb"] for k, r in runs.items() if k.startswith("annotate"))
            < TARGETS["peak_rss_mb"],
        },
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_annotate.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    md = render_markdown(results)
    (out / "bench_annotate.md").write_text(md, encoding="utf-8")
    print(md)
    print(json.dumps(results, indent=2))
    return 0


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(pkg: str) -> str:
    from importlib.metadata import version

    return version(pkg)


def render_markdown(r: dict[str, Any]) -> str:
    runs = r["runs"]
    lines = [
        "# `rupture annotate` benchmark (issue #7)",
        "",
        f"{r['date']}; {r['machine']['cpu']}, {r['machine']['cores_used']} threads; torch "
        f"{r['machine']['torch']}, transformers {r['machine']['transformers']}.",
        f"Input: `{Path(r['input']).name}`; model: `{r['model']}` "
        f"(precision setting `{r['model_precision_setting']}`).",
        f"Command: `{r['command'].strip()}`",
        "",
        "| run | utterances | wall s | utt/s | sessions/s | peak RSS MB | CPU util. | encoder GFLOP/s "
        "| of matmul peak |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in (
        ("annotate", "annotate (model's precision)"),
        ("annotate_fp32", "annotate, fp32"),
        ("peer", "peer: 5-utterance window, 1 pass/utt, HF pipeline"),
    ):
        if key not in runs:
            continue
        x = runs[key]
        if key == "annotate" and not x.get("bf16_active"):
            label = "annotate, fp32"
        elif key == "annotate":
            label = "annotate, bf16 autocast (model setting `auto`)"
        lines.append(
            f"| {label} | {x['utterances']} | {x['wall_s']} | {x['utterances_per_s']} | "
            f"{x.get('sessions_per_s', '-')} | {x['peak_rss_mb']} | {x['cpu_utilisation']} | "
            f"{x['encoder']['achieved_gflops']} | {x['encoder'].get('share_of_matmul_peak', '-')} |"
        )
    if "ray" in runs:
        x = runs["ray"]
        lines.append(
            f"| annotate --engine ray, local, {r['machine']['cores_used']} workers x 1 thread "
            "(incl. Ray start) | "
            f"{x['utterances']} | {x['wall_s']} | {x['utterances_per_s']} | {x['sessions_per_s']} | "
            f"{x['peak_rss_mb_all_processes']} (all processes) | - | - | - |"
        )
    a = runs.get("annotate_fp32", runs["annotate"])
    peak = a["matmul_peak"]
    lines += [
        "",
        f"- Speed-up over the peer approach (fp32 vs fp32): **{r['speedup_vs_peer']}x**"
        + (
            f"; with the model's bf16 setting {r['speedup_vs_peer_default_precision']}x."
            if "annotate_fp32" in runs
            else "."
        ),
        f"- Peer measured on {runs['peer']['subset']}.",
        f"- Matmul peak (2048x2048, best of 7): fp32 {peak['fp32_gflops']} GFLOP/s, "
        f"bf16 {peak['bf16_gflops']} GFLOP/s.",
        f"- Encoder (fp32 run): {a['encoder']['tokens_real']} real tokens, padding share "
        f"{a['encoder']['padding_share']}, {a['encoder']['tflop_executed']} TFLOP executed in "
        f"{a['encoder']['seconds']} s = {a['encoder_share_of_wall']:.0%} of the wall time.",
        f"- Model load (not in the wall time): {a['model_load_s']} s. Load average before the runs: "
        + ", ".join(
            f"{k} {v['load_average_before']}"
            for k, v in runs.items()
            if isinstance(v, dict) and "load_average_before" in v
        )
        + "; CPU busy with other processes just before each run: "
        + ", ".join(
            f"{k} {v['cpu_busy_before_pct']}%"
            for k, v in runs.items()
            if isinstance(v, dict) and "cpu_busy_before_pct" in v
        )
        + ".",
        "- Other processes on the machine during the run (CPU util. well under the thread count, "
        "load average "
        "above it) slow every row down; compare rows of the same run.",
        "",
        "Targets: " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in r["targets"].items()) + ".",
    ]
    if "agreement" in runs:
        g = runs["agreement"]
        inv = g["batch_size_invariance"]
        lines += [
            "",
            "## Exactness",
            "",
            f"- Corpus test split ({g['test_sessions']} sessions, {g['fp32']['units']} units): "
            "macro-F1 "
            f"fp32 {g['fp32']['macro_f1']}, bf16 {g['bf16']['macro_f1']} (difference "
            f"{g['macro_f1_difference']}; target <= 0.01); {g['utterances_with_same_labels']:.1%} of "
            "utterances get the same labels.",
            f"- Batch sizes 1, 7 and 64 on {inv['sessions']} sessions "
            f"({inv['utterances']} utterances), "
            f"fp32: identical labels and scores: "
            f"{inv['identical_labels_and_scores_for_batch_sizes_1_7_64']}.",
        ]
    if "steps" in runs:
        lines += [
            "",
            "## Design steps (encoder only, same utterances)",
            "",
            "| step | utterances | wall s | utt/s | padding share | GFLOP/s |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for s in runs["steps"]:
            lines.append(
                f"| {s['step']} | {s['utterances']} | {s['wall_s']} | {s['utterances_per_s']} | "
                f"{s['padding_share']} | {s['achieved_gflops']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
