"""Issue #8: residual identifiers are found, stop annotate, or are redacted; nothing leaks into outputs."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline import annotate as annotate_mod
from pipeline.annotate import AnnotateConfig, annotate
from pipeline.cli import app
from pipeline.datamodel import Transcript, Turn
from pipeline.privacy import IdentifiersFound, ScanOptions, redact_transcript, scan_transcript
from tests.conftest import KeywordClassifier

# Written for this test: one session holding one identifier of every structured category and names
# three ways (title, a listed given name, a speaker label). Every string in IDENTIFIERS occurs in it.
SESSION = """\
# title: intake paperwork
Dr. Quintrell: Before we start, Oriel, I need to check a few things on the form.
Oriel: Okay. Whatever you need.
Dr. Quintrell: Your chart number here is MRN 40071233. Is your cell still 614-555-0187?
Oriel: No, it's (740) 555-0199 now. And my email changed, it's oriel.vance77@gmail.com.
Dr. Quintrell: Got it. Date of birth, 03/14/1990?
Oriel: Yes. And I moved, I'm at 4417 Linden Avenue, Apt 3B, Dayton, OH 45402.
Dr. Quintrell: The insurance wants your social too, 512-44-9031, I'll fax it from 10.0.4.17.
Oriel: Fine. The portal is at https://portal.brightwell-clinic.org/login if that matters.
Dr. Quintrell: Thanks, Oriel. My colleague Mrs. Abernathy will call you. Did Marcus come along?
Oriel: No, Marcus stayed home. Honestly I don't see why you need all this.
"""
ROLES = "Dr. Quintrell=therapist,Oriel=patient"
LABEL_NAMES = ["Quintrell"]  # only in the speaker label "Dr. Quintrell"
IDENTIFIERS = {
    "Oriel": "name",  # in the text, known as a name only from the speaker label "Oriel"
    "40071233": "record_number",
    "614-555-0187": "phone",
    "(740) 555-0199": "phone",
    "oriel.vance77@gmail.com": "email",
    "03/14/1990": "date",
    "4417 Linden Avenue": "address",
    "45402": "zip",
    "512-44-9031": "ssn",
    "10.0.4.17": "ip_address",
    "portal.brightwell-clinic.org": "url",
    "Abernathy": "name",
    "Marcus": "name",
}


@pytest.fixture
def intake_dir(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "intake.txt").write_text(SESSION, encoding="utf-8")
    return d


def _all_output_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file())


def _texts(turns: list[Turn], start: int, end: int, turn_id: str) -> str:
    return next(t.text for t in turns if t.turn_id == turn_id)[start:end]


def test_scan_finds_every_category_and_names_from_titles_lists_and_speaker_labels(intake_dir):
    from pipeline.readers import read_path
    from pipeline.readers.roles import parse_roles

    transcript = read_path(intake_dir / "intake.txt", roles=parse_roles(ROLES))[0]
    found = scan_transcript(transcript)
    matched = {
        _texts(transcript.turns, f.start, f.end, f.turn_id): f.category for f in found if f.field == "text"
    }
    for identifier, category in IDENTIFIERS.items():
        hits = [cat for text, cat in matched.items() if identifier in text]
        assert category in hits, f"{identifier!r} ({category}) not found; found {matched}"
    assert sorted(f.shape for f in found if f.field == "speaker") == ["Xx. Xxxxxxxxx", "Xxxxx"]
    assert all(f.line is not None for f in found if f.field == "text")


def test_scan_does_not_flag_ordinary_session_talk():
    turns = [
        "We met at 10:30 on Monday, and again in March 2020.",
        "I'd rate it a 7 out of 10; my PHQ-9 was 14 and I take 50 mg of sertraline.",
        "Mom and Dad came on Thanksgiving. It cost $1,200, about 30% of my pay, 24/7 stress since 9/11.",
        "I'm 34. Call 988 if it gets bad. I took bus 22 to Walgreens on Zoom day.",
        "My A1C came back at 7.2, the IRS said no, and I moved to Dallas on Valentine's Day.",
    ]
    t = Transcript(
        session_id="calm",
        turns=[Turn(session_id="calm", turn_id=str(i), role="patient", text=x) for i, x in enumerate(turns)],
    )
    assert [(f.category, f.rule, f.shape) for f in scan_transcript(t)] == []


def _session(*turns: str) -> Transcript:
    return Transcript(
        session_id="s",
        turns=[
            Turn(session_id="s", turn_id=str(i), role="therapist" if i % 2 else "patient", text=x)
            for i, x in enumerate(turns)
        ],
    )


def _found(t: Transcript) -> list[tuple[str, str, str]]:
    by_id = {turn.turn_id: turn.text for turn in t.turns}
    return [
        (f.turn_id, f.category, by_id[f.turn_id][f.start : f.end])
        for f in scan_transcript(t)
        if f.field == "text"
    ]


def test_the_previous_turn_is_context_for_a_bare_answer():
    # Written for this test. The id alone says nothing; the question before it makes it a record number.
    t = _session("Sorry, I have it here somewhere.", "And the student ID on the letter?", "448201, I think.")
    assert _found(t) == [("2", "record_number", "448201")]
    t = _session("How many steps did you do yesterday?", "Maybe 448201, I lost count.")
    assert _found(t) == []  # context is read, not invented
    # an identifier in the previous turn is found once, in its own turn
    t = _session("My member ID is 88120461.", "Thank you.")
    assert _found(t) == [("0", "record_number", "88120461")]


def test_a_number_found_once_is_found_everywhere_in_its_session():
    t = _session(
        "And the student ID on the letter?",
        "448201, I think.",
        "Sorry, so 448201 and not 448210?",  # only the first is the id that was found
    )
    red, counts = redact_transcript(t)
    assert [u.text for u in red.turns[1:]] == [
        "[RECORD_NUMBER_1], I think.",
        "Sorry, so [RECORD_NUMBER_1] and not 448210?",
    ]
    assert counts == {"record_number": 2}
    assert [(f.turn_id, f.category) for f in scan_transcript(t)] == [
        ("1", "record_number"),
        ("2", "record_number"),
    ]


def test_record_numbers_by_shape_and_by_a_record_word_a_sentence_back():
    t = _session(
        "The policy number goes in the subject line, that's GM 4418 220 17.",
        "Their admissions code was LH-ADM-2291, I wrote it down.",
        "A second claim too, for the ER visit. That one was 8812046109.",
        "She said the case numbers matter. Mine is 609 44 1275 on the social security card.",
    )
    assert _found(t) == [
        ("0", "record_number", "GM 4418 220 17"),
        ("1", "record_number", "LH-ADM-2291"),
        ("2", "record_number", "8812046109"),
        ("3", "ssn", "609 44 1275"),
    ]


def test_numbers_said_digit_by_digit_belong_to_the_nearest_telling_word():
    t = _session(
        "The FTC report number is 1 8 4 4 2 0 9 7 3, I filed it online.",
        "What number can I call you at? Oh, six one four, five five five, oh one eight seven.",
        "For the card they want my social, it's five one two four four nine oh three one.",
        "It is expired, but yes. P 0 4 8 1 7 7 2 3. Afghan passport.",
        "the ticket was still open, inc zero zero nine one seven seven two four.",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [
        ("0", "record_number"),
        ("1", "phone"),
        ("2", "ssn"),
        ("3", "record_number"),
        ("4", "record_number"),
    ]


def test_spoken_and_prefixed_shapes():
    t = _session(
        "The reference is RFL slash AFG slash 2022 slash 08813.",
        "the group is at w w w dot burnout circle dot org, thursdays.",
        "Blue Cross, the member ID is XYP 884 20 1177.",
        "Experian's is letters and numbers, k7q2-99ml.",
    )
    assert _found(t) == [
        ("0", "record_number", "RFL slash AFG slash 2022 slash 08813"),
        ("1", "url", "w w w dot burnout circle dot org"),
        ("2", "record_number", "XYP 884 20 1177"),
        ("3", "record_number", "k7q2-99ml"),
    ]


def test_record_words_outrank_the_shape_of_a_phone_number():
    t = _session(
        "The mortgage is in both our names, loan number 7730019458 with the bank.",
        "The VA one, the EDIPI, 1284467301. And my cell is 6145550187.",
        "Booking code KX7PQ2, and the transfer number is 7712.4480.9913.",
        "Her mobile is 07700 900417, she's in Leeds.",
    )
    assert _found(t) == [
        ("0", "record_number", "7730019458"),
        ("1", "record_number", "1284467301"),
        ("1", "phone", "6145550187"),
        ("2", "record_number", "KX7PQ2"),
        ("2", "record_number", "7712.4480.9913"),
        ("3", "phone", "07700 900417"),
    ]


def test_routes_and_long_street_types_are_addresses():
    t = _session(
        "Drop it at 550 East Central Texas Expressway, Suite 110, Harker Heights.",
        "The store is 1900 Route 9, Suite 4, Lancaster, Ohio.",
    )
    assert _found(t) == [
        ("0", "address", "550 East Central Texas Expressway, Suite 110, Harker Heights"),
        ("1", "address", "1900 Route 9, Suite 4, Lancaster, Ohio"),
    ]


def test_the_digits_of_a_social_security_number_are_that_number_wherever_they_recur():
    t = _session(
        "They wanted my social again, 441-62-9087.",
        "The old letters even used it as the file number, 441629087, right on the envelope.",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [("0", "ssn"), ("1", "ssn")]


def test_more_spoken_and_written_shapes():
    t = _session(
        "The account is seventy-seven thirty, twenty-two fourteen, ninety-nine eighty-one.",
        "a link, h t t p colon slash slash q7leaksxzv dot onion slash northgate, and linktr.ee/rowan.achebe",
        "from ip address 172 point 20 point 8 point 141 and i put 11 06 1986 on the form",
        "Grandma's at W5830 County Road O, Portage, 53901, and I'm at 5521 North Kenmore, 2F, 60640.",
    )
    assert _found(t) == [
        ("0", "record_number", "seventy-seven thirty, twenty-two fourteen, ninety-nine eighty-one"),
        ("1", "url", "h t t p colon slash slash q7leaksxzv dot onion slash northgate"),
        ("1", "url", "linktr.ee/rowan.achebe"),
        ("2", "ip_address", "172 point 20 point 8 point 141"),
        ("2", "date", "11 06 1986"),
        ("3", "address", "W5830 County Road O, Portage"),
        ("3", "zip", "53901"),
        ("3", "address", "5521 North Kenmore, 2F"),
        ("3", "zip", "60640"),
    ]


def test_shapes_from_the_sixth_set():
    t = _session(
        "The site, it's portal dot lakeshore e d dot org slash patients, kept kicking me out.",
        "my wife did it online at victims dot example dot gov slash apply",
        "Yes, it is on this card. R-S-C, dash, 2 0 2 3, dash, 8 8 1 4.",
        "Her Medicare number? Four Q W seven, H N two, R T five eight.",
        "February 14th, she always said she was born on Valentine's Day.",
        "It's 5120 Northwood, Overland Park, Kansas, 66202. I called 1-800-MEDICARE.",
        "Can we do the 5-4-3-2-1 for a moment?",
    )
    assert _found(t) == [
        ("0", "url", "portal dot lakeshore e d dot org slash patients"),
        ("1", "url", "victims dot example dot gov slash apply"),
        ("2", "record_number", "R-S-C, dash, 2 0 2 3, dash, 8 8 1 4"),
        ("3", "record_number", "Four Q W seven, H N two, R T five eight"),
        ("4", "date", "February 14th"),
        ("5", "address", "5120 Northwood, Overland Park, Kansas"),
        ("5", "zip", "66202"),
        # 1-800-MEDICARE is an agency number (public_numbers.txt): not reported
    ]


def test_names_by_title_apposition_lowercase_naming_and_repetition():
    t = _session(
        "Chief Brannigan would put it in my file.",
        "My lieutenant, Fiorella Gatti, gave me her cell.",
        "detective called back, her name is ana ruiz",
        "Omid reads it for me. When Omid takes the phone, I wait.",
        "Has Omid set it up? Let's bring Omid in now.",
    )
    found = _found(t)
    assert ("0", "name", "Chief Brannigan") in found and ("1", "name", "Fiorella Gatti") in found
    assert ("2", "name", "ana ruiz") in found
    # unknown to every list, but met mid-sentence three times in the session: a name everywhere
    assert [(i, w) for i, c, w in found if w == "Omid"] == [
        ("3", "Omid"),
        ("3", "Omid"),
        ("4", "Omid"),
        ("4", "Omid"),
    ]


def test_shapes_from_the_seventh_set():
    t = _session(
        "His national registry number is 8816402275.",
        "Mine is 9001 4478 213 and his is 9001 4478 221.",
        "the activation code is h p k seven seven four two q",
        "She'd need my FSA farm number too, that's 4417.",
        "And the account number on the top is 00719-3342, and it wants the account number, 0088-551-204.",
        "They moved to 1200 North Elm, Suite 210, Greensboro 27401.",
        "It says Eleanor Voss. E-L-E-A-N-O-R, V-O-S-S.",
    )
    found = [(i, c, w) for i, c, w in _found(t) if c != "name"]
    assert found == [
        ("0", "record_number", "8816402275"),
        ("1", "record_number", "9001 4478 213"),
        ("1", "record_number", "9001 4478 221"),
        ("2", "record_number", "h p k seven seven four two q"),
        ("3", "record_number", "4417"),
        ("4", "record_number", "00719-3342"),
        ("4", "record_number", "0088-551-204"),
        ("5", "address", "1200 North Elm, Suite 210, Greensboro"),
        ("5", "zip", "27401"),
    ]


def test_numbers_read_in_a_mix_of_single_digits_and_pairs():
    t = _session(
        "Four one eight, sixty-two, nine zero three seven.",
        "She read it back to me as five thirty-one, forty-four, zero nine eight two.",
        "His number is plus three five one, nine one two, five five five, zero four seven.",
        "the report number is two four dash zero zero eight eight one three",
        "the activation code is e a p two four dash zero six one three eight",
        "Their mail goes to Box 2209, Hartford, Connecticut 06101.",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [
        ("0", "ssn"),
        ("1", "ssn"),
        ("2", "phone"),
        ("3", "record_number"),
        ("4", "record_number"),
        ("5", "address"),
        ("5", "zip"),
    ]


def test_shapes_from_the_ninth_set():
    t = _session(
        "It's rq.atc at proton dot me. Or rq.atc at proton.me. I filed it at identitytheft.gov.",
        "That's the NCP number, 004-992-8817.",
        "before that we were at 4410 north broadway chicago 60640",
        "suspicious login from one ninety two dot zero dot two dot seventy seven on the bus",
    )
    assert _found(t) == [
        ("0", "email", "rq.atc at proton dot me"),
        ("0", "email", "rq.atc at proton.me"),
        ("0", "url", "identitytheft.gov"),
        ("1", "record_number", "004-992-8817"),
        ("2", "address", "4410 north broadway chicago"),
        ("2", "zip", "60640"),
        ("3", "ip_address", "one ninety two dot zero dot two dot seventy seven"),
    ]


def test_shapes_from_the_tenth_set():
    t = _session(
        "It's 7 7 4 0 3 1 9 dash B. They gave me a ticket, 7 7 1 0 4 - 2 2 9 8.",
        "It's 1108 Calle Jacinto, number B, Brownsville, Texas 78520.",
        "My mail goes to Unit 8840, Box 212, APO AE 09630.",
        "it's listed as 3906 north delphine street and the zip is 6 0 6 4 7",
        "The form is at hr.meridianprint.example/ada/request. Interpreter 40817 signing off.",
    )
    found = [(i, c, w) for i, c, w in _found(t) if c != "name"]
    assert found == [
        ("0", "record_number", "7 7 4 0 3 1 9 dash B"),
        ("0", "record_number", "7 7 1 0 4 - 2 2 9 8"),
        ("1", "address", "1108 Calle Jacinto, number B, Brownsville, Texas"),
        ("1", "zip", "78520"),
        ("2", "address", "Unit 8840, Box 212, APO AE"),
        ("2", "zip", "09630"),
        ("3", "address", "3906 north delphine street"),
        ("3", "zip", "6 0 6 4 7"),
        ("4", "url", "hr.meridianprint.example/ada/request"),
        ("4", "record_number", "40817"),
    ]


def test_in_case_is_not_a_case_number():
    t = _session(
        "What's Walt's number, in case you need him between sessions?",
        "Six oh two, five five five, zero one nine one. He said call any time.",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [("0", "name"), ("1", "phone")]


def test_census_names_are_names_and_places_and_institutions_are_not():
    t = _session(
        "Hey, Dwayne. You made it.",
        "So Kendra is your ex-wife's name.",
        "I moved to Dallas after the PA told me about Franklin County Hospital.",
    )
    assert _found(t) == [("0", "name", "Dwayne"), ("1", "name", "Kendra")]


def test_lowercase_names_after_titles_and_from_the_census_list():
    t = _session(
        "my landlord mister kowalczyk served me the notice",
        "thanks doctor hernandez, and the doctor said to rest",
        "priya from nights and jolene sends me memes",
    )
    assert _found(t) == [
        ("0", "name", "mister kowalczyk"),
        ("1", "name", "doctor hernandez"),
        ("2", "name", "priya"),
        ("2", "name", "jolene"),
    ]


def test_census_lists_leave_out_what_their_build_script_leaves_out():
    from pipeline.privacy.names import _word_list

    census = _word_list("census_given_names.txt") | _word_list("census_surnames.txt")
    assert len(_word_list("census_given_names.txt")) > 4000 and len(_word_list("census_surnames.txt")) > 4000
    for excluded in ("places.txt", "common_caps.txt", "word_names.txt"):
        assert not census & _word_list(excluded), excluded
    assert not census & {"will", "long", "young", "the", "may", "grant", "echo", "foster"}


def test_forms_are_not_identifiers():
    t = _session("It's the SSA-3368, the adult disability form.", "Fill in form DS-2019 first.")
    assert _found(t) == []


def test_spoken_email_with_a_multi_word_domain_and_a_name_inside():
    t = _session(
        "His new email is d.okafor at mass dta dot gov I think.",
        "I used mine, dami.okoro at student dot marlowschools dot org.",
    )
    t.turns[1] = t.turns[1].model_copy(update={"speaker": "Dami"})
    assert _found(t) == [
        ("0", "email", "d.okafor at mass dta dot gov"),
        ("1", "email", "dami.okoro at student dot marlowschools dot org"),
    ]


def test_scan_cli_reports_file_line_and_category_without_the_identifier(intake_dir, tmp_path):
    out = tmp_path / "findings.jsonl"
    res = CliRunner().invoke(app, ["scan", str(intake_dir), "--roles", ROLES, "--out", str(out)])
    assert res.exit_code == 1  # findings
    assert "intake.txt:4: phone" in res.output and "shape ###-###-####" in res.output
    for identifier in [*IDENTIFIERS, *LABEL_NAMES]:
        assert identifier not in res.output
        assert identifier not in out.read_text(encoding="utf-8")
    schema = json.loads(Path("data_schemas/identifierfinding.schema.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(jsonschema.validate(r, schema) is None for r in rows)


def test_scan_cli_exits_zero_on_clean_input(transcripts_dir):
    res = CliRunner().invoke(app, ["scan", str(transcripts_dir / "calm.txt")])
    assert res.exit_code == 0, res.output
    assert "0 possible identifiers in 0 of 1 sessions" in res.output


def test_names_file_adds_names_the_rules_do_not_know(tmp_path):
    t = Transcript(
        session_id="s",
        turns=[
            Turn(session_id="s", turn_id="0", role="therapist", text="how is zephyrine doing?"),
            Turn(session_id="s", turn_id="1", role="patient", text="Fine."),
        ],
    )
    assert scan_transcript(t) == []
    (tmp_path / "names.txt").write_text("# our clinic's list\nZephyrine\n", encoding="utf-8")
    from pipeline.privacy import read_names_file

    found = scan_transcript(t, ScanOptions(names=read_names_file(tmp_path / "names.txt")))
    assert [(f.category, f.start, f.end) for f in found] == [("name", 7, 16)]


def test_annotate_stops_on_identifiers_before_loading_the_model_or_writing(intake_dir, tmp_path, monkeypatch):
    def no_model(path):
        raise AssertionError("the model must not be loaded when annotate stops")

    monkeypatch.setattr(annotate_mod, "load_classifier", no_model)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["annotate", str(intake_dir), "--roles", ROLES, "--out", str(out)])
    assert res.exit_code == 1
    assert "nothing was annotated" in res.output and "--redact" in res.output
    assert "--allow-identifiers" in res.output and "rupture scan" in res.output
    assert not out.exists()
    for identifier in IDENTIFIERS:
        assert identifier not in res.output


def test_redact_leaves_no_identifier_in_any_output(intake_dir, tmp_path):
    out = tmp_path / "out"
    config = AnnotateConfig(
        out, progress=False, roles={"dr. quintrell": "therapist", "oriel": "patient"}, identifiers="redact"
    )
    res = annotate([str(intake_dir)], config, KeywordClassifier())
    assert res.written == 1
    everything = _all_output_text(out)
    for identifier in [*IDENTIFIERS, *LABEL_NAMES]:
        assert identifier not in everything, identifier
    run = json.loads((out / "run.json").read_text())
    assert run["identifiers"] == "redact" and run["redacted"]["phone"] == 2


def test_segment_redact_writes_placeholders_and_plain_segment_keeps_the_text(intake_dir, tmp_path):
    args = ["segment", str(intake_dir), "--roles", ROLES, "--out"]
    result = CliRunner().invoke(app, [*args, str(tmp_path / "red"), "--redact"])
    assert result.exit_code == 0, result.output
    redacted = _all_output_text(tmp_path / "red")
    for identifier in [*IDENTIFIERS, *LABEL_NAMES]:
        assert identifier not in redacted, identifier
    assert "[PHONE_1]" in redacted and "redacted: " in result.output
    result = CliRunner().invoke(app, [*args, str(tmp_path / "plain")])
    assert result.exit_code == 0 and "614-555-0187" in _all_output_text(tmp_path / "plain")


def test_redaction_is_consistent_within_a_session(intake_dir):
    from pipeline.readers import read_path
    from pipeline.readers.roles import parse_roles

    red, counts = redact_transcript(read_path(intake_dir / "intake.txt", roles=parse_roles(ROLES))[0])
    text = {t.source_line: t.text for t in red.turns}
    speakers = {t.speaker for t in red.turns}
    assert speakers == {"[NAME_1]", "[NAME_2]"}  # labels redacted with the names in the text
    assert text[2].startswith("Before we start, [NAME_2], ")
    assert text[10] == "Thanks, [NAME_2]. My colleague [NAME_3] will call you. Did [NAME_4] come along?"
    assert text[11].startswith("No, [NAME_4] stayed home.")
    assert "[PHONE_1]" in text[4] and "[PHONE_2]" in text[5] and "[EMAIL_1]" in text[5]
    assert "[ADDRESS_1]" in text[7] and "[ZIP_1]" in text[7] and "[SSN_1]" in text[8]
    assert counts["name"] >= 6


def test_redaction_covers_the_session_id_taken_from_the_file_name(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "Sandra_Kowalski_2021-06-02.txt").write_text("T: How was the week?\nP: Fine.\n", encoding="utf-8")
    out = tmp_path / "out"
    annotate([str(d)], AnnotateConfig(out, progress=False, identifiers="redact"), KeywordClassifier())
    names = [p.name for p in out.rglob("*")]
    assert names and not any("Kowalski" in n or "Sandra" in n or "2021" in n for n in names)
    assert "Kowalski" not in _all_output_text(out)


def test_allow_identifiers_goes_on_and_says_so(intake_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(annotate_mod, "load_classifier", lambda path: KeywordClassifier())
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app,
        [
            "annotate",
            str(intake_dir),
            "--roles",
            ROLES,
            "--out",
            str(out),
            "--allow-identifiers",
            "--no-progress",
        ],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    assert json.loads((out / "run.json").read_text())["identifiers"] == "allow"


def test_redact_and_allow_together_is_one_clear_error(intake_dir, tmp_path):
    res = CliRunner().invoke(
        app, ["annotate", str(intake_dir), "--out", str(tmp_path / "o"), "--redact", "--allow-identifiers"]
    )
    assert res.exit_code == 1 and "not both" in res.output and "Traceback" not in res.output


def test_no_text_outputs_and_logs_hold_no_transcript_text(tmp_path, monkeypatch):
    monkeypatch.setattr(annotate_mod, "load_classifier", lambda path: KeywordClassifier())
    d = tmp_path / "in"
    d.mkdir()
    # invented words, so that a hit can only come from the transcript
    (d / "s1.txt").write_text(
        "[00:00:05] Thera Vellomir: How did the glimmerwort practice go?\n"
        "[00:00:20] P: Whatever. The zanthrope thing was a waste of time.\n"
        "[00:00:99] P: Dunno, frabulous.\n",
        encoding="utf-8",
    )
    (d / "s2.txt").write_text("Quorblax: Hi.\nP: Hello.\n", encoding="utf-8")  # unknown speaker: skipped
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "annotate",
            str(d),
            "--out",
            str(out),
            "--no-text",
            "--allow-identifiers",
            "--no-progress",
            "--roles",
            "Thera Vellomir=therapist",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "skipped" in res.output  # the bad file is still reported, by file and line
    everything = _all_output_text(out) + res.output
    for word in ("glimmerwort", "zanthrope", "frabulous", "Vellomir", "Quorblax", "waste of time"):
        assert word not in everything, word


@pytest.mark.parametrize("module", ["hits", "numbers", "patterns", "names", "scan", "redact"])
def test_privacy_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(f"pipeline.privacy.{module}")
    assert doctest.testmod(mod).failed == 0


def test_identifiers_found_error_names_counts_not_text(intake_dir):
    from pipeline.privacy import scan_inputs
    from pipeline.readers.roles import parse_roles

    err = IdentifiersFound(scan_inputs([intake_dir], roles=parse_roles(ROLES)), [str(intake_dir)])
    assert "in 1 of 1 sessions" in str(err) and "phone 2" in str(err)
    assert all(identifier not in str(err) for identifier in IDENTIFIERS)


@pytest.mark.parametrize("to", ["csv", "elan", "convokit"])
def test_export_no_text_holds_no_transcript_text(tmp_path, to):
    d = tmp_path / "in"
    d.mkdir()
    (d / "s1.txt").write_text(
        "Thera Vellomir: How did the glimmerwort practice go?\nP: Whatever, zanthrope.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    config = AnnotateConfig(out, progress=False, roles={"thera vellomir": "therapist"}, identifiers="allow")
    annotate([str(d)], config, KeywordClassifier())
    res = CliRunner().invoke(app, ["export", str(out), "--to", to, "--out", str(tmp_path / "x"), "--no-text"])
    assert res.exit_code == 0, res.output
    exported = _all_output_text(tmp_path / "x")
    assert exported and all(w not in exported for w in ("glimmerwort", "zanthrope", "Vellomir"))


_PIECES = [*"abcXYZ019 .,-/@:#()'\"\n", "Dr. ", "Maria ", " at ", " dot com", "555-", "é", "\u200b"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=120).map("".join) | st.text(max_size=200)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(_TEXT, min_size=1, max_size=6), st.lists(_TEXT, max_size=3))
def test_scan_and_redact_take_any_text(texts, labels):
    """Whatever the text: findings point inside it without overlapping, and redaction keeps every turn."""
    turns = [
        Turn(
            session_id="s",
            turn_id=str(i),
            role="patient" if i % 2 else "therapist",
            text=t,
            speaker=(labels[i % len(labels)] if labels else None),
        )
        for i, t in enumerate(texts)
    ]
    transcript = Transcript(session_id="s", turns=turns)
    found = scan_transcript(transcript)
    by_turn: dict[tuple[str, str | None], list[tuple[int, int]]] = {}
    for f in found:
        value = (
            next(t.text if f.field == "text" else t.speaker for t in turns if t.turn_id == f.turn_id)
            if f.turn_id
            else "s"
        )
        assert 0 <= f.start < f.end <= len(value)
        by_turn.setdefault((f.field, f.turn_id), []).append((f.start, f.end))
    for spans in by_turn.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    redacted, _ = redact_transcript(transcript)
    assert [(t.turn_id, t.role) for t in redacted.turns] == [(t.turn_id, t.role) for t in turns]


# Written for these tests (session 6, after the test11 and test12 blind runs): shapes those runs missed,
# said differently here so that the rules, not the sets' sentences, are what is tested.
def test_spoken_house_numbers_and_spoken_zip_codes():
    t = _session(
        "we moved to sixty one twelve west harmon road apartment three and then to her sisters",
        "mail it to p o box seven seven oh two fresno california nine three seven two six ok",
        "she stays at eighty eight oh four pinecrest zip code nine oh two one one now",
        "It was a forty five minute drive down one long road, twenty twenty two road trip.",
    )
    assert _found(t) == [
        ("0", "address", "sixty one twelve west harmon road apartment three"),
        ("1", "address", "p o box seven seven oh two fresno california"),
        ("1", "zip", "nine three seven two six"),
        ("2", "address", "eighty eight oh four pinecrest"),
        ("2", "zip", "nine oh two one one"),
    ]


def test_a_street_said_again_without_its_type_and_a_street_with_a_unit_but_no_type():
    t = _session(
        "I grew up at Fifty-two Larch Court. Fifty-two Larch, the yellow one.",
        "Her office is at 410 North Marlowe, Suite 12, by the station.",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [("0", "address"), ("0", "address"), ("1", "address")]


def test_numbers_read_in_words_and_digits_and_in_the_groups_of_a_social():
    t = _session(
        "My social is 518-27-3346. Five one eight, twenty-seven, thirty-three forty-six, I know it by heart.",
        "The old one on my card was seven two nine, 18, 4410.",
        "Her direct line is (312) 555, uh, 0178.",
        "The DEA number is B as in boy, Q, seven seven, R as in Robert, two nine one.",
        "My employee number got reissued, it's K-2291 now.",
    )
    assert _found(t) == [
        ("0", "ssn", "518-27-3346"),
        ("0", "ssn", "Five one eight, twenty-seven, thirty-three forty-six"),
        ("1", "ssn", "seven two nine, 18, 4410"),
        ("2", "phone", "(312) 555, uh, 0178"),
        ("3", "record_number", "B as in boy, Q, seven seven, R as in Robert, two nine one"),
        ("4", "record_number", "K-2291"),
    ]


def test_spoken_ip_addresses_and_a_spelled_email_domain():
    t = _session(
        "The router log shows ten, twenty, one hundred, two fifty-four as the last login.",
        "It says one hundred dot sixty-four dot twelve dot nine.",
        "The v6 one is two zero zero one colon d b eight colon colon four.",
        "Write to j dot ruiz at c m h c dot org, she reads those.",
        "We counted one hundred, two, three, four of them.",
    )
    assert _found(t) == [
        ("0", "ip_address", "ten, twenty, one hundred, two fifty-four"),
        ("1", "ip_address", "one hundred dot sixty-four dot twelve dot nine"),
        ("2", "ip_address", "two zero zero one colon d b eight colon colon four"),
        ("3", "email", "j dot ruiz at c m h c dot org"),
    ]


def test_a_birthday_in_another_calendar_and_a_record_word_inside_a_web_address():
    t = _session(
        "Her birthday is 3 Jawza, we never used the other calendar at home.",
        "He typed it on clinic-verify.net/id. Four four one, zero nine, two two seven eight.",
    )
    assert _found(t) == [
        ("0", "date", "3 Jawza"),
        ("1", "url", "clinic-verify.net/id"),
        ("1", "ssn", "Four four one, zero nine, two two seven eight"),
    ]


def test_spoken_digits_reads_any_mix_of_words_and_digits():
    from pipeline.privacy.numbers import spoken_digits

    assert spoken_digits("Three ninety, fifty-five, eighteen oh two") == "390551802"
    assert spoken_digits("six oh one, 44, double 3") == "6014433"
    assert spoken_digits("one hundred, twenty-three") == "10023"
    assert spoken_digits("one hundred twenty-three") == "123"
    assert spoken_digits("two hundred and five") == "205"


def test_crisis_lines_and_agency_numbers_are_not_identifiers_and_survive_redaction():
    # Written for this test: a safety plan must stay readable in a redacted transcript.
    t = _session(
        "If it gets dark tonight, call 988 or the hotline, 1-800-799-7233. Or 1-800-GAMBLER for betting.",
        "Okay. My sister's cell is 614-555-0187 if you need her.",
    )
    assert _found(t) == [("1", "phone", "614-555-0187")]
    redacted = redact_transcript(t)[0].turns
    assert "1-800-799-7233" in redacted[0].text and "1-800-GAMBLER" in redacted[0].text
    assert "614-555-0187" not in redacted[1].text


# Written for these tests (session 6, after the test13 and test14 blind runs).
def test_how_a_number_is_grouped_when_read_says_whose_it_is():
    t = _session(
        "I called the number on the claim letter, five one three, five five five, oh one six two, ext 9.",
        "Hull number two two four one, eight eight six, it's painted on the stern.",
        "The bank said routing 021000089 and then my Social Security number, which is 441629087.",
        "Her social is 4-4-1-6-2-9-0-8-7, she said it twice.",
        "Let me think. Five one two, uh, forty-four, um, ninety thirty-one.",
    )
    assert _found(t) == [
        ("0", "phone", "five one three, five five five, oh one six two"),
        ("1", "record_number", "two two four one, eight eight six"),
        ("2", "record_number", "021000089"),
        ("2", "ssn", "441629087"),
        ("3", "ssn", "4-4-1-6-2-9-0-8-7"),
        ("4", "ssn", "Five one two, uh, forty-four, um, ninety thirty-one"),
    ]


def test_addresses_abroad_centers_floors_and_hundreds():
    t = _session(
        "The program is at 210 Lakeview Center, third floor, by the bus stop.",
        "My mother lives at Calle Hidalgo 42, Guadalajara, and my uncle on Vilniaus gatvė 12.",
        "In Sweden we had a flat at Storgatan 7, then Hauptstraße 5 in Bremen.",
        "we lived at twenty one hundred west oak street for years",
    )
    assert [(i, c, x) for i, c, x in _found(t) if c == "address"] == [
        ("0", "address", "210 Lakeview Center, third floor"),
        ("1", "address", "Calle Hidalgo 42, Guadalajara"),
        ("1", "address", "Vilniaus gatvė 12"),
        ("2", "address", "Storgatan 7"),
        ("2", "address", "Hauptstraße 5"),
        ("3", "address", "twenty one hundred west oak street"),
    ]


def test_spanish_numbers_and_dates_in_an_interpreted_session_and_an_ip_read_back():
    t = _session(
        "Cinco uno dos, cuarenta y cuatro, noventa treinta y uno. Es mi seguro social.",
        "Nací el veinte de junio de mil novecientos ochenta y dos.",
        "The login came from 203.0.113.200 again.",
        "Two oh three, zero, one thirteen, two hundred. I know it by heart now.",
        "The VIN is 1HGCM82633A004352, it's on the insurance form somewhere.",
    )
    assert _found(t) == [
        ("0", "ssn", "Cinco uno dos, cuarenta y cuatro, noventa treinta y uno"),
        ("1", "date", "veinte de junio de mil novecientos ochenta y dos"),
        ("2", "ip_address", "203.0.113.200"),
        ("3", "ip_address", "Two oh three, zero, one thirteen, two hundred"),
        ("4", "record_number", "1HGCM82633A004352"),
    ]


# Written for these tests (session 6, after the test15 blind run).
def test_spoken_numeric_dates_pronoun_one_spelled_emails_and_a_zip_after_a_unit():
    t = _session(
        "The social, this one, four one two, seven seven, oh nine three one.",
        "the letter was dated four nine twenty three and i never opened it",
        "My date of birth? Six, twelve, eighty-one.",
        "It's K, P as in Paul, L-E-E, 7, at outlook dot com.",
        "we live at two two one Birch Street, unit four, nine eight one oh two, near the park",
        "He wrote his permit number on the inspection form, Q55812034.",
        "At nine twelve we left, twenty four of us on one bus.",
    )
    assert _found(t) == [
        ("0", "ssn", "four one two, seven seven, oh nine three one"),
        ("1", "date", "four nine twenty three"),
        ("2", "date", "Six, twelve, eighty-one"),
        ("3", "email", "K, P as in Paul, L-E-E, 7, at outlook dot com"),
        ("4", "address", "two two one Birch Street, unit four"),
        ("4", "zip", "nine eight one oh two"),
        ("5", "record_number", "Q55812034"),
    ]


# Written for these tests (session 6, after the test16 blind run).
def test_a_year_in_words_ends_where_the_year_ends_and_a_date_said_again_in_other_case():
    t = _session(
        "the inspector comes june third twenty twenty five and we move to eight ninety one gallatin pike "
        "number two nashville three seven two one six after that",
        "My date of birth, the way I always say it: oh-nine, oh-one, eighty-eight.",
        "Why that way?",
        "My mother said it like that. Oh-nine, oh-one, eighty-eight. Always.",
    )
    assert _found(t) == [
        ("0", "date", "june third twenty twenty five"),
        ("0", "address", "eight ninety one gallatin pike number two"),
        ("0", "zip", "three seven two one six"),
        ("1", "date", "oh-nine, oh-one, eighty-eight"),
        ("3", "date", "Oh-nine, oh-one, eighty-eight"),
    ]


# Written for these tests (session 6, after the test17 and test18 blind runs).
def test_shapes_from_the_seventeenth_and_eighteenth_sets():
    t = _session(
        "His social on my file, five one two, four four, oh eight two seven. Mine is different.",
        "Write to me at rbk1983 at gmail, not the work one.",
        "another one two oh three dot zero dot one one three dot nine nine and then it stopped",
        "my birthday she put nine june nineteen eighty and the form wanted six nine nineteen eighty",
        "It's F-M-L dash twenty twenty-three dash four four one eight two.",
        "Nothing leaves 2240 West Lakeview, that's the rule.",
        "Six one seven, five five five, oh one four four, that's my cell.",
        "He'll be seven on April 9th, and he wants a dinosaur cake.",
        "the pharmacy on nine hundred west grand said the r x number is four four one two nine eight three",
        "send it to her work four one five delancey suite three hundred",
        "The diner at 118 Main in Cresco. And the IRS PIN is Two nine one, four four eight.",
        "There's a 1099-G in my name for money I never got.",
    )
    assert _found(t) == [
        ("0", "ssn", "five one two, four four, oh eight two seven"),
        ("1", "email", "rbk1983 at gmail"),
        ("2", "ip_address", "two oh three dot zero dot one one three dot nine nine"),
        ("3", "date", "nine june nineteen eighty"),
        ("3", "date", "six nine nineteen eighty"),
        ("4", "record_number", "F-M-L dash twenty twenty-three dash four four one eight two"),
        ("5", "address", "2240 West Lakeview"),
        ("6", "phone", "Six one seven, five five five, oh one four four"),
        ("7", "date", "April 9th"),
        ("8", "address", "nine hundred west grand"),
        ("8", "record_number", "four four one two nine eight three"),
        ("9", "address", "four one five delancey"),
        ("10", "address", "118 Main"),
        ("10", "record_number", "Two nine one, four four eight"),
    ]


# Written for these tests (session 6, after the test19 and test20 blind runs).
def test_shapes_from_the_nineteenth_and_twentieth_sets():
    t = _session(
        "The crew hotel was at Largo das Flores Novas 12, Porto, right by the river.",
        "mass health asked and i said three thirty sixty one forty four twenty two and then it was fine",
        "the bottle says number k r dash three three one oh four on the lid",
        "Her office is One Harbor Plaza, 9th floor, Boston, and she answers fast.",
        "My social, five two two, dash, one one, dash, four four oh nine. No. Five two two one one four four "
        "oh nine.",
        "I memorized her card, 555-0187, extension 12.",
        "he has a unit at sixty two ten birch avenue apartment two c fifteen two oh six next to the park",
        "your m r n here is four four one nine two two",
        "Roland gave them the number, 011 44 20 7946 0321.",
        "I made a new one, kay.r.moss77@yahoo dot com, just for this.",
        "The real address is Building 3-1120, Falcon Loop, Fort Ridley, Kansas.",
        "the appointment is at ten ill drive you there",
    )
    assert _found(t) == [
        ("0", "address", "Largo das Flores Novas 12, Porto"),
        ("1", "ssn", "three thirty sixty one forty four twenty two"),
        ("2", "record_number", "k r dash three three one oh four"),
        ("3", "address", "One Harbor Plaza"),
        ("4", "ssn", "five two two, dash, one one, dash, four four oh nine"),
        ("4", "ssn", "Five two two one one four four oh nine"),
        ("5", "phone", "555-0187"),
        ("6", "address", "sixty two ten birch avenue apartment two c"),
        ("6", "zip", "fifteen two oh six"),
        ("7", "record_number", "four four one nine two two"),
        ("8", "name", "Roland"),
        ("8", "phone", "011 44 20 7946 0321"),
        ("9", "email", "kay.r.moss77@yahoo dot com"),
        ("10", "address", "Building 3-1120, Falcon Loop, Fort Ridley, Kansas"),
    ]


def test_a_street_named_once_is_found_again_with_another_house_number():
    t = _session(
        "he has a one bedroom at forty one ten larkspur avenue apartment three b",
        "thats right by my moms shes at twelve oh six larkspur",
        "It cost ten grand and the Larkspur thing was a movie.",
    )
    assert _found(t) == [
        ("0", "address", "forty one ten larkspur avenue apartment three b"),
        ("1", "address", "twelve oh six larkspur"),
    ]


# Written for this test (session 6, after the test21 blind run).
def test_a_local_number_is_a_phone_number_unless_a_record_word_owns_it():
    t = _session(
        "Her number is 555-0143 if I'm not around.",
        "The lot is five five five, oh one two two, they open at eight.",
        "I called the fraud line, 1-555-0188, and waited.",
        "My sister is on WhatsApp, plus 44 7700 900123.",
        "The case number is 221-4471, from the first hearing.",
    )
    assert _found(t) == [
        ("0", "phone", "555-0143"),
        ("1", "phone", "five five five, oh one two two"),
        ("2", "phone", "1-555-0188"),
        ("3", "phone", "plus 44 7700 900123"),
        ("4", "record_number", "221-4471"),
    ]


# Written for these tests (session 7, from probes written before the test22-24 blind runs).
def test_an_ip_read_without_its_dots_after_an_ip_word_and_a_loose_local_phone_number():
    t = _session(
        "so the modem page said ten one forty four two twelve and nothing loaded",
        "his ip is one ninety two one sixty eight fifty five four",
        "The server log showed 172 20 4 19 at three in the morning.",
        "Ring the front desk on 555 0171 and ask for the night manager.",
        "The sticker said 555 0171 in red letters, nothing else.",
        "We were at 3 15 22 on the scoreboard by the end.",
    )
    assert _found(t) == [
        ("0", "ip_address", "ten one forty four two twelve"),
        ("1", "ip_address", "one ninety two one sixty eight fifty five four"),
        ("2", "ip_address", "172 20 4 19"),
        ("3", "phone", "555 0171"),
    ]


def test_splits_into_octets_says_whether_digits_can_be_four_parts_of_an_ip():
    from pipeline.privacy.numbers import splits_into_octets

    assert splits_into_octets("1921680012")
    assert splits_into_octets("10104")
    assert not splits_into_octets("999999999")
    assert not splits_into_octets("123")


def test_rural_routes_read_aloud_block_of_a_street_and_addresses_abroad_with_the_number_first():
    t = _session(
        "my grandpa was out on rural route three box nineteen past the grain elevator",
        "The report puts it in the 4400 block of Whitcomb Avenue, near the school.",
        "Ma tante habite au 9 Rue de la Paix, Lille, depuis des années.",
        "Mi papá vive en Carrera 7 #45-12, Medellín, con mi tía.",
        "We walked three blocks of Main and got coffee.",
    )
    assert [(i, c) for i, c, _ in _found(t) if c != "name"] == [
        ("0", "address"),
        ("1", "address"),
        ("2", "address"),
        ("3", "address"),
    ]
    spans = {i: s for i, c, s in _found(t) if c == "address"}
    assert spans["0"] == "rural route three box nineteen"
    assert spans["2"].startswith("9 Rue de la Paix")
    assert spans["3"].startswith("Carrera 7 #45-12")


def test_a_spoken_date_with_a_full_year_needs_no_date_word_and_a_spaced_slash_date_is_a_date():
    t = _session(
        "my brother passed four twenty two thousand eighteen and i still cant say it",
        "The form says 3 / 9 / 1971 under his name.",
        "we scored four twenty two at bowling, not bad",
    )
    assert _found(t) == [
        ("0", "date", "four twenty two thousand eighteen"),
        ("1", "date", "3 / 9 / 1971"),
    ]


def test_emails_written_around_harvesters_and_a_bare_seven_digit_number_after_a_phone_word():
    t = _session(
        "Her work one is p.lindqvist (at) harbor-legal.example, she said to use that.",
        "The volunteer list says help[at]foodshelf[dot]example at the bottom.",
        "Just text me at 5550164 when you're outside.",
        "The order came to 5550164 points, which is silly.",
    )
    assert _found(t) == [
        ("0", "email", "p.lindqvist (at) harbor-legal.example"),
        ("1", "email", "help[at]foodshelf[dot]example"),
        ("2", "phone", "5550164"),
        ("3", "record_number", "5550164"),  # an order's number, not a phone's
    ]


def test_spoken_zip_codes_after_a_state_code_with_four_more_digits_or_named_after():
    t = _session(
        "it was a po box in Reno, NV eight nine five oh two if that helps",
        "the zip is two oh eight one four dash three three oh one on the letter",
        "eighty nine five oh two thats the zip up there",
        "the badge said NV eight nine five oh two one and a photo",
    )
    assert [(i, c, s) for i, c, s in _found(t) if c == "zip"] == [
        ("0", "zip", "eight nine five oh two"),
        ("1", "zip", "two oh eight one four dash three three oh one"),
        ("2", "zip", "eighty nine five oh two"),
    ]
    assert ("3", "record_number", "eight nine five oh two one") in _found(t)


def test_house_numbers_in_thousands_and_halves_and_streets_without_a_type_in_a_city_and_state():
    t = _session(
        "the food bank is at three thousand twelve riverside drive behind the church",
        "He rented 41 1/2 Orchard Street, the little house out back.",
        "they found the car in the nineteen hundred block of delmar after midnight",
        "grandma still lives at four twenty two magnolia in macon georgia",
        "it cost two thousand dollars in macon georgia to fix the roof",
    )
    assert [(i, c, s) for i, c, s in _found(t) if c == "address"] == [
        ("0", "address", "three thousand twelve riverside drive"),
        ("1", "address", "41 1/2 Orchard Street"),
        ("2", "address", "nineteen hundred block of delmar"),
        ("3", "address", "four twenty two magnolia in macon georgia"),
    ]


def test_spoken_digits_reads_thousands():
    from pipeline.privacy.numbers import spoken_digits

    assert spoken_digits("three thousand twelve") == "3012"
    assert spoken_digits("one thousand and six") == "1006"
    assert spoken_digits("two thousand four hundred") == "2400"


def test_a_local_number_in_brackets_and_a_spoken_ipv6_with_digits_but_not_a_time_read_with_colons():
    t = _session(
        "I wrote (555)-0139 on my hand and then it washed off.",
        "the log said 2001 colon d b 8 colon colon 7 a and nothing else",
        "we met at 10 colon 30 colon 45 by the clock on the stove",
    )
    assert _found(t) == [
        ("0", "phone", "(555)-0139"),
        ("1", "ip_address", "2001 colon d b 8 colon colon 7 a"),
    ]


# Written for these tests (session 7, after the test22-24 blind runs), in other words than the sets'.
def test_a_record_word_after_for_the_is_a_purpose_unless_it_names_the_number():
    t = _session(
        "she made me read out my social for the claim four one seven two two eight nine oh six",
        "they want it for the rental deposit check number seven seven one oh four",
        "i gave my social for the joint loan account yeah six one two four four nine oh eight one",
    )
    assert _found(t) == [
        ("0", "ssn", "four one seven two two eight nine oh six"),
        ("1", "record_number", "seven seven one oh four"),
        ("2", "ssn", "six one two four four nine oh eight one"),
    ]


def test_a_social_corrected_later_in_the_turn_and_said_again_after_the_right_one():
    t = _session(
        "the bank asked for my social and i said six two two four one nine oh five seven and it didnt "
        "match and then i saw i had flipped two of them and it's six two two four one nine oh seven five",
        "so what happened then",
        "after i read the right one six two two four one nine oh seven five they unlocked it",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [("0", "ssn"), ("0", "ssn"), ("2", "ssn")]
    assert _found(t)[2][2] == "six two two four one nine oh seven five"


def test_grievances_check_numbers_hash_numbers_and_a_record_word_with_words_between():
    t = _session(
        "The union filed grievance GR-3390 last spring.",
        "They wrote the ticket number on it too, 8812, in pen.",
        "Then she opened #40917 about the heat.",
        "Our A-numbers were on the form, mine is A-three-three-one, five-five-zero, two-two-one.",
    )
    assert [(i, c, s) for i, c, s in _found(t)] == [
        ("0", "record_number", "GR-3390"),
        ("1", "record_number", "8812"),
        ("2", "record_number", "40917"),
        ("3", "record_number", "three-three-one, five-five-zero, two-two-one"),
    ]


def test_a_spoken_email_with_a_two_word_domain_part_and_a_site_read_after_at_is_a_web_address():
    t = _session(
        "write to r delgado at courts dot marion county dot example",
        "you can pay it online at city water pay dot example dot com",
        "they post it at w w w dot river valley dot example",
    )
    assert _found(t) == [
        ("0", "email", "r delgado at courts dot marion county dot example"),
        ("1", "url", "city water pay dot example dot com"),
        ("2", "url", "w w w dot river valley dot example"),
    ]


def test_an_address_by_plot_and_block_and_a_spoken_zip_said_again():
    t = _session(
        "My brother's house is Plot 42, Block F, Dansoman, Accra, near the school.",
        "its p o box nine lakeview minnesota five five three oh one",
        "wait let me check yes five five three oh one",
    )
    assert _found(t) == [
        ("0", "address", "Plot 42, Block F, Dansoman, Accra"),
        ("1", "address", "p o box nine"),
        ("1", "zip", "five five three oh one"),
        ("2", "zip", "five five three oh one"),
    ]


def test_lower_case_titles_and_relations_before_a_word_no_lexicon_holds_are_names():
    t = _session(
        "so then detective okafor called and said the lab was back",
        "my cousin tamsin drove me and the lieutenant ferreira met us there",
        "my sister said the doctor appointment was moved and i miss texting her",
        "she's with her caseworker and-and the officer didnt show",
    )
    assert [(i, s) for i, c, s in _found(t) if c == "name"] == [
        ("0", "detective okafor"),
        ("1", "tamsin"),
        ("1", "lieutenant ferreira"),
    ]


# Written for these tests (session 7, after the test25-27 blind runs), in other words than the sets'.
def test_a_number_read_back_keeps_the_category_it_was_found_with_and_a_correction_keeps_its_owner():
    t = _session(
        "the permit number is um just digits seven one one oh four four two",
        "seven one one oh four four two got it",
        "the claim they mailed says two two eight four oh one nine five six no wait two two eight four oh "
        "one nine six five",
        "we file jointly so her social is four one two seven seven eight oh three nine",
    )
    assert [(i, c) for i, c, _ in _found(t)] == [
        ("0", "record_number"),
        ("1", "record_number"),
        ("2", "record_number"),
        ("2", "record_number"),
        ("3", "ssn"),
    ]


def test_shapes_from_the_twenty_fifth_to_twenty_seventh_sets():
    t = _session(
        "her alien number a two one one four oh seven seven three two came in the mail",
        "The Busan office is 051-555-0148, if the line drops.",
        "mail it to dayton ohio four five four one nine oh and bring the receipt",
        "They asked her date of birth twice, and the clerk wrote down eleven March.",
        "the police want the complaint form at reportit dot example dot gov",
        "the vpn is ten dot four dot four dot one and the stranger was two oh three zero one one three one "
        "hundred twelve",
    )
    assert [(i, c, s) for i, c, s in _found(t)] == [
        ("0", "record_number", "two one one four oh seven seven three two"),
        ("1", "phone", "051-555-0148"),
        ("2", "zip", "four five four one nine"),
        ("3", "date", "eleven March"),
        ("4", "url", "reportit dot example dot gov"),
        ("5", "ip_address", "ten dot four dot four dot one"),
        ("5", "ip_address", "two oh three zero one one three one hundred twelve"),
    ]


def test_codes_in_the_radio_alphabet_access_codes_and_probation_numbers():
    t = _session(
        "the booking is under four four seven sierra papa two",
        "The gate code is 5108, and the area code is 612.",
        "my probation number is six one one two four and the probation office is downtown",
        "we played golf at the hotel for two or three hours",
    )
    assert _found(t) == [
        ("0", "record_number", "four four seven sierra papa two"),
        ("1", "record_number", "5108"),
        ("2", "record_number", "six one one two four"),
    ]


def test_dates_with_a_month_abbreviation_between_dashes_and_dates_read_with_slashes():
    t = _session(
        "The summons says 03-Feb-2025 at the top.",
        "her birthday on the form is oh four slash eleven slash oh eight",
        "the ratio is three slash four slash five on the drawing sheet",
    )
    assert _found(t) == [
        ("0", "date", "03-Feb-2025"),
        ("1", "date", "oh four slash eleven slash oh eight"),
    ]


def test_spoken_streets_with_an_abbreviated_direction_main_and_broadway_and_a_numbered_road():
    t = _session(
        "back then we rented at six thirty two s. maple ave behind the bakery",
        "the clinic moved to twenty two ten broadway, by the library",
        "my uncle is at ninety one oh five highway sixty one past the church",
        "the one main thing is the twenty main points she made",
    )
    assert _found(t) == [
        ("0", "address", "six thirty two s. maple ave"),
        ("1", "address", "twenty two ten broadway"),
        ("2", "address", "ninety one oh five highway sixty one"),
    ]


def test_numbers_named_by_a_word_before_number_are_records():
    t = _session(
        "his old service number was six six one two eight on the tags",
        "the customer number on the bill is four four one oh seven",
        "the service was nice and the customer was right",
    )
    assert _found(t) == [
        ("0", "record_number", "six six one two eight"),
        ("1", "record_number", "four four one oh seven"),
    ]


# Written for these tests (session 7, after the test28-30 blind runs), in other words than the sets'.
def test_toll_free_numbers_read_with_eight_hundred_a_zip_said_twice_and_control_numbers():
    t = _session(
        "i rang the member line the one eight hundred five five five oh one four four",
        "the form said the zip was six oh six one four six oh six one four so i left it",
        "she wanted the control number seven seven two one oh four four nine first",
    )
    assert _found(t) == [
        ("0", "phone", "one eight hundred five five five oh one four four"),
        ("1", "zip", "six oh six one four"),
        ("1", "zip", "six oh six one four"),
        ("2", "record_number", "seven seven two one oh four four nine"),
    ]


def test_ones_own_number_near_a_record_word_a_letter_code_and_a_street_before_its_number():
    t = _session(
        "The lab gives each donor a PIN for the kiosk. Mine is 80417, easy to forget.",
        "Her section is CRN 55102 this term, with a lab on Fridays.",
        "It cost USD 4000 and the hotel ZIP is 60614.",
        "They moved to Larkhill Road, 18, Dunmore, near the quarry.",
        "send it to m reyes at local union four twelve dot example dot org please",
    )
    found = _found(t)
    assert ("0", "record_number", "80417") in found
    assert ("1", "record_number", "55102") in found
    assert [c for i, c, _ in found if i == "2"] == ["zip"]
    assert ("3", "address", "Larkhill Road, 18, Dunmore") in found
    assert ("4", "email", "m reyes at local union four twelve dot example dot org") in found


# Written for these tests (session 7, after the test31-33 blind runs), in other words than the sets'.
def test_defanged_links_canadian_postal_codes_a_unit_before_a_spoken_zip_and_a_house_with_a_letter():
    t = _session(
        "The alert pointed at hxxp://billing-check[.]example/login, so we blocked it.",
        "Her flat is 88, boulevard Saint-Laurent, app. 12, Montréal, postal code H3B 1A7.",
        "we moved to twelve oh four birch lane apartment nine five five one oh two and it's quieter",
        "Our farm is at N7216 Cedar Creek Road now.",
    )
    found = _found(t)
    assert ("0", "url", "hxxp://billing-check[.]example/login") in found
    assert ("1", "zip", "H3B 1A7") in found
    assert ("1", "address", "88, boulevard Saint-Laurent, app. 12, Montréal") in found
    assert ("2", "address", "twelve oh four birch lane apartment nine") in found
    assert ("2", "zip", "five five one oh two") in found
    assert ("3", "address", "N7216 Cedar Creek Road") in found


def test_roles_codes_named_numbers_and_a_written_phone_number_followed_by_a_count():
    t = _session(
        "and my wife's, as the account holder, six one two two nine four four oh one",
        "The receipt code was 4RT7W2, from the kiosk.",
        "the tract number on the deed is four four one oh nine",
        "He texts my cell, 555-0127, twenty times a day.",
        "He brought the DD-214 and the COVID19 card.",
    )
    found = _found(t)
    assert ("0", "ssn", "six one two two nine four four oh one") in found
    assert ("1", "record_number", "4RT7W2") in found
    assert ("2", "record_number", "four four one oh nine") in found
    assert ("3", "phone", "555-0127") in found
    assert [c for i, c, _ in found if i == "4"] == []


# Written for these tests (session 7, after the test34-36 blind runs), in other words than the sets'.
def test_inspection_and_checking_numbers_an_own_social_a_kilometre_address_and_short_birthdays():
    t = _session(
        "the card says inspection number four four one two nine oh seven on the back",
        "the savings is seven seven one two oh four four nine three at the credit union",
        "they asked for the social security for both of us and mine is six one one four two nine oh eight"
        " seven",
        "We stayed near Carretera Federal Km 22.5, Tulum, for a week.",
        "Her birthday on the form was 5/3/1990 and the clinic wrote 5/13.",
        "She was born March 9, 2004. Nine of March.",
    )
    found = _found(t)
    assert ("0", "record_number", "four four one two nine oh seven") in found
    assert ("1", "record_number", "seven seven one two oh four four nine three") in found
    assert ("2", "ssn", "six one one four two nine oh eight seven") in found
    assert ("3", "address", "Carretera Federal Km 22.5, Tulum") in found
    assert ("4", "date", "5/13") in found
    assert ("5", "date", "Nine of March") in found
