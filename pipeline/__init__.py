"""rupture: find therapeutic alliance ruptures and their repair in session transcripts."""

from __future__ import annotations

__version__ = "0.1.0"
