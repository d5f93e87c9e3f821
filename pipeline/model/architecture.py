"""The network: utterance encoder, speaker role, a bidirectional contextual layer, masked heads.

Every utterance is encoded once on its own (mean-pooled encoder tokens); the session's sequence of
utterance vectors, each joined with a role embedding, runs through a bidirectional GRU, so what
follows a patient's "okay" counts as much as what preceded it. The head sees the utterance's own
vector and its context, and gives one logit per label; labels that do not apply to the role
(``wd_`` on a therapist utterance, anything on "other") are masked out.

Example:
    >>> import torch
    >>> net = ContextHead(enc_dim=8, n_labels=3, role_mask=torch.ones(3, 3, dtype=torch.bool), hidden=4)
    >>> net([torch.zeros(5, 8)], [torch.zeros(5, dtype=torch.long)])[0].shape
    torch.Size([5, 3])
"""

from __future__ import annotations

import torch
from torch import nn

ROLES = ("patient", "therapist", "other")
ROLE_INDEX = {r: i for i, r in enumerate(ROLES)}


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean of the token vectors that are not padding (sentence-transformers' pooling)."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, mode: str = "mean") -> torch.Tensor:
    """``mean`` pooling, or ``mean_max``: mean and max of the tokens side by side (keeps sharp cues)."""
    mean = mean_pool(hidden, attention_mask)
    if mode == "mean":
        return mean
    masked = hidden.masked_fill(attention_mask.unsqueeze(-1) == 0, torch.finfo(hidden.dtype).min)
    return torch.cat([mean, masked.max(1).values], -1)


def role_mask_for(labelset, roles: tuple[str, ...] = ROLES) -> torch.Tensor:
    """``[n_roles, n_labels]``: True where the label applies to the role."""
    return torch.tensor([[lab.role == r for lab in labelset.labels] for r in roles], dtype=torch.bool)


class ContextHead(nn.Module):
    """Role embedding, bidirectional GRU over a session's utterance vectors, and the label head."""

    def __init__(
        self,
        enc_dim: int,
        n_labels: int,
        role_mask: torch.Tensor,
        role_dim: int = 16,
        hidden: int = 128,
        layers: int = 1,
        dropout: float = 0.2,
    ):
        super().__init__()
        self.norm = nn.LayerNorm(enc_dim)
        self.role = nn.Embedding(len(ROLES), role_dim)
        self.drop = nn.Dropout(dropout)
        self.gru = nn.GRU(enc_dim + role_dim, hidden, num_layers=layers, batch_first=True, bidirectional=True)
        self.out = nn.Linear(enc_dim + role_dim + 2 * hidden, n_labels)
        self.register_buffer("role_mask", role_mask.clone(), persistent=False)

    def forward(self, vectors: list[torch.Tensor], roles: list[torch.Tensor]) -> list[torch.Tensor]:
        """Per session: ``[n, enc_dim]`` vectors and ``[n]`` role indices -> ``[n, n_labels]`` logits."""
        lengths = [len(v) for v in vectors]
        x = torch.cat(
            [torch.cat([self.norm(v.float()), self.role(r)], -1) for v, r in zip(vectors, roles, strict=True)]
        )
        x = self.drop(x)
        seqs = nn.utils.rnn.pad_sequence(list(x.split(lengths)), batch_first=True)
        packed = nn.utils.rnn.pack_padded_sequence(
            seqs, torch.tensor(lengths), batch_first=True, enforce_sorted=False
        )
        ctx, _ = self.gru(packed)
        ctx, _ = nn.utils.rnn.pad_packed_sequence(ctx, batch_first=True)
        ctx = torch.cat([c[:n] for c, n in zip(ctx, lengths, strict=True)])
        logits = self.out(torch.cat([x, self.drop(ctx)], -1))
        return list(logits.split(lengths))


class RuptureNet(nn.Module):
    """Encoder (a Hugging Face ``AutoModel``, possibly with LoRA adapters) plus :class:`ContextHead`.

    ``pool_layers`` picks the encoder outputs pooled into the utterance vector, as indices into the
    encoder's hidden states (0: embeddings, -1: last layer); their pooled vectors are joined side by
    side. The upper middle layers keep more of an utterance's wording than the last layer of a
    sentence-similarity encoder, and the wording carries many markers ("fine", "whatever").
    """

    def __init__(
        self,
        encoder: nn.Module,
        head: ContextHead,
        pooling: str = "mean",
        pool_layers: list[int] | None = None,
    ):
        super().__init__()
        self.encoder = encoder
        self.head = head
        self.pooling = pooling
        self.pool_layers = list(pool_layers) if pool_layers else [-1]

    def _pool_states(self, hidden_states, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.cat([pool(hidden_states[i], attention_mask, self.pooling) for i in self.pool_layers], -1)

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """``[batch, tokens]`` -> ``[batch, enc_dim]`` utterance vectors."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
        return self._pool_states(out.hidden_states, attention_mask)

    def layers(self) -> nn.ModuleList | None:
        """The encoder's transformer layers when it is BERT-like (``.encoder.layer``), else ``None``."""
        base = self.encoder.get_base_model() if hasattr(self.encoder, "get_base_model") else self.encoder
        layers = getattr(getattr(base, "encoder", None), "layer", None)
        return layers if isinstance(layers, nn.ModuleList) else None

    def encode_with_states(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, k: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Utterance vectors and the token states entering layer ``k`` (what :meth:`encode_upper` takes)."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
        return self._pool_states(out.hidden_states, attention_mask), out.hidden_states[k]

    def encode_upper(self, states: torch.Tensor, attention_mask: torch.Tensor, k: int) -> torch.Tensor:
        """Run layers ``k..`` on cached token states -> utterance vectors (same as :meth:`encode`)."""
        from transformers.masking_utils import create_bidirectional_mask

        base = self.encoder.get_base_model() if hasattr(self.encoder, "get_base_model") else self.encoder
        mask = create_bidirectional_mask(
            config=base.config, inputs_embeds=states, attention_mask=attention_mask
        )
        layers = self.layers()
        hidden_states: list[torch.Tensor | None] = [None] * k + [states]
        for layer in layers[k:]:
            states = layer(states, mask)
            hidden_states.append(states)
        if any(hidden_states[i] is None for i in self.pool_layers):
            raise ValueError(f"pool_layers {self.pool_layers} reach below the cached layer {k}")
        return self._pool_states(hidden_states, attention_mask)
