"""Reading many inputs: one bad file is reported and skipped, the rest go on.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "good.txt").write_text("T: Hi.\\nP: Hello.\\n")
    >>> _ = (d / "empty.txt").write_text("")
    >>> report = BatchReport()
    >>> [s.session_id for s in load_sessions([d], report=report)]
    ['good']
    >>> report.problems[0].message.endswith("is empty (give a transcript with speaker turns)")
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.datamodel import Session, Transcript
from pipeline.errors import InputError
from pipeline.readers import expand_inputs, read_path
from pipeline.segment import segment_transcript


@dataclass
class FileProblem:
    path: str
    message: str


@dataclass
class BatchReport:
    """What a batch read: counts, the files it skipped and why, and reader warnings."""

    files_read: int = 0
    sessions: int = 0
    utterances: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"warning: {w}" for w in self.warnings]
        out += [f"skipped: {p.message}" for p in self.problems]
        total = self.files_read + len(self.problems)
        out.append(
            f"{self.sessions} sessions, {self.utterances} utterances from {self.files_read} of {total} inputs"
            + (f"; {len(self.problems)} skipped (see above)" if self.problems else "")
        )
        return out


def read_inputs(
    inputs: list[str | Path],
    input_format: str | None,
    roles: dict[str, str] | None,
    columns: dict[str, str] | None,
    problems: list[FileProblem],
) -> Iterator[tuple[Path, list[Transcript]]]:
    """Each readable input file with its transcripts; a file that cannot be read becomes a problem."""
    try:
        paths = expand_inputs(inputs)
    except InputError as err:
        problems.append(FileProblem(err.path, str(err)))
        return
    for path in paths:
        try:
            transcripts = read_path(path, input_format, roles, columns)
        except InputError as err:
            problems.append(FileProblem(str(path), str(err)))
            continue
        yield path, transcripts


def load_sessions(
    inputs: list[str | Path],
    input_format: str | None = None,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    report: BatchReport | None = None,
    prepare: Callable[[Transcript], Transcript] | None = None,
) -> Iterator[Session]:
    """Read and segment every input; problems go to ``report`` instead of stopping the batch.

    ``prepare`` (redaction, for ``annotate --redact``) runs on each transcript before segmentation.
    """
    report = report if report is not None else BatchReport()
    origin: dict[str, str] = {}
    for path, transcripts in read_inputs(inputs, input_format, roles, columns, report.problems):
        report.files_read += 1
        for t in transcripts:
            if t.session_id in origin:
                report.problems.append(
                    FileProblem(
                        str(path),
                        (
                            f"{path}: session id {t.session_id!r} was already read "
                            f"from {origin[t.session_id]} "
                            "(session ids come from file names or the session column; rename one)"
                        ),
                    )
                )
                continue
            origin[t.session_id] = str(path)
            report.warnings.extend(t.warnings)
            session = segment_transcript(prepare(t) if prepare else t)
            report.sessions += 1
            report.utterances += len(session.utterances)
            yield session
