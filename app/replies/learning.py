"""Learning which replies work: Thompson sampling over each bank entry's recorded outcomes."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence

from app.core.labels import Step
from app.replies.bank import BankEntry

log = logging.getLogger("triage.learning")
Stats = Mapping[str, tuple[int, int]]  # entry id -> (uses in resolved conversations, uses)


def _tier(entry: BankEntry) -> tuple[bool, bool, bool, bool]:
    # How specific an entry is; the bank ranks more specific entries first.
    return (
        bool(entry.triggers),
        bool(entry.root_causes),
        bool(entry.customer_types),
        bool(entry.channels),
    )


class ThompsonRanker:
    """Orders the equally suitable entries at the head of a step by a draw from each entry's
    Beta(1 + resolved, 1 + unresolved) posterior, so entries that resolve conversations are
    offered more often while untried ones still get their chance.

    Until some entry of the tier has an outcome, the bank's own order stands, so answers stay
    reproducible for a team that records no outcomes.
    """

    def __init__(self, stats: Stats, rng: random.Random) -> None:
        self.stats = stats
        self.rng = rng

    def __call__(self, step: Step, entries: Sequence[BankEntry]) -> tuple[BankEntry, ...]:
        if not entries:
            return ()
        tier = _tier(entries[0])
        lead = 1
        while lead < len(entries) and _tier(entries[lead]) == tier:
            lead += 1
        head, rest = list(entries[:lead]), list(entries[lead:])
        if not any(self.stats.get(e.id, (0, 0))[1] for e in head):
            return tuple(entries)
        draws = {e.id: self._draw(e.id) for e in head}
        head.sort(key=lambda e: -draws[e.id])
        return (*head, *rest)

    def _draw(self, entry_id: str) -> float:
        resolved, used = self.stats.get(entry_id, (0, 0))
        return self.rng.betavariate(1 + resolved, 1 + used - resolved)


class StatsCache:
    """Outcome statistics read from the store at most every `ttl` seconds.

    A database round trip per message would cost more than the model; statistics that are a
    minute old choose just as well.
    """

    def __init__(self, load: Callable[[], Stats | None], *, ttl: float = 60.0) -> None:
        self._load = load
        self._ttl = ttl
        self._stats: Stats = {}
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> Stats:
        with self._lock:
            if time.monotonic() - self._loaded_at >= self._ttl:
                self._loaded_at = time.monotonic()
                try:
                    fresh = self._load()
                except Exception as exc:  # a store hiccup must never fail triage
                    log.warning(
                        "outcome statistics unavailable", extra={"error": type(exc).__name__}
                    )
                    fresh = None
                if fresh is not None:
                    self._stats = dict(fresh)
            return self._stats
