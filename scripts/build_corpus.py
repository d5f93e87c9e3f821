"""Build data/corpus/{sessions.jsonl,utterances/} from data/corpus/sessions/*.txt.

Usage: python scripts/build_corpus.py   (same as `rupture corpus build`)
"""

from __future__ import annotations

from pipeline.corpus.build import build_corpus

if __name__ == "__main__":
    sessions = build_corpus("data/corpus/sessions", "data/corpus")
    print(f"wrote {len(sessions)} sessions to data/corpus")
