"""Shared fixtures: a fake classifier, app clients, the databases and a tiny model.

The tiny model (a random one-layer BERT and heads, built here, offline) imports torch only
when a test asks for it, so the tests that need no model stay quick to start.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.core.config import Settings
from app.core.domain import Scores
from app.core.labels import EMOTION_LABELS, INTENT_LABELS, ROOT_CAUSES, SENTIMENT_LABELS
from app.model.base import Classifier
from app.store.conversations import ConversationStore

# The test database (trust auth) that .ci/run and every developer machine has.
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Nothing listens on port 1: every connection attempt is refused at once.
DOWN_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
# The tiny model's whole vocabulary.
TINY_WORDS = "the order is late again and i want a refund thanks great service not working".split()

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


def drop_store_tables() -> None:
    """Drop every table the store knows from the test database: migrations then run afresh.

    Every table the models know, so a table a later revision adds is made afresh too.
    """
    from app.store.db import Base

    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        tables = ", ".join([*Base.metadata.tables, "alembic_version"])
        conn.execute(text(f"DROP TABLE IF EXISTS {tables} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs twice: on the embedded SQLite and on PostgreSQL."""
    return "sqlite:///" if request.param == "sqlite" else POSTGRES_URL


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore.open(database_url, data_dir=tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random one-layer BERT over TINY_WORDS, saved as the real encoder is shipped."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    path = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *TINY_WORDS]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(vocab_file=str(path / "vocab.txt")).save_pretrained(str(path))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(str(path))
    return path


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    """Heads for the tiny encoder (sentiment, emotions, intents), saved as the model ships."""
    import torch

    from app.model.heads import Heads, build_head

    torch.manual_seed(1)
    heads = Heads(
        modules={
            "sentiment": build_head(16, len(SENTIMENT_LABELS), hidden=0),
            "emotions": build_head(16, len(EMOTION_LABELS), hidden=8),
            "intents": build_head(16, len(INTENT_LABELS), hidden=0),
        },
        temperatures={"sentiment": 1.5},
        thresholds={"emotions": [0.3] * len(EMOTION_LABELS)},
        meta={"version": "tiny-test"},
    )
    heads.save(tmp_path)
    return tmp_path


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    schema = f"migration_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
