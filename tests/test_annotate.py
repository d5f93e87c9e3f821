"""The batch runner: outputs, bad files, resume after an interrupt, --overwrite, --format, --no-text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import annotate as annotate_mod
from pipeline.annotate import AnnotateConfig, annotate, file_stem
from pipeline.batch import load_sessions
from tests.conftest import KeywordClassifier

REQUIRED = {
    "session_id",
    "turn_id",
    "utterance_index",
    "role",
    "start",
    "end",
    "times_estimated",
    "text",
    "labels",
    "scores",
}


def config(out: Path, **kw) -> AnnotateConfig:
    return AnnotateConfig(out, progress=False, **kw)


def all_files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}


def test_annotate_writes_every_output(transcripts_dir, tmp_path):
    out = tmp_path / "out"
    res = annotate([str(transcripts_dir)], config(out), KeywordClassifier())
    assert res.written == 3 and res.already_done == 0
    assert [p.path for p in res.read.problems] == [str(transcripts_dir / "empty.txt")]
    for sid in ("ruptured", "repaired", "calm"):
        assert {f"utterances/{sid}.jsonl", f"sessions/{sid}.json", f"reports/{sid}.html"} <= all_files(out)
    rows = [json.loads(x) for x in (out / "utterances" / "ruptured.jsonl").read_text().splitlines()]
    assert all(REQUIRED <= set(r) for r in rows)
    assert rows[1]["labels"] == ["wd_minimal_response"] and set(rows[1]["scores"]) == {
        lab for lab in KeywordClassifier().labelset.ids_for_role("patient")
    }
    summary = json.loads((out / "sessions" / "repaired.json").read_text())
    assert summary["n_episodes"] == 1 and summary["episodes"][0]["resolved"] is True
    cohort = pd.read_csv(out / "cohort.csv")
    assert sorted(cohort["session_id"]) == ["calm", "repaired", "ruptured"]
    assert pd.read_parquet(out / "cohort.parquet").shape == cohort.shape
    run = json.loads((out / "run.json").read_text())
    assert run["written"] == 3 and run["read"]["problems"][0]["path"].endswith("empty.txt")
    assert not [p for p in out.rglob("*.part")]


def test_interrupted_run_resumes_without_redoing_or_losing_sessions(transcripts_dir, tmp_path):
    out = tmp_path / "out"
    first = KeywordClassifier(fail_on_call=2)
    with pytest.raises(KeyboardInterrupt):
        annotate([str(transcripts_dir)], config(out, batch_utterances=1), first)
    done_first = {p.stem for p in (out / "sessions").glob("*.json")}
    assert done_first == set(first.calls[0])  # the session classified before the interrupt was written
    assert not [p for p in out.rglob("*.part")]

    second = KeywordClassifier()
    res = annotate([str(transcripts_dir)], config(out, batch_utterances=1), second)
    redone = {sid for call in second.calls for sid in call}
    assert redone.isdisjoint(done_first)
    assert res.already_done == len(done_first) and res.written == 3 - len(done_first)
    assert {p.stem for p in (out / "sessions").glob("*.json")} == {"ruptured", "repaired", "calm"}
    assert len(pd.read_csv(out / "cohort.csv")) == 3


def test_killed_run_leftovers_are_cleaned(transcripts_dir, tmp_path):
    out = tmp_path / "out"
    (out / "sessions").mkdir(parents=True)
    (out / "sessions" / ".calm.json.x1.part").write_text("{half")
    annotate([str(transcripts_dir)], config(out), KeywordClassifier())
    assert not list(out.rglob("*.part")) and (out / "sessions" / "calm.json").exists()


def test_overwrite_redoes_sessions(transcripts_dir, tmp_path):
    out = tmp_path / "out"
    annotate([str(transcripts_dir)], config(out), KeywordClassifier())
    again = KeywordClassifier()
    assert annotate([str(transcripts_dir)], config(out), again).written == 0 and again.calls == []
    assert annotate([str(transcripts_dir)], config(out, overwrite=True), again).written == 3


def test_no_text_leaves_text_out_of_every_output(transcripts_dir, tmp_path):
    out = tmp_path / "out"
    annotate([str(transcripts_dir)], config(out, no_text=True), KeywordClassifier())
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".jsonl", ".json", ".html", ".csv"}:
            body = path.read_text()
            for phrase in ("worksheets are a waste", "Walking in the evening", "damaging your liver"):
                assert phrase not in body, f"{phrase!r} in {path}"


def test_format_chooses_outputs(transcripts_dir, tmp_path):
    out = tmp_path / "out"
    annotate([str(transcripts_dir)], config(out, formats=frozenset({"csv"})), KeywordClassifier())
    assert all_files(out) == {"cohort.csv", "run.json"} | {
        f"sessions/{s}.json" for s in ("ruptured", "repaired", "calm")
    }


def test_unknown_format_is_one_clear_error(tmp_path):
    with pytest.raises(annotate_mod.RuptureError, match="unknown --format pdf"):
        config(tmp_path, formats=frozenset({"pdf"}))


@pytest.mark.parametrize(
    "session_id", ["../x/y z", "/etc/passwd", "..", "", "a\\b", "CON", "x" * 300, "é:ß*?", "s.jsonl/.."]
)
def test_file_stem_is_a_plain_name_inside_the_folder(session_id, tmp_path):
    stem = file_stem(session_id)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}", stem), stem
    assert (tmp_path / f"{stem}.json").resolve().parent == tmp_path.resolve()


def test_file_stems_never_collide_across_case_or_unsafe_characters():
    ids = ["s1", "S1", "a b", "a_b", "a/b", "A_B", "clinic A/session 3", "clinic_A_session_3"]
    stems = [file_stem(i).lower() for i in ids]  # lower: as a case-insensitive file system sees them
    assert len(set(stems)) == len(ids)
    assert file_stem("s1") == "s1"  # plain ids keep their name


def test_sessions_differing_only_by_case_get_their_own_outputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "Intake.txt").write_text("T: How was the week?\nP: Fine.\n", encoding="utf-8")
    (d / "intake.txt").write_text("T: What brings you in?\nP: Whatever.\n", encoding="utf-8")
    res = annotate([str(d)], config(tmp_path / "out"), KeywordClassifier())
    assert res.written == 2
    summaries = sorted((tmp_path / "out" / "sessions").glob("*.json"))
    assert len(summaries) == 2
    assert {json.loads(p.read_text())["session_id"] for p in summaries} == {"Intake", "intake"}


def test_cli_annotate(transcripts_dir, tmp_path, monkeypatch):
    from pipeline.cli import app

    monkeypatch.setattr(annotate_mod, "load_classifier", lambda path: KeywordClassifier())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["annotate", str(transcripts_dir), "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "skipped:" in result.output and "empty.txt" in result.output
    assert f"reports: {out / 'reports'}" in result.output
    assert len(list((out / "reports").glob("*.html"))) == 3


def test_cli_annotate_nothing_readable_is_one_line(tmp_path, monkeypatch):
    from pipeline.cli import app

    monkeypatch.setattr(annotate_mod, "load_classifier", lambda path: KeywordClassifier())
    (tmp_path / "bad.txt").write_text("")
    result = CliRunner().invoke(app, ["annotate", str(tmp_path / "bad.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "error:" in result.output


@pytest.mark.slow
def test_annomi_every_turn_appears(annomi_csv, tmp_path):
    out = tmp_path / "out"
    res = annotate(
        [str(annomi_csv)],
        config(out, formats=frozenset({"utterances", "reports", "csv"}), identifiers="redact"),
        KeywordClassifier(),
    )
    assert res.written == 133 and not res.read.problems
    expected = {(s.session_id, u.turn_id) for s in load_sessions([annomi_csv]) for u in s.utterances}
    seen = set()
    for path in (out / "utterances").glob("*.jsonl"):
        seen |= {(r["session_id"], r["turn_id"]) for r in map(json.loads, path.read_text().splitlines())}
    assert seen == expected
    assert len(pd.read_csv(out / "cohort.csv")) == 133
    assert len(list((out / "reports").glob("*.html"))) == 133


SLOW_RUN = """
import signal, sys, time
# A shell without job control starts background jobs with SIGINT ignored, and Python keeps that:
# restore the default (KeyboardInterrupt), which is what a user's Ctrl-C meets.
signal.signal(signal.SIGINT, signal.default_int_handler)
from pipeline import annotate as runner
from pipeline.cli import app
from tests.conftest import KeywordClassifier

