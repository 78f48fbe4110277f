"""Print precision, recall and support per trigger type over tests/trigger_cases.py; exit 0."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence, Set
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run as a file from anywhere: `app` and `tests` import

from app.core.labels import MESSAGE_TRIGGER_TYPES  # noqa: E402
from app.engine.triggers import TriggerDetector  # noqa: E402
from tests.trigger_cases import CASES  # noqa: E402


@dataclass
class Tally:
    """Counts for one trigger type, or for all of them (micro average)."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def precision(self) -> float | None:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None


Case = tuple[str, Set[str]]


def score(
    cases: Sequence[Case], detector: TriggerDetector
) -> tuple[dict[str, Tally], list[tuple[Case, frozenset[str]]]]:
    """Tallies per type plus "micro", and the cases whose detected types differ."""
    tallies = {type_: Tally() for type_ in (*MESSAGE_TRIGGER_TYPES, "micro")}
    misses = []
    for case in cases:
        text, expected = case
        found: frozenset[str] = frozenset(t.type for t in detector.detect(text))
        if found != expected:
            misses.append((case, found))
        for type_ in MESSAGE_TRIGGER_TYPES:
            for tally in (tallies[type_], tallies["micro"]):
                tally.true_positives += type_ in found and type_ in expected
                tally.false_positives += type_ in found and type_ not in expected
                tally.false_negatives += type_ not in found and type_ in expected
    return tallies, misses


def format_table(tallies: dict[str, Tally]) -> str:
    """A fixed-width table: type, precision, recall, support, false positives and negatives."""

    def ratio(value: float | None) -> str:
        return "  n/a" if value is None else f"{value:5.2f}"

    lines = [f"{'trigger':<22}{'precision':>10}{'recall':>8}{'support':>9}{'fp':>5}{'fn':>5}"]
    for name, tally in tallies.items():
        if name == "micro":
            lines.append("-" * len(lines[0]))
        lines.append(
            f"{name:<22}{ratio(tally.precision):>10}{ratio(tally.recall):>8}{tally.support:>9}"
            f"{tally.false_positives:>5}{tally.false_negatives:>5}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score the pattern trigger detector on the case table: one row per type, a "
        "micro-averaged total, the cases it gets wrong and the mean time per message."
    )
    parser.add_argument("--refund-limit", type=float, default=100.0)
    args = parser.parse_args(argv)

    cases: Sequence[Case] = CASES
    detector = TriggerDetector(refund_limit=args.refund_limit)
    tallies, misses = score(cases, detector)
    negatives = sum(1 for _, expected in cases if not expected)
    print(f"{len(cases)} cases ({negatives} with no trigger), refund limit {args.refund_limit:g}\n")
    print(format_table(tallies))
    for (text, expected), found in misses:
        print(f"\nexpected {sorted(expected)}, found {sorted(found)}:\n  {text!r}")

    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for text, _ in cases:
            detector.detect(text)
    per_message = (time.perf_counter() - started) / (rounds * len(cases))
    print(f"\nmean detect() time: {per_message * 1e6:.0f} µs per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
