"""Training: ``rupture train`` writes a model directory from sessions with gold labels.

Two stages. First the contextual layer and heads learn on frozen encoder vectors, computed once
(cheap: the encoder runs once per utterance for all of it). Then the encoder's LoRA adapters (or all
its weights) are fine-tuned together with them, one or a few sessions a step; after every epoch
dev macro-F1 (at thresholds tuned on dev) decides whether this is the best model so far, and
training stops after ``patience`` epochs without improvement. Finally the best weights are saved,
loaded back exactly as users will load them, thresholds are tuned on dev with that model, and dev
and test metrics go into the model card. Seeds and session order are fixed by ``seed``.

Example:
    >>> from pipeline.model.train import train_model            # doctest: +SKIP
    >>> res = train_model(load_training_data("data/corpus"), "models/mine", TrainConfig())  # doctest: +SKIP
    >>> res.metrics["test"]["macro_f1"]                           # doctest: +SKIP
"""

from __future__ import annotations

import copy
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from pipeline.errors import InputError
from pipeline.labelset import LabelSet, load_labelset
from pipeline.model.architecture import ROLE_INDEX, RuptureNet
from pipeline.model.base import resolve_base
from pipeline.model.card import write_card
from pipeline.model.classifier import session_probabilities
from pipeline.model.config import TrainConfig
from pipeline.model.data import TrainingSession, data_hash, split_counts
from pipeline.model.encoding import encode_all, length_batches, pad_batch, tokenize
from pipeline.model.metrics import evaluate
from pipeline.model.store import architecture_of, build_net, load_model, save_model
from pipeline.model.thresholds import decide_ids, tune_decision

STALE_FILES = ("baselines.json", "benchmark.json")


@dataclass
class Prepared:
    """One session as tensors: token ids, roles, unit of each utterance, unit targets and role masks."""

    data: TrainingSession
    ids: list[list[int]]
    roles: torch.Tensor
    units: torch.Tensor
    targets: torch.Tensor
    applies: torch.Tensor
    trivial_units: bool = False


@dataclass
class TrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when present, else ``cpu``."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(device, "CUDA is not available here", hint="use --device cpu")
    return device


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def prepare(data: list[TrainingSession], tokenizer, labelset: LabelSet, max_length: int) -> list[Prepared]:
    """Tokenise every utterance once and lay out unit targets."""
    mask_of = {r: torch.tensor([lab.role == r for lab in labelset.labels]) for r in ROLE_INDEX}
    col = {lab: j for j, lab in enumerate(labelset.ids)}
    out = []
    for ts in data:
        utts = ts.session.utterances
        unit_role = {}
        for u, k in zip(utts, ts.units, strict=True):
            unit_role.setdefault(k, u.role)
        targets = torch.zeros((len(ts.unit_labels), len(col)))
        for k, labels in enumerate(ts.unit_labels):
            targets[k, [col[lab] for lab in labels]] = 1.0
        applies = (
            torch.stack([mask_of[unit_role.get(k, "other")] for k in range(len(ts.unit_labels))])
            if ts.unit_labels
            else torch.zeros((0, len(col)), dtype=torch.bool)
        )
        out.append(
            Prepared(
                ts,
                tokenize(tokenizer, [u.text for u in utts], max_length),
                torch.tensor([ROLE_INDEX[u.role] for u in utts]),
                torch.tensor(ts.units),
                targets,
                applies,
                ts.units == list(range(len(utts))),
            )
        )
    return [p for p in out if p.ids]


def pos_weights(train: list[Prepared], cap: float) -> torch.Tensor:
    """``sqrt(negatives / positives)`` per label over units where it applies, in ``[1, cap]``."""
    y = torch.cat([p.targets for p in train])
    m = torch.cat([p.applies for p in train]).float()
    pos = (y * m).sum(0)
    neg = ((1 - y) * m).sum(0)
    return torch.sqrt(neg / pos.clamp(min=1)).clamp(1.0, cap)


def unit_logits(p: Prepared, logits: torch.Tensor) -> torch.Tensor:
    """Utterance logits -> unit logits (max over a unit's utterances)."""
    if p.trivial_units:
        return logits
    out = logits.new_full((len(p.targets), logits.shape[1]), -1e4)
    idx = p.units.to(logits.device)[:, None].expand_as(logits)
    return out.scatter_reduce(0, idx, logits, reduce="amax", include_self=False)


def unit_loss(logits: torch.Tensor, p: Prepared, pw: torch.Tensor, cfg: TrainConfig) -> torch.Tensor:
    y, m = p.targets.to(logits.device), p.applies.to(logits.device).float()
    bce = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pw, reduction="none")
    if cfg.loss == "focal":
        pt = torch.exp(-F.binary_cross_entropy_with_logits(logits, y, reduction="none"))
        bce = (1 - pt) ** cfg.focal_gamma * bce
    return (bce * m).sum() / m.sum().clamp(min=1)


