"""The batch runner behind ``rupture annotate``: read -> segment -> classify -> summarise -> write.

Layout of the output folder (``--format`` picks all but ``sessions/``, which is always written):

* ``utterances/<session_id>.jsonl``: the utterances with predicted ``labels`` and ``scores``;
* ``sessions/<session_id>.json``: the :class:`~pipeline.datamodel.SessionSummary`, written last, so
  its presence means the session is complete (a rerun skips it unless ``overwrite``);
* ``reports/<session_id>.html``: the supervisor's page;
* ``cohort.csv``, ``cohort.parquet``, ``cohort.html``: one row a session over everything in the folder;
* ``run.json``: what the last run did (model, counts, skipped files, timing).

Every file is written atomically. The per-session work after reading is :func:`process_batch`
(classify a batch of sessions in one model call, summarise, write), so another engine can map it over
batches; :func:`annotate` overlaps it with reading (a prefetch thread) and writing (a writer thread).

Example:
    >>> import tempfile, pathlib
    >>> from pipeline.labelset import load_labelset
    >>> class Quiet:  # a stand-in model that finds nothing
    ...     labelset, card = load_labelset(), {"name": "quiet"}
    ...     def predict(self, sessions, batch_size=64):
    ...         return sessions
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "s1.txt").write_text("T: How was the week?\\nP: Fine.\\n")
    >>> res = annotate([str(d / "s1.txt")], AnnotateConfig(d / "out", progress=False), Quiet())
    >>> res.written, sorted(p.name for p in (d / "out").iterdir())
    (1, ['cohort.csv', 'cohort.html', 'cohort.parquet', 'reports', 'run.json', 'sessions', 'utterances'])
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.batch import BatchReport, load_sessions
from pipeline.cohort import cohort_frame, read_summaries, write_cohort_tables
from pipeline.datamodel import Session, SessionSummary
from pipeline.errors import RuptureError
from pipeline.io import write_json, write_session_utterances
from pipeline.labelset import LabelSet
from pipeline.report import write_cohort_page, write_session_report
from pipeline.summarise import summarise

FORMATS = ("utterances", "reports", "csv", "parquet", "cohort-html")


class Classifier(Protocol):
    """What the runner needs of a model (``pipeline.model.RuptureClassifier`` has it)."""

    labelset: LabelSet
    card: dict[str, Any]

    def predict(self, sessions: list[Session], batch_size: int = 64) -> list[Session]: ...


@dataclass
class AnnotateConfig:
    """Where and what to write. ``batch_utterances``: sessions are grouped up to this many per model call."""

    out_dir: Path
    formats: frozenset[str] = frozenset(FORMATS)
    no_text: bool = False
    overwrite: bool = False
    batch_size: int = 64
    batch_utterances: int = 1024
    progress: bool = True
    input_format: str | None = None
    roles: dict[str, str] | None = None
    columns: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        unknown = set(self.formats) - set(FORMATS)
        if unknown:
            raise RuptureError(
                f"unknown --format {', '.join(sorted(unknown))}; choose from {', '.join(FORMATS)}"
            )


@dataclass
class AnnotateResult:
    """What a run did; ``read`` holds the reader's counts, warnings and skipped files."""

    written: int = 0
    already_done: int = 0
    utterances: int = 0
    seconds: float = 0.0
    already_done_utterances: int = 0
    read: BatchReport = field(default_factory=BatchReport)

    def lines(self) -> list[str]:
        rate = self.utterances / self.seconds if self.seconds else 0.0
        done = (
            f"; {self.already_done} already done (skipped; --overwrite redoes them)"
            if self.already_done
            else ""
        )
        return self.read.lines() + [
            f"annotated {self.written} sessions, {self.utterances} utterances in {self.seconds:.1f} s "
            f"({rate:.0f} utterances/s){done}"
        ]


def file_stem(session_id: str) -> str:
    """A session id made safe as a file name.

    Example:
        >>> file_stem("clinic A/session 3")
        'clinic_A_session_3'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", session_id).strip("._") or "session"


def summary_path(out_dir: Path, session_id: str) -> Path:
    return out_dir / "sessions" / f"{file_stem(session_id)}.json"


def is_done(config: AnnotateConfig, session_id: str) -> bool:
    """A session counts as done when its summary (written last) exists."""
    return not config.overwrite and summary_path(config.out_dir, session_id).exists()


# -- the per-batch work ---------------------------------------------------------------------------


def classify_and_summarise(
    sessions: list[Session], classifier: Classifier, config: AnnotateConfig
) -> list[tuple[Session, SessionSummary]]:
    """One model call for the batch, then the summary of each session."""
    classified = classifier.predict(sessions, batch_size=config.batch_size)
    return [(s, summarise(s, classifier.labelset, model_card=classifier.card)) for s in classified]


def write_session_outputs(session: Session, summary: SessionSummary, config: AnnotateConfig) -> None:
    """Write one session's files; the summary goes last so it marks the session complete."""
    stem = file_stem(session.session_id)
    if "utterances" in config.formats:
        write_session_utterances(config.out_dir / "utterances" / f"{stem}.jsonl", session, config.no_text)
    if "reports" in config.formats:
        write_session_report(config.out_dir / "reports" / f"{stem}.html", session, summary, config.no_text)
    write_json(summary_path(config.out_dir, session.session_id), summary)


