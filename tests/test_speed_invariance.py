"""Predictions do not depend on how the input is batched (issue #7).

The classifier encodes each utterance once, in length-bucketed batches padded to the bucket (not to
the batch), and rounds scores to 4 places, so ``predict`` with batch size 1, 7 or 64, and a whole
``annotate`` run with one session a model call or all sessions in one call, give the same labels and
scores. Checked with a tiny random model (fp32) on the examples and on generated sessions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.model_fixtures import make_session

ROLES = "SPEAKER_00=therapist,SPEAKER_01=patient"


def build_tiny_model(encoder_dir: Path, cfg, out: Path) -> Path:
    """A model folder with a tiny random encoder and random heads (thresholds 0.5: some labels fire)."""
    import torch

    from pipeline.labelset import load_labelset
    from pipeline.model.store import architecture_of, build_net, save_model

    labelset = load_labelset()
    arch = architecture_of(cfg, str(encoder_dir), encoder_dir, labelset)
    torch.manual_seed(7)
    net, _ = build_net(arch, encoder_dir, labelset)
    with torch.no_grad():  # make the LoRA adapters non-zero so that merging them matters
        for name, p in net.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    return save_model(
        out,
        net,
        arch,
        {lab: 0.5 for lab in labelset.ids},
        labelset,
        extra={"card.json": {"name": "tiny-random", "version": "0"}},
    )


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_encoder_dir, tiny_config) -> Path:
    return build_tiny_model(tiny_encoder_dir, tiny_config, tmp_path_factory.mktemp("tiny-model"))


def _sessions(examples_dir: Path):
    from pipeline.batch import load_sessions
    from pipeline.readers.roles import parse_roles

    real = list(load_sessions([examples_dir], roles=parse_roles(ROLES)))
    made = [make_session(f"g{i}", n, seed=i) for i, n in enumerate((1, 3, 30))]
    return real + made


def _flat(sessions):
    return [(s.session_id, u.utterance_index, u.labels, u.scores) for s in sessions for u in s.utterances]


def test_predictions_do_not_depend_on_batch_size(tiny_model_dir, examples_dir):
    from pipeline.model import load_model

    clf = load_model(tiny_model_dir, precision="fp32")
    sessions = _sessions(examples_dir)
    assert sum(len(s.utterances) for s in sessions) > 150
    runs = {bs: _flat(clf.predict(sessions, batch_size=bs)) for bs in (1, 7, 64)}
    assert any(labels for _, _, labels, _ in runs[64]), "the tiny model should fire some labels"
    assert runs[1] == runs[7] == runs[64]
    # one session at a time (other utterances in the batches) gives the same too
    alone = [x for s in sessions for x in _flat(clf.predict([s], batch_size=64))]
    assert alone == runs[64]


def test_annotate_outputs_do_not_depend_on_batching(tmp_path, tiny_model_dir, examples_dir):
    from pipeline.annotate import AnnotateConfig, annotate
    from pipeline.model import load_model
    from pipeline.readers.roles import parse_roles

    clf = load_model(tiny_model_dir, precision="fp32")
    outs = []
    for name, bs, per_call in (("a", 1, 1), ("b", 64, 100_000)):
        cfg = AnnotateConfig(
            tmp_path / name,
            formats=frozenset({"utterances"}),
            batch_size=bs,
            batch_utterances=per_call,
            progress=False,
            roles=parse_roles(ROLES),
            identifiers="redact",
        )
        annotate([str(examples_dir)], cfg, clf)
        outs.append(cfg.out_dir)
    for sub in ("utterances", "sessions"):
        a = sorted(p.name for p in (outs[0] / sub).iterdir())
        assert a and a == sorted(p.name for p in (outs[1] / sub).iterdir())
        for name in a:
            assert (outs[0] / sub / name).read_text() == (outs[1] / sub / name).read_text(), name
    first = json.loads((outs[0] / "utterances" / a[0].replace(".json", ".jsonl")).read_text().splitlines()[0])
    assert first["scores"]
