"""Model directories: building the network, saving it small, loading it back safely.

A model directory holds ``model.safetensors`` (LoRA adapters, context layer and heads; the whole
encoder only after full fine-tuning), ``model.json`` (architecture, base encoder and its
fingerprint, label-set fingerprint), ``thresholds.json``, ``group_thresholds.json`` (optional),
``labelset.json``, ``train_config.json``,
``training_data.json`` (data hash and counts), ``metrics.json``, ``card.json`` and ``MODEL_CARD.md``.
The base encoder's weights are not copied: they come from the installed package or a folder.

Example:
    >>> from pipeline.model import load_model                   # doctest: +SKIP
    >>> load_model("models/default").thresholds["wd_denial"]     # doctest: +SKIP
    0.42
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from pipeline.errors import ModelError
from pipeline.io import write_json
from pipeline.labelset import LabelSet, load_labelset
from pipeline.model.architecture import ContextHead, RuptureNet, role_mask_for
from pipeline.model.base import base_fingerprint, check_safe_files, load_encoder, resolve_base
from pipeline.model.classifier import RuptureClassifier

FORMAT = "rupture-model/1"
REQUIRED_FILES = ("model.json", "model.safetensors", "thresholds.json", "labelset.json")


def architecture_of(cfg, base_spec: str, base_dir: Path, labelset: LabelSet) -> dict[str, Any]:
    """The ``model.json`` record for a :class:`~pipeline.model.config.TrainConfig`."""
    return {
        "format": FORMAT,
        "labelset": labelset.fingerprint(),
        "base_model": {"spec": base_spec, **base_fingerprint(base_dir)},
        "finetune": cfg.finetune,
        "lora": {
            "r": cfg.lora_r,
            "alpha": cfg.lora_alpha,
            "dropout": cfg.lora_dropout,
            "target_modules": list(cfg.lora_target),
            "layers": cfg.lora_layers,
        },
        "head": {
            "role_dim": cfg.role_dim,
            "hidden": cfg.context_hidden,
            "layers": cfg.context_layers,
            "dropout": cfg.dropout,
        },
        "max_length": cfg.max_length,
        "pooling": cfg.pooling,
        "pool_layers": cfg.pool_layers,
        "precision": cfg.precision,
    }


def build_net(arch: dict[str, Any], base_dir: Path, labelset: LabelSet):
    """A fresh ``(RuptureNet, tokenizer)``: the base encoder (LoRA-wrapped if asked) and new heads."""
    encoder, tokenizer = load_encoder(base_dir)
    if arch["finetune"] == "lora":
        from peft import LoraConfig, get_peft_model

        lora = arch["lora"]
        encoder = get_peft_model(
            encoder,
            LoraConfig(
                r=lora["r"],
                lora_alpha=lora["alpha"],
                lora_dropout=lora["dropout"],
                target_modules=lora["target_modules"],
                layers_to_transform=lora.get("layers"),
            ),
        )
    elif arch["finetune"] == "frozen":
        encoder.requires_grad_(False)
    h = arch["head"]
    pooling = arch.get("pooling", "mean")
    pool_layers = arch.get("pool_layers") or [-1]
    enc_dim = encoder.config.hidden_size * (2 if pooling == "mean_max" else 1) * len(pool_layers)
    head = ContextHead(
        enc_dim,
        len(labelset.ids),
        role_mask_for(labelset),
        role_dim=h["role_dim"],
        hidden=h["hidden"],
        layers=h["layers"],
        dropout=h["dropout"],
    )
    return RuptureNet(encoder, head, pooling, pool_layers), tokenizer


def weights_to_save(net: RuptureNet, finetune: str) -> dict[str, torch.Tensor]:
    """Heads always; LoRA tensors after LoRA; the whole encoder after full fine-tuning."""
    state = net.state_dict()
    keep = {k for k in state if k.startswith("head.")}
    if finetune == "lora":
        keep |= {k for k in state if "lora_" in k}
    elif finetune == "full":
        keep |= {k for k in state if k.startswith("encoder.")}
    return {k: state[k].detach().cpu().contiguous().clone() for k in sorted(keep)}


def save_model(
    out_dir: str | Path,
    net: RuptureNet,
    arch: dict[str, Any],
    thresholds: dict[str, float],
    labelset: LabelSet,
    extra: dict[str, Any] | None = None,
    group_thresholds: dict[str, float] | None = None,
) -> Path:
    """Write weights, ``model.json``, thresholds and label set (plus ``extra`` JSON files by name)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_file(
        weights_to_save(net, arch["finetune"]), str(out / "model.safetensors"), metadata={"format": FORMAT}
    )
    write_json(out / "model.json", arch)
    write_json(out / "thresholds.json", thresholds)
    if group_thresholds:
        write_json(out / "group_thresholds.json", group_thresholds)
    else:
        (out / "group_thresholds.json").unlink(missing_ok=True)
    write_json(
        out / "labelset.json",
        {
            **labelset.fingerprint(),
            "labels": [
                {"id": lab.id, "name": lab.name, "group": lab.group, "role": lab.role}
                for lab in labelset.labels
            ],
        },
    )
    for name, obj in (extra or {}).items():
        write_json(out / name, obj)
    return out


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ModelError(f"cannot read {path}: {err}") from None


