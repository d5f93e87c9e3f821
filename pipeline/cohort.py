"""One row a session: the summary figures as a flat table (``cohort.csv`` / ``cohort.parquet``).

The columns are the fields of :data:`CohortRow` (descriptions in ``data_schemas/cohortrow.schema.json``),
plus ``meta_<key>`` for each scalar metadata value the reader kept (AnnoMI: ``meta_mi_quality``, ...).

Example:
    >>> from pipeline.datamodel import Session, Utterance
    >>> from pipeline.summarise import summarise
    >>> u = Utterance(session_id="s1", turn_id="0", utterance_index=0, role="patient", text="Dunno.",
    ...               start=0.0, end=2.0, labels=["wd_minimal_response"])
    >>> row = cohort_row(summarise(Session(session_id="s1", utterances=[u])))
    >>> row["n_episodes"], row["n_withdrawal"], row["n_wd_minimal_response"]
    (1, 1, 1)
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ConfigDict, Field, create_model

from pipeline.datamodel import Episode, SegmentSummary, SessionSummary
from pipeline.io import atomic_open
from pipeline.labelset import load_labelset
from pipeline.schemas import register

_GROUP_TEXT = {
    "n_{g}": (int, "Utterances carrying at least one {name} label."),
    "{g}_per_10_min": (float, "n_{g} per 10 minutes of session (approximate when times_estimated)."),
    "{g}_per_100_utterances": (float, "n_{g} per 100 utterances of the role the group applies to."),
}
_FIXED: dict[str, tuple[Any, str]] = {
    "session_id": (str, "Session id (also the file name under sessions/, utterances/ and reports/)."),
    "source": (str | None, "Transcript the session was read from."),
    "times_estimated": (
        bool,
        "True when times were estimated (150 words a minute): figures approximate.",
    ),
    "duration_min": (float, "Session length in minutes (end of the last utterance)."),
    "n_turns": (int, "Turns in the session."),
    "n_utterances": (int, "Utterances classified."),
    "n_patient_utterances": (int, "Patient utterances."),
    "n_therapist_utterances": (int, "Therapist utterances."),
    "n_episodes": (int, "Rupture episodes (codebook section 6)."),
    "n_addressed": (int, "Episodes with a resolution strategy inside or right after them."),
    "n_resolved": (int, "Episodes whose repair was followed by the patient re-engaging."),
    "prop_addressed": (float | None, "n_addressed / n_episodes; empty when there is no episode."),
    "prop_resolved": (float | None, "n_resolved / n_episodes; empty when there is no episode."),
    "median_time_to_repair_s": (float | None, "Median seconds from first marker to first strategy."),
    "n_segments": (int, "5-minute segments."),
    "mean_withdrawal_significance": (float, "Mean of the segments' derived withdrawal significance (1-5)."),
    "max_withdrawal_significance": (int, "Highest segment withdrawal significance (1-5)."),
    "mean_confrontation_significance": (float, "Mean segment confrontation significance (1-5)."),
    "max_confrontation_significance": (int, "Highest segment confrontation significance (1-5)."),
    "mean_resolution": (float | None, "Mean segment resolution (1-5) over segments with a rupture."),
    "therapist_contribution": (int, "Session rating 1-5 of the therapist's contribution to ruptures."),
    "overall_resolution": (
        int | None,
        "Session rating 1-5 of how far ruptures were resolved (empty: none).",
    ),
    "model": (str, "Model name and version that predicted the labels."),
    "rating_rule": (str, "Version of the fitted rating rule."),
}


def _fields() -> dict[str, Any]:
    ls = load_labelset()
    fields: dict[str, Any] = {k: (t, Field(description=d)) for k, (t, d) in _FIXED.items()}
    for g, info in ls.groups.items():
        for pattern, (typ, text) in _GROUP_TEXT.items():
            fields[pattern.format(g=g)] = (
                typ,
                Field(description=text.format(g=g, name=info["name"].lower())),
            )
    for lab in ls.labels:
        fields[f"n_{lab.id}"] = (int, Field(description=f"Utterances labelled {lab.name} ({lab.group})."))
    return fields


CohortRow = create_model(
    "CohortRow",
    __config__=ConfigDict(extra="allow", json_schema_extra={"description": __doc__.split("\n\n")[1]}),
    **_fields(),
)
register("cohortrow", CohortRow)
SUMMARY_SCHEMA_MODELS = (Episode, SegmentSummary, SessionSummary, CohortRow)


def cohort_row(s: SessionSummary) -> dict[str, Any]:
    """The flat cohort row of one session summary."""
    segs = s.segments or []
    res = [x.resolution for x in segs if x.resolution is not None]
    row: dict[str, Any] = {
        "session_id": s.session_id,
        "source": s.source,
        "times_estimated": s.times_estimated,
        "duration_min": round(s.duration_seconds / 60, 3),
        "n_turns": s.n_turns,
        "n_utterances": s.n_utterances,
        "n_patient_utterances": s.n_patient_utterances,
        "n_therapist_utterances": s.n_therapist_utterances,
        "n_episodes": s.n_episodes,
        "n_addressed": s.n_addressed,
        "n_resolved": s.n_resolved,
        "prop_addressed": round(s.n_addressed / s.n_episodes, 4) if s.n_episodes else None,
        "prop_resolved": round(s.n_resolved / s.n_episodes, 4) if s.n_episodes else None,
        "median_time_to_repair_s": s.median_time_to_repair,
        "n_segments": len(segs),
        "mean_withdrawal_significance": _mean([x.withdrawal_significance for x in segs]),
        "max_withdrawal_significance": max((x.withdrawal_significance for x in segs), default=1),
        "mean_confrontation_significance": _mean([x.confrontation_significance for x in segs]),
        "max_confrontation_significance": max((x.confrontation_significance for x in segs), default=1),
        "mean_resolution": _mean(res) if res else None,
        "therapist_contribution": s.therapist_contribution,
        "overall_resolution": s.overall_resolution,
        "model": " ".join(str(s.model[k]) for k in ("name", "version") if k in s.model) or "unknown",
        "rating_rule": s.rating_rule,
    }
    for g, n in s.group_counts.items():
        row[f"n_{g}"] = n
        row[f"{g}_per_10_min"] = s.group_rates_per_10_min[g]
        row[f"{g}_per_100_utterances"] = s.group_rates_per_100_utterances[g]
    row.update({f"n_{lab}": n for lab, n in s.label_counts.items()})
    row.update({f"meta_{k}": v for k, v in s.metadata.items() if isinstance(v, str | int | float | bool)})
    return row


def _mean(xs: list[int]) -> float:
    return round(statistics.fmean(xs), 4) if xs else 1.0


def read_summaries(out_dir: str | Path) -> list[SessionSummary]:
    """Every ``sessions/*.json`` summary in an annotate output folder, by session id."""
    paths = sorted(Path(out_dir, "sessions").glob("*.json"))
    return [SessionSummary.model_validate_json(p.read_text(encoding="utf-8")) for p in paths]


def cohort_frame(summaries: list[SessionSummary]) -> pd.DataFrame:
    """One row a session, columns in :data:`CohortRow` order then ``meta_*``."""
    frame = pd.DataFrame([cohort_row(s) for s in summaries])
    if frame.empty:
        return pd.DataFrame(columns=list(CohortRow.model_fields))
    return frame.sort_values("session_id", kind="stable").reset_index(drop=True)


def write_cohort_tables(
    frame: pd.DataFrame, out_dir: str | Path, csv: bool = True, parquet: bool = True
) -> None:
    """Write ``cohort.csv`` and ``cohort.parquet`` atomically."""
    if csv:
        with atomic_open(Path(out_dir, "cohort.csv")) as fh:
            fh.write(frame.to_csv(index=False))
    if parquet:
        with atomic_open(Path(out_dir, "cohort.parquet"), "wb") as fh:
            frame.to_parquet(fh, index=False)
