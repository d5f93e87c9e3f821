"""Check hand-written corpus source files and count labels.

Usage: python scripts/check_corpus_source.py data/corpus/sessions/*.txt

Standard library only. Exits 1 when any file has an error.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.corpus.source import load_label_roles, parse_source  # noqa: E402


def _norm(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


def main(paths: list[str]) -> int:
    label_roles = load_label_roles()
    sessions = [parse_source(Path(p), label_roles) for p in sorted(paths)]
    errors = [e for s in sessions for e in s.errors]
    seen: dict[str, str] = {}
    for s in sessions:
        for ln in s.lines:
            key = _norm(ln.text)
            if len(key.split()) < 6:
                continue
            if key in seen and seen[key] != s.path.name:
                errors.append(f"{s.path}:{ln.line_no}: line also in {seen[key]}: {ln.text!r}")
            seen.setdefault(key, s.path.name)
    pos: Counter[str] = Counter()
    sess: dict[str, set[str]] = defaultdict(set)
    for s in sessions:
        for ln in s.lines:
            for lab in ln.labels:
                pos[lab] += 1
                sess[lab].add(s.path.stem)
    n_utt = sum(len(s.lines) for s in sessions)
    print(f"{len(sessions)} sessions, {n_utt} utterances")
    for s in sessions:
        n_lab = sum(bool(ln.labels) for ln in s.lines)
        span = s.lines[-1].start / 60 if s.lines else 0
        print(f"  {s.path.stem}: {len(s.lines)} utterances, {n_lab} labelled, {span:.1f} min")
    print(f"{'label':34s} {'positives':>9s} {'sessions':>8s}")
    for lab in label_roles:
        print(f"{lab:34s} {pos[lab]:9d} {len(sess[lab]):8d}")
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # output piped into head
        sys.exit(1)