class Slow(KeywordClassifier):
    def predict(self, sessions, batch_size=64):
        time.sleep(0.5)
        return super().predict(sessions, batch_size)

runner.load_classifier = lambda path: Slow()
post_init = runner.AnnotateConfig.__post_init__

def one_session_a_call(self):
    post_init(self)
    self.batch_utterances = 1

runner.AnnotateConfig.__post_init__ = one_session_a_call
app(sys.argv[1:])
"""


def test_sigint_mid_run_then_rerun_finishes_the_batch(repo, transcripts_dir, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    for k in range(5):
        (transcripts_dir / f"calm{k}.txt").write_text((transcripts_dir / "calm.txt").read_text())
    out = tmp_path / "out"
    args = ["annotate", str(transcripts_dir), "--out", str(out), "--no-progress"]
    cmd = [sys.executable, "-c", SLOW_RUN, *args]
    proc = subprocess.Popen(cmd, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list((out / "sessions").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    done = {p.stem for p in (out / "sessions").glob("*.json")}
    assert 1 <= len(done) < 8 and not list(out.rglob("*.part"))

    second = KeywordClassifier()
    res = annotate([str(transcripts_dir)], config(out), second)
    assert {sid for call in second.calls for sid in call}.isdisjoint(done)
    assert res.already_done == len(done)
    assert len(list((out / "sessions").glob("*.json"))) == 8 and res.written == 8 - len(done)
