"""``rupture cv``: grouped folds, retraining per fold (tiny random encoder, no download), the spread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.datamodel import Session
from pipeline.errors import RuptureError
from pipeline.evaluate.cv import cross_validate, format_cv, group_folds, with_dev_split
from pipeline.io import write_jsonl
from tests.model_fixtures import make_session, tiny_config, tiny_encoder_dir  # noqa: F401


def corpus_folder(root: Path, n: int = 9) -> Path:
    """A small corpus in the project's schema; three sessions per patient."""
    lines = []
    for i in range(n):
        s = make_session(f"s{i:02d}", 12, seed=i)
        write_jsonl(root / "utterances" / f"{s.session_id}.jsonl", s.utterances)
        lines.append({"session_id": s.session_id, "split": "train", "metadata": {"patient": f"p{i // 3}"}})
    write_jsonl(root / "sessions.jsonl", lines)
    return root


def test_folds_keep_a_patient_on_one_side():
    ss = [Session(session_id=f"s{i}", metadata={"patient": f"p{i % 4}"}) for i in range(12)]
    folds = group_folds(ss, 4)
    for train, test in folds:
        assert not {ss[i].metadata["patient"] for i in train} & {ss[i].metadata["patient"] for i in test}
    assert sorted(i for _, te in folds for i in te) == list(range(12))
    with pytest.raises(RuptureError, match="need 2 to 4 folds"):
        group_folds(ss, 5)
    no_patient = [Session(session_id=f"s{i}") for i in range(3)]
    assert len(group_folds(no_patient, 3)) == 3


def test_dev_split_is_stable_and_grouped():
    ss = [Session(session_id=f"s{i}", metadata={"patient": f"p{i // 2}"}) for i in range(20)]
    a, b = with_dev_split(ss), with_dev_split(ss)
    assert [s.split for s in a] == [s.split for s in b]
    dev = {s.metadata["patient"] for s in a if s.split == "dev"}
    assert dev and not dev & {s.metadata["patient"] for s in a if s.split == "train"}


class Memoriser:
    """A stand-in system: predicts, for each text, the labels it had in training."""

    def __init__(self, sessions):
        from pipeline.labelset import load_labelset

        self.labelset = load_labelset()
        self.seen = {u.text: list(u.labels) for s in sessions for u in s.utterances}

    def predict(self, sessions, batch_size: int = 64):
        return [
            s.model_copy(
                update={
                    "utterances": [
                        u.model_copy(update={"labels": self.seen.get(u.text, [])}) for u in s.utterances
                    ]
                }
            )
            for s in sessions
        ]


def test_cross_validate_with_a_stand_in_system(tmp_path):  # and stand-in baselines on the same folds
    sessions = [
        make_session(f"s{i}", 12, seed=i).model_copy(update={"metadata": {"patient": f"p{i // 2}"}})
        for i in range(8)
    ]
    calls = []

    def fit(train, work_dir):
        calls.append(sorted({s.split for s in train}))
        return Memoriser(train)

    seen = []

    def baselines(fold):
        seen.append(sorted({s.session_id for s in fold if s.split == "test"}))
        return {"constant": {"test": {"macro_f1": 0.25, "groups_macro_f1": 0.5, "groups": {}}}}

    res = cross_validate(
        sessions, {"memoriser": fit}, k=4, work_dir=tmp_path, bootstrap=10, baselines=baselines
    )
    assert seen == [sorted(f) for f in res.fold_sessions]
    assert res.spread("constant")["macro_f1"] == {
        "mean": 0.25,
        "sd": 0.0,
        "min": 0.25,
        "max": 0.25,
        "folds": 4,
    }
    assert "constant" in format_cv(res)
    assert len(res.per_fold["memoriser"]) == 4 and calls == [["dev", "train"]] * 4
    spread = res.spread("memoriser")
    assert spread["micro_f1"]["folds"] == 4 and spread["micro_f1"]["mean"] == pytest.approx(1.0)
    assert res.pooled["memoriser"].n_sessions == 8 and res.grouping == "patient"


@pytest.mark.slow
def test_cv_command_retrains_the_model_per_fold(tmp_path, tiny_encoder_dir, tiny_config):  # noqa: F811
    corpus = corpus_folder(tmp_path / "corpus")
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(tiny_config.model_dump(mode="json")))
    work = tmp_path / "work"
    result = CliRunner().invoke(
        app,
        [
            "cv",
            "--corpus",
            str(corpus),
            "--folds",
            "3",
            "--config",
            str(config),
            "--base-model",
            str(tiny_encoder_dir),
            "--work",
            str(work),
            "--bootstrap",
            "10",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["folds"] == 3 and d["grouping"] == "patient"
    assert len(d["per_fold"]["fine-tuned"]) == 3
    assert sorted(x for f in d["fold_sessions"] for x in f) == [f"s{i:02d}" for i in range(9)]
    assert "mean" in d["spread"]["fine-tuned"]["micro_f1"]
    assert all((work / "fine-tuned" / f"fold{k}" / "model.json").exists() for k in (1, 2, 3))
    assert set(d["baseline_folds"]) == {"tfidf_logreg", "frozen_encoder_linear"}
    assert all(len(v) == 3 for v in d["baseline_folds"].values())
    assert "macro_f1" in d["spread"]["tfidf_logreg"]


@pytest.mark.slow
def test_model_baselines_run_on_a_fold(tiny_encoder_dir):  # noqa: F811
    from pipeline.evaluate.cv import model_baselines

    run = model_baselines(tiny_encoder_dir, max_length=24)
    assert run is not None
    sessions = [
        make_session(f"s{i}", 12, seed=i).model_copy(update={"metadata": {"patient": f"p{i}"}})
        for i in range(8)
    ]
    fold = with_dev_split(sessions[:6]) + [s.model_copy(update={"split": "test"}) for s in sessions[6:]]
    out = run(fold)
    assert set(out) == {"tfidf_logreg", "frozen_encoder_linear"}
    assert 0.0 <= out["tfidf_logreg"]["test"]["macro_f1"] <= 1.0
