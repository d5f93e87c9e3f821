"""``rupture evaluate`` end to end on an annotate-style output folder, with hand-worked expected figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.annotate import AnnotateConfig, classify_and_summarise, write_session_outputs
from pipeline.batch import load_sessions
from pipeline.cli import app
from pipeline.evaluate import evaluate_sessions
from pipeline.evaluate import run as run_mod
from pipeline.evaluate.run import run_evaluate
from tests.conftest import KeywordClassifier

# The keyword classifier's labels on conftest's transcripts are the "predictions"; this is the coder:
# ruptured: 2 is an extra tc_lecture (FP), 5 a missed wd_minimal_response (FN);
# repaired: 2 has an extra rs_invite_exploration predicted (no support); turn 9 does not exist;
# calm: turn 3 is not coded; session "ghost" has no transcript.
TURNS = """session_id,turn_id,labels
ruptured,0,tc_lecture
ruptured,1,wd_minimal_response
ruptured,2,
ruptured,3,cf_complaint_activities;wd_minimal_response
ruptured,4,
ruptured,5,wd_minimal_response
repaired,0,
repaired,1,cf_complaint_activities
repaired,2,rs_acknowledge_contribution
repaired,3,
repaired,4,
repaired,5,
repaired,9,
calm,0,
calm,1,
calm,2,
ghost,0,
"""
SEGMENTS = """session_id,segment_index,withdrawal_significance,confrontation_significance,resolution
ruptured,1,3,2,1
ruptured,2,2,1,
repaired,1,1,3,5
calm,1,1,1,
"""
SESSIONS = """session_id,therapist_contribution,overall_resolution
ruptured,4,1
repaired,1,5
calm,1,
"""


def build_predictions(inputs: list[Path], out: Path, classifier=None) -> Path:
    """An annotate output folder (utterances/ and sessions/) written with annotate's own writer."""
    config = AnnotateConfig(out, formats=frozenset({"utterances"}), progress=False)
    sessions = list(load_sessions([str(p) for p in inputs]))
    for session, summary in classify_and_summarise(sessions, classifier or KeywordClassifier(), config):
        write_session_outputs(session, summary, config)
    return out


@pytest.fixture
def case(transcripts_dir, tmp_path):
    (transcripts_dir / "empty.txt").unlink()
    pred = build_predictions([transcripts_dir], tmp_path / "pred")
    gold = tmp_path / "gold"
    gold.mkdir()
    for name, text in (("turns", TURNS), ("segments", SEGMENTS), ("sessions", SESSIONS)):
        (gold / f"coder1.{name}.gold.csv").write_text(text, encoding="utf-8")
    return {"pred": pred, "gold": gold, "transcripts": transcripts_dir}


def gold_args(case) -> list[str]:
    return [
        x
        for name in ("turns", "segments", "sessions")
        for x in ("--gold", str(case["gold"] / f"coder1.{name}.gold.csv"))
    ]


def test_evaluate_json_has_the_hand_worked_figures(case):
    result = CliRunner().invoke(
        app, ["evaluate", *gold_args(case), "--pred", str(case["pred"]), "--bootstrap", "50", "--json"]
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["grain"] == "turn" and d["n_units"] == 15
    wd = d["labels"]["wd_minimal_response"]
    assert (wd["support"], wd["predicted"], wd["precision"], wd["f1"]) == (3, 2, 1.0, pytest.approx(0.8))
    assert wd["n_units"] == 7  # patient turns only
    assert d["labels"]["tc_lecture"]["precision"] == 0.5 and d["labels"]["tc_lecture"]["n_units"] == 8
    assert d["labels"]["rs_invite_exploration"]["support"] == 0
    assert d["micro_f1"] == pytest.approx(12 / 15)  # tp 6, fp 2, fn 1
    assert d["macro_f1"] == pytest.approx((0.8 + 1 + 2 / 3 + 1) / 4)  # labels with support only
    assert sorted(d["mismatches"]) == sorted(
        [
            "session ghost: in gold, not in predictions",
            "session repaired turn 9: in gold, not in predictions",
            "session calm turn 3: in predictions, not in gold",
        ]
    )
    assert d["episodes"]["found"] == 2 and d["episodes"]["missed"] == 0
    assert d["ratings"]["withdrawal_significance"]["n"] == 4
    assert d["ratings"]["therapist_contribution"]["n"] == 3
    assert "micro_f1" in d["ci"] and d["n_bootstrap"] == 50
    assert {"gold": "(none)", "predicted": "tc_lecture", "count": 1} in d["confusion"]  # ruptured turn 2
    assert {"gold": "wd_minimal_response", "predicted": "(none)", "count": 1} in d["confusion"]


def test_predicted_ratings_come_from_the_summaries(case):
    res = run_evaluate([case["gold"]], pred_dir=case["pred"], bootstrap=0)
    summaries = {
        json.loads(p.read_text())["session_id"]: json.loads(p.read_text())
        for p in (case["pred"] / "sessions").glob("*.json")
    }
    gold = {"ruptured": [3, 2], "repaired": [1], "calm": [1]}
    pred = [
        summaries[s]["segments"][i]["withdrawal_significance"] for s, v in gold.items() for i in range(len(v))
    ]
    flat = [x for v in gold.values() for x in v]
    assert res.ratings["withdrawal_significance"].exact == pytest.approx(
        sum(a == b for a, b in zip(flat, pred, strict=True)) / 4
    )


def test_evaluate_table_lists_mismatches(case):
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(case["gold"]), "--pred", str(case["pred"]), "--bootstrap", "20"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "micro-F1 0.80" in out and "macro-F1 0.87" in out
    assert "session repaired turn 9: in gold, not in predictions" in out
    assert "Segment and session ratings" in out and "Episodes (matched by time, tolerance 60 s)" in out


def test_model_route_gives_the_same_figures(case, monkeypatch):
    monkeypatch.setattr(run_mod, "load_classifier", lambda path, device="cpu": KeywordClassifier())
    by_model = run_evaluate([case["gold"]], model="fake", transcripts=[case["transcripts"]], bootstrap=0)
    by_dir = run_evaluate([case["gold"]], pred_dir=case["pred"], bootstrap=0)
    assert by_model.micro_f1 == by_dir.micro_f1 and by_model.macro_f1 == by_dir.macro_f1
    assert by_model.ratings["resolution"] == by_dir.ratings["resolution"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--pred", "PRED"], "does not exist"),
        ([], "give either --pred DIR"),
    ],
)
def test_bad_calls_are_one_line(case, tmp_path, args, message):
    args = [str(case["pred"]) if a == "PRED" else a for a in args]
    gold = ["--gold", str(tmp_path / "nope.gold.csv")] if "--pred" in args else ["--gold", str(case["gold"])]
    result = CliRunner().invoke(app, ["evaluate", *gold, *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_gold_line_is_named(case, tmp_path):
    bad = tmp_path / "bad.gold.csv"
    bad.write_text("session_id,turn_id,labels\nruptured,0,tc_lectur\n")
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(bad), "--pred", str(case["pred"])])
    assert result.exit_code == 1
    assert f"{bad}:2: unknown label id 'tc_lectur'" in result.output