def unit_probs(p: Prepared, probs: np.ndarray) -> np.ndarray:
    """Utterance probabilities -> unit probabilities (max over a unit's utterances)."""
    if p.trivial_units:
        return probs
    out = np.zeros((len(p.targets), probs.shape[1]), dtype=probs.dtype)
    np.maximum.at(out, p.units.numpy(), probs)
    return out


def score_split(
    prepared: list[Prepared],
    probs: list[np.ndarray],
    labelset: LabelSet,
    cfg: TrainConfig,
    thresholds: tuple[dict[str, float], dict[str, float]] | None = None,
    groups: bool = True,
) -> tuple[dict[str, Any], tuple[dict[str, float], dict[str, float]]]:
    """Unit-level metrics; (label, group) thresholds are tuned on these probabilities when not given.

    Model selection during training scores with label thresholds alone (``groups=False``): group
    thresholds tuned and scored on the same dev units only lower dev label F1 in-sample.
    """
    P = np.concatenate([unit_probs(p, pr) for p, pr in zip(prepared, probs, strict=True)])
    Y = torch.cat([p.targets for p in prepared]).numpy()
    A = torch.cat([p.applies for p in prepared]).numpy()
    if thresholds is None:
        thresholds = tune_decision(P, Y, A, labelset, cfg.min_dev_positives, cfg.group_thresholds and groups)
    pred = decide_ids(P, A, *thresholds, labelset)
    gold = [[labelset.ids[j] for j in np.flatnonzero(row)] for row in Y]
    return evaluate(gold, pred, labelset), thresholds


