"""Shared fixtures. Network access is blocked for every test (pytest-socket, see pyproject)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import urllib3  # noqa: F401  imported before sockets are blocked: its import-time IPv6 probe opens

#                (never connects) a socket, which pytest-socket would report as a blocked call

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

REPO = Path(__file__).resolve().parents[1]
ANNOMI_DIR = REPO.parent / "shared" / "data" / "annomi"
CODEBOOK = REPO.parent / "shared" / "codebook" / "rupture-codebook.md"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return REPO / "examples"


@pytest.fixture(scope="session")
def annomi_csv() -> Path:
    path = ANNOMI_DIR / "AnnoMI-simple.csv"
    if not path.exists():
        pytest.skip("AnnoMI is not beside the checkout (../shared/data/annomi)")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = REPO / "data" / "corpus"
    if not (path / "sessions.jsonl").exists():
        pytest.fail("data/corpus/sessions.jsonl is missing: run `rupture corpus build`")
    return path


# -- Annotate/report/export (issue #5): a fake classifier with RuptureClassifier's interface -------------


class KeywordClassifier:
    """Labels utterances by keywords; same interface as ``pipeline.model.RuptureClassifier``.

    ``fail_on_call``: raise ``KeyboardInterrupt`` on that (1-based) predict call, to test resuming.
    """

    RULES = {
        "patient": {
            "whatever": "wd_minimal_response",
            "dunno": "wd_minimal_response",
            "waste": "cf_complaint_activities",
            "not listening": "cf_complaint_therapist",
            "i don't know": "wd_minimal_response",
        },
        "therapist": {
            "sorry": "rs_acknowledge_contribution",
            "how is this": "rs_invite_exploration",
            "makes sense": "rs_validate_defense",
            "you need to": "tc_lecture",
            "you should": "tc_lecture",
        },
    }

    def __init__(self, fail_on_call: int | None = None):
        from pipeline.labelset import load_labelset

        self.labelset = load_labelset()
        self.card = {"name": "keyword-fake", "version": "0"}
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call

    def predict(self, sessions, batch_size: int = 64):
        self.calls.append([s.session_id for s in sessions])
        if self.fail_on_call == len(self.calls):
            raise KeyboardInterrupt
        return [s.model_copy(update={"utterances": [self._label(u) for u in s.utterances]}) for s in sessions]

    def _label(self, u):
        text = u.text.lower()
        hits = sorted({lab for key, lab in self.RULES.get(u.role, {}).items() if key in text})
        scores = {lab: (0.9 if lab in hits else 0.05) for lab in self.labelset.ids_for_role(u.role)}
        return u.model_copy(update={"labels": hits, "scores": scores or None})


@pytest.fixture
def keyword_classifier() -> KeywordClassifier:
    return KeywordClassifier()


@pytest.fixture
def transcripts_dir(tmp_path: Path) -> Path:
    """Three small plain-text sessions (one with ruptures, one repaired, one without) and a bad file."""
    d = tmp_path / "transcripts"
    d.mkdir()
    (d / "ruptured.txt").write_text(
        "[00:00:05] T: You need to stop drinking, it is damaging your liver.\n"
        "[00:00:20] P: Whatever.\n"
        "[00:00:30] T: You should really think about your family.\n"
        "[00:00:45] P: Dunno. This is a waste of time.\n"
        "[00:05:10] T: So, the plan for next week.\n"
        "[00:05:20] P: Fine.\n",
        encoding="utf-8",
    )
    (d / "repaired.txt").write_text(
        "[00:00:05] T: Let's fill in the worksheet.\n"
        "[00:00:15] P: These worksheets are a waste of my time.\n"
        "[00:00:25] T: I'm sorry, I rushed into it. How is this landing for you?\n"
        "[00:00:40] P: I want to talk about what happened on the train last week.\n"
        "[00:00:55] P: It was the worst attack I have had in a long while.\n"
        "[00:01:10] T: Tell me about it.\n",
        encoding="utf-8",
    )
    (d / "calm.txt").write_text(
        "T: How has the week been?\nP: Better than last week, I slept more.\nT: What helped?\n"
        "P: Walking in the evening with my sister.\n",
        encoding="utf-8",
    )
    (d / "empty.txt").write_text("", encoding="utf-8")
    return d


from tests.batch_fixtures import tiny_model_dir  # noqa: E402,F401  (issue #8)
from tests.model_fixtures import tiny_config, tiny_encoder_dir, tiny_sessions  # noqa: E402,F401  (issue #4)
