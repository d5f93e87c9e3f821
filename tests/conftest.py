"""Shared fixtures. Network access is blocked for every test (pytest-socket, see pyproject)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
