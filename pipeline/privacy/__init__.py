"""Residual identifiers in transcripts: find them (``rupture scan``), stop on them, or redact them.

``annotate`` checks its inputs before it loads the model: by default it stops when it finds possible
identifiers; ``--redact`` replaces them with typed placeholders; ``--allow-identifiers`` goes on.
"""

from __future__ import annotations

from pipeline.privacy.patterns import CATEGORIES
from pipeline.privacy.redact import redact_transcript, redactor
from pipeline.privacy.scan import (
    IdentifiersFound,
    ScanOptions,
    ScanResult,
    finding_line,
    read_names_file,
    scan_inputs,
    scan_transcript,
)

IDENTIFIER_MODES = ("stop", "redact", "allow")

__all__ = [
    "CATEGORIES",
    "IDENTIFIER_MODES",
    "IdentifiersFound",
    "ScanOptions",
    "ScanResult",
    "finding_line",
    "read_names_file",
    "redact_transcript",
    "redactor",
    "scan_inputs",
    "scan_transcript",
]
