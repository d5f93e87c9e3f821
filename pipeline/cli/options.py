"""Help texts and option parsing that several commands share (reading inputs, scanning for identifiers)."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import RuptureError
from pipeline.privacy import ScanOptions, read_names_file
from pipeline.readers import READERS

INPUT_FORMAT_HELP = (
    f"Force the input format: {', '.join(READERS)} (default: detected from extension and content)."
)
ROLES_HELP = 'Map speaker names to roles, e.g. "SPEAKER_00=therapist,SPEAKER_01=patient,Mum=other".'
COLUMNS_HELP = 'CSV/TSV columns, e.g. "speaker=Who,text=Said,start=From,end=To,session=Session".'
NAMES_HELP = "File of names to find (one a line), besides the built-in rules and lists."
MIN_CONFIDENCE_HELP = (
    "Report findings at or above this confidence (0-1). Lower finds more names and more false alarms: "
    "0.3 also reports every capitalised word in mid-sentence."
)


def scan_options(names: Path | None, min_confidence: float) -> ScanOptions:
    """``--names`` and ``--min-confidence`` as :class:`~pipeline.privacy.ScanOptions`."""
    if not 0 <= min_confidence <= 1:
        raise RuptureError(f"--min-confidence {min_confidence} is not between 0 and 1")
    return ScanOptions(read_names_file(names) if names else (), min_confidence)