def process_batch(
    sessions: list[Session], classifier: Classifier, config: AnnotateConfig
) -> list[SessionSummary]:
    """read+segment done -> classify batch -> summarise -> write: the unit an engine maps over."""
    out = []
    for session, summary in classify_and_summarise(sessions, classifier, config):
        write_session_outputs(session, summary, config)
        out.append(summary)
    return out


def load_classifier(path: str | Path | None) -> Classifier:
    """The model at ``path``, or the shipped default (``models/default``)."""
    from pipeline.model import load_model

    return load_model(path)


# -- the runner -----------------------------------------------------------------------------------


def annotate(
    inputs: list[str], config: AnnotateConfig, classifier: Classifier | None = None
) -> AnnotateResult:
    """Annotate every transcript in ``inputs`` into ``config.out_dir`` (resumable; see the module doc)."""
    if classifier is None:
        classifier = load_classifier(None)
    result = AnnotateResult()
    started = time.perf_counter()
    _remove_stale_parts(config.out_dir)
    reader = _Prefetch(load_sessions(inputs, config.input_format, config.roles, config.columns, result.read))
    progress = _Progress(config.progress)
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rupture-writer")
    pending: list[Future[None]] = []
    try:
        for batch in _batches(reader, config, result):
            for session, summary in classify_and_summarise(batch, classifier, config):
                pending.append(writer.submit(write_session_outputs, session, summary, config))
            progress.advance(batch, reader.utterances_read - result.already_done_utterances)
            _raise_write_errors(pending)
        futures.wait(pending)
        _raise_write_errors(pending)
    except BaseException:
        reader.stop()
        futures.wait(pending)  # sessions already classified are still written: nothing is lost
        writer.shutdown(wait=False)
        progress.close()
        raise
    writer.shutdown(wait=False)
    progress.close()
    result.written = sum(f.done() and not f.cancelled() for f in pending)
    result.seconds = time.perf_counter() - started
    _finish(config, classifier, result)
    return result


def _remove_stale_parts(out_dir: Path) -> None:
    """Temporary files a killed run left behind (a finished file is never a ``.part``)."""
    for sub in ("", "utterances", "sessions", "reports"):
        for part in (out_dir / sub).glob(".*.part"):
            part.unlink(missing_ok=True)


def _batches(
    sessions: Iterable[Session], config: AnnotateConfig, result: AnnotateResult
) -> Iterator[list[Session]]:
    batch: list[Session] = []
    for s in sessions:
        if is_done(config, s.session_id):
            result.already_done += 1
            result.already_done_utterances += len(s.utterances)
            continue
        batch.append(s)
        result.utterances += len(s.utterances)
        if sum(len(x.utterances) for x in batch) >= config.batch_utterances:
            yield batch
            batch = []
    if batch:
        yield batch


def _raise_write_errors(pending: list[Future[None]]) -> None:
    for f in pending:
        if f.done() and not f.cancelled() and f.exception() is not None:
            err = f.exception()
            raise RuptureError(f"could not write the outputs: {err} (check the --out folder and free space)")


def _finish(config: AnnotateConfig, classifier: Classifier, result: AnnotateResult) -> None:
    summaries = read_summaries(config.out_dir)
    frame = cohort_frame(summaries)
    write_cohort_tables(frame, config.out_dir, "csv" in config.formats, "parquet" in config.formats)
    if "cohort-html" in config.formats:
        write_cohort_page(config.out_dir / "cohort.html", frame)
    run = asdict(result)
    run["read"]["problems"] = [asdict(p) for p in result.read.problems]
    run.update(model=classifier.card, formats=sorted(config.formats), no_text=config.no_text)
    write_json(config.out_dir / "run.json", run)


# -- overlap and progress -------------------------------------------------------------------------


class _Prefetch:
    """Reads and segments in a background thread so the model never waits for the disk."""

    _END = object()

    def __init__(self, source: Iterator[Session], size: int = 256):
        self._q: queue.Queue[Any] = queue.Queue(maxsize=size)
        self._stop = threading.Event()
        self.utterances_read = 0
        self._thread = threading.Thread(target=self._run, args=(source,), daemon=True, name="rupture-reader")
        self._thread.start()

    def _run(self, source: Iterator[Session]) -> None:
        try:
            for s in source:
                self.utterances_read += len(s.utterances)
                while not self._stop.is_set():
                    try:
                        self._q.put(s, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._q.put(self._END)
        except BaseException as err:  # handed to the main thread, which re-raises it
            self._q.put(err)

    def __iter__(self) -> Iterator[Session]:
        while True:
            item = self._q.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self._stop.set()


class _Progress:
    """Utterances/s, sessions/s and time left on stderr (tqdm); the total grows as reading goes on."""

    def __init__(self, enabled: bool):
        self.bar = None
        self.sessions = 0
        self.started = time.perf_counter()
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=0, unit="utt", desc="annotate", dynamic_ncols=True, leave=True)

    def advance(self, batch: list[Session], total: int) -> None:
        self.sessions += len(batch)
        if self.bar is None:
            return
        self.bar.total = max(total, self.bar.n + sum(len(s.utterances) for s in batch))
        rate = self.sessions / max(time.perf_counter() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{self.sessions} sessions, {rate:.2f} sessions/s", refresh=False)
        self.bar.update(sum(len(s.utterances) for s in batch))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
