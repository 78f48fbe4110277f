"""The exported ONNX graph (encoder and heads) agrees with the torch reference path."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from app.core.labels import (
    EMOTION_LABELS,
    INTENSITY_LEVELS,
    INTENT_LABELS,
    MESSAGE_TRIGGER_TYPES,
    SENTIMENT_LABELS,
)
from app.model.encoder import SentenceEncoder
from app.model.heads import Heads, TokenAttentionHead, build_head
from app.model.onnx_export import to_onnx
from app.model.onnx_model import OnnxClassifier
from app.model.torch_model import MiniLMClassifier
from tests.conftest import TINY_WORDS

TEXTS = [
    "the order is late again",
    "thanks great service",
    "i want a refund not working",
    " ".join(TINY_WORDS * 4),  # several windows
]


@pytest.fixture
def reference(encoder_dir: Path) -> MiniLMClassifier:
    torch.manual_seed(3)
    heads = Heads(
        modules={
            "sentiment": build_head(16, len(SENTIMENT_LABELS), hidden=0),
            "emotions": build_head(16, len(EMOTION_LABELS), hidden=8),
            "intents": build_head(16, len(INTENT_LABELS), hidden=0),
            # The heads learned from real messages: attention over the token states, softmax.
            "triggers": TokenAttentionHead(16, len(MESSAGE_TRIGGER_TYPES), hidden=4),
            "intensity": build_head(16, len(INTENSITY_LEVELS), hidden=0),
        },
        temperatures={"sentiment": 1.7},
        meta={"version": "tiny"},
    )
    return MiniLMClassifier(SentenceEncoder(encoder_dir, max_tokens=12), heads)


def test_onnx_fp32_gives_the_same_scores(reference: MiniLMClassifier, tmp_path: Path) -> None:
    fast = to_onnx(reference, tmp_path, int8=False)
    assert isinstance(fast, OnnxClassifier)
    for a, b in zip(reference.predict(TEXTS), fast.predict(TEXTS), strict=True):
        # Every head travels in the graph: calibrated softmax, sigmoid, a hidden layer, the
        # token head's attention.
        for head in ("sentiment", "emotions", "intents", "triggers", "intensity"):
            got, want = getattr(b, head), getattr(a, head)
            assert set(got) == set(want)
            for label in want:
                assert got[label] == pytest.approx(want[label], abs=1e-4)
        assert b.customer_types == a.customer_types == {}  # a head the model lacks


def test_only_the_encoder_is_quantised(reference: MiniLMClassifier, tmp_path: Path) -> None:
    import onnx

    to_onnx(reference, tmp_path, int8=True)
    nodes = onnx.load(str(tmp_path / "tiny-int8.onnx")).graph.node
    quantised = [n.name for n in nodes if "Integer" in n.op_type or "Quantize" in n.op_type]
    assert quantised
    heads = ("/sentiment/", "/emotions/", "/intents/", "/triggers/")
    assert not [name for name in quantised if name.startswith(heads)]
    assert [n for n in nodes if n.name.startswith(heads) and n.op_type in ("Gemm", "MatMul")]


def test_onnx_int8_stays_close(reference: MiniLMClassifier, tmp_path: Path) -> None:
    fast = to_onnx(reference, tmp_path, int8=True)
    assert (tmp_path / "tiny-int8.onnx").exists()
    for a, b in zip(reference.predict(TEXTS), fast.predict(TEXTS), strict=True):
        for label in SENTIMENT_LABELS:
            assert a.sentiment[label] == pytest.approx(b.sentiment[label], abs=0.1)


def test_export_leaves_the_torch_model_untouched(
    reference: MiniLMClassifier, tmp_path: Path
) -> None:
    before = reference.predict(TEXTS)
    to_onnx(reference, tmp_path, int8=False)
    after = reference.predict(TEXTS)
    for a, b in zip(before, after, strict=True):
        assert a.sentiment == b.sentiment


def test_the_export_is_cached(reference: MiniLMClassifier, tmp_path: Path) -> None:
    to_onnx(reference, tmp_path, int8=False)
    stamp = (tmp_path / "tiny.onnx").stat().st_mtime_ns
    to_onnx(reference, tmp_path, int8=False)
    assert (tmp_path / "tiny.onnx").stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*.tmp"))
