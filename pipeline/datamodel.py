"""The one data model every stage reads and writes.

Data flows one way: a reader turns a file into a :class:`Transcript` (turns as
the speakers took them), segmentation turns it into a :class:`Session`
(utterances with times, 5-minute 3RS :class:`Segment` windows), the classifier
fills each utterance's ``labels`` and ``scores``, and the summariser turns a
classified session into a :class:`SessionSummary`.

JSON Schemas of these models live in ``data_schemas/`` (written by
``scripts/export_schemas.py``; a test keeps them in sync), so files can be
validated from R or any language.

Example:
    >>> from pipeline.datamodel import Utterance
    >>> u = Utterance(session_id="s1", turn_id="3", utterance_index=5,
    ...               role="patient", text="I guess.")
    >>> u.labels, u.times_estimated
    ([], False)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SEGMENT_SECONDS = 300.0
"""3RS segments are 5-minute windows, counted from the start of the session."""


class Role(StrEnum):
    """Who speaks. Withdrawal/confrontation labels go on patients, the rest on therapists."""

    patient = "patient"
    therapist = "therapist"
    other = "other"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Turn(_Model):
    """Everything one speaker says before another takes over, as read from the file."""

    session_id: str
    turn_id: str = Field(description="Id of the turn in its source (line number, row id or utterance_id).")
    role: Role
    speaker: str | None = Field(None, description="Speaker name or label as written in the source.")
    text: str
    start: float | None = Field(None, description="Start time in seconds from the session start, when known.")
    end: float | None = Field(None, description="End time in seconds, when known.")
    source_line: int | None = Field(None, description="1-based line (or row) in the source file.")
    labels: list[str] = Field(default_factory=list, description="Turn-level gold label ids, when given.")


class Utterance(_Model):
    """The unit the pipeline classifies: a turn or a sentence-sized piece of one."""

    session_id: str
    turn_id: str = Field(description="Id of the source turn; labels aggregate back to turns by it.")
    utterance_index: int = Field(ge=0, description="0-based position of the utterance in the session.")
    role: Role
    speaker: str | None = None
    text: str = Field(description="Utterance text; empty when written with --no-text.")
    start: float | None = Field(None, description="Start in seconds from the session start.")
    end: float | None = Field(None, description="End in seconds from the session start.")
    times_estimated: bool = Field(
        False,
        description="True when start/end were interpolated by word count or estimated at 150 words a minute.",
    )
    segment_index: int | None = Field(
        None, ge=1, description="1-based 5-minute 3RS segment holding the start."
    )
    marks: list[str] = Field(
        default_factory=list,
        description="Non-verbal notes kept from the transcript: pause, long pause, laughs, inaudible, ...",
    )
    labels: list[str] = Field(default_factory=list, description="Label ids: gold, or predicted by a model.")
    scores: dict[str, float] | None = Field(
        None, description="Predicted probability for every label that applies to the role."
    )
    source_line: int | None = None


class Transcript(_Model):
    """A file as read: its turns, before segmentation."""

    session_id: str
    source: str | None = Field(None, description="Path of the file it was read from.")
    input_format: str | None = None
    encoding: str | None = Field(None, description="Text encoding the file was decoded with.")
    metadata: dict[str, Any] = Field(default_factory=dict)
    turns: list[Turn] = Field(default_factory=list)
    utterances: list[Utterance] | None = Field(
        None, description="Already segmented utterances (our JSONL, ConvoKit); kept as they are."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Problems the reader worked around (file:line: what and what was done).",
    )


class Segment(_Model):
    """A 5-minute 3RS window of the session."""

    session_id: str
    segment_index: int = Field(ge=1, description="1-based: segment 1 covers 00:00:00-00:04:59.")
    start: float
    end: float
    first_utterance: int = Field(description="utterance_index of the first utterance starting in it.")
    last_utterance: int
    times_estimated: bool = False


class SegmentRating(_Model):
    """3RS-style ratings of one segment (codebook section 5)."""

    session_id: str
    segment_index: int = Field(ge=1)
    withdrawal_significance: int = Field(ge=1, le=5)
    confrontation_significance: int = Field(ge=1, le=5)
    resolution: int | None = Field(
        None, ge=1, le=5, description="Rated only when the segment holds a rupture."
    )


class SessionRating(_Model):
    """Session-level 3RS-style ratings (codebook section 5)."""

    session_id: str
    therapist_contribution: int = Field(ge=1, le=5)
    overall_resolution: int | None = Field(None, ge=1, le=5, description="None when there was no rupture.")


class SessionInfo(_Model):
    """One line of a corpus's ``sessions.jsonl``: what is known of a session besides its utterances."""

    session_id: str
    split: str | None = Field(None, description="train, dev or test for the project's corpus.")
    metadata: dict[str, Any] = Field(default_factory=dict)
    segment_ratings: list[SegmentRating] = Field(default_factory=list)
    session_rating: SessionRating | None = None


