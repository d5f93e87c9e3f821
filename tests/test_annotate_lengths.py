"""Very long and very short sessions through the whole of ``annotate`` with a real (tiny) model (#8).

A three-hour session of 3,000 utterances and a session of one patient turn are read, segmented,
classified by a tiny trained transformer, summarised and written; every output must be complete. The
readers' side of the same cases is in ``tests/test_session_length.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.annotate import AnnotateConfig, annotate, load_classifier
from pipeline.datamodel import SessionSummary
from pipeline.io import read_utterances
from tests.batch_fixtures import long_transcript


@pytest.fixture(scope="module")
def tiny_model(tiny_model_dir: Path):
    return load_classifier(tiny_model_dir)


def annotate_one(tmp_path: Path, name: str, text: str, model) -> tuple[Path, SessionSummary]:
    """Annotate one transcript; its output folder and its summary, once every file is checked whole."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    res = annotate([str(tmp_path / name)], AnnotateConfig(out, progress=False), model)
    assert res.written == 1 and not res.read.problems, res.lines()
    stem = Path(name).stem
    summary = SessionSummary.model_validate_json((out / "sessions" / f"{stem}.json").read_text())
    utterances = read_utterances(out / "utterances" / f"{stem}.jsonl")
    assert len(utterances) == summary.n_utterances == res.utterances
    assert all(u.scores for u in utterances)  # the model scored every utterance
    report = (out / "reports" / f"{stem}.html").read_text()
    assert report.rstrip().endswith("</html>") and f"Session {stem}" in report
    cohort = pd.read_csv(out / "cohort.csv")
    assert list(cohort["session_id"]) == [stem] and cohort["n_utterances"][0] == summary.n_utterances
    assert pd.read_parquet(out / "cohort.parquet").shape == cohort.shape
    assert (out / "cohort.html").read_text().rstrip().endswith("</html>")
    assert json.loads((out / "run.json").read_text())["written"] == 1
    assert not list(out.rglob("*.part"))
    return out, summary


def test_three_hour_session_of_3000_utterances(tmp_path, tiny_model):
    out, summary = annotate_one(tmp_path, "long.txt", long_transcript(3000, 3 * 3600), tiny_model)
    assert summary.n_utterances == 3000 and not summary.times_estimated
    assert 3 * 3600 - 300 < summary.duration_seconds <= 3 * 3600
    assert [s.segment_index for s in summary.segments] == list(range(1, 37))  # 36 five-minute segments
    assert sum(s.n_utterances for s in summary.segments) == 3000
    assert pd.read_csv(out / "cohort.csv")["n_segments"][0] == 36


def test_one_turn_session(tmp_path, tiny_model):
    out, summary = annotate_one(tmp_path, "one.txt", "P: I don't want to be here.\n", tiny_model)
    (u,) = read_utterances(out / "utterances" / "one.jsonl")
    assert (u.role, u.text) == ("patient", "I don't want to be here.")
    assert summary.n_utterances == 1 and summary.n_patient_utterances == 1 and len(summary.segments) == 1
