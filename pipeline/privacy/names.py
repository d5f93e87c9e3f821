"""Person names, by rule: titles, name lists, the names speaker labels reveal, and telling contexts.

No statistical model: a capitalised word is a name when a title precedes it ("Dr. Feldman"), when it
is on the shipped lists of common given names and surnames (``given_names.txt``, ``surnames.txt``)
or on the user's own list, when a speaker label of the transcript is that name, or when the context
says so ("my sister Tanya", "her name is Siobhan"). Names that are also everyday words (``Will``,
``Grace``) count only capitalised in mid-sentence. Any other capitalised word in mid-sentence is a
low-confidence candidate (0.35), below the default reporting threshold.

Example:
    >>> from pipeline.privacy.patterns import resolve
    >>> text = "I told Dr. Feldman and Oluwaseun."
    >>> [(text[h.start:h.end], h.confidence) for h in resolve(NameFinder(["Oluwaseun"]).find(text))]
    [('Dr. Feldman', 0.95), ('Oluwaseun', 0.95)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.privacy.hits import Hit

_HERE = Path(__file__).resolve().parent
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
_WORD = rf"[{_UPPER}][^\W\d_]*(?:['’][{_UPPER}][^\W\d_]+)?(?:-[^\W\d_]+)*"
_NAME_WORD = re.compile(_WORD)
_PRO_TITLES = (
    r"Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Doctor|Judge|Officer|Detective|Pastor|Reverend|Rev|Rabbi|Imam"
    r"|Chief|Captain|Capt|Lieutenant|Lt|Sergeant|Sgt|Deputy|Sheriff|Trooper|Agent|Attorney|Magistrate"
)
_KIN_TITLES = r"Nurse|Coach|Father|Sister|Brother|Aunt|Auntie|Uncle|Grandma|Grandpa|Nana|Abuela|Abuelo|Miss"
_TITLED = re.compile(
    rf"\b(?:(?P<pro>{_PRO_TITLES})\.?|(?P<kin>{_KIN_TITLES}))\s+(?!I\b)(?P<name>{_WORD}(?:\s+{_WORD})?)"
)
_LOWER_TITLED = re.compile(r"\b(?:dr|mr|mrs|ms|mister|missus)\.?\s+(?P<name>[a-z][a-z'-]{2,})\b")
# Lower-case titles that are also plain words ("the doctor said", "i miss him"): a name only if a list
# holds it ("miss figueroa", "doctor brenner").
_LOWER_WORD_TITLED = re.compile(
    r"\b(?:doctor|officer|detective|judge|nurse|coach|miss|nana|grandma|aunt|auntie|uncle|lieutenant|sergeant"
    r"|captain|pastor|deputy|trooper|professor|tita|tito|tia|tio|lola|lolo)\s+"
    r"(?P<name>[a-z][a-z'-]{2,})\b"
)
_RELATIONS = (
    r"sister|brother|mom|mother|dad|father|husband|wife|son|daughter|friend|boyfriend|girlfriend|partner"
    r"|fianc[ée]e?|cousin|aunt|uncle|niece|nephew|grandma|grandmother|grandpa|grandfather|boss|manager"
    r"|supervisor|co-?worker|colleague|roommate|neighbou?r|teacher|coach|sponsor|therapist|doctor"
    r"|psychiatrist|counsell?or|caseworker|case manager|social worker|lawyer|attorney|ex|stepdad|stepmom"
    r"|stepson|stepdaughter|kid|child|baby|pastor|landlord|probation officer|mentor|tutor|nurse|pharmacist"
    r"|lieutenant|captain|sergeant|chief|teammate|classmate|maid of hono(?:u)?r|best man|bridesmaid|spouse"
    r"|advocate|interpreter|translator|worker|driver|dentist|principal|guardian|godmother|godfather|twin"
    r"|stepsister|stepbrother|half-sister|half-brother|grandson|granddaughter|buddy|priest|officer|detective"
)
# ASR text names people in lower case: "her name is ana ruiz".
_LOWER_NAMED = re.compile(
    r"\b(?:(?:my|his|her|their)\s+name\s+is|name's|named)\s+(?P<name>[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)"
)
# "my sister nkechi": a relation, then a word (in lower case)
_LOWER_RELATION = re.compile(
    rf"\b(?:my|his|her|our|their|your)\s+(?:{_RELATIONS})\s+(?P<name>[a-z][a-z'-]{{2,}})\b"
)
_CONTEXT = re.compile(
    rf"\b(?i:(?:my|his|her|our|their|your)\s+(?:(?:older|younger|little|big|best|old|new|ex-?)\s+)?"
    rf"(?:{_RELATIONS})|named|called|name\s+is|name's|this\s+is|ask\s+for)\s*,?\s+"
    rf"(?P<name>{_WORD}(?:\s+{_WORD})?)"
)
_SAID = re.compile(
    rf"(?<![\w'’-])(?P<name>{_WORD})\s+(?:said|says|told|texted|called|asked|thinks|wants|wanted|emailed|laughed|sent"
    r"|showed|gave|took|left|came|picked|drove|knows|knew|thought|yelled|cried|promised|agreed)\b"
)
_PERSON_VERB = re.compile(
    rf"\b(?i:i'm|i am|call me|calls me|call (?:her|him|them)|goes by|say hi to|talk(?:ed|ing)? (?:to|with)"
    rf"|loop(?:ed)? in|text(?:ed)?|told|tell|ask(?:ed)?|thanks?|married|dating|divorced|visit(?:ed)?"
    rf"|with|and|to)\s+(?P<name>{_WORD})"
)
_POSSESSIVE = re.compile(rf"(?<![\w'’-])(?P<name>{_WORD})['’]s\b")
# Words after a name-like word that make it a place or an institution ("Franklin County", "Edison PD").
_INSTITUTION = re.compile(
    r"\s+(?:County|City|General|Hospital|Medical|Center|Centre|Clinic|Health|University|College|School"
    r"|High|Elementary|Middle|Student|Students|Falls|River|Lake|Park|Heights|Valley|Springs|Beach|Bay|PD"
    r"|Police|Fire|Department|Dept|Court|Street|Avenue|Road|Mall|Church|Bank|Insurance|Mutual|Federal"
    r"|National|House|Hall|Place|Station|Airport|Library|Pharmacy|Foods|Market|Motors|Group|Services"
    r"|Institute|Academy|Community|Memorial|Regional|State|Township|Village|Square|Plaza|Tower|Towers)\b"
)
_VOCATIVE = re.compile(rf",\s+(?P<name>{_WORD})\s*[.!?]*\s*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(…]\s*|\s[-–—]\s*)$")
_ROLE_WORDS = {
    "t",
    "p",
    "c",
    "th",
    "pt",
    "cl",
    "therapist",
    "patient",
    "client",
    "counselor",
    "counsellor",
    "clinician",
    "doctor",
    "dr",
    "interviewer",
    "interviewee",
    "speaker",
    "unknown",
    "nurse",
    "provider",
    "resident",
    "trainee",
    "coach",
    "psychiatrist",
    "psychologist",
    "physician",
    "np",
    "mother",
    "father",
    "mom",
    "dad",
    "parent",
    "partner",
    "husband",
    "wife",
    "other",
    "family",
    "group",
    "member",
    "all",
}
_LOWER_STOP = {
    "dale",
    "gene",
    "jean",
    "rob",
    "bob",
    "lee",
    "jan",
    "kim",
    "ken",
    "mike",
    "robin",
    "carol",
    "ruby",
    "crystal",
    "destiny",
    "amber",
    "heather",
    "jasmine",
    "holly",
    "chase",
    "morgan",
    "tracy",
    "jesus",
    "eli",
    "ali",
    "ana",
    "ann",
    "ian",
    "eva",
    "mason",
    "hunter",
    "tom",
    "tim",
    "dan",
    "jon",
    "sara",
    "max",
    "kelly",
    "sandra",
    "nick",
    "don",
    "regina",
    "angela",
    "ray",
    "gina",
    "colin",
    "devon",
    "sydney",
    "austin",
    "jordan",
    "logan",
    "brooke",
    "shannon",
    "victoria",
    "madison",
    "mario",
    "camila",
    "lucas",
    "bianca",
    "felix",
    "louis",
    "leo",
    "lauren",
    "victor",
    "justin",
    "joel",
    "ruth",
    "terry",
    "taylor",
}


@cache
def _word_list(name: str) -> frozenset[str]:
    lines = (_HERE / name).read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


@cache
def _common_caps() -> frozenset[str]:
    return _word_list("common_caps.txt")


_ASR_CONTRACTIONS = set(
    "shes hes cant dont wont didnt im youre theyre thats isnt wasnt arent werent couldnt wouldnt shouldnt"
    " doesnt ive youve weve theyve ill youll itll whats wheres theres hadnt hasnt havent aint gonna wanna"
    " gotta".split()
)


def _unknown_word(word: str) -> bool:
    """A lower-case word no English lexicon, stop list or common list holds ("eze", "okonkwo"); a word
    joined with hyphens is known when its parts are ("and-and", "ex-husband")."""
    plain = re.sub(r"['’]s$", "", word)
    return not (re.search(r"['’]", plain) or all(_known_word(part) for part in plain.split("-") if part))


def _known_word(plain: str) -> bool:
    return (
        plain in _ASR_CONTRACTIONS
        or plain in _word_list("english_words.txt")
        or plain in STOP_WORDS
        or plain in _LOWER_STOP
        or plain in _common_caps()
        or plain.endswith(("ing", "ed", "ly"))
    )


def _not_a_person(word: str) -> bool:
    """A common capitalised word, a place (``places.txt``) or an acronym ("PA", "IRS")."""
    plain = _plain(word)
    return plain in _common_caps() or plain in _word_list("places.txt") or (len(word) > 1 and word.isupper())


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 4) : start]))


def _plain(word: str) -> str:
    return re.sub(r"['’]s$", "", word).lower()


class NameFinder:
    """Finds person names in utterance text.

    Args:
        extra_names: the user's own names (``--names FILE``); matched whole-word, in any case.
        speaker_names: names the transcript's speaker labels reveal (see :func:`names_in_labels`).
    """

    def __init__(
        self,
        extra_names: Iterable[str] = (),
        speaker_names: Iterable[str] = (),
        session_names: Iterable[str] = (),
    ):
        self.known = {n.lower() for n in [*extra_names, *speaker_names] if n.strip()}
        self._known_re = _words_re(self.known, re.IGNORECASE)
        self._session_re = _words_re({n for n in session_names if n.lower() not in self.known}, 0)

    def find(self, text: str) -> list[Hit]:
        """Name hits in ``text`` (overlapping candidates are resolved by the caller)."""
        return list(self._iter(text))

    def _iter(self, text: str) -> Iterator[Hit]:
        if self._known_re is not None:
            for m in self._known_re.finditer(text):
                yield Hit(m.start(), m.end(), "name", 0.95, "listed or speaker name")
        if self._session_re is not None:
            for m in self._session_re.finditer(text):
                if _plain(m[0]) not in _word_list("word_names.txt") or not _sentence_initial(text, m.start()):
                    yield Hit(m.start(), m.end(), "name", 0.8, "named elsewhere in the session")
        for m in _TITLED.finditer(text):
            yield Hit(m.start(), self._name_end(text, m, "name"), "name", 0.95 if m["pro"] else 0.8, "title")
        for m in _LOWER_TITLED.finditer(text):
            if m["name"] not in _common_caps():
                yield Hit(m.start(), m.end(), "name", 0.7, "lowercase title")
        for m in _LOWER_NAMED.finditer(text):
            words = m["name"].split()
            if words[0] not in STOP_WORDS and words[0] not in _common_caps():
                end = m.start("name") + (len(m["name"]) if words[-1] not in STOP_WORDS else len(words[0]))
                yield Hit(m.start("name"), end, "name", 0.7, "lowercase naming")
        for m in _CONTEXT.finditer(text):
            if _plain(m["name"].split()[0]) not in _common_caps():
                yield Hit(
                    m.start("name"), self._name_end(text, m, "name"), "name", 0.85, "relation or naming"
                )
        for m in _SAID.finditer(text):
            if not _not_a_person(m["name"]):
                yield Hit(m.start("name"), m.end("name"), "name", 0.6, "name before 'said'")
        yield from self._in_context(text)
        yield from self._listed(text)

    def _in_context(self, text: str) -> Iterator[Hit]:
        """Unknown capitalised words where people go: after "talk to", before "'s", addressed at the end."""
        rules = (
            (_PERSON_VERB, 0.6, "after a person verb"),
            (_POSSESSIVE, 0.55, "possessive"),
            (_VOCATIVE, 0.6, "addressed"),
        )
        for pattern, confidence, rule in rules:
            for m in pattern.finditer(text):
                word = _plain(m["name"])
                if (
                    _not_a_person(m["name"])
                    or word.endswith("ly")
                    or _sentence_initial(text, m.start("name"))
                ):
                    continue
                yield Hit(m.start("name"), m.start("name") + len(m["name"]), "name", confidence, rule)

    def _name_end(self, text: str, m: re.Match[str], group: str) -> int:
        """End of the name group, dropping a second word that is a common capitalised word."""
        words = m[group].split()
        if len(words) == 2 and _plain(words[1]) in _common_caps():
            return m.start(group) + len(words[0])
        return m.end(group)

    def _listed(self, text: str) -> Iterator[Hit]:
        given, surnames, word_names = (
            _word_list("given_names.txt"),
            _word_list("surnames.txt"),
            _word_list("word_names.txt"),
        )
        census_given, census_surnames = (
            _word_list("census_given_names.txt"),
            _word_list("census_surnames.txt"),
        )
        for m in _NAME_WORD.finditer(text):
            word = _plain(m[0])
            initial = _sentence_initial(text, m.start())
            end = m.start() + len(re.sub(r"['’]s$", "", m[0]))
            if word in given or word in surnames:
                yield Hit(
                    m.start(), self._with_surname(text, end), "name", 0.75 if initial else 0.85, "name list"
                )
            elif word in word_names and not initial and not re.match(r"\s+(?:\d|the\s+\d)", text[end:]):
                yield Hit(m.start(), end, "name", 0.6, "word name mid-sentence")
            elif m[0].isupper() or len(word) < 3 or _INSTITUTION.match(text, end):
                pass  # "PA", "IRS"; "Franklin County", "Mercy General": not a person
            elif word in census_given:
                confidence = 0.55 if initial else 0.7
                yield Hit(m.start(), self._with_surname(text, end), "name", confidence, "census given name")
            elif word in census_surnames and not initial:
                yield Hit(m.start(), end, "name", 0.55, "census surname")
            elif not initial and word not in _common_caps() and len(word) > 1:
                yield Hit(m.start(), end, "name", 0.35, "capitalised word")
        for m in re.finditer(r"(?<![\w'’])[a-z]{4,}(?![\w])", text):
            if m[0] in _LOWER_STOP or m[0] in _common_caps():
                continue
            if m[0] in given:
                yield Hit(m.start(), m.end(), "name", 0.55, "lowercase listed name")
            elif m[0] in census_given:
                yield Hit(m.start(), m.end(), "name", 0.5, "lowercase census name")
        for m in _LOWER_WORD_TITLED.finditer(text):
            if (
                m["name"] in given
                or m["name"] in surnames
                or m["name"] in census_given
                or m["name"] in census_surnames
                or _unknown_word(m["name"])
            ):
                yield Hit(m.start(), m.end(), "name", 0.7, "lowercase title")
        for m in _LOWER_RELATION.finditer(text):
            if _unknown_word(m["name"]):  # "my sister nkechi", not "my sister said"
                yield Hit(m.start("name"), m.end(), "name", 0.6, "lowercase relation and an unknown word")

    def _with_surname(self, text: str, end: int) -> int:
        nxt = _NAME_WORD.match(text, end + 1) if text[end : end + 1] == " " else None
        if nxt and _plain(nxt[0]) not in _common_caps():
            return nxt.start() + len(re.sub(r"['’]s$", "", nxt[0]))
        return end


def _words_re(words: set[str], flags: int) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", flags)


def name_words(span: str) -> list[str]:
    """The words of a found name worth finding again: ``"Dr. Willem Achterberg's"`` -> both names.

    Example:
        >>> name_words("Dr. Willem Achterberg's")
        ['Willem', 'Achterberg']
    """
    words = re.findall(r"[^\W\d_][^\W\d_'’-]*(?:-[^\W\d_]+)*", re.sub(r"['’]s\b", "", span))
    return [
        w
        for w in words
        if len(w) > 1
        and w[0].isupper()
        and _plain(w) not in _common_caps()
        and not re.fullmatch(_PRO_TITLES, w)
        and not re.fullmatch(_KIN_TITLES, w)
    ]


def names_in_labels(labels: Iterable[str]) -> list[str]:
    """The person names speaker labels reveal: ``"Dr. Okafor"`` -> ``["Okafor"]``; ``"T"`` -> ``[]``.

    Example:
        >>> names_in_labels(["T", "SPEAKER_01", "Dr. Okafor", "Dana", "Client 2", "Maria Delgado"])
        ['Okafor', 'Dana', 'Maria', 'Delgado']
    """
    out: list[str] = []
    for label in labels:
        for word in re.findall(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*", label):
            if word.lower().rstrip(".") in _ROLE_WORDS or re.fullmatch(_PRO_TITLES, word.rstrip(".")):
                continue
            if word[0].isupper() and len(word) > 1 and word not in out and not word.isupper():
                out.append(word)
    return out
