"""The learning loop: selection converges on the reply that resolves conversations."""

from __future__ import annotations

import random

from app.replies.bank import BankEntry
from app.replies.learning import StatsCache, ThompsonRanker


def entry(entry_id: str, **fields: object) -> BankEntry:
    return BankEntry(id=entry_id, step="acknowledge", text=f"reply {entry_id}", **fields)


GOOD, WEAK = entry("ack-good"), entry("ack-weak")
SPECIFIC = entry("ack-specific", triggers=("human_request",))


def test_without_outcomes_the_bank_order_stands() -> None:
    ranker = ThompsonRanker({}, random.Random(0))
    assert ranker("acknowledge", (WEAK, GOOD)) == (WEAK, GOOD)


def test_only_the_leading_tier_is_reordered() -> None:
    # A trigger-specific entry stays ahead of generic ones whatever their record.
    ranker = ThompsonRanker({"ack-good": (50, 50)}, random.Random(0))
    assert ranker("acknowledge", (SPECIFIC, WEAK, GOOD))[0] == SPECIFIC
    assert ranker("acknowledge", (WEAK, GOOD))[0] == GOOD


def test_selection_converges_on_the_better_entry() -> None:
    """Simulate agents using whatever comes first; GOOD resolves 80%, WEAK 30%."""
    world = random.Random(1)
    rng = random.Random(2)
    success = {"ack-good": 0.8, "ack-weak": 0.3}
    stats = {"ack-good": (0, 0), "ack-weak": (1, 1)}  # one lucky early win for the weak one
    picks = []
    for _ in range(400):
        chosen = ThompsonRanker(stats, rng)("acknowledge", (WEAK, GOOD))[0]
        resolved = world.random() < success[chosen.id]
        won, used = stats[chosen.id]
        stats[chosen.id] = (won + resolved, used + 1)
        picks.append(chosen.id)
    assert picks[-100:].count("ack-good") >= 85
    assert stats["ack-weak"][1] >= 3  # it was still tried


def test_stats_cache_refreshes_after_its_ttl_and_survives_errors() -> None:
    calls = []

    def load():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database hiccup")
        return {"a": (len(calls), len(calls))}

    cache = StatsCache(load, ttl=0.0)
    assert cache.get() == {"a": (1, 1)}
    assert cache.get() == {"a": (1, 1)}  # the failed refresh keeps the last good statistics
    assert cache.get() == {"a": (3, 3)}
    slow = StatsCache(load, ttl=3600)
    slow.get()
    slow.get()
    assert len(calls) == 4
