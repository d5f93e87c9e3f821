"""Segmentation rules for verbatim talk, time interpolation and 3RS segments."""

from __future__ import annotations

import pytest

from pipeline.datamodel import Transcript, Turn
from pipeline.segment import is_backchannel, marks_of, segment_transcript, split_turn, word_count


def transcript(*turns: tuple[str, str, float | None]) -> Transcript:
    return Transcript(
        session_id="s",
        turns=[
            Turn(session_id="s", turn_id=str(i), role=role, text=text, start=start)
            for i, (role, text, start) in enumerate(turns)
        ],
    )


def test_sentences_split_and_keep_abbreviations():
    assert split_turn("I talked to Dr. Lee about it. She said wait. Is that normal?") == [
        "I talked to Dr. Lee about it.",
        "She said wait.",
        "Is that normal?",
    ]


def test_leading_backchannel_joins_the_next_sentence():
    assert split_turn("Mm-hmm. Yeah. So then my boss called me in again.") == [
        "Mm-hmm. Yeah. So then my boss called me in again."
    ]


def test_short_trailing_fragment_joins_the_previous_sentence():
    assert split_turn("I just don't see the point of the worksheets. Honestly.") == [
        "I just don't see the point of the worksheets. Honestly."
    ]


def test_cut_offs_do_not_split_and_are_marked():
    (utt,) = split_turn("I-- I went to the, uh-- to the store and then-")
    assert utt == "I-- I went to the, uh-- to the store and then-"
    assert marks_of(utt) == ["false start", "cut-off"]


def test_pause_marks_stay_with_the_sentence_before():
    assert split_turn("It went okay. [long pause] I didn't do the log though.") == [
        "It went okay. [long pause]",
        "I didn't do the log though.",
    ]
    assert marks_of("It went okay. [long pause] (laughs)") == ["long pause", "laughs"]


def test_trailing_off_ellipsis_before_lowercase_does_not_split():
    assert split_turn("I went there... and then I just left.") == ["I went there... and then I just left."]


def test_backchannel_turn_is_marked_and_notes_do_not_count_as_words():
    s = segment_transcript(
        transcript(("therapist", "Tell me more about that weekend.", 0.0), ("patient", "Mm-hmm.", 3.0))
    )
    assert s.utterances[1].marks == ["backchannel"]
    assert is_backchannel("Yeah.") and not is_backchannel("Yeah, I hated it.")
    assert word_count("Okay. [long pause] Fine.") == 2


def test_every_utterance_keeps_its_turn_id_and_global_index():
    s = segment_transcript(
        transcript(
            ("therapist", "How was it? Did you try the exercise at all?", 0.0),
            ("patient", "No. I didn't see the point of it. It felt fake.", 10.0),
        )
    )
    assert [(u.turn_id, u.utterance_index) for u in s.utterances] == [("0", 0), ("0", 1), ("1", 2), ("1", 3)]


def test_times_interpolated_within_a_turn_by_word_count():
    s = segment_transcript(
        transcript(
            ("therapist", "One two three four five six. Seven eight nine ten eleven twelve.", 10.0),
            ("patient", "Okay.", 18.0),
        )
    )
    first, second, _ = s.utterances
    assert (first.start, first.end) == (10.0, 14.0)
    assert (second.start, second.end) == (14.0, 18.0)
    assert not any(u.times_estimated for u in s.utterances[:2])


def test_no_times_estimated_at_150_words_a_minute_and_flagged():
    s = segment_transcript(
        transcript(
            ("therapist", " ".join(["word"] * 150), None), ("patient", "Right, that makes sense to me.", None)
        )
    )
    assert s.times_estimated
    assert all(u.times_estimated for u in s.utterances)
    assert s.utterances[1].start == pytest.approx(60.0)


def test_missing_times_filled_between_known_ones():
    s = segment_transcript(
        transcript(
            ("therapist", "a b c d", 0.0), ("patient", "e f g h", None), ("therapist", "i j k l", 20.0)
        )
    )
    assert s.utterances[1].start == pytest.approx(10.0)
    assert s.utterances[1].times_estimated and not s.utterances[2].times_estimated


def test_five_minute_segments_from_times():
    s = segment_transcript(
        transcript(
            ("therapist", "Hello there, how are you?", 10.0),
            ("patient", "Not great to be honest.", 290.0),
            ("therapist", "Tell me about it.", 310.0),
            ("patient", "Well it started on Monday.", 905.0),
        )
    )
    assert [(g.segment_index, g.first_utterance, g.last_utterance) for g in s.segments] == [
        (1, 0, 1),
        (2, 2, 2),
        (4, 3, 3),
    ]
    assert [u.segment_index for u in s.utterances] == [1, 1, 2, 4]
