"""``rupture annotate --engine ray``: the annotate run spread over a Ray cluster with Ray Data.

How a run goes:

* the driver (where the command runs) reads and segments the inputs (as the local engine does, with
  the same skipped-file report), skips sessions already done in ``--out``, and groups the rest into
  batches of about ``batch_utterances`` utterances, each put in Ray's object store as soon as it is
  full: the driver holds one batch and references, so its memory is bounded by the batch, not by
  the number of sessions (the object store spills to disk when it fills);
* Ray Data maps the batches over a pool of actors (``ActorPoolStrategy``), each of which loads the
  model once and runs :func:`pipeline.annotate.classify_and_summarise` (one model call a batch);
* results stream back to the driver, which writes each session's files with the local engine's
  :func:`pipeline.annotate.write_session_outputs` (summary last, so a rerun resumes), then the cohort
  tables and ``run.json``.

So inputs and ``--out`` only need to be on the driver's disk; the model folder (``--model``, or the
default shipped inside the package) and the ``rupture`` package must be installed on every node.
Ray is imported only here, lazily: without it the command says ``pip install .[ray]``.

Example:
    >>> from pipeline.annotate import AnnotateConfig                           # doctest: +SKIP
    >>> annotate_ray(["transcripts/"], AnnotateConfig("out"), None, "auto")    # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pipeline.errors import RuptureError

INSTALL_HINT = "--engine ray needs Ray, which is not installed here: pip install .[ray] (or 'rupture[ray]')"


def import_ray() -> Any:
    """``ray`` (with Ray Data), or a one-line :class:`RuptureError` saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (the ``data`` extra)
    except ImportError:
        raise RuptureError(INSTALL_HINT) from None
    return ray


class _Card:
    """Stands in for the classifier in ``_finish`` (which only reads ``.card``)."""

    def __init__(self, card: dict[str, Any]):
        self.card = card


class AnnotateWorker:
    """A Ray Data actor: loads the model once, then classifies and summarises batches of sessions.

    ``model``: a model folder (``None``: the default shipped model) or a classifier object (tests).
    Each input row holds one batch of sessions as JSON; each output row the classified sessions and
    their summaries as JSON, and the model card.
    """

    def __init__(self, model: Any, config: Any, threads: int = 1):
        import torch

        torch.set_num_threads(max(1, int(threads)))
        from pipeline import annotate as runner

        self.runner = runner
        self.config = config
        self.error = ""  # a failure is handed back as data and raised on the driver in one line
        self.card = "{}"
        try:
            if model is None or isinstance(model, (str, Path)):
                self.classifier = runner.load_classifier(model)
            else:
                self.classifier = model
            self.card = json.dumps(self.classifier.card)
        except Exception as err:
            self.error = _describe(err)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        from pipeline.datamodel import Session

        results, errors = [], []
        for payload in batch["sessions"]:
            error, out = self.error, "[]"
            if not error:
                try:
                    if not isinstance(payload, str):  # a reference into the object store
                        import ray

                        payload = ray.get(payload)
                    sessions = [Session.model_validate(d) for d in json.loads(payload)]
                    pairs = self.runner.classify_and_summarise(sessions, self.classifier, self.config)
                    out = json.dumps(
                        [[s.model_dump(mode="json"), m.model_dump(mode="json")] for s, m in pairs]
                    )
                except Exception as err:
                    error = _describe(err)
            results.append(out)
            errors.append(error)
        return {"results": results, "error": errors, "card": [self.card] * len(results)}


def _describe(err: BaseException) -> str:
    """One line: a RuptureError's own message, else the error type and its first line."""
    if isinstance(err, RuptureError):
        return str(err).replace("\n", " ")
    return f"{type(err).__name__}: {_first_line(err)}"


def annotate_ray(
    inputs: list[str],
    config: Any,
    model_path: Any = None,
    ray_address: str | None = None,
    num_cpus: int | None = None,
    cpus_per_worker: int = 1,
) -> Any:
    """Annotate ``inputs`` into ``config.out_dir`` on Ray; returns the local engine's ``AnnotateResult``.

    Args:
        inputs, config: as for :func:`pipeline.annotate.annotate`.
        model_path: model folder (``None``: ``models/default``); a classifier object also works
            (it is shipped to the workers by value).
        ray_address: an existing cluster (``auto``, ``ray://head:10001``, ``host:6379``); ``None``
            connects to a Ray already started in this process, or starts a local one for the run
            (on 127.0.0.1 only) and stops it after.
        num_cpus: CPUs of the local Ray started for the run (default: all of this machine's).
        cpus_per_worker: CPUs (and torch threads) of each model worker; workers = cluster CPUs / this.
    """
    ray = import_ray()
    from pipeline import annotate as runner

    runner.check_identifiers(inputs, config)
    if model_path is None or isinstance(model_path, (str, Path)):
        _check_model_dir(model_path)
    result = runner.AnnotateResult()
    started = time.perf_counter()
    if hasattr(runner, "_remove_stale_parts"):  # temporary files a killed run left behind
        runner._remove_stale_parts(config.out_dir)
    started_ray = _start_ray(ray, ray_address, num_cpus)
    card: dict[str, Any] | None = None
    try:
        batches = _read_batches(runner.read_sessions(inputs, config, result), config, result, ray.put)
        if batches:
            card = _run(ray, batches, config, model_path, cpus_per_worker, num_cpus, result)
    finally:
        if started_ray:
            # Ray Data's executor threads wind down after the last batch; disconnecting the driver
            # before they have was seen to end the process with exit code 1 (ray 2.60).
            time.sleep(2)
            ray.shutdown()
    result.seconds = time.perf_counter() - started
    if card is None:  # nothing to do (all done already): the card for run.json without Ray
        card = model_path.card if hasattr(model_path, "card") else runner.load_classifier(model_path).card
    runner._finish(config, _Card(card), result)
    return result


