"""Loading the model for a runtime: the fast path when it builds, the reference when not."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import loading
from app.config import Settings


class ModelWithoutOnnx:
    model_version = "stub-1"

    def with_onnx(self, cache_dir: Path, *, int8: bool, threads: int = 0) -> object:
        raise RuntimeError("onnxruntime could not build the session")


def test_a_failed_onnx_build_falls_back_to_torch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = ModelWithoutOnnx()
    monkeypatch.setattr(loading.MiniLMClassifier, "load", lambda *a, **k: model)
    with caplog.at_level(logging.ERROR, logger="triage.loading"):
        loaded = loading.load_classifier(Settings(runtime="onnx-int8", data_dir=tmp_path))
    assert loaded is model
    assert "serving with torch" in caplog.text


def test_the_default_runtime_is_the_fast_one() -> None:
    assert Settings().runtime == "onnx-int8"
