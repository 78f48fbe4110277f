"""A bounded cache of model scores for texts seen before, keyed by a digest of the text.

Chat widgets screen the same draft again as the customer pauses, and helpdesks retry
deliveries: the forward pass is the whole cost, and the same text always gets the same
scores. Only a keyed BLAKE2b digest is kept, never the text, so the cache can be on by default.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

from app.core.domain import Scores
from app.model.base import Classifier


class CachedClassifier:
    """Wraps a classifier; scores only the texts it has not scored lately (LRU, bounded)."""

    def __init__(self, inner: Classifier, *, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.inner = inner
        self.model_version = inner.model_version
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        # A per-process key: digests mean nothing outside this process, so a memory dump
        # cannot be checked against guessed texts.
        self._key = os.urandom(16)
        self._entries: OrderedDict[bytes, Scores] = OrderedDict()
        self._lock = threading.Lock()

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        digests = [self._digest(t) for t in texts]
        found: dict[bytes, Scores] = {}
        with self._lock:
            for digest in digests:
                if digest in self._entries:
                    self._entries.move_to_end(digest)
                    found[digest] = self._entries[digest]
        missing = {d: t for d, t in zip(digests, texts, strict=True) if d not in found}
        if missing:
            scored = self.inner.predict(list(missing.values()), batch_size=batch_size)
            with self._lock:
                for digest, scores in zip(missing, scored, strict=True):
                    found[digest] = scores
                    self._entries[digest] = scores
                    self._entries.move_to_end(digest)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        return [found[d] for d in digests]

    def __len__(self) -> int:
        return len(self._entries)

    def _digest(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), key=self._key).digest()
