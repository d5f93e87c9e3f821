"""For the batch tests (issue #8): generated transcripts, and a tiny trained model folder.

Transcripts: many short, varied, unlabelled sessions (:func:`write_batch`), and one long timed session
(:func:`long_transcript`). The lines come from :mod:`tests.model_fixtures` (words the tiny test
tokenizer knows) and hold no names, numbers or dates, so ``annotate``'s identifier check lets them
through. What varies, seeded per session: length, speaker prefixes, time stamps or none,
multi-sentence turns, non-verbal notes, continuation lines, blank lines, CRLF line ends, a byte-order
mark, a metadata header. ``tiny_model_dir`` (imported by ``tests/conftest.py``): a trained tiny model.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.model_fixtures import PATIENT_LINES, THERAPIST_LINES

PREFIXES = [("T", "P"), ("Therapist", "Client"), ("therapist", "patient")]
NOTES = [" [pause]", " (laughs)", " [long pause]"]


def varied_transcript(seed: int) -> str:
    """One short session (2 to 14 turns) whose form is drawn from ``seed``."""
    rng = random.Random(seed)
    therapist, patient = rng.choice(PREFIXES)
    timed = rng.random() < 0.7
    lines = ["# title: a practice session"] if rng.random() < 0.2 else []
    t = rng.randint(0, 600)
    for k in range(rng.randint(2, 14)):
        who, pool = (therapist, THERAPIST_LINES) if k % 2 == 0 else (patient, PATIENT_LINES)
        text = " ".join(rng.choice(pool)[0] for _ in range(rng.choice([1, 1, 1, 2, 3])))
        if rng.random() < 0.15:
            text += rng.choice(NOTES)
        stamp = f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] " if timed else ""
        lines.append(f"{stamp}{who}: {text}")
        if rng.random() < 0.1:
            lines.append(rng.choice(pool)[0])  # no prefix: continues the turn
        if rng.random() < 0.1:
            lines.append("")
        t += rng.randint(4, 40)
    body = ("\r\n" if rng.random() < 0.15 else "\n").join(lines) + "\n"
    return ("\ufeff" if rng.random() < 0.1 else "") + body


def write_batch(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` varied sessions ``s000.txt``, ``s001.txt``, ... in ``folder``; their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"s{i:03d}.txt"
        path.write_bytes(varied_transcript(seed * 100_003 + i).encode("utf-8"))
        paths.append(path)
    return paths


def long_transcript(turns: int, seconds: int) -> str:
    """``turns`` timed turns, one utterance each, spread evenly over ``seconds`` (the last starts before)."""
    rng = random.Random(turns)
    lines = []
    for k in range(turns):
        t = k * seconds // turns
        who, pool = ("T", THERAPIST_LINES) if k % 2 == 0 else ("P", PATIENT_LINES)
        lines.append(f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] {who}: {rng.choice(pool)[0]}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_encoder_dir, tiny_sessions, tiny_config) -> Path:
    """A model folder trained a few steps on the tiny random encoder: deterministic, nothing downloaded."""
    import torch

    from pipeline.model import train_model
    from pipeline.model.data import from_sessions

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("tiny-model") / "tiny"
    try:
        train_model(
            from_sessions(tiny_sessions),
            out,
            tiny_config,
            device="cpu",
            progress=False,
            base_model=tiny_encoder_dir,
        )
    finally:
        torch.set_num_threads(threads)
    return out
