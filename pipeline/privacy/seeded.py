"""Score the scan against hand-seeded identifiers (``tests/data/identifiers/{dev,test}``).

A seeded set is a folder of plain-text transcripts, ``roles.json`` (speaker roles for files whose
labels are names) and ``identifiers.jsonl``: one record per planted identifier occurrence,
``{"file", "line", "text", "category", "nth"?}``, ``text`` as it appears in that line's utterance.
A planted identifier counts as found when a text finding of the same category overlaps it
(``covered``: a finding of any category overlaps it, so redaction would hide it). A finding that
overlaps no planted identifier is a false alarm.

Example:
    >>> table = score_seeded("tests/data/identifiers/test")          # doctest: +SKIP
    >>> table["phone"]["recall"]                                     # doctest: +SKIP
    0.96
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.datamodel import IdentifierFinding, Transcript
from pipeline.errors import InputError
from pipeline.privacy.patterns import CATEGORIES
from pipeline.privacy.scan import ScanOptions, scan_transcript
from pipeline.readers import read_path


@dataclass(frozen=True)
class Planted:
    file: str
    turn_id: str
    start: int
    end: int
    category: str


def load_seeded(folder: str | Path) -> tuple[dict[str, Transcript], list[Planted]]:
    """The set's transcripts by file name, and its planted identifiers located in their turns."""
    folder = Path(folder)
    roles_path = folder / "roles.json"
    roles = json.loads(roles_path.read_text(encoding="utf-8")) if roles_path.exists() else {}
    transcripts = {
        p.name: read_path(p, roles={k.lower(): v for k, v in roles.get(p.name, {}).items()})[0]
        for p in sorted(folder.glob("*.txt"))
    }
    gold_path = folder / "identifiers.jsonl"
    planted = [
        _locate(gold_path, no, json.loads(line), transcripts)
        for no, line in enumerate(gold_path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip()
    ]
    return transcripts, planted


def _locate(path: Path, no: int, rec: dict[str, Any], transcripts: dict[str, Transcript]) -> Planted:
    transcript = transcripts.get(rec["file"])
    turn = next((t for t in transcript.turns if t.source_line == rec["line"]), None) if transcript else None
    start = -1
    for _ in range(int(rec.get("nth", 1))):
        start = turn.text.find(rec["text"], start + 1) if turn else -1
    if turn is None or start < 0 or rec["category"] not in CATEGORIES:
        raise InputError(path, f"cannot place {rec['category']} at {rec['file']}:{rec['line']}", line=no)
    return Planted(rec["file"], turn.turn_id, start, start + len(rec["text"]), rec["category"])


def score_seeded(folder: str | Path, options: ScanOptions | None = None) -> dict[str, dict[str, float]]:
    """Per category: planted, found, recall, covered, findings, precision; plus an ``all`` row."""
    transcripts, planted = load_seeded(folder)
    findings = {
        name: [f for f in scan_transcript(t, options) if f.field == "text"] for name, t in transcripts.items()
    }
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for p in planted:
        near = [f for f in findings[p.file] if _overlaps(p, f)]
        counts[p.category]["planted"] += 1
        counts[p.category]["found"] += any(f.category == p.category for f in near)
        counts[p.category]["covered"] += bool(near)
    for name, found in findings.items():
        for f in found:
            counts[f.category]["findings"] += 1
            counts[f.category]["true_findings"] += any(
                _overlaps(p, f) and p.category == f.category for p in planted if p.file == name
            )
    table = {c: _rates(counts[c]) for c in CATEGORIES if c in counts}
    total: dict[str, float] = defaultdict(float)
    for row in counts.values():
        for k, v in row.items():
            total[k] += v
    table["all"] = _rates(total)
    return table


def _overlaps(p: Planted, f: IdentifierFinding) -> bool:
    return f.turn_id == p.turn_id and f.start < p.end and p.start < f.end


def _rates(row: dict[str, float]) -> dict[str, float]:
    planted, findings = row.get("planted", 0), row.get("findings", 0)
    return {
        "planted": planted,
        "found": row.get("found", 0),
        "recall": round(row.get("found", 0) / planted, 3) if planted else float("nan"),
        "covered": round(row.get("covered", 0) / planted, 3) if planted else float("nan"),
        "findings": findings,
        "precision": round(row.get("true_findings", 0) / findings, 3) if findings else float("nan"),
    }


def format_table(table: dict[str, dict[str, float]]) -> str:
    """A Markdown table of :func:`score_seeded`."""
    lines = ["| category | planted | found | recall | covered | findings | precision |", "|---" * 7 + "|"]
    for cat, r in table.items():
        lines.append(
            f"| {cat} | {r['planted']:.0f} | {r['found']:.0f} | {r['recall']:.3f} | {r['covered']:.3f} "
            f"| {r['findings']:.0f} | {r['precision']:.3f} |"
        )
    return "\n".join(lines)
