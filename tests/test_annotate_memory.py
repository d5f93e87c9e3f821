"""What ``annotate`` holds in memory follows the batch size, never the number of sessions (issue #8).

The runner reads ahead (a prefetch thread) and writes behind (a writer thread). Whichever side is the
slower, the model or the disk, the other must wait instead of piling sessions up. Every ``Session``
the reader makes and every classified copy the model returns is tracked with a weakref finalizer, so
the test sees how many utterances are alive at once, wherever the runner keeps them.
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

import pytest

from pipeline import annotate as annotate_mod
from pipeline import batch as batch_mod
from pipeline.annotate import AnnotateConfig, annotate
from tests.batch_fixtures import write_batch
from tests.conftest import KeywordClassifier

BATCH_UTTERANCES = 32


class Alive:
    """Utterances held in tracked sessions that are still alive, and the most at any moment."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # a finalizer may run in the thread that holds it
        self.utterances = 0
        self.peak = 0
        self.longest = 0

    def track(self, session):
        n = len(session.utterances)
        with self.lock:
            self.utterances += n
            self.peak = max(self.peak, self.utterances)
            self.longest = max(self.longest, n)
        weakref.finalize(session, self._gone, n)
        return session

    def _gone(self, n: int) -> None:
        with self.lock:
            self.utterances -= n


class TrackedModel(KeywordClassifier):
    """The keyword stand-in, tracking what it returns; ``pause``: seconds a call (a slow model)."""

    def __init__(self, alive: Alive, pause: float):
        super().__init__()
        self.alive, self.pause = alive, pause

    def predict(self, sessions, batch_size: int = 64):
        time.sleep(self.pause)
        return [self.alive.track(s) for s in super().predict(sessions, batch_size)]


def peak_alive(tmp_path: Path, monkeypatch, n: int, slow: str) -> tuple[Alive, int]:
    """Annotate ``n`` generated sessions; what was alive at most, and how many utterances in all."""
    alive = Alive()
    segment, write = batch_mod.segment_transcript, annotate_mod.write_session_outputs

    def slow_write(*args):
        time.sleep(0.002 if slow == "disk" else 0)
        write(*args)

    inputs = tmp_path / f"in-{n}"
    write_batch(inputs, n, seed=n)
    config = AnnotateConfig(
        tmp_path / f"out-{n}",
        formats=frozenset({"utterances"}),
        batch_utterances=BATCH_UTTERANCES,
        progress=False,
    )
    with monkeypatch.context() as m:
        m.setattr(batch_mod, "segment_transcript", lambda t: alive.track(segment(t)))
        m.setattr(annotate_mod, "write_session_outputs", slow_write)
        res = annotate([str(inputs)], config, TrackedModel(alive, 0.02 if slow == "model" else 0))
    assert res.written == n and len(list(config.out_dir.glob("sessions/*.json"))) == n
    return alive, res.utterances


@pytest.mark.parametrize("slow", ["model", "disk"])
def test_memory_is_bounded_by_the_batch_not_the_session_count(tmp_path, monkeypatch, slow):
    few, _ = peak_alive(tmp_path, monkeypatch, 20, slow)
    many, total = peak_alive(tmp_path, monkeypatch, 200, slow)
    # Held at most: the prefetch buffer (2 batches), the batch being classified and its classified
    # copy, the batch the writer is writing, and a few single sessions in hand (each at most
    # ``longest`` utterances over a batch, as a batch closes once it reaches the size).
    bound = 5 * BATCH_UTTERANCES + 8 * max(few.longest, many.longest)
    assert bound < total / 3  # so a runner that kept every session would fail
    assert many.peak <= bound, f"{many.peak} utterances alive at once (20 sessions: {few.peak})"
    assert many.utterances == 0  # nothing kept after the run
