"""Engines that run ``rupture annotate``: the local one lives in :mod:`pipeline.annotate`; Ray is here.

``local`` (default): one process, prefetching reader thread, one model, writer thread.
``ray``: Ray Data spreads batches of sessions over a Ray cluster (or a local Ray started for the run),
the model loaded once per worker; outputs, resuming and error reporting are the local engine's.

Example:
    >>> ENGINES
    ('local', 'ray')
    >>> check_engine("spark")
    Traceback (most recent call last):
    ...
    pipeline.errors.RuptureError: unknown --engine spark; choose local or ray
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import RuptureError

ENGINES = ("local", "ray")


def check_engine(engine: str) -> str:
    """``engine`` if known, else a one-line :class:`RuptureError`."""
    if engine not in ENGINES:
        raise RuptureError(f"unknown --engine {engine}; choose {' or '.join(ENGINES)}")
    return engine


def run_annotate(
    inputs: list[str],
    config: Any,
    model: str | Path | None = None,
    engine: str = "local",
    ray_address: str | None = None,
    num_cpus: int | None = None,
) -> Any:
    """What ``rupture annotate`` calls: ``annotate()`` locally, or :func:`annotate_ray` on Ray.

    ``model`` is a model folder (``None``: the shipped default). ``ray_address`` and ``num_cpus`` only
    apply to the Ray engine (giving ``--ray-address`` with ``--engine local`` is an error).
    """
    check_engine(engine)
    if engine == "local":
        if ray_address:
            raise RuptureError("--ray-address needs --engine ray")
        from pipeline import annotate as runner

        return runner.annotate(inputs, config, model=model)
    from pipeline.engines.ray_engine import annotate_ray

    return annotate_ray(inputs, config, model, ray_address=ray_address, num_cpus=num_cpus)
