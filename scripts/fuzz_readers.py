"""Fuzz every transcript reader for longer than CI does (issue #8).

For each format (forced with ``input_format`` and auto-detected) it feeds random bytes,
valid files cut at any byte, valid files with garbled lines, malformed times and mixed
encodings (``tests/fuzz_inputs.py``), then huge lines (1-5 MB) and 5,000 speakers. Each
input must be read and segmented into valid objects or refused with a clear
``InputError``; anything else is a bug. Prints per-reader counts of inputs tried /
accepted / refused / other exceptions, then each distinct other exception with its
input, and exits 1 if there was any.

Usage:
    .venv/bin/python scripts/fuzz_readers.py --examples 200 [--seed N] [--huge 2]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz_inputs import FORMATS, KINDS, huge_turn, many_speakers, outcome, write_input  # noqa: E402

COLUMNS = ("tried", "accepted", "refused", "other")


class Tally:
    """Counts per reader, and the first input of each distinct unexpected exception."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {fmt: Counter() for fmt in FORMATS}
        self.failures: dict[tuple[str, str], str] = {}

    def try_one(self, fmt: str, forced: str | None, kind: str, data) -> None:
        self.counts[fmt]["tried"] += 1
        with tempfile.TemporaryDirectory() as tmp:
            path = write_input(Path(tmp), "fuzz", fmt, data)
            try:
                self.counts[fmt][outcome(path, forced)] += 1
            except Exception as err:  # noqa: BLE001  every other exception is what we are looking for
                self.counts[fmt]["other"] += 1
                where = traceback.extract_tb(err.__traceback__)[-1]
                key = (type(err).__name__, f"{Path(where.filename).name}:{where.lineno}")
                if key not in self.failures:
                    shown = {k: v[:300] for k, v in data.items()} if isinstance(data, dict) else data[:300]
                    self.failures[key] = (
                        f"{fmt} ({'forced' if forced else 'auto-detected'}, {kind}): "
                        f"{type(err).__name__}: {str(err)[:300]}\n    input: {shown!r}\n"
                        + "".join(traceback.format_exception(err)[-6:])
                    )


def fuzz(tally: Tally, fmt: str, forced: str | None, kind: str, examples: int, run_seed: int) -> None:
    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=KINDS[kind](fmt))
    def body(data) -> None:
        tally.try_one(fmt, forced, kind, data)

    body()


def big_inputs(tally: Tally, rng: random.Random, huge: int) -> None:
    """Huge lines of 1-5 MB in every format, and 5,000 speakers in text and CSV."""
    for fmt in FORMATS:
        for _ in range(huge):
            size = rng.randint(1_000_000, 5_000_000)
            tally.try_one(fmt, fmt, f"huge line {size:,} B", huge_turn(fmt, size))
            if fmt != "convokit":
                junk = bytes(rng.randrange(32, 127) for _ in range(1000)) * (size // 1000)
                tally.try_one(fmt, None, "huge junk line", junk)
    for fmt in ("text", "csv"):
        tally.try_one(fmt, fmt, "5,000 speakers", many_speakers(fmt, 5000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=200, help="inputs per format, kind and detection")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one)")
    parser.add_argument("--huge", type=int, default=2, help="huge-line inputs per format")
    args = parser.parse_args()
    run_seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"fuzz_readers: seed {run_seed}, {args.examples} examples per format x kind x detection")
    tally = Tally()
    started = time.perf_counter()
    for n, fmt in enumerate(FORMATS):
        for k, kind in enumerate(KINDS):
            for forced in (fmt, None):
                fuzz(tally, fmt, forced, kind, args.examples, run_seed + 100 * n + 2 * k + (forced is None))
        print(f"  {fmt}: {dict(tally.counts[fmt])} ({time.perf_counter() - started:.0f} s)", flush=True)
    big_inputs(tally, random.Random(run_seed), args.huge)
    print(f"\n{'reader':10}" + "".join(f"{c:>10}" for c in COLUMNS))
    for fmt in FORMATS:
        print(f"{fmt:10}" + "".join(f"{tally.counts[fmt][c]:>10}" for c in COLUMNS))
    total = sum(tally.counts.values(), Counter())
    print(f"{'all':10}" + "".join(f"{total[c]:>10}" for c in COLUMNS))
    print(f"\n{time.perf_counter() - started:.0f} s; {len(tally.failures)} distinct other exceptions")
    for text in tally.failures.values():
        print("\n" + text)
    return 1 if total["other"] else 0


if __name__ == "__main__":
    sys.exit(main())
