"""The torch-free check of the model directory that start-up runs before the slow load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from safetensors.numpy import load_file, save_file

from app.core.errors import ModelLoadError
from app.main import create_app
from app.model.head_specs import (
    HEADS_FILE,
    META_FILE,
    POLICY_FILE,
    check_models_dir,
    read_trigger_policy,
)


def test_a_sound_directory_passes(models_dir: Path) -> None:
    meta = check_models_dir(models_dir)
    assert set(meta["heads"]) == {"sentiment", "emotions", "intents"}


def test_a_head_without_weights_is_refused(models_dir: Path) -> None:
    tensors = load_file(str(models_dir / HEADS_FILE))
    save_file(
        {k: v for k, v in tensors.items() if not k.startswith("intents.")},
        str(models_dir / HEADS_FILE),
    )
    with pytest.raises(ModelLoadError, match="no weights for \\['intents'\\]"):
        check_models_dir(models_dir)


def test_a_missing_required_head_is_refused(models_dir: Path) -> None:
    meta = json.loads((models_dir / META_FILE).read_text())
    del meta["heads"]["sentiment"]
    (models_dir / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match="no sentiment head"):
        check_models_dir(models_dir)


def test_unreadable_weights_are_refused(models_dir: Path) -> None:
    (models_dir / HEADS_FILE).write_bytes(b"not a safetensors file")
    with pytest.raises(ModelLoadError, match="cannot load the heads"):
        check_models_dir(models_dir)


def test_start_up_stops_on_a_broken_directory(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from app.core.config import Settings

    with (
        pytest.raises(ModelLoadError),
        TestClient(create_app(Settings(models_dir=tmp_path, data_dir=tmp_path))),
    ):
        pass


def test_a_model_without_a_trigger_policy_reads_none(tmp_path: Path) -> None:
    assert read_trigger_policy(tmp_path) == {}


def test_the_trigger_policy_is_read_and_checked(tmp_path: Path) -> None:
    rule = {"threshold": 0.8, "pattern_threshold": 0.2, "dev": {"f1": 0.7}}
    (tmp_path / POLICY_FILE).write_text(
        json.dumps({"triggers": {"abuse": rule, "no_such_trigger": rule}})
    )
    assert read_trigger_policy(tmp_path) == {"abuse": {"threshold": 0.8, "pattern_threshold": 0.2}}
    (tmp_path / POLICY_FILE).write_text(json.dumps({"triggers": {"abuse": {"threshold": 1}}}))
    with pytest.raises(ModelLoadError, match="pattern_threshold"):
        read_trigger_policy(tmp_path)


def test_the_shipped_policy_covers_every_message_trigger_sensibly() -> None:
    from app.core.config import REPO_MODELS_DIR
    from app.core.labels import MESSAGE_TRIGGER_TYPES

    policy = read_trigger_policy(REPO_MODELS_DIR)
    assert set(policy) == set(MESSAGE_TRIGGER_TYPES)
    for rule in policy.values():
        assert 0 < rule["threshold"] <= 1
        assert 0 <= rule["pattern_threshold"] <= rule["threshold"]
    chosen = json.loads((REPO_MODELS_DIR / POLICY_FILE).read_text())
    assert chosen["chosen_on"] == "dev"  # never on the frozen test split
