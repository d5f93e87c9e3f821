"""Summary rules (codebook sections 5-6) on small hand-made sessions."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pipeline.cohort import SUMMARY_SCHEMA_MODELS, cohort_row
from pipeline.datamodel import Segment, Session, Utterance
from pipeline.paths import data_schemas_dir
from pipeline.schemas import schema_of
from pipeline.summarise import (
    RatingRule,
    find_episodes,
    fit_thresholds,
    load_rating_rule,
    summarise,
)

RULE = RatingRule(
    version="test",
    thresholds={
        "withdrawal": (1, 1, 2, 4),
        "confrontation": (1, 1, 2, 4),
        "resolution": (0.25, 0.5, 0.75, 1.0),
        "therapist_contribution": (0.5, 1, 2, 3),
        "overall_resolution": (0.25, 0.5, 0.75, 1.0),
    },
)


def make_session(rows: list[tuple[float, str, str, list[str]]], sid: str = "s1") -> Session:
    """rows: (start seconds, 'T'|'P', text, labels); each row is its own turn."""
    utts = [
        Utterance(
            session_id=sid,
            turn_id=str(i),
            utterance_index=i,
            role="therapist" if r == "T" else "patient",
            text=text,
            start=t,
            end=t + 4,
            segment_index=int(t // 300) + 1,
            labels=labels,
        )
        for i, (t, r, text, labels) in enumerate(rows)
    ]
    return Session(session_id=sid, utterances=utts)


def talk(t0: float, n: int, step: float = 10.0) -> list[tuple[float, str, str, list[str]]]:
    """n unlabelled alternating turns starting at t0 (therapist first)."""
    return [
        (t0 + k * step, "T" if k % 2 == 0 else "P", "So tell me more about how the week went for you.", [])
        for k in range(n)
    ]


def test_session_without_rupture() -> None:
    s = summarise(make_session(talk(0, 40)), rule=RULE)
    assert s.n_episodes == 0 and s.episodes == []
    assert s.overall_resolution is None
    assert s.therapist_contribution == 1
    assert [seg.withdrawal_significance for seg in s.segments] == [1, 1]
    assert all(seg.resolution is None for seg in s.segments)
    assert s.label_counts["wd_denial"] == 0 and set(s.label_counts) >= {"rs_redirect", "tc_lecture"}


UNADDRESSED = (
    talk(0, 6)
    + [
        (
            60,
            "T",
            "You really need to stop drinking, it is damaging your liver and your family.",
            ["tc_lecture"],
        ),
        (75, "P", "Okay.", ["wd_minimal_response"]),
        (80, "T", "And the research is very clear that cutting down is not enough.", ["tc_lecture"]),
        (95, "P", "Sure, whatever you think.", ["wd_deferential_appeasing"]),
    ]
    + talk(100, 20)
)


def test_unaddressed_rupture() -> None:
    s = summarise(make_session(UNADDRESSED), rule=RULE)
    assert s.n_episodes == 1
    e = s.episodes[0]
    assert e.kind == "withdrawal"
    assert e.markers == ["wd_minimal_response", "wd_deferential_appeasing"]
    assert e.marker_utterances == [7, 9]
    assert (e.addressed, e.resolved, e.time_to_repair, e.turns_to_repair) == (False, False, None, None)
    assert e.contributions_before == ["tc_lecture"]
    assert e.contributions_during == ["tc_lecture"]
    assert e.response_utterance == 8
    assert s.overall_resolution == 1
    assert s.segments[0].withdrawal_markers == 2 and s.segments[0].withdrawal_significance == 4
    assert s.segments[0].resolution == 1
    assert s.group_counts["withdrawal"] == 2 and s.label_counts["tc_lecture"] == 2


REPAIRED = (
    talk(0, 6)
    + [
        (60, "P", "Talking about my childhood is pointless, honestly.", ["cf_complaint_activities"]),
        (
            70,
            "T",
            "It sounds like this isn't feeling useful. What would make it worth your time?",
            ["rs_validate_defense", "rs_invite_exploration"],
        ),
        (85, "P", "Okay.", []),
        (90, "P", "I guess I want to deal with the panic on the train first.", []),
        (100, "T", "Let's start there then.", ["rs_change_task_goal"]),
        (110, "P", "Yes, that is the thing that stops me getting to work.", []),
    ]
    + talk(120, 10)
)


def test_repaired_rupture() -> None:
    s = summarise(make_session(REPAIRED), rule=RULE)
    (e,) = s.episodes
    assert e.kind == "confrontation"
    assert e.addressed and e.resolved
    assert e.strategies == ["rs_validate_defense", "rs_invite_exploration", "rs_change_task_goal"]
    assert e.time_to_repair == 10.0 and e.turns_to_repair == 1
    assert e.contributions_before == [] and e.contributions_during == []
    assert s.n_addressed == 1 and s.n_resolved == 1 and s.median_time_to_repair == 10.0
    assert s.overall_resolution == 5 and s.segments[0].resolution == 5
    assert s.segments[0].confrontation_significance == 3


def test_addressed_but_patient_does_not_reengage() -> None:
    rows = (
        talk(0, 4)
        + [
            (40, "P", "You're not listening to me.", ["cf_complaint_therapist"]),
            (50, "T", "I'm sorry, I think I rushed you.", ["rs_acknowledge_contribution"]),
            (60, "P", "Mm.", []),
            (70, "T", "What did I miss?", []),
            (80, "P", "Whatever. Next question.", ["cf_control_pressure"]),
        ]
        + talk(300, 6)
    )
    (e,) = summarise(make_session(rows), rule=RULE).episodes
    assert e.addressed and not e.resolved
    assert e.marker_utterances == [4, 8]


def test_overlapping_markers_merge_into_one_episode() -> None:
    rows = (
        talk(0, 4)
        + [
            (40, "P", "It's fine, I'm not upset.", ["wd_denial"]),
            (50, "T", "Okay.", []),
            (
                140,
                "P",
                "This is a waste of my time.",
                ["cf_complaint_activities"],
            ),  # 100 s later: same episode
            (150, "T", "What would you rather we did?", ["rs_invite_exploration"]),
        ]
        + talk(160, 30, step=20)
    )
    s = summarise(make_session(rows), rule=RULE)
    assert s.n_episodes == 1
    assert s.episodes[0].kind == "mixed" and s.episodes[0].marker_utterances == [4, 6]


def test_far_apart_markers_are_separate_episodes() -> None:
    rows = talk(0, 4) + [(40, "P", "I don't know.", ["wd_minimal_response"])]
    rows += talk(50, 12, step=30) + [(500, "P", "You're not listening.", ["cf_complaint_therapist"])]
    rows += [(510, "T", "You're right, tell me again.", ["rs_acknowledge_contribution"])] + talk(520, 6)
    s = summarise(make_session(rows), rule=RULE)
    assert [e.kind for e in s.episodes] == ["withdrawal", "confrontation"]
    assert [e.addressed for e in s.episodes] == [False, True]
    assert [e.segment_index for e in s.episodes] == [1, 2]
    assert s.overall_resolution == RULE.rate("overall_resolution", 0.5)


def test_six_turns_join_markers_even_when_far_apart_in_time() -> None:
    rows = [
        (0, "T", "How has it been?", []),
        (10, "P", "Dunno.", ["wd_minimal_response"]),
        (200, "T", "Take your time.", []),
        (400, "P", "Nothing's going to work for me anyway.", ["wd_self_criticism_hopelessness"]),
    ]
    assert len(find_episodes(make_session(rows).utterances)) == 1


def test_strategy_after_the_follow_window_does_not_address() -> None:
    rows = talk(0, 2) + [(20, "P", "I'm not doing that breathing stuff.", ["cf_reject_intervention"])]
    rows += talk(30, 8, step=30) + [(400, "T", "Let me explain why we do this.", ["rs_rationale"])]
    (e,) = summarise(make_session(rows), rule=RULE).episodes
    assert not e.addressed and e.strategies == []


def test_rates_and_segments_follow_session_segments() -> None:
    s_in = make_session(UNADDRESSED)
    s_in.segments = [
        Segment(
            session_id="s1",
            segment_index=k,
            start=300.0 * (k - 1),
            end=300.0 * k,
            first_utterance=0,
            last_utterance=0,
        )
        for k in (1, 2, 3)
    ]
    s = summarise(s_in, rule=RULE)
    assert [seg.segment_index for seg in s.segments] == [1, 2, 3]
    assert s.segments[2].n_utterances == 0 and s.segments[2].withdrawal_significance == 1
    minutes = s.duration_seconds / 60
    assert s.group_rates_per_10_min["withdrawal"] == pytest.approx(2 / (minutes / 10), rel=1e-3)
    assert s.group_rates_per_100_utterances["withdrawal"] == pytest.approx(
        100 * 2 / s.n_patient_utterances, rel=1e-3
    )


def test_gold_session_ratings_use_the_rule() -> None:
    s = summarise(make_session(UNADDRESSED), rule=RULE)
    per_10 = 2 / (s.duration_seconds / 600)
    assert s.therapist_contribution == RULE.rate("therapist_contribution", per_10)


def test_fit_thresholds_recovers_a_clean_rule() -> None:
    values = [0, 0, 0, 1, 1, 2, 3, 5, 6]
    gold = [1, 1, 1, 3, 3, 4, 4, 5, 5]
    t = fit_thresholds(values, gold)
    assert [min(5, 1 + sum(v >= x for x in t)) for v in values] == gold


def test_shipped_rule_loads_and_rates_within_range() -> None:
    rule = load_rating_rule()
    for name in rule.thresholds:
        assert [rule.rate(name, v) for v in (0, 0.5, 1, 10)] == sorted(
            rule.rate(name, v) for v in (0, 0.5, 1, 10)
        )
        assert all(1 <= rule.rate(name, v) <= 5 for v in (0, 100))


def test_summary_validates_against_its_schema() -> None:
    path = data_schemas_dir() / "sessionsummary.schema.json"
    doc = summarise(make_session(REPAIRED), rule=RULE).model_dump(mode="json")
    jsonschema.validate(doc, json.loads(path.read_text()))


def test_cohort_row_validates_against_its_schema() -> None:
    row = cohort_row(summarise(make_session(REPAIRED), rule=RULE))
    jsonschema.validate(row, json.loads((data_schemas_dir() / "cohortrow.schema.json").read_text()))
    assert row["n_episodes"] == 1 and row["prop_resolved"] == 1.0 and row["n_cf_complaint_activities"] == 1


@pytest.mark.parametrize("model", SUMMARY_SCHEMA_MODELS, ids=lambda m: m.__name__)
def test_every_summary_figure_has_its_meaning_in_the_schema(model) -> None:
    schema = schema_of(model)
    for name, definition in {model.__name__: schema, **schema.get("$defs", {})}.items():
        props = definition.get("properties", {})
        undocumented = [f for f, prop in props.items() if not prop.get("description")]
        assert not undocumented, f"{name}: add Field(description=...) for {undocumented}"


@pytest.mark.slow
def test_fit_script_fits_on_train_and_reports_dev(repo, corpus_dir) -> None:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "scripts/fit_rating_rule.py", "--dry-run", "--corpus", str(corpus_dir)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["agreement_dev"]["withdrawal"]["n"] > 0
    assert load_rating_rule().version.startswith("fit-"), (
        "ship a fitted rule: python scripts/fit_rating_rule.py"
    )