class Trainer:
    """The training loop around one :class:`RuptureNet`.

    When adapters sit only on the top layers of a BERT-like encoder (``lora_layers``), the token
    states entering the lowest adapted layer are computed once and cached: an epoch then runs only
    the adapted layers, forward and backward, which is what keeps CPU training short.
    """

    def __init__(
        self, net: RuptureNet, tokenizer, cfg: TrainConfig, labelset: LabelSet, device: str, progress: bool
    ):
        self.net, self.tokenizer, self.cfg, self.labelset = net, tokenizer, cfg, labelset
        self.device, self.progress = device, progress
        self.history: list[dict[str, Any]] = []
        self.k = min(cfg.lora_layers) if (cfg.finetune == "lora" and cfg.lora_layers and net.layers()) else 0
        self.vectors: dict[int, torch.Tensor] = {}
        self.states: dict[int, list[torch.Tensor]] = {}

    def _steps(self, n: int, epoch: int, per_step: int) -> list[list[int]]:
        order = list(np.random.default_rng(self.cfg.seed + epoch).permutation(n))
        return [order[i : i + per_step] for i in range(0, n, per_step)]

    def frozen_pass(self, prepared: list[Prepared]) -> None:
        """Encode every utterance once with the untouched encoder: vectors, and token states to cache."""
        self.net.eval()
        ids = [x for p in prepared for x in p.ids]
        vecs = torch.zeros((len(ids), self.net.head.norm.normalized_shape[0]))
        states: list[torch.Tensor | None] = [None] * len(ids)
        batches = length_batches([len(x) for x in ids], self.cfg.encode_batch_size, None)
        with torch.no_grad():
            for batch in tqdm(batches, desc="encode", disable=not self.progress):
                input_ids, mask = pad_batch([ids[i] for i in batch], self.tokenizer.pad_token_id, exact=False)
                input_ids, mask = input_ids.to(self.device), mask.to(self.device)
                if self.k:
                    v, h = self.net.encode_with_states(input_ids, mask, self.k)
                    for row, i in enumerate(batch):
                        states[i] = h[row, : len(ids[i])].clone()
                else:
                    v = self.net.encode(input_ids, mask)
                vecs[batch] = v.cpu()
        at = 0
        for p in prepared:
            n = len(p.ids)
            self.vectors[id(p)] = vecs[at : at + n].to(self.device)
            if self.k:
                self.states[id(p)] = states[at : at + n]
            at += n

    def fit_heads(self, train: list[Prepared], dev: list[Prepared], pw: torch.Tensor) -> None:
        """Stage 1: context layer and heads on the frozen utterance vectors."""
        cfg, head = self.cfg, self.net.head
        opt = torch.optim.AdamW(head.parameters(), lr=cfg.head_lr, weight_decay=cfg.weight_decay)
        best, best_state = -1.0, None
        for epoch in tqdm(range(cfg.head_epochs), desc="heads", disable=not self.progress):
            head.train()
            for step in self._steps(len(train), epoch, max(4, cfg.sessions_per_step)):
                batch = [train[i] for i in step]
                logits = head([self.vectors[id(p)] for p in batch], [p.roles.to(self.device) for p in batch])
                loss = sum(
                    unit_loss(unit_logits(p, lg), p, pw, cfg) for p, lg in zip(batch, logits, strict=True)
                ) / len(batch)
                opt.zero_grad()
                loss.backward()
                opt.step()
            score = self._score_vectors(dev, [self.vectors[id(p)] for p in dev])
            self.history.append({"stage": "heads", "epoch": epoch + 1, "dev_macro_f1": score})
            if score > best:
                best, best_state = score, copy.deepcopy(head.state_dict())
        if best_state is not None:
            head.load_state_dict(best_state)
        self._say(f"heads: best dev macro-F1 {best:.4f}")

    def _say(self, message: str) -> None:
        if self.progress:
            tqdm.write(message)

    def _score_vectors(self, dev: list[Prepared], vectors: list[torch.Tensor]) -> float:
        self.net.head.eval()
        with torch.no_grad():
            logits = self.net.head(vectors, [p.roles.to(self.device) for p in dev])
        probs = [torch.sigmoid(lg).cpu().numpy() for lg in logits]
        return score_split(dev, probs, self.labelset, self.cfg, groups=False)[0]["macro_f1"]

    def dev_score(self, dev: list[Prepared]) -> float:
        """Dev macro-F1 at thresholds tuned on dev, with the encoder as it is now."""
        if not self.k:
            probs = session_probabilities(
                self.net,
                self.tokenizer,
                [p.data.session for p in dev],
                self.cfg.max_length,
                self.cfg.encode_batch_size,
                self.device,
                "fp32",
            )
            return score_split(dev, probs, self.labelset, self.cfg, groups=False)[0]["macro_f1"]
        self.net.eval()
        with torch.no_grad():
            return self._score_vectors(dev, [self._vectors_of([p]) for p in dev])

    def fine_tune(self, train: list[Prepared], dev: list[Prepared], pw: torch.Tensor) -> None:
        """Stage 2: encoder (adapters or all weights) with context layer and heads; early stopping."""
        cfg, net = self.cfg, self.net
        enc_params = [p for p in net.encoder.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(
            [{"params": enc_params, "lr": cfg.encoder_lr}, {"params": net.head.parameters(), "lr": cfg.lr}],
            weight_decay=cfg.weight_decay,
        )
        n_steps = cfg.epochs * -(-len(train) // cfg.sessions_per_step)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(1, n_steps)))
        best = self.dev_score(dev)
        self.history.append({"stage": "fine-tune", "epoch": 0, "dev_macro_f1": best})
        best_state, waited = self._trainable_state(), 0
        for epoch in range(cfg.epochs):
            net.train()
            bar = tqdm(
                self._steps(len(train), 100 + epoch, cfg.sessions_per_step),
                desc=f"fine-tune {epoch + 1}",
                disable=not self.progress,
            )
            for step in bar:
                loss = self._step([train[i] for i in step], pw)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(enc_params + list(net.head.parameters()), 1.0)
                opt.step()
                sched.step()
                bar.set_postfix(loss=f"{loss.item():.4f}")
            score = self.dev_score(dev)
            self.history.append({"stage": "fine-tune", "epoch": epoch + 1, "dev_macro_f1": score})
            self._say(f"fine-tune epoch {epoch + 1}: dev macro-F1 {score:.4f} (best {max(best, score):.4f})")
            if score > best:
                best, best_state, waited = score, self._trainable_state(), 0
            else:
                waited += 1
                if waited >= cfg.patience:
                    break
        net.load_state_dict(best_state, strict=False)

    def _vectors_of(self, batch: list[Prepared]) -> torch.Tensor:
        """Utterance vectors of the sessions in ``batch`` (concatenated), through the current encoder."""
        bs = self.cfg.encode_batch_size
        if not self.k:
            ids = [x for p in batch for x in p.ids]
            return encode_all(self.net.encode, ids, self.tokenizer.pad_token_id, bs, self.device, exact=False)
        states = [h for p in batch for h in self.states[id(p)]]
        out = None
        for chunk in length_batches([len(h) for h in states], bs, None):
            padded = torch.nn.utils.rnn.pad_sequence([states[i] for i in chunk], batch_first=True)
            mask = torch.zeros(padded.shape[:2], dtype=torch.long)
            for row, i in enumerate(chunk):
                mask[row, : len(states[i])] = 1
            vecs = self.net.encode_upper(padded.to(self.device), mask.to(self.device), self.k)
            if out is None:
                out = vecs.new_zeros((len(states), vecs.shape[1]))
            out[torch.tensor(chunk, device=vecs.device)] = vecs
        return out

    def _step(self, batch: list[Prepared], pw: torch.Tensor) -> torch.Tensor:
        vecs = self._vectors_of(batch)
        logits = self.net.head(
            list(vecs.split([len(p.ids) for p in batch])), [p.roles.to(self.device) for p in batch]
        )
        return sum(
            unit_loss(unit_logits(p, lg), p, pw, self.cfg) for p, lg in zip(batch, logits, strict=True)
        ) / len(batch)

    def _trainable_state(self) -> dict[str, torch.Tensor]:
        return {
            k: v.detach().clone()
            for k, v in self.net.state_dict().items()
            if k.startswith("head.")
            or "lora_" in k
            or (self.cfg.finetune == "full" and k.startswith("encoder."))
        }


def train_model(
    data: list[TrainingSession],
    out_dir: str | Path,
    cfg: TrainConfig,
    device: str = "auto",
    progress: bool = True,
    base_model: str | Path | None = None,
) -> TrainResult:
    """Train on the ``train`` split, select on ``dev``, report ``dev`` and ``test``; write ``out_dir``."""
    t0 = time.perf_counter()
    device = resolve_device(device)
    seed_everything(cfg.seed)
    labelset = load_labelset()
    splits = {s: [ts for ts in data if ts.split == s] for s in ("train", "dev", "test")}
    for s in ("train", "dev"):
        if not splits[s]:
            raise InputError(
                "training data",
                f"has no {s} sessions",
                hint="the corpus needs train and dev splits (dev tunes thresholds and stopping)",
            )
    base_spec = str(Path(base_model).resolve()) if base_model else cfg.base_model
    if base_model:
        cfg = cfg.model_copy(update={"base_model": base_spec})
    base_dir = resolve_base(base_spec)
    arch = architecture_of(cfg, base_spec, base_dir, labelset)
    net, tokenizer = build_net(arch, base_dir, labelset)
    net.to(device)
    prep = {s: prepare(v, tokenizer, labelset, cfg.max_length) for s, v in splits.items()}
    pw = pos_weights(prep["train"], cfg.pos_weight_cap).to(device)
    trainer = Trainer(net, tokenizer, cfg, labelset, device, progress)
    trainer.frozen_pass(prep["train"] + prep["dev"])
    if cfg.head_epochs:
        trainer.fit_heads(prep["train"], prep["dev"], pw)
    if cfg.finetune != "frozen" and cfg.epochs:
        trainer.fine_tune(prep["train"], prep["dev"], pw)
    fit_seconds = time.perf_counter() - t0
    out = Path(out_dir)
    for stale in STALE_FILES:  # measured on a previous model in the same folder
        (out / stale).unlink(missing_ok=True)
    save_model(out, net.cpu(), arch, dict.fromkeys(labelset.ids, 0.5), labelset)
    metrics = finalise(out, prep, cfg, device)
    thresholds, group_thresholds = metrics.pop("_thresholds")
    info = {
        "data_hash": data_hash(data),
        "splits": split_counts(data, labelset),
        "units": "turns" if any(not p.trivial_units for v in prep.values() for p in v) else "utterances",
    }
    card = {
        "name": out.name,
        "labelset": labelset.fingerprint(),
        "base_model": arch["base_model"],
        "finetune": cfg.finetune,
        "data_hash": info["data_hash"],
        "train_seconds": round(time.perf_counter() - t0, 1),
        "fit_seconds": round(fit_seconds, 1),
        "device": device,
        "torch_threads": torch.get_num_threads(),
        "metrics": {s: _headline(m) for s, m in metrics.items()},
    }
    save_model(
        out,
        net,
        arch,
        thresholds,
        labelset,
        extra={
            "train_config.json": cfg.model_dump(mode="json"),
            "training_data.json": info,
            "metrics.json": metrics,
            "card.json": card,
            "history.json": trainer.history,
        },
        group_thresholds=group_thresholds,
    )
    write_card(out)
    return TrainResult(out, metrics, trainer.history, time.perf_counter() - t0)


def finalise(out: Path, prep: dict[str, list[Prepared]], cfg: TrainConfig, device: str) -> dict[str, Any]:
    """Load the saved model as users will, tune thresholds on dev with it, score dev and test."""
    clf = load_model(out, device=device)
    metrics: dict[str, Any] = {}
    thresholds = None
    for split in ("dev", "test"):
        if not prep[split]:
            continue
        probs = clf.probabilities([p.data.session for p in prep[split]], cfg.encode_batch_size)
        metrics[split], tuned = score_split(prep[split], probs, clf.labelset, cfg, thresholds)
        thresholds = thresholds or tuned
    metrics["_thresholds"] = thresholds
    return metrics


def _headline(m: dict[str, Any]) -> dict[str, Any]:
    return {k: m[k] for k in ("units", "macro_f1", "labels_scored", "groups_macro_f1")}
