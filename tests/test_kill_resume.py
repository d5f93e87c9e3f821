"""Killing ``rupture annotate`` at any moment leaves no partial output, and a rerun finishes the batch (#8).

A driver process imports the CLI once, then runs ``rupture annotate`` (the CLI's own ``app``) in forked
children and sends SIGKILL to them at seeded random points: during start-up (identifier check, model
loading), right after a random number of files appeared in ``sessions/``, ``utterances/`` or
``reports/`` (between a session's files), while a temporary file is open (in the middle of writing),
at random times, and in the cohort step at the end. After each kill it copies the output folder, and
the test checks every copy; then a last run finishes the batch, and every output file is compared byte
for byte with an uninterrupted run of ``python -m pipeline annotate`` into another folder. Set
``RUPTURE_KILL_SEED`` to try other kill points.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd

from pipeline.cohort import CohortRow
from pipeline.datamodel import SessionSummary, Utterance
from tests.batch_fixtures import write_batch

N_SESSIONS = 48
FIRST_RUN = 16  # the kill sequence starts in a folder where a finished run annotated these
SEED = int(os.environ.get("RUPTURE_KILL_SEED", "8"))

DRIVER = r"""
import json, os, shutil, signal, sys, time, traceback
from pathlib import Path

from pipeline.cli import app
import peft, transformers
from transformers import BertModel, BertTokenizer  # resolve the lazy imports once, before forking

steps, out, work = json.loads(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])


