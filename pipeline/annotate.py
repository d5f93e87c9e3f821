"""The batch runner behind ``rupture annotate``: read -> segment -> classify -> summarise -> write.

Layout of the output folder (``--format`` picks all but ``sessions/``, which is always written):

* ``utterances/<session_id>.jsonl``: the utterances with predicted ``labels`` and ``scores``;
* ``sessions/<session_id>.json``: the :class:`~pipeline.datamodel.SessionSummary`, written last, so
  its presence means the session is complete (a rerun skips it unless ``overwrite``);
* ``reports/<session_id>.html``: the supervisor's page;
* ``cohort.csv``, ``cohort.parquet``, ``cohort.html``: one row a session over everything in the folder;
* ``run.json``: what the last run did (model, counts, skipped files, timing); written last and removed
  when a run starts, so it is there only when the run finished and the cohort files are current.

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

import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.batch import BatchReport, load_sessions
from pipeline.cohort import cohort_frame, read_summaries, write_cohort_tables
from pipeline.datamodel import Session, SessionSummary
from pipeline.errors import RuptureError, withhold_quoted
from pipeline.io import write_json, write_session_utterances
from pipeline.labelset import LabelSet
from pipeline.paths import file_stem
from pipeline.privacy import IDENTIFIER_MODES, IdentifiersFound, ScanOptions, redactor, scan_inputs
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
    identifiers: str = "stop"
    scan: ScanOptions = field(default_factory=ScanOptions)

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        unknown = set(self.formats) - set(FORMATS)
        if unknown:
            raise RuptureError(
                f"unknown --format {', '.join(sorted(unknown))}; choose from {', '.join(FORMATS)}"
            )
        if self.identifiers not in IDENTIFIER_MODES:
            raise RuptureError(f"identifiers={self.identifiers!r}: choose {', '.join(IDENTIFIER_MODES)}")


@dataclass
class AnnotateResult:
    """What a run did; ``read`` holds the reader's counts, warnings and skipped files."""

    written: int = 0
    already_done: int = 0
    utterances: int = 0
    seconds: float = 0.0
    already_done_utterances: int = 0
    read: BatchReport = field(default_factory=BatchReport)
    redacted: dict[str, int] = field(default_factory=dict)

    def lines(self, no_text: bool = False) -> list[str]:
        """What to tell the user; ``no_text`` withholds what reader messages quote from the files."""
        rate = self.utterances / self.seconds if self.seconds else 0.0
        done = (
            f"; {self.already_done} already done (skipped; --overwrite redoes them)"
            if self.already_done
            else ""
        )
        read = [withhold_quoted(x) for x in self.read.lines()] if no_text else self.read.lines()
        redacted = ", ".join(f"{c} {n}" for c, n in sorted(self.redacted.items()))
        return (
            read
            + ([f"redacted: {redacted}"] if redacted else [])
            + [
                f"annotated {self.written} sessions, {self.utterances} utterances in {self.seconds:.1f} s "
                f"({rate:.0f} utterances/s){done}"
            ]
        )


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


def check_identifiers(inputs: list[str], config: AnnotateConfig) -> None:
    """With ``identifiers="stop"`` (the default), refuse inputs holding possible identifiers.

    Raises:
        IdentifiersFound: before anything is loaded or written, saying how to proceed.
    """
    if config.identifiers != "stop":
        return
    found = scan_inputs(inputs, config.input_format, config.roles, config.columns, config.scan)
    if found.findings:
        raise IdentifiersFound(found, inputs)


def read_sessions(inputs: list[str], config: AnnotateConfig, result: AnnotateResult) -> Iterator[Session]:
    """The inputs read, redacted with ``identifiers="redact"`` (counted in ``result.redacted``), segmented."""
    prepare = redactor(config.scan, result.redacted) if config.identifiers == "redact" else None
    return load_sessions(inputs, config.input_format, config.roles, config.columns, result.read, prepare)


