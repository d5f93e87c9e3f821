"""Evaluation against hand-coded 3RS labels, agreement between coders, and grouped cross-validation.

Commands (thin wrappers in ``pipeline/cli/evaluate.py``)::

    rupture evaluate --gold GOLD [--gold GOLD ...] --pred ANNOTATE_OUT
    rupture evaluate --gold data/corpus --split test --model models/default
    rupture evaluate --gold turns.gold.csv --model M --transcripts FOLDER
    rupture agreement CODER_A CODER_B [--transcripts FOLDER] [--pred ANNOTATE_OUT]
    rupture cv --corpus data/corpus --folds 5 [--config train.toml] [--fast]

each with ``--json`` (machines), ``--report DIR`` (HTML page with plots), ``--bootstrap N`` (default 1000
draws over sessions, ``--seed``) and ``--tolerance`` (seconds, episode matching; default 60).

Modules: :mod:`~pipeline.evaluate.gold` (gold formats), :mod:`~pipeline.evaluate.predictions` (annotate
output or a model run), :mod:`~pipeline.evaluate.align` (lining up at the gold's grain, mismatches),
:mod:`~pipeline.evaluate.metrics` (label figures: **the definitions the model card uses**),
:mod:`~pipeline.evaluate.icc` (ratings), :mod:`~pipeline.evaluate.episodes`,
:mod:`~pipeline.evaluate.bootstrap`, :mod:`~pipeline.evaluate.core` (``evaluate_sessions``),
:mod:`~pipeline.evaluate.table`, :mod:`~pipeline.evaluate.report`, :mod:`~pipeline.evaluate.cv`.

Example:
    >>> from pipeline.evaluate import evaluate_sessions
    >>> callable(evaluate_sessions)
    True
"""

from __future__ import annotations

from pipeline.evaluate.core import EvaluationResult, compare, compare_coders, evaluate_sessions, score

__all__ = ["EvaluationResult", "compare", "compare_coders", "evaluate_sessions", "score"]