class Session(_Model):
    """A segmented session: utterances with times and 3RS segments."""

    session_id: str
    source: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    utterances: list[Utterance] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    times_estimated: bool = Field(False, description="True when the transcript had no times at all.")
    split: str | None = None
    segment_ratings: list[SegmentRating] = Field(default_factory=list)
    session_rating: SessionRating | None = None

    def info(self) -> SessionInfo:
        return SessionInfo(
            session_id=self.session_id,
            split=self.split,
            metadata=self.metadata,
            segment_ratings=self.segment_ratings,
            session_rating=self.session_rating,
        )


# -- Summaries (pipeline/summarise.py fills these) ---------------------------------


class Episode(_Model):
    """A rupture episode (codebook section 6): markers that follow each other closely, and their repair."""

    episode_index: int = Field(ge=1, description="1-based order of the episode in the session.")
    kind: str = Field(description="'withdrawal', 'confrontation' or 'mixed': the groups of its markers.")
    start_utterance: int = Field(description="utterance_index of the first rupture marker.")
    end_utterance: int = Field(description="utterance_index of the last rupture marker gathered into it.")
    start: float | None = Field(None, description="Start time (s) of the first marker utterance.")
    end: float | None = Field(None, description="End time (s) of the last marker utterance.")
    segment_index: int | None = Field(None, description="5-minute segment in which the episode starts.")
    markers: list[str] = Field(description="Rupture marker ids in order of occurrence (repeats kept).")
    marker_utterances: list[int] = Field(description="utterance_index of every utterance carrying a marker.")
    addressed: bool = Field(
        description="A resolution strategy falls inside the episode or within the follow window after it."
    )
    resolved: bool = Field(
        description="A strategy of the episode is followed by at least two substantive patient utterances "
        "with no marker before any new marker (the patient takes up the work again)."
    )
    strategies: list[str] = Field(description="Resolution strategy ids used, in order (repeats kept).")
    strategy_utterances: list[int] = Field(description="utterance_index of every utterance with a strategy.")
    time_to_repair: float | None = Field(
        None, description="Seconds from the first marker to the first resolution strategy; null: unaddressed."
    )
    turns_to_repair: int | None = Field(
        None, description="Turns from the first marker's turn to the first strategy's; null: unaddressed."
    )
    response_utterance: int | None = Field(
        None, description="utterance_index of the therapist's first utterance after the first marker."
    )
    contributions_before: list[str] = Field(
        description="Therapist-contribution ids in the window (2 minutes or 6 turns) before the first marker."
    )
    contributions_during: list[str] = Field(
        description="Therapist-contribution ids from the first marker to the end of the follow window."
    )
    contribution_utterances: list[int] = Field(
        description="utterance_index of the therapist-contribution utterances counted before and during."
    )


class SegmentSummary(_Model):
    """Counts and derived 3RS-style ratings of one 5-minute segment (codebook section 5)."""

    segment_index: int = Field(ge=1, description="1-based: segment 1 covers 00:00:00-00:04:59.")
    start: float = Field(description="Segment start in seconds from the session start.")
    end: float = Field(description="Segment end in seconds (start + 300).")
    n_utterances: int = Field(description="Utterances starting in the segment.")
    withdrawal_markers: int = Field(description="Patient utterances in the segment with a withdrawal marker.")
    confrontation_markers: int = Field(
        description="Patient utterances in the segment with a confrontation marker."
    )
    resolution_strategies: int = Field(description="Therapist utterances in the segment with a strategy.")
    therapist_contributions: int = Field(
        description="Therapist utterances in the segment with a therapist-contribution label."
    )
    withdrawal_significance: int = Field(
        ge=1, le=5, description="3RS-style 1-5 from the withdrawal marker count by the fitted rating rule."
    )
    confrontation_significance: int = Field(
        ge=1, le=5, description="3RS-style 1-5 from the confrontation marker count by the fitted rating rule."
    )
    resolution: int | None = Field(
        None,
        ge=1,
        le=5,
        description="3RS-style 1-5 from the repair of the episodes with markers in the segment "
        "(fitted rule); null when the segment holds no rupture marker.",
    )
    repair_score: float | None = Field(
        None,
        description="Mean repair score of the episodes with a marker in the segment (0 unaddressed, 0.5 "
        "addressed, 1 resolved; halved for redirect-only repair, -0.25 for therapist contributions during "
        "the episode); the figure resolution is rated from. Null without a marker.",
    )
    times_estimated: bool = Field(False, description="True when the segment's times were estimated.")