def annotate(
    inputs: list[str],
    config: AnnotateConfig,
    classifier: Classifier | None = None,
    model: str | Path | None = None,
) -> AnnotateResult:
    """Annotate every transcript in ``inputs`` into ``config.out_dir`` (resumable; see the module doc).

    The inputs are checked for identifiers first (:func:`check_identifiers`); ``classifier`` defaults to
    the model folder ``model`` (``None``: the shipped default), loaded after that check.
    """
    check_identifiers(inputs, config)
    if classifier is None:
        classifier = load_classifier(model)
    result = AnnotateResult()
    started = time.perf_counter()
    _remove_stale_parts(config.out_dir)
    reader = _Prefetch(read_sessions(inputs, config, result), 2 * config.batch_utterances)
    progress = _Progress(config.progress)
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rupture-writer")
    pending: list[Future[None]] = []  # one batch's writes: the writer never holds more than one batch
    try:
        for batch in _batches(reader, config, result):
            classified = classify_and_summarise(batch, classifier, config)
            result.written += _wait_for_writes(pending)
            pending = [writer.submit(write_session_outputs, s, summary, config) for s, summary in classified]
            progress.advance(batch, reader.utterances_read - result.already_done_utterances)
            del batch, classified  # not held while the next batch is read
        result.written += _wait_for_writes(pending)
    except BaseException:
        reader.stop()
        futures.wait(pending)  # sessions already classified are still written: nothing is lost
        writer.shutdown(wait=False)
        progress.close()
        raise
    writer.shutdown(wait=False)
    progress.close()
    result.seconds = time.perf_counter() - started
    _finish(config, classifier, result)
    return result


def _remove_stale_parts(out_dir: Path) -> None:
    """Temporary files a killed run left behind (a finished file is never a ``.part``), and ``run.json``.

    ``run.json`` is written last, after the cohort tables: removing it before any session is written
    means a run killed or failed on the way leaves none, so its presence says the cohort tables cover
    every session in ``sessions/`` (instead of a previous run's ``run.json`` beside a stale cohort).
    """
    (out_dir / "run.json").unlink(missing_ok=True)
    for sub in ("", "utterances", "sessions", "reports"):
        for part in (out_dir / sub).glob(".*.part"):
            part.unlink(missing_ok=True)


def _batches(
    sessions: Iterable[Session], config: AnnotateConfig, result: AnnotateResult
) -> Iterator[list[Session]]:
    """The sessions not done yet, in groups of about ``config.batch_utterances`` utterances."""
    batch: list[Session] = []
    size = 0
    for s in sessions:
        if is_done(config, s.session_id):
            result.already_done += 1
            result.already_done_utterances += len(s.utterances)
            continue
        batch.append(s)
        size += len(s.utterances)
        result.utterances += len(s.utterances)
        if size >= config.batch_utterances:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _wait_for_writes(pending: list[Future[None]]) -> int:
    """Wait for the writes in flight: the number of sessions written, or the first write error raised."""
    futures.wait(pending)
    _raise_write_errors(pending)
    return len(pending)


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
    if config.no_text:  # reader messages quote speaker labels and values from the files
        for p in run["read"]["problems"]:
            p["message"] = withhold_quoted(p["message"])
        run["read"]["warnings"] = [withhold_quoted(w) for w in run["read"]["warnings"]]
    run.update(
        model=classifier.card,
        formats=sorted(config.formats),
        no_text=config.no_text,
        identifiers=config.identifiers,
        min_confidence=config.scan.min_confidence,
    )
    write_json(config.out_dir / "run.json", run)


# -- overlap and progress -------------------------------------------------------------------------


class _Prefetch:
    """Reads and segments in a background thread so the model never waits for the disk.

    The buffer holds at most ``max_utterances`` utterances (always at least one session, however long),
    so what waits in memory follows the batch size, never the number of sessions.
    """

    _END = object()

    def __init__(self, source: Iterator[Session], max_utterances: int = 2048):
        self._buffer: deque[tuple[Any, int]] = deque()
        self._held = 0  # utterances in the buffer
        self._max = max_utterances
        self._cond = threading.Condition()
        self._stopped = False
        self.utterances_read = 0
        self._thread = threading.Thread(target=self._run, args=(source,), daemon=True, name="rupture-reader")
        self._thread.start()

    def _run(self, source: Iterator[Session]) -> None:
        try:
            for s in source:
                self.utterances_read += len(s.utterances)
                if not self._put(s, len(s.utterances)):
                    return
            self._put(self._END, 0)
        except BaseException as err:  # handed to the main thread, which re-raises it
            self._put(err, 0)

    def _put(self, item: Any, size: int) -> bool:
        """Wait for room, then buffer ``item``; False when the run was stopped."""
        with self._cond:
            self._cond.wait_for(lambda: self._stopped or not self._buffer or self._held + size <= self._max)
            if self._stopped:
                return False
            self._buffer.append((item, size))
            self._held += size
            self._cond.notify_all()
            return True

    def __iter__(self) -> Iterator[Session]:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._buffer)
                item, size = self._buffer.popleft()
                self._held -= size
                self._cond.notify_all()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._buffer.clear()
            self._cond.notify_all()


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