def test_utterance_gold_from_the_examples(examples_dir, tmp_path):
    gold = examples_dir / "dbt_diary_card.jsonl"
    pred = build_predictions([gold], tmp_path / "pred")
    res = run_evaluate([gold], pred_dir=pred, bootstrap=0)
    assert res.grain == "utterance" and not res.mismatches
    assert res.n_units == sum(1 for line in gold.read_text().splitlines() if line.strip())
    assert res.labels["cf_control_pressure"].support >= 1


def test_evaluate_sessions_python_api_matches_the_cli(case):
    """evaluate_sessions on utterance-level sessions: the model card's entry point."""
    classifier = KeywordClassifier()
    gold_sessions = list(load_sessions([str(case["transcripts"])]))
    pred = classifier.predict(gold_sessions)
    res = evaluate_sessions(gold_sessions, pred, bootstrap=0)
    assert res.grain == "utterance" and res.micro_f1 == 0.0  # the transcripts carry no gold labels
    assert res.labels["wd_minimal_response"].predicted > 0 and not res.mismatches
    perfect = evaluate_sessions(pred, pred, bootstrap=10)
    assert perfect.micro_f1 == 1.0 and perfect.macro_f1 == 1.0 and perfect.episodes.missed == 0


def test_report_page_with_plots(case, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(case["gold"]),
            "--pred",
            str(case["pred"]),
            "--bootstrap",
            "20",
            "--report",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 3 and "ICC(2,1)" in page and "session ghost: in gold" in page
    assert json.loads((out / "results.json").read_text())["grain"] == "turn"


def test_corpus_test_split_with_a_model(corpus_dir, monkeypatch):
    """``--gold data/corpus --split test --model M``: the model runs on the gold's own utterances."""
    from pipeline.corpus.load import load_corpus

    monkeypatch.setattr(run_mod, "load_classifier", lambda path, device="cpu": KeywordClassifier())
    res = run_evaluate([corpus_dir], model="fake", split="test", bootstrap=0)
    test = load_corpus(corpus_dir, splits={"test"})
    assert res.grain == "utterance" and not res.mismatches
    assert res.n_units == sum(len(s.utterances) for s in test)
    assert res.ratings["withdrawal_significance"].n == sum(len(s.segment_ratings) for s in test)
    assert res.ratings["therapist_contribution"].n == len(test)
    direct = evaluate_sessions(test, KeywordClassifier().predict(test), bootstrap=0)
    assert direct.micro_f1 == res.micro_f1 and direct.labels == res.labels


def test_nothing_in_common_is_one_clear_error(case, tmp_path):
    other = tmp_path / "other.gold.csv"
    other.write_text("session_id,turn_id,labels\nsomeone-else,0,wd_denial\n")
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(other), "--pred", str(case["pred"])])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "nothing in common (gold sessions: someone-else; predicted: calm, repaired, ruptured)"
        in result.output
    )


def test_summaries_only_score_the_ratings(case):
    import shutil

    shutil.rmtree(case["pred"] / "utterances")
    res = run_evaluate([case["gold"]], pred_dir=case["pred"], bootstrap=0)
    assert not res.labels and res.ratings["withdrawal_significance"].n == 4
    assert any("only segment and session ratings" in n for n in res.notes)
