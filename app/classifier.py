"""The model: the sentence encoder plus trained heads, turning texts into scores."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from safetensors.torch import load_file

from app.domain import Scores
from app.encoder import SentenceEncoder, apply_adapter, default_encoder_dir
from app.errors import ModelLoadError
from app.heads import HEAD_LABELS, MULTILABEL_HEADS, Heads
from app.labels import SENTIMENT_LABELS

ADAPTER_FILE = "adapter.safetensors"


class Classifier(Protocol):
    """What the service needs from a model: versioned, batch-first scoring."""

    model_version: str

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]: ...


def aggregate_windows(
    probabilities: dict[str, np.ndarray], owner: Sequence[int], n_texts: int
) -> dict[str, np.ndarray]:
    """One row per text from its windows' rows, keeping what is most alarming.

    Averaging would let three friendly paragraphs drown the complaint in the fourth, so a
    text's single-label heads (sentiment, root cause) read the window that is most negative,
    and each multi-label probability (an emotion, an intent) is its highest over the windows.
    """
    owner_arr = np.asarray(owner)
    negative = probabilities["sentiment"][:, SENTIMENT_LABELS.index("negative")]
    out = {
        name: np.zeros((n_texts, p.shape[1]), dtype=p.dtype) for name, p in probabilities.items()
    }
    for text_index in range(n_texts):
        rows = np.flatnonzero(owner_arr == text_index)
        worst = rows[np.argmax(negative[rows])]
        for name, p in probabilities.items():
            out[name][text_index] = p[rows].max(axis=0) if name in MULTILABEL_HEADS else p[worst]
    return out


class MiniLMClassifier:
    """all-MiniLM-L6-v2 with its adapter and heads (see models/MODEL_CARD.md).

    >>> clf = MiniLMClassifier.load(Path("models"))
    >>> clf.predict(["Still not fixed after three calls."])[0].sentiment["negative"] > 0.5
    True
    """

    def __init__(self, encoder: SentenceEncoder, heads: Heads) -> None:
        self.encoder = encoder
        self.heads = heads
        self.model_version = str(heads.meta.get("version", "unversioned"))

    def with_onnx(self, cache_dir: Path, *, int8: bool, threads: int = 0) -> MiniLMClassifier:
        """The same model, its encoder run by ONNX Runtime (exported once into cache_dir)."""
        from app.onnx_encoder import OnnxEncoder, export

        name = f"{self.model_version}{'-int8' if int8 else ''}.onnx"
        path = cache_dir / name
        if not path.exists():
            export(self.encoder, path, int8=int8)
        return MiniLMClassifier(OnnxEncoder(self.encoder, path, threads=threads), self.heads)

    @classmethod
    def load(cls, models_dir: Path, *, encoder_dir: Path | None = None) -> MiniLMClassifier:
        heads = Heads.load(models_dir)
        encoder = SentenceEncoder(encoder_dir or default_encoder_dir())
        adapter = models_dir / ADAPTER_FILE
        if adapter.exists():
            try:
                scaling = float(heads.meta["adapter"]["scaling"])
                tensors = load_file(str(adapter))
            except (OSError, KeyError, ValueError) as exc:
                raise ModelLoadError(f"cannot load the adapter {adapter}: {exc!r}") from exc
            apply_adapter(encoder.model, tensors, scaling=scaling)
        return cls(encoder, heads)

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        embeddings, owner = self.encoder.embed(texts, batch_size=batch_size)
        probabilities = {n: p.numpy() for n, p in self.heads.probabilities(embeddings).items()}
        if len(owner) != len(texts):
            probabilities = aggregate_windows(probabilities, owner, len(texts))

        def named(head: str, row: int) -> dict[str, float]:
            if head not in probabilities:
                return {}
            return dict(zip(HEAD_LABELS[head], map(float, probabilities[head][row]), strict=True))

        return [
            Scores(
                sentiment=named("sentiment", i),  # type: ignore[arg-type]
                emotions=named("emotions", i),
                intents=named("intents", i),
                customer_types=named("customer_type", i),
                root_causes=named("root_cause", i),
            )
            for i in range(len(texts))
        ]