def _check_model_dir(model_path: str | Path | None) -> None:
    """Fail on the driver, before any worker starts, when the model folder is not there."""
    from pipeline.model.store import REQUIRED_FILES
    from pipeline.paths import default_model_dir

    model_dir = Path(model_path) if model_path is not None else default_model_dir()
    missing = [f for f in REQUIRED_FILES if not (model_dir / f).exists()]
    if missing:
        raise RuptureError(
            f"{model_dir} is not a usable model directory (missing {', '.join(missing)}); "
            "train one with `rupture train`"
        )


def _read_batches(
    sessions: Iterator[Any], config: Any, result: Any, store: Callable[[str], Any] = lambda x: x
) -> list[tuple[Any, int, int]]:
    """``(stored sessions JSON, n_sessions, n_utterances)`` batches of the sessions not done yet; each
    batch's JSON goes to ``store`` (``ray.put``) as soon as it is full, so only references are kept."""
    from pipeline.annotate import is_done

    out: list[tuple[Any, int, int]] = []
    batch: list[dict[str, Any]] = []
    n_utts = 0

    def flush() -> None:
        out.append((store(json.dumps(batch)), len(batch), n_utts))

    for s in sessions:
        if is_done(config, s.session_id):
            result.already_done += 1
            result.already_done_utterances += len(s.utterances)
            continue
        batch.append(s.model_dump(mode="json"))
        n_utts += len(s.utterances)
        result.utterances += len(s.utterances)
        if n_utts >= config.batch_utterances:
            flush()
            batch, n_utts = [], 0
    if batch:
        flush()
    return out


def _start_ray(ray: Any, address: str | None, num_cpus: int | None) -> bool:
    """Connect (or start a local Ray); True when this run started it and must stop it."""
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
        "configure_logging": True,
    }
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=num_cpus or os.cpu_count(), _node_ip_address="127.0.0.1", **kwargs)
    except Exception as err:  # ConnectionError, RuntimeError, ... : one line
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise RuptureError(
            f"could not start or reach {where}: {_first_line(err)} "
            "(check --ray-address; `ray status` on the head node shows it)"
        ) from None
    return True


def _run(
    ray: Any,
    batches: list[tuple[Any, int, int]],
    config: Any,
    model: Any,
    cpus_per_worker: int,
    num_cpus: int | None,
    result: Any,
) -> dict[str, Any] | None:
    from pipeline import annotate as runner
    from pipeline.datamodel import Session, SessionSummary

    logging.getLogger("ray.data").setLevel(logging.ERROR)  # our own progress bar, not Ray Data's
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.enable_operator_progress_bars = False
    ctx.enable_auto_log_stats = False

    cpus = num_cpus or int(ray.cluster_resources().get("CPU", 1))
    workers = max(1, min(len(batches), cpus // max(1, cpus_per_worker)))
    ds = ray.data.from_items([{"sessions": b[0]} for b in batches], override_num_blocks=len(batches))
    ds = ds.map_batches(
        AnnotateWorker,
        batch_size=1,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cpus_per_worker,
        fn_constructor_kwargs={"model": model, "config": config, "threads": cpus_per_worker},
    )
    progress = runner._Progress(config.progress)
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rupture-writer")
    pending: list[Future[None]] = []
    card: dict[str, Any] | None = None
    try:
        try:
            for row in ds.iter_rows():
                if row["error"]:
                    raise RuptureError(
                        f"a Ray worker failed: {row['error']} "
                        "(sessions already written are kept; rerun to resume)"
                    )
                card = card or json.loads(row["card"])
                done = []
                for session_json, summary_json in json.loads(row["results"]):
                    session = Session.model_validate(session_json)
                    summary = SessionSummary.model_validate(summary_json)
                    pending.append(writer.submit(runner.write_session_outputs, session, summary, config))
                    done.append(session)
                progress.advance(done, result.utterances)
                runner._raise_write_errors(pending)
        except RuptureError:
            raise
        except Exception as err:  # a worker failed: Ray wraps it; say what it was in one line
            raise RuptureError(
                f"a Ray worker failed: {_root_message(err)} "
                "(sessions already written are kept; rerun to resume)"
            ) from None
        writer.shutdown(wait=True)
        runner._raise_write_errors(pending)
    finally:
        writer.shutdown(wait=True)  # sessions already classified are still written: nothing is lost
        progress.close()
    result.written = sum(f.done() and not f.cancelled() and f.exception() is None for f in pending)
    return card


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _root_message(err: BaseException) -> str:
    """The user's error inside Ray's wrappers: a RuptureError's message if there is one."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [err]
    last = err
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, RuptureError):
            return str(e)
        last = e
        stack += [getattr(e, "cause", None), e.__cause__, e.__context__]
    lines = [ln for ln in str(last).strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else type(last).__name__
