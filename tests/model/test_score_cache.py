"""The score cache: same scores as the model, fewer forward passes, bounded, no text kept."""

from __future__ import annotations

import pickle
from collections.abc import Sequence

import pytest

from app.core.domain import Scores
from app.model.score_cache import CachedClassifier
from tests.conftest import FakeClassifier


class CountingClassifier(FakeClassifier):
    def __init__(self) -> None:
        super().__init__()
        self.scored: list[str] = []

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        self.scored.extend(texts)
        return super().predict(texts, batch_size=batch_size)


@pytest.fixture
def inner() -> CountingClassifier:
    return CountingClassifier()


def test_gives_the_models_scores(inner: CountingClassifier) -> None:
    cached = CachedClassifier(inner, max_entries=8)
    texts = ["this is useless", "thanks a lot", "this is useless"]
    assert cached.predict(texts) == FakeClassifier().predict(texts)
    assert cached.model_version == inner.model_version


def test_scores_each_distinct_text_once(inner: CountingClassifier) -> None:
    cached = CachedClassifier(inner, max_entries=8)
    cached.predict(["a late parcel", "a late parcel", "thanks"])
    cached.predict(["thanks", "a late parcel"])
    assert sorted(inner.scored) == ["a late parcel", "thanks"]
    assert (cached.hits, cached.misses) == (3, 2)  # a repeat within one call is a hit too


def test_stays_within_its_bound_and_forgets_the_least_recent(inner: CountingClassifier) -> None:
    cached = CachedClassifier(inner, max_entries=2)
    cached.predict(["one"])
    cached.predict(["two"])
    cached.predict(["one"])  # "two" is now the least recently used
    cached.predict(["three"])
    assert len(cached) == 2
    inner.scored.clear()
    cached.predict(["one", "two"])
    assert inner.scored == ["two"]


def test_keeps_no_text(inner: CountingClassifier) -> None:
    cached = CachedClassifier(inner, max_entries=8)
    marker = "my card 4111 1111 1111 1111 was charged twice"
    cached.predict([marker])
    assert marker.encode() not in pickle.dumps(cached._entries)


def test_refuses_a_zero_bound(inner: CountingClassifier) -> None:
    with pytest.raises(ValueError):
        CachedClassifier(inner, max_entries=0)