def check_labelset(model_dir: Path, recorded: dict[str, Any], labelset: LabelSet) -> None:
    """Refuse a model trained on another label set (name, version or ids)."""
    running = labelset.fingerprint()
    if recorded != running:
        raise ModelError(
            f"model {model_dir} was trained on label set {recorded.get('name')} v{recorded.get('version')} "
            f"({len(recorded.get('ids', []))} labels) but the running label set is {running['name']} "
            f"v{running['version']} ({len(running['ids'])} labels); retrain it with `rupture train`"
        )


def _resolve_and_check_base(arch: dict[str, Any], base_model: str | Path | None) -> Path:
    base_dir = resolve_base(base_model or arch["base_model"]["spec"])
    want = arch["base_model"]
    have = base_fingerprint(base_dir)
    if have["weights_sha256"] != want.get("weights_sha256"):
        raise ModelError(
            f"base encoder {base_dir} is not the one the model was trained on "
            f"({want.get('spec')}, {want.get('model_type')}, "
            f"weights sha256 {str(want.get('weights_sha256'))[:12]}...); "
            "give --base-model the original folder"
        )
    return base_dir


def load_model(
    path: str | Path | None = None,
    device: str = "cpu",
    base_model: str | Path | None = None,
    precision: str | None = None,
) -> RuptureClassifier:
    """Load a model directory (``None``: ``models/default``) ready to predict.

    Raises:
        ModelError: files missing, label set differs from the running one, or the base encoder differs.
    """
    from pipeline.paths import default_model_dir

    model_dir = Path(path) if path is not None else default_model_dir()
    if model_dir.is_dir():
        check_safe_files(model_dir, "model folder")
    missing = [f for f in REQUIRED_FILES if not (model_dir / f).exists()]
    if missing:
        raise ModelError(
            f"{model_dir} is not a usable model directory (missing {', '.join(missing)}); "
            "train one with `rupture train`"
        )
    arch = _read_json(model_dir / "model.json")
    labelset = load_labelset()
    check_labelset(model_dir, arch.get("labelset", {}), labelset)
    check_labelset(
        model_dir,
        {k: v for k, v in _read_json(model_dir / "labelset.json").items() if k != "labels"},
        labelset,
    )
    net, tokenizer = build_net(arch, _resolve_and_check_base(arch, base_model), labelset)
    _load_weights(net, model_dir / "model.safetensors", arch["finetune"])
    if arch["finetune"] == "lora":
        net.encoder = net.encoder.merge_and_unload()
    thresholds = _read_json(model_dir / "thresholds.json")
    if set(thresholds) != set(labelset.ids):
        raise ModelError(f"{model_dir / 'thresholds.json'} does not hold one threshold per label")
    group_path = model_dir / "group_thresholds.json"
    group_thresholds = _read_json(group_path) if group_path.exists() else {}
    if not set(group_thresholds) <= set(labelset.group_names):
        raise ModelError(f"{group_path} names groups the label set does not have")
    card_path = model_dir / "card.json"
    card = _read_json(card_path) if card_path.exists() else {"name": model_dir.name}
    card.setdefault("path", str(model_dir))
    return RuptureClassifier(
        net,
        tokenizer,
        labelset,
        thresholds,
        card,
        arch["max_length"],
        device,
        precision or arch.get("precision", "auto"),
        group_thresholds,
    )


def _load_weights(net: RuptureNet, path: Path, finetune: str) -> None:
    try:
        saved = load_file(str(path))
    except Exception as err:  # safetensors raises its own error types
        raise ModelError(f"cannot read weights {path}: {err}") from None
    expected = weights_to_save(net, finetune)
    missing = sorted(set(expected) - set(saved))
    unexpected = sorted(set(saved) - set(expected))
    bad_shape = [k for k in expected if k in saved and saved[k].shape != expected[k].shape]
    if missing or unexpected or bad_shape:
        first = (missing or unexpected or bad_shape)[0]
        raise ModelError(f"weights {path} do not fit the architecture in model.json (e.g. {first!r})")
    net.load_state_dict(saved, strict=False)