class SessionSummary(_Model):
    """Everything the pipeline says about one classified session (codebook sections 5 and 6)."""

    session_id: str = Field(description="Session id; names the session's files in the annotate output.")
    source: str | None = Field(None, description="Path of the transcript the session was read from.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Metadata carried from the reader.")
    labelset_version: str = Field(description="Version of the label set the labels come from.")
    model: dict[str, Any] = Field(
        default_factory=dict, description="Name/version of the model that predicted the labels (its card)."
    )
    rating_rule: str = Field(description="Version of the fitted segment/session rating rule used.")
    times_estimated: bool = Field(
        description="True when some times were estimated (150 words a minute); durations and rates are "
        "then approximate."
    )
    duration_seconds: float = Field(description="End of the last utterance (or its start) in seconds.")
    n_turns: int = Field(description="Number of turns.")
    n_utterances: int = Field(description="Number of utterances classified.")
    n_patient_utterances: int = Field(description="Utterances with role patient.")
    n_therapist_utterances: int = Field(description="Utterances with role therapist.")
    label_counts: dict[str, int] = Field(
        description="For every label id of the label set: number of utterances carrying it."
    )
    group_counts: dict[str, int] = Field(
        description="For every label group: number of utterances carrying at least one label of the group."
    )
    group_rates_per_10_min: dict[str, float] = Field(
        description="group_counts divided by the session duration in units of 10 minutes."
    )
    group_rates_per_100_utterances: dict[str, float] = Field(
        description="group_counts per 100 utterances of the role the group applies to."
    )
    episodes: list[Episode] = Field(description="Rupture episodes in order (codebook section 6).")
    n_episodes: int = Field(description="Number of rupture episodes.")
    n_addressed: int = Field(description="Episodes with a resolution strategy inside or right after them.")
    n_resolved: int = Field(description="Episodes addressed and followed by the patient re-engaging.")
    median_time_to_repair: float | None = Field(
        None, description="Median time_to_repair (s) over addressed episodes; null if none."
    )
    segments: list[SegmentSummary] = Field(description="One entry per 5-minute segment, in order.")
    repair_score: float | None = Field(
        None, description="Mean repair score of all episodes (as for segments); null if none."
    )
    therapist_contribution: int = Field(
        ge=1, le=5, description="Session rating 1-5 from therapist-contribution labels per 10 minutes."
    )
    overall_resolution: int | None = Field(
        None,
        ge=1,
        le=5,
        description="Session rating 1-5 from the repair of its episodes; null when it has no episode.",
    )


class IdentifierFinding(_Model):
    """A possible residual identifier found by ``rupture scan``; never holds the matched text itself."""

    session_id: str
    source: str | None = Field(None, description="Path of the file it was found in.")
    line: int | None = Field(None, description="1-based line (or row) in the source file, when known.")
    turn_id: str | None = None
    field: str = Field(description="Where: text, speaker, session_id or metadata:<key>.")
    start: int = Field(ge=0, description="Character offset of the match in that field's value.")
    end: int = Field(ge=0, description="Character offset just past the match.")
    category: str = Field(
        description="email, phone (and fax), ssn, record_number, url, ip_address, date, address, zip, name."
    )
    confidence: float = Field(ge=0, le=1, description="How sure the rule is (set per rule, not calibrated).")
    rule: str = Field(description="The rule that matched.")
    shape: str = Field(
        description="The match masked (letters as x/X, digits as #), enough to find it, not to read it."
    )
