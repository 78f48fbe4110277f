"""The ONNX Runtime fast path agrees with the torch reference path."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from app.classifier import MiniLMClassifier
from app.encoder import SentenceEncoder
from app.heads import Heads, build_head
from app.labels import EMOTION_LABELS, SENTIMENT_LABELS
from tests.test_classifier import WORDS, encoder_dir  # noqa: F401  (module-scoped fixture)

TEXTS = [
    "the order is late again",
    "thanks great service",
    "i want a refund not working",
    " ".join(WORDS * 4),  # several windows
]


@pytest.fixture
def reference(encoder_dir: Path) -> MiniLMClassifier:  # noqa: F811
    torch.manual_seed(3)
    heads = Heads(
        modules={
            "sentiment": build_head(16, len(SENTIMENT_LABELS), hidden=0),
            "emotions": build_head(16, len(EMOTION_LABELS), hidden=0),
        },
        temperatures={"sentiment": 1.0},
        meta={"version": "tiny"},
    )
    return MiniLMClassifier(SentenceEncoder(encoder_dir, max_tokens=12), heads)


def test_onnx_fp32_gives_the_same_scores(reference: MiniLMClassifier, tmp_path: Path) -> None:
    fast = reference.with_onnx(tmp_path, int8=False)
    for a, b in zip(reference.predict(TEXTS), fast.predict(TEXTS), strict=True):
        for label in SENTIMENT_LABELS:
            assert a.sentiment[label] == pytest.approx(b.sentiment[label], abs=1e-4)


def test_onnx_int8_stays_close(reference: MiniLMClassifier, tmp_path: Path) -> None:
    fast = reference.with_onnx(tmp_path, int8=True)
    assert (tmp_path / "tiny-int8.onnx").exists()
    for a, b in zip(reference.predict(TEXTS), fast.predict(TEXTS), strict=True):
        for label in SENTIMENT_LABELS:
            assert a.sentiment[label] == pytest.approx(b.sentiment[label], abs=0.1)


def test_export_leaves_the_torch_model_untouched(
    reference: MiniLMClassifier, tmp_path: Path
) -> None:
    before = reference.predict(TEXTS)
    reference.with_onnx(tmp_path, int8=False)
    after = reference.predict(TEXTS)
    for a, b in zip(before, after, strict=True):
        assert a.sentiment == b.sentiment


def test_the_export_is_cached(reference: MiniLMClassifier, tmp_path: Path) -> None:
    reference.with_onnx(tmp_path, int8=False)
    stamp = (tmp_path / "tiny.onnx").stat().st_mtime_ns
    reference.with_onnx(tmp_path, int8=False)
    assert (tmp_path / "tiny.onnx").stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*.tmp"))
