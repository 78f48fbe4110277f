"""Shared fixtures: a fake classifier that honours the real protocol, and app clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.domain import Scores
from app.core.labels import EMOTION_LABELS, INTENT_LABELS, ROOT_CAUSES
from app.model.base import Classifier

NEGATIVE_WORDS = ("terrible", "unacceptable", "worst", "angry", "broken", "third time", "!!")
POSITIVE_WORDS = ("thank", "great", "love", "perfect")
# A word no pattern knows, so that only the fake model can read a request for a human in it.
MODEL_ONLY_HUMAN_REQUEST = "xyzzy"


def make_scores(
    negative: float = 0.1,
    positive: float = 0.1,
    *,
    intents: dict[str, float] | None = None,
    root_cause: str | None = None,
    **emotions: float,
) -> Scores:
    """Scores with the given sentiment and emotions; every other emotion is 0.01."""
    neutral = max(0.0, 1.0 - negative - positive)
    all_emotions = {label: 0.01 for label in EMOTION_LABELS}
    all_emotions.update(emotions)
    causes = {c: (0.7 if c == root_cause else 0.05) for c in ROOT_CAUSES} if root_cause else {}
    return Scores(
        sentiment={"negative": negative, "neutral": neutral, "positive": positive},
        emotions=all_emotions,
        intents={label: 0.02 for label in INTENT_LABELS} | (intents or {}),
        root_causes=causes,
    )


class FakeClassifier(Classifier):
    """Scores from a few keywords, so API tests run without torch weights; records batches."""

    model_version = "fake-1"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        self.batches.append(list(texts))
        return [self._score(text.lower()) for text in texts]

    @staticmethod
    def _score(text: str) -> Scores:
        if MODEL_ONLY_HUMAN_REQUEST in text:
            return make_scores(negative=0.6, intents={"human_request": 0.93}, annoyance=0.4)
        if any(word in text for word in NEGATIVE_WORDS):
            return make_scores(
                negative=0.85, positive=0.03, root_cause="delay", anger=0.7, annoyance=0.6
            )
        if any(word in text for word in POSITIVE_WORDS):
            return make_scores(negative=0.02, positive=0.9, gratitude=0.8, joy=0.4)
        return make_scores(negative=0.1, positive=0.1, neutral=0.8)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def fake_classifier() -> FakeClassifier:
    return FakeClassifier()


@pytest.fixture
def client(settings: Settings, fake_classifier: FakeClassifier) -> Iterator[TestClient]:
    from app.main import create_app  # importing builds the module-level app: keep it lazy

    with TestClient(create_app(settings, classifier=fake_classifier)) as test_client:
        yield test_client


@pytest.fixture
def auth_client(tmp_path: Path, fake_classifier: FakeClassifier) -> Iterator[TestClient]:
    """An app that requires API keys (TRIAGE_AUTH=true), on SQLite; mint keys with mint_key."""
    from app.main import create_app

    settings = Settings(data_dir=tmp_path / "auth-data", auth=True)
    with TestClient(create_app(settings, classifier=fake_classifier)) as test_client:
        yield test_client


@pytest.fixture
def mint_key() -> Callable[..., str]:
    """mint_key(client, tenant, role, origins=()) -> a new plain key, made in client's store."""
    from app.tenancy.keys import create_key

    def mint(client: TestClient, tenant: str, role: str, origins: Sequence[str] = ()) -> str:
        store = client.app.state.services.store_keeper.store  # type: ignore[attr-defined]
        return create_key(store, tenant, role, origins=origins).secret  # type: ignore[arg-type]

    return mint
