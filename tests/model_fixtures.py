"""Fixtures for the model tests: a tiny random BERT encoder and tokenizer, and small labelled sessions.

Nothing is downloaded: the encoder (hidden size 32, 2 layers) and its word-level vocabulary are
built in a temporary folder. ``tests/conftest.py`` imports these fixtures.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.datamodel import Session, Utterance

TINY_WORDS = (
    "i you the a to and it is not that this what how okay fine yeah no yes guess dunno whatever mm hmm "
    "so well just really know think feel about can we do was me my your waste time worksheet homework "
    "sorry pushed too hard makes sense landing for listening don't get need stop drinking should "
    "week better slept more walking sister pills give talk childhood pointless nothing changed months "
    "coming doctor best whatever laughs pause long tell happened train attack worst , . ? ! ' -"
).split()

PATIENT_LINES = [
    ("Okay.", ["wd_minimal_response"]),
    ("Dunno. Whatever.", ["wd_minimal_response"]),
    ("This worksheet is a waste of my time.", ["cf_complaint_activities"]),
    ("You are not listening to me.", ["cf_complaint_therapist"]),
    ("I slept more this week, walking with my sister.", []),
    ("It was the worst attack, on the train.", []),
]
THERAPIST_LINES = [
    ("I'm sorry, I pushed too hard.", ["rs_acknowledge_contribution"]),
    ("How is this landing for you?", ["rs_invite_exploration"]),
    ("You need to stop drinking, you should really stop.", ["tc_lecture"]),
    ("How was the week?", []),
    ("Tell me what happened.", []),
]


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory) -> Path:
    """A random 2-layer BERT (hidden 32) and a WordPiece tokenizer over :data:`TINY_WORDS`."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    d = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(TINY_WORDS))
    (d / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizer(vocab={w: i for i, w in enumerate(vocab)})
    tok.save_pretrained(d)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(cfg).save_pretrained(d)
    return d


def make_session(sid: str, n_turns: int, seed: int, split: str | None = None) -> Session:
    """A session alternating therapist and patient turns drawn (seeded) from the lines above."""
    rng = random.Random(seed)
    utts = []
    for i in range(n_turns):
        role = "therapist" if i % 2 == 0 else "patient"
        text, labels = rng.choice(THERAPIST_LINES if role == "therapist" else PATIENT_LINES)
        utts.append(
            Utterance(
                session_id=sid,
                turn_id=str(i),
                utterance_index=i,
                role=role,
                text=text,
                labels=list(labels),
                start=float(10 * i),
            )
        )
    return Session(session_id=sid, utterances=utts, split=split)


@pytest.fixture(scope="session")
def tiny_sessions() -> list[Session]:
    """Eight train, two dev and two test sessions of 12 turns."""
    splits = ["train"] * 8 + ["dev"] * 2 + ["test"] * 2
    return [make_session(f"s{i:02d}", 12, seed=i, split=sp) for i, sp in enumerate(splits)]


@pytest.fixture(scope="session")
def tiny_config():
    """A training config small and quick enough for a unit test."""
    from pipeline.model.config import TrainConfig

    return TrainConfig(
        max_length=24,
        lora_r=4,
        lora_alpha=8,
        context_hidden=16,
        role_dim=4,
        head_epochs=3,
        epochs=2,
        patience=2,
        encode_batch_size=16,
        precision="fp32",
        lora_layers=[1],
        pool_layers=[-2, -1],
    )
