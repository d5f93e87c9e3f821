"""The fine-tuned transformer (issue #4) on a tiny random encoder: training, save/load, masking."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline.datamodel import Session, Utterance
from pipeline.errors import InputError, ModelError
from pipeline.labelset import load_labelset
from pipeline.model import RuptureClassifier, load_model, train_model
from pipeline.model.base import resolve_base
from pipeline.model.classifier import session_probabilities
from pipeline.model.config import load_train_config
from pipeline.model.data import from_sessions, load_training_data, read_turn_labels
from pipeline.model.store import architecture_of, build_net, save_model
from pipeline.model.train import Trainer, pos_weights, prepare, unit_logits


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models gain nothing from threads, and on a busy machine extra threads only thrash."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory, tiny_encoder_dir, tiny_sessions, tiny_config) -> Path:
    out = tmp_path_factory.mktemp("models") / "tiny"
    train_model(
        from_sessions(tiny_sessions),
        out,
        tiny_config,
        device="cpu",
        progress=False,
        base_model=tiny_encoder_dir,
    )
    return out


@pytest.fixture(scope="module")
def tiny_model(trained_dir: Path) -> RuptureClassifier:
    return load_model(trained_dir, base_model=None)


def _net(tiny_encoder_dir, tiny_config):
    ls = load_labelset()
    cfg = tiny_config.model_copy(update={"base_model": str(tiny_encoder_dir)})
    arch = architecture_of(cfg, str(tiny_encoder_dir), resolve_base(str(tiny_encoder_dir)), ls)
    net, tok = build_net(arch, tiny_encoder_dir, ls)
    return net, tok, arch, cfg, ls


@pytest.mark.parametrize("lora_layers", [None, [1]], ids=["all-layers", "top-layer-cached"])
def test_a_few_steps_lower_the_loss(tiny_encoder_dir, tiny_sessions, tiny_config, lora_layers):
    torch.manual_seed(0)
    net, tok, _, cfg, ls = _net(tiny_encoder_dir, tiny_config.model_copy(update={"lora_layers": lora_layers}))
    train = prepare(from_sessions([s for s in tiny_sessions if s.split == "train"]), tok, ls, cfg.max_length)
    pw = pos_weights(train, cfg.pos_weight_cap)
    trainer = Trainer(net, tok, cfg, ls, "cpu", progress=False)
    trainer.frozen_pass(train)
    assert trainer.k == (1 if lora_layers else 0)
    net.eval()
    with torch.no_grad():
        before = trainer._step(train, pw).item()
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=3e-3)
    net.train()
    for _ in range(8):
        loss = trainer._step(train, pw)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        after = trainer._step(train, pw).item()
    assert after < before


def test_model_directory_is_complete_and_small(trained_dir: Path):
    for name in (
        "model.safetensors",
        "model.json",
        "thresholds.json",
        "labelset.json",
        "train_config.json",
        "training_data.json",
        "metrics.json",
        "card.json",
        "MODEL_CARD.md",
    ):
        assert (trained_dir / name).exists(), name
    info = json.loads((trained_dir / "training_data.json").read_text())
    assert info["data_hash"].startswith("sha256:") and info["splits"]["train"]["sessions"] == 8
    assert json.loads((trained_dir / "labelset.json").read_text())["version"] == load_labelset().version
    metrics = json.loads((trained_dir / "metrics.json").read_text())
    assert {"dev", "test"} <= set(metrics)
    card = (trained_dir / "MODEL_CARD.md").read_text()
    assert "test" in card and "wd_minimal_response" in card
    # heads and LoRA adapters only, never the base encoder's weights
    from safetensors.torch import load_file

    keys = load_file(str(trained_dir / "model.safetensors"))
    assert keys and all(k.startswith("head.") or "lora_" in k for k in keys)


def test_save_load_round_trip_gives_identical_predictions(
    tmp_path, tiny_encoder_dir, tiny_config, tiny_sessions
):
    torch.manual_seed(1)
    net, tok, arch, cfg, ls = _net(tiny_encoder_dir, tiny_config)
    with torch.no_grad():  # non-trivial adapters (LoRA B starts at zero)
        for name, p in net.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    thresholds = dict.fromkeys(ls.ids, 0.5)
    save_model(tmp_path / "m", net, arch, thresholds, ls)
    loaded = load_model(tmp_path / "m")
    sessions = tiny_sessions[:3]
    ref = session_probabilities(net, tok, sessions, cfg.max_length, precision="fp32")
    got = session_probabilities(loaded.net, loaded.tokenizer, sessions, cfg.max_length, precision="fp32")
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    again = load_model(tmp_path / "m")
    assert [s.utterances for s in loaded.predict(sessions)] == [s.utterances for s in again.predict(sessions)]


def test_predictions_do_not_depend_on_batch_size(tiny_model, tiny_sessions):
    one = tiny_model.predict(tiny_sessions, batch_size=1)
    many = tiny_model.predict(tiny_sessions, batch_size=64)
    assert [s.utterances for s in one] == [s.utterances for s in many]


def test_labels_and_scores_are_masked_by_role(tiny_model):
    ls = tiny_model.labelset
    utts = [
        Utterance(session_id="m", turn_id=str(i), utterance_index=i, role=r, text=t)
        for i, (r, t) in enumerate(
            [
                ("therapist", "How was the week?"),
                ("patient", "Dunno. Whatever."),
                ("other", "Mm hmm."),
                ("therapist", "I'm sorry, I pushed too hard."),
            ]
        )
    ]
    tiny_model.thresholds = dict.fromkeys(ls.ids, 0.0)  # every applicable label fires
    try:
        (out,) = tiny_model.predict([Session(session_id="m", utterances=utts)])
    finally:
        tiny_model.thresholds = json.loads((Path(tiny_model.card["path"]) / "thresholds.json").read_text())
    for u in out.utterances:
        if u.role == "other":
            assert u.labels == [] and u.scores == {}
        else:
            assert set(u.scores) == set(ls.ids_for_role(u.role))
            assert u.labels == ls.ids_for_role(u.role)  # all of them, in label-set order


def test_thresholds_decide_the_labels(tiny_model, tiny_sessions):
    ls = tiny_model.labelset
    saved, saved_groups = dict(tiny_model.thresholds), dict(tiny_model.group_thresholds)
    try:
        tiny_model.thresholds = dict.fromkeys(ls.ids, 1.01)
        tiny_model.group_thresholds = {}
        assert all(not u.labels for s in tiny_model.predict(tiny_sessions[:2]) for u in s.utterances)
        tiny_model.thresholds = saved
        for s in tiny_model.predict(tiny_sessions[:2]):
            for u in s.utterances:
                assert u.labels == [lab for lab in ls.ids if lab in u.scores and u.scores[lab] >= saved[lab]]
    finally:
        tiny_model.thresholds, tiny_model.group_thresholds = saved, saved_groups


def test_group_threshold_reports_the_groups_top_label(tiny_model, tiny_sessions):
    ls = tiny_model.labelset
    saved, saved_groups = dict(tiny_model.thresholds), dict(tiny_model.group_thresholds)
    try:
        tiny_model.thresholds = dict.fromkeys(ls.ids, 1.01)  # no label passes on its own
        tiny_model.group_thresholds = {"withdrawal": 0.0}
        for s in tiny_model.predict(tiny_sessions[:2]):
            for u in s.utterances:
                if u.role == "patient":
                    top = max(ls.ids_in_group("withdrawal"), key=lambda lab: u.scores[lab])
                    assert u.labels == [top]
                else:
                    assert u.labels == []
    finally:
        tiny_model.thresholds, tiny_model.group_thresholds = saved, saved_groups


def test_group_decision_on_scores():
    from pipeline.model.thresholds import decide, group_columns, tune_group_thresholds

    columns = group_columns(["wd_a", "wd_b", "cf_c"], {"wd_a": "w", "wd_b": "w", "cf_c": "c"})
    probs = np.array([[0.30, 0.40, 0.2], [0.10, 0.05, 0.9], [0.60, 0.30, 0.1]])
    applies = np.ones_like(probs, dtype=bool)
    label_t = np.array([0.5, 0.5, 0.5])
    hit = decide(probs, applies, label_t, columns, {"w": 0.35})
    # row 0: withdrawal fires at 0.40, no label passes 0.5: its top label wd_b is reported;
    # row 1: below the group threshold; row 2: wd_a passes on its own, nothing is added
    assert hit.tolist() == [[False, True, False], [False, False, True], [True, False, False]]
    assert not decide(probs, ~applies, label_t, columns, {"w": 0.0}).any()  # never where a label cannot apply
    gold = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    tuned = tune_group_thresholds(probs, gold, applies, columns, min_positives=2)
    assert set(tuned) == {"w"} and 0.1 < tuned["w"] <= 0.4  # "c" has one positive: no threshold


def test_pooled_layers_match_between_cached_training_and_inference(
    tiny_encoder_dir, tiny_config, tiny_sessions
):
    torch.manual_seed(2)
    net, tok, _, cfg, ls = _net(tiny_encoder_dir, tiny_config)
    assert (
        net.pool_layers == [-2, -1]
        and net.head.norm.normalized_shape[0] == 2 * net.encoder.config.hidden_size
    )
    with torch.no_grad():
        for name, p in net.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    prep = prepare(from_sessions(tiny_sessions[:2]), tok, ls, cfg.max_length)
    trainer = Trainer(net, tok, cfg, ls, "cpu", progress=False)
    trainer.frozen_pass(prep)
    net.eval()
    with torch.no_grad():
        cached = trainer._vectors_of(prep)
        direct = torch.cat([net.encode(*_padded(p.ids, tok.pad_token_id)) for p in prep])
    np.testing.assert_allclose(cached.numpy(), direct.numpy(), atol=1e-5)


def _padded(ids: list[list[int]], pad_id: int):
    from pipeline.model.encoding import pad_batch

    return pad_batch(ids, pad_id, exact=False)


def test_label_set_mismatch_is_refused(tmp_path, trained_dir):
    import shutil

    bad = tmp_path / "old-labels"
    shutil.copytree(trained_dir, bad)
    arch = json.loads((bad / "model.json").read_text())
    arch["labelset"]["version"] = "0"
    arch["labelset"]["ids"] = arch["labelset"]["ids"][:-1]
    (bad / "model.json").write_text(json.dumps(arch))
    with pytest.raises(ModelError, match="label set"):
        load_model(bad)


def test_missing_files_and_other_base_are_refused(tmp_path, trained_dir, tiny_encoder_dir):
    with pytest.raises(ModelError, match="missing model.json"):
        load_model(tmp_path)
    import shutil

    other = tmp_path / "other-base"
    shutil.copytree(tiny_encoder_dir, other)
    from transformers import BertModel

    enc = BertModel.from_pretrained(other)
    torch.nn.init.normal_(enc.embeddings.word_embeddings.weight)
    enc.save_pretrained(other)
    with pytest.raises(ModelError, match="not the one the model was trained on"):
        load_model(trained_dir, base_model=other)


def test_turn_level_labels_train_on_whole_turns(tmp_path):
    d = tmp_path / "coded"
    d.mkdir()
    (d / "s1.txt").write_text("T: How was the week? You need to stop drinking.\nP: Dunno.\nT: Okay.\n")
    (d / "s2.txt").write_text("T: How is this landing for you?\nP: Fine.\n")
    with (d / "labels.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["session_id", "turn_id", "labels"])
        turns = {}
        from pipeline.readers import read_path

        for sid in ("s1", "s2"):
            turns[sid] = [t.turn_id for t in read_path(d / f"{sid}.txt")[0].turns]
        w.writerow(["s1", turns["s1"][0], "tc_lecture"])
        w.writerow(["s1", turns["s1"][1], "wd_minimal_response"])
        w.writerow(["s2", turns["s2"][0], "rs_invite_exploration"])
    data = load_training_data(d / "labels.csv", dev_fraction=0.5)
    assert sorted(ts.split for ts in data) == ["dev", "train"]
    s1 = next(ts for ts in data if ts.session.session_id == "s1")
    assert len(s1.unit_labels) == 3 and s1.unit_labels[0] == ["tc_lecture"]
    assert len(s1.session.utterances) > 3  # the first turn is two utterances, trained as one unit
    assert all(not u.labels for u in s1.session.utterances)

    class P:  # unit logits are the maximum over the turn's utterances
        trivial_units = False
        units = torch.tensor(s1.units)
        targets = torch.zeros(3, 2)

    logits = torch.arange(len(s1.units) * 2, dtype=torch.float).reshape(-1, 2)
    pooled = unit_logits(P, logits)
    assert pooled.shape == (3, 2) and torch.equal(
        pooled[0], logits[[i for i, k in enumerate(s1.units) if k == 0]].max(0).values
    )


def test_bad_turn_labels_are_one_line_input_errors(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_text("session_id,turn_id,labels\ns1,3,wd_nonsense\n")
    with pytest.raises(InputError, match="unknown label id 'wd_nonsense'"):
        read_turn_labels(p)
    p.write_text("session,turn,labels\n")
    with pytest.raises(InputError, match="is not a gold file"):
        read_turn_labels(p)


def test_config_refuses_unknown_keys(tmp_path):
    p = tmp_path / "train.toml"
    p.write_text("epochs = 3\nepoch = 4\n")
    with pytest.raises(InputError, match="epoch"):
        load_train_config(p)
    p.write_text("epochs = 3\nlora_r = 4\n")
    assert load_train_config(p, seed=7).model_dump() | {} == load_train_config(p, seed=7).model_dump()
    assert load_train_config(p, seed=7).seed == 7


def test_train_command_writes_a_model(tmp_path, tiny_encoder_dir, tiny_sessions, tiny_config):
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.io import write_jsonl, write_session_utterances

    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "sessions.jsonl", [s.info() for s in tiny_sessions])
    for s in tiny_sessions:
        write_session_utterances(corpus / "utterances" / f"{s.session_id}.jsonl", s)
    cfg = tmp_path / "train.json"
    cfg.write_text(tiny_config.model_dump_json())
    res = CliRunner().invoke(
        app,
        [
            "train",
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "m"),
            "--config",
            str(cfg),
            "--base-model",
            str(tiny_encoder_dir),
            "--epochs",
            "1",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "test: macro-F1" in res.output and (tmp_path / "m" / "MODEL_CARD.md").exists()
    res = CliRunner().invoke(
        app, ["train", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 1 and "Traceback" not in res.output


def test_metrics_and_threshold_tuning():
    from pipeline.model.metrics import evaluate
    from pipeline.model.thresholds import apply_thresholds, tune_thresholds

    ls = load_labelset()
    m = evaluate([["wd_denial"], [], ["rs_redirect"]], [["wd_denial"], ["wd_denial"], []], ls)
    want = {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1, "predicted": 2}
    assert m["labels"]["wd_denial"] == want
    assert m["labels_scored"] == 2 and m["macro_f1"] == round((0.6667 + 0.0) / 2, 4)
    assert m["groups"]["withdrawal"]["f1"] == 0.6667 and m["groups"]["resolution"]["support"] == 1
    probs = np.array([[0.9, 0.3], [0.2, 0.8], [0.7, 0.1], [0.1, 0.2]])
    gold = np.array([[1, 0], [0, 1], [1, 0], [0, 0]])
    applies = np.ones_like(gold, dtype=bool)
    th = tune_thresholds(probs, gold, applies, ["a", "b"], min_positives=2)
    assert 0.2 < th["a"] <= 0.7  # separates 0.7/0.9 from 0.1/0.2
    pooled = tune_thresholds(probs, gold, applies, ["a", "b"], min_positives=5)
    assert pooled["a"] == pooled["b"]  # too few positives: the pooled threshold
    assert apply_thresholds(probs, applies, th, ["a", "b"])[0][0] == "a"


def test_card_says_when_fine_tuning_kept_the_stage_one_weights(trained_dir: Path):
    from pipeline.model.card import render_card, selected_weights

    kept = [
        {"stage": "fine-tune", "epoch": 0, "dev_macro_f1": 0.5},
        {"stage": "fine-tune", "epoch": 1, "dev_macro_f1": 0.4},
    ]
    tuned = [
        {"stage": "fine-tune", "epoch": 0, "dev_macro_f1": 0.4},
        {"stage": "fine-tune", "epoch": 2, "dev_macro_f1": 0.5},
    ]
    assert "adapters stayed at their zero start" in selected_weights(kept)
    assert selected_weights(tuned) == "Saved weights: fine-tuning epoch 2 (dev macro-F1 0.5000)."
    assert selected_weights([]) is None
    history = json.loads((trained_dir / "history.json").read_text())
    assert selected_weights(history) in render_card(trained_dir)
