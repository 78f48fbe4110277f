"""Loading the model for a runtime: an exported graph served without torch, torch as fallback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.errors import ModelLoadError
from app.model import loading
from app.model.heads import Heads
from app.model.onnx_model import OnnxClassifier

ROOT = Path(__file__).resolve().parents[2]


def tiny_settings(models_dir: Path, encoder_dir: Path, data_dir: Path) -> Settings:
    return Settings(
        runtime="onnx", models_dir=models_dir, encoder_dir=encoder_dir, data_dir=data_dir
    )


def test_a_failed_onnx_build_falls_back_to_torch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reference = object()

    def no_onnx(settings: Settings) -> OnnxClassifier:
        raise RuntimeError("onnxruntime could not build the session")

    monkeypatch.setattr(loading, "load_onnx_classifier", no_onnx)
    monkeypatch.setattr(loading, "load_torch_classifier", lambda settings: reference)
    with caplog.at_level(logging.ERROR, logger="triage.loading"):
        loaded = loading.load_classifier(Settings(runtime="onnx-int8", data_dir=tmp_path))
    assert loaded is reference
    assert "serving with torch" in caplog.text


def test_the_default_runtime_is_the_fast_one() -> None:
    assert Settings().runtime == "onnx-int8"


def test_the_graph_is_exported_once_by_another_process(
    models_dir: Path,
    encoder_dir: Path,
    tmp_path: Path,
) -> None:
    settings = tiny_settings(models_dir, encoder_dir, tmp_path)
    model = loading.load_classifier(settings)
    assert isinstance(model, OnnxClassifier)
    assert model.model_version == "tiny-test"
    [path] = (tmp_path / "onnx").glob("*.onnx")
    assert path.name.startswith("tiny-test-")  # the version, then the weights' fingerprint
    stamp = path.stat().st_mtime_ns
    again = loading.load_classifier(settings)
    assert again.model_path == path and path.stat().st_mtime_ns == stamp
    assert model.predict(["the order is late"])[0].sentiment


def test_the_reading_budget_reaches_both_runtimes(
    models_dir: Path,
    encoder_dir: Path,
    tmp_path: Path,
) -> None:
    settings = tiny_settings(models_dir, encoder_dir, tmp_path)
    settings = settings.model_copy(update={"long_text_max_windows": 5})
    served = loading.load_classifier(settings)
    reference = loading.load_torch_classifier(settings)
    long_text = "The parcel is late again and nobody calls back. " * 200
    assert len(served.windower.windows([long_text])[0]) == 5  # type: ignore[attr-defined]
    assert len(reference.encoder.windows([long_text])[0]) == 5


def test_retrained_weights_get_a_new_export(
    models_dir: Path,
    encoder_dir: Path,
    tmp_path: Path,
) -> None:
    settings = tiny_settings(models_dir, encoder_dir, tmp_path)
    first = loading.load_classifier(settings)
    heads = Heads.load(models_dir)
    heads.temperatures["sentiment"] = 3.0  # same version, different model
    heads.save(models_dir)
    second = loading.load_classifier(settings)
    assert second.model_path != first.model_path
    a = first.predict(["thanks great service"])[0].sentiment
    b = second.predict(["thanks great service"])[0].sentiment
    assert a != b


def test_a_failed_export_says_why(tmp_path: Path, models_dir: Path) -> None:
    empty = tmp_path / "no-encoder"
    empty.mkdir()
    with pytest.raises(ModelLoadError, match="ONNX export failed"):
        loading.export_in_subprocess(models_dir, empty, tmp_path / "m.onnx", int8=False)


def test_the_onnx_runtime_serves_without_torch(
    models_dir: Path,
    encoder_dir: Path,
    tmp_path: Path,
) -> None:
    loading.load_classifier(tiny_settings(models_dir, encoder_dir, tmp_path))  # exported
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.core.config import Settings\n"
        "from app.model.loading import load_classifier\n"
        f"s = Settings(runtime='onnx', models_dir=Path({str(models_dir)!r}),\n"
        f"             encoder_dir=Path({str(encoder_dir)!r}), data_dir=Path({str(tmp_path)!r}))\n"
        "load_classifier(s).predict(['the order is late again'])\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_both_runtimes_blend_the_ngram_models_into_the_heads(
    models_dir: Path,
    encoder_dir: Path,
    tmp_path: Path,
) -> None:
    import torch

    from app.core.labels import MESSAGE_TRIGGER_TYPES
    from app.model.heads import build_head
    from tests.model.test_lexical import write_scorer

    heads = Heads.load(models_dir)
    torch.manual_seed(2)
    heads.modules["triggers"] = build_head(16, len(MESSAGE_TRIGGER_TYPES), hidden=0)
    heads.save(models_dir)
    text = "the parcel is late again"
    settings = tiny_settings(models_dir, encoder_dir, tmp_path / "before")
    before = loading.load_torch_classifier(settings).predict([text])[0].triggers
    write_scorer(models_dir, weight=0.4)
    for served in (
        loading.load_classifier(tiny_settings(models_dir, encoder_dir, tmp_path / "onnx")),
        loading.load_torch_classifier(settings),
    ):
        assert served.lexical is not None  # type: ignore[attr-defined]
        ngrams = served.lexical.lexical_probabilities([text])["triggers"][0]  # type: ignore[attr-defined]
        after = served.predict([text])[0].triggers
        for j, trigger in enumerate(MESSAGE_TRIGGER_TYPES):
            assert after[trigger] == pytest.approx(
                0.6 * before[trigger] + 0.4 * ngrams[j], abs=2e-3
            )
