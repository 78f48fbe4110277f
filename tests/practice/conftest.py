"""The real engine as served (shipped model, default runtime) for practice integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import Settings
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine
from app.model.loading import load_classifier
from app.replies.bank import ResponseBank


@pytest.fixture(scope="package")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TriageEngine]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("practice")))
    memory = ConversationMemory.from_settings(settings)
    yield TriageEngine.from_settings(
        load_classifier(settings), settings, bank=ResponseBank.default(), memory=memory
    )
