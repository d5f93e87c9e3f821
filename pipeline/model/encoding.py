"""Tokenising and encoding utterances in length-sorted batches (minimal padding, each utterance once).

Padding is to the batch's longest utterance rounded up to a multiple of :data:`PAD_MULTIPLE`, and a
batch only holds utterances of one such length bucket, so an utterance is always encoded at the same
padded length whatever the batch size: predictions do not depend on how the input was batched.

Example:
    >>> length_batches([5, 1, 9, 3, 17], batch_size=8)      # buckets of 8 tokens: 1-8, 9-16, 17-24
    [[0, 1, 3], [2], [4]]
    >>> length_batches([5, 1, 9, 3], batch_size=2, lengths_bucket=None)
    [[1, 3], [0, 2]]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch

PAD_MULTIPLE = 8


def bucket_of(n_tokens: int) -> int:
    """The padded length of an utterance of ``n_tokens`` tokens."""
    return -(-n_tokens // PAD_MULTIPLE) * PAD_MULTIPLE


def tokenize(tokenizer, texts: list[str], max_length: int) -> list[list[int]]:
    """Token ids of every text (special tokens added, truncated to ``max_length``)."""
    if not texts:
        return []
    enc = tokenizer(texts, truncation=True, max_length=max_length, padding=False)
    return [list(ids) for ids in enc["input_ids"]]


def length_batches(
    lengths: list[int], batch_size: int, lengths_bucket: Callable[[int], int] | None = bucket_of
) -> list[list[int]]:
    """Indices sorted by length (stable) and cut into batches, shortest first.

    With ``lengths_bucket`` a batch never mixes buckets (batch-size-invariant padding, for
    prediction); with ``None`` batches are simply filled (fewer, fuller batches, for training).
    """
    key = lengths_bucket or (lambda n: 0)
    order = sorted(range(len(lengths)), key=lambda i: (key(lengths[i]) if lengths_bucket else lengths[i], i))
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < batch_size and key(lengths[batches[-1][0]]) == key(lengths[i]):
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def pad_batch(ids: list[list[int]], pad_id: int, exact: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad to the longest one's bucket (its length if not ``exact``) -> ``(ids, attention_mask)``."""
    width = max(len(x) for x in ids)
    width = bucket_of(width) if exact else width
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        input_ids[row, : len(x)] = torch.tensor(x, dtype=torch.long)
        mask[row, : len(x)] = 1
    return input_ids, mask


def encode_batches(
    encode: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    ids: list[list[int]],
    pad_id: int,
    batch_size: int,
    device: str | torch.device = "cpu",
    exact: bool = True,
) -> Iterator[tuple[list[int], torch.Tensor]]:
    """Yield ``(indices, vectors)`` for length-sorted batches of ``ids`` (bucketed when ``exact``)."""
    for batch in length_batches([len(x) for x in ids], batch_size, bucket_of if exact else None):
        input_ids, mask = pad_batch([ids[i] for i in batch], pad_id, exact)
        yield batch, encode(input_ids.to(device), mask.to(device))


def encode_all(
    encode: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    ids: list[list[int]],
    pad_id: int,
    batch_size: int,
    device: str | torch.device = "cpu",
    exact: bool = True,
) -> torch.Tensor:
    """Vectors of all ``ids`` in their original order (``[n, dim]``); ``exact``: see :func:`pad_batch`."""
    out: torch.Tensor | None = None
    for batch, vecs in encode_batches(encode, ids, pad_id, batch_size, device, exact):
        if out is None:
            out = vecs.new_zeros((len(ids), vecs.shape[-1]), dtype=vecs.dtype)
        out[torch.tensor(batch, device=vecs.device)] = vecs
    if out is None:
        raise ValueError("nothing to encode")
    return out