def run_child(i, argv):
    fd = os.open(work / f"child-{i}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    code = 1
    try:
        app(argv, prog_name="rupture")
    except SystemExit as err:
        code = err.code if isinstance(err.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def stamp(path):
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None


def due(kill, started, before, scale):
    if "at" in kill:  # a fraction of the first (uninterrupted) step's duration
        return time.monotonic() - started >= kill["at"] * scale
    if "files" in kill:  # that many finished files in sessions/, utterances/ or reports/
        folder = out / kill["files"]
        return folder.exists() and sum(not p.name.endswith(".part") for p in folder.iterdir()) >= kill["n"]
    if "part" in kill:  # a temporary file is open in that folder: kill in the middle of writing it
        folder = out / kill["part"]
        return folder.exists() and any(p.name.endswith(".part") for p in folder.iterdir())
    return stamp(out / kill["changed"]) != before


records = []
for i, step in enumerate(steps):
    kill = step.get("kill")
    before = stamp(out / kill["changed"]) if kill and "changed" in kill else None
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        run_child(i, step["argv"])
    killed = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if kill and due(kill, started, before, records[0]["seconds"]):
            os.kill(pid, signal.SIGKILL)
            killed = True
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0 if kill and "part" in kill else 0.001)
    seconds = time.monotonic() - started
    if out.exists():
        shutil.copytree(out, work / f"snap-{i}", symlinks=True)
    code = os.waitstatus_to_exitcode(status)
    records.append({"step": i, "kill": kill, "killed": killed, "code": code, "seconds": seconds})
print(json.dumps(records))
"""


def kill_plan(rng: random.Random) -> list[dict]:
    """Where to kill the resumed runs; ``at``: a fraction of an uninterrupted run's time over all sessions."""
    k1 = FIRST_RUN + rng.randint(1, 6)
    k2 = k1 + rng.randint(2, 6)
    k3 = k2 + rng.randint(2, 8)
    return [
        {"at": rng.uniform(0.05, 0.3)},  # start-up: identifier check, model loading
        {"files": "sessions", "n": k1},  # right after a summary: the next session is being written
        {"files": "utterances", "n": k2},  # between a session's utterances and its summary
        {"at": rng.uniform(0.3, 0.9)},
        {"part": rng.choice(["utterances", "reports", "sessions"])},
        {"files": "reports", "n": k3},
        {"changed": "cohort.csv"},  # in the cohort step, between the tables and run.json
        {"at": rng.uniform(0.0, 1.0)},
    ]


def start(cmd: list[str], repo: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> str:
    """Its stdout, once it exited with 0."""
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr[-3000:]
    return stdout


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_complete(name: str, data: bytes) -> None:
    """A file at its final name parses whole and validates against the data model."""
    if name.startswith("sessions/"):
        SessionSummary.model_validate_json(data)
    elif name.startswith("utterances/"):
        assert data.endswith(b"\n"), f"{name} is cut short"
        assert [Utterance.model_validate_json(line) for line in data.splitlines()], name
    elif name == "cohort.csv":
        assert pd.read_csv(io.BytesIO(data))["session_id"].is_unique
    elif name == "cohort.parquet":
        assert pd.read_parquet(io.BytesIO(data))["session_id"].is_unique
    elif name == "run.json":
        run = json.loads(data)
        assert {"written", "already_done", "read", "model"} <= set(run), name
    elif name.endswith(".html"):
        assert data.rstrip().endswith(b"</html>"), f"{name} is cut short"
    else:
        raise AssertionError(f"unexpected output file {name}")


def check_after_kill(snap: Path, reference: dict[str, bytes]) -> list[str]:
    """Everything a kill may leave; returns the leftover ``.part`` files (allowed: the rerun removes them)."""
    parts = [str(p.relative_to(snap)) for p in snap.rglob(".*.part")]
    found = {name: data for name, data in files(snap).items() if not Path(name).name.endswith(".part")}
    for name, data in found.items():
        check_complete(name, data)
        if name.split("/")[0] in {"utterances", "sessions", "reports"}:
            assert data == reference[name], f"{name} differs from the uninterrupted run's"
    done = {Path(n).stem for n in found if n.startswith("sessions/")}
    for stem in done:  # the summary is written last: its session's other files are all there
        assert {f"utterances/{stem}.jsonl", f"reports/{stem}.html"} <= set(found), stem
    for table in ("cohort.csv", "cohort.parquet"):
        if table in found:
            frame = pd.read_csv(snap / table) if table.endswith(".csv") else pd.read_parquet(snap / table)
            assert set(CohortRow.model_fields) <= set(frame.columns)
            if "run.json" in found:  # run.json, written last, vouches for the tables: none stale
                assert set(frame["session_id"]) == done, f"{table} does not match sessions/"
    return parts


def test_sigkill_at_random_points_then_rerun_gives_the_uninterrupted_outputs(repo, tmp_path, tiny_model_dir):
    inputs = tmp_path / "transcripts"
    paths = write_batch(inputs, N_SESSIONS, seed=SEED)
    argv = ["annotate", "--model", str(tiny_model_dir), "--no-progress"]
    ref_out = tmp_path / "reference"
    reference = start([sys.executable, "-m", "pipeline", *argv, str(inputs), "--out", str(ref_out)], repo)
    out, work = tmp_path / "out", tmp_path / "work"
    work.mkdir()
    whole = {"argv": [*argv, str(inputs), "--out", str(tmp_path / "timing")]}
    first = {"argv": [*argv, *map(str, paths[:FIRST_RUN]), "--out", str(out)]}
    rest = kill_plan(random.Random(SEED))
    steps = [whole, first] + [{"argv": [*argv, str(inputs), "--out", str(out)], "kill": k} for k in rest]
    steps.append({"argv": [*argv, str(inputs), "--out", str(out)]})
    driver = start([sys.executable, "-c", DRIVER, json.dumps(steps), str(out), str(work)], repo)
    finish(reference)  # the real command, uninterrupted, run beside the driver
    ref = files(ref_out)
    records = json.loads(finish(driver).strip().splitlines()[-1])

    timing = files(tmp_path / "timing")  # the driver's forked runs write what the plain command writes
    assert records[0]["code"] == 0 and {n: d for n, d in timing.items() if n != "run.json"} == {
        n: d for n, d in ref.items() if n != "run.json"
    }
    assert records[1]["code"] == 0 and not records[1]["killed"]
    leftovers = []
    for rec in records[2:-1]:
        assert rec["killed"] or rec["code"] == 0, (work / f"child-{rec['step']}.log").read_text()
        leftovers += check_after_kill(work / f"snap-{rec['step']}", ref)
    assert sum(r["killed"] for r in records) >= 4, records  # the four file-triggered kills at least

    assert records[-1]["code"] == 0 and not records[-1]["killed"]
    assert not list(out.rglob("*.part")), f"the reruns remove what killed runs left ({leftovers})"
    final = files(out)
    assert set(final) == set(ref)
    for name in sorted(ref):
        if name != "run.json":
            assert final[name] == ref[name], f"{name} differs from the uninterrupted run's"
    # run.json says what the *last* run did: how the work was split between runs ("written",
    # "already_done", "utterances", "already_done_utterances") and its duration ("seconds") differ
    # from the uninterrupted run's by design; everything else (what was read, skipped, the model,
    # the formats) must match.
    run, ref_run = json.loads(final["run.json"]), json.loads(ref["run.json"])
    split = {"written", "already_done", "utterances", "already_done_utterances", "seconds"}
    assert {k: v for k, v in run.items() if k not in split} == {
        k: v for k, v in ref_run.items() if k not in split
    }
    assert run["written"] + run["already_done"] == ref_run["written"] == N_SESSIONS
    assert run["utterances"] + run["already_done_utterances"] == ref_run["utterances"]
