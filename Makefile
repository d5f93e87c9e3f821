# The two commands a new user types (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test lint corpus train-default evaluate-default bench schemas clean

setup: $(STAMP)

# torch first, pinned: pip takes the CPU build that lies on this machine's disk,
# where an open range could pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

demo: setup
	$(BIN)/rupture annotate examples --out out/demo --roles "SPEAKER_00=therapist,SPEAKER_01=patient" --redact
	@echo "Reports: out/demo/reports/*.html  Cohort table: out/demo/cohort.csv  Overview: out/demo/cohort.html"

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/ruff format --check pipeline tests scripts

corpus: setup
	$(BIN)/rupture corpus build data/corpus/sessions --out data/corpus
	$(BIN)/rupture corpus stats data/corpus

# The shipped default model: about 25 minutes on 2 CPU cores.
train-default: setup
	$(BIN)/rupture train --corpus data/corpus --out models/default --config models/default/train.toml --threads 2

# Test-split targets, baselines and an inference benchmark; rewrites models/default/MODEL_CARD.md.
evaluate-default: setup
	$(BIN)/python scripts/evaluate_model.py --model models/default --corpus data/corpus --write-card

# End-to-end annotate speed against the per-utterance peer approach (scripts/results/).
bench: setup
	$(BIN)/python scripts/bench_annotate.py --ray

schemas: setup
	$(BIN)/python scripts/export_schemas.py

clean:
	rm -rf $(VENV) out .pytest_cache
