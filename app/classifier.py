"""The model: the sentence encoder plus trained heads, turning texts into scores."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from app.domain import Scores
from app.errors import ModelLoadError
from app.head_specs import HEAD_LABELS, HEADS_FILE, META_FILE, MULTILABEL_HEADS
from app.labels import SENTIMENT_LABELS
from app.salience import NegativityScorer
from app.tokenizer import default_encoder_dir

if TYPE_CHECKING:  # torch is imported only where the torch model is used
    from app.encoder import SentenceEncoder
    from app.heads import Heads
    from app.onnx_model import OnnxClassifier

ADAPTER_FILE = "adapter.safetensors"


class Classifier(Protocol):
    """What the service needs from a model: versioned, batch-first scoring."""

    model_version: str

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]: ...


# A long text takes its most negative window's reading only when that window is at least
# this sure. The worst of sixty chunks looks negative by chance alone: with no bar, calm
# emails built from TweetEval dev tweets were labelled negative 67% of the time (positive
# filler) or 82% (neutral); of 0.5 to 0.9, 0.6 best traded hidden complaints found against
# calm emails flagged (scripts/evaluate_long.py's recipe, 200 emails of each filler).
LONG_TEXT_NEGATIVE = 0.6


def aggregate_windows(
    probabilities: dict[str, np.ndarray], owner: Sequence[int], n_texts: int
) -> dict[str, np.ndarray]:
    """One row per text from its windows' rows, keeping what is alarming.

    Averaging would let three friendly paragraphs drown the complaint in the fourth, so a
    text's single-label heads (sentiment, root cause) read its most negative window when
    that window is clearly negative (LONG_TEXT_NEGATIVE), and the mean of its windows
    otherwise: the email's overall tone. Each multi-label probability (an emotion, an
    intent) is its highest over the windows.
    """
    owner_arr = np.asarray(owner)
    negative = probabilities["sentiment"][:, SENTIMENT_LABELS.index("negative")]
    out = {
        name: np.zeros((n_texts, p.shape[1]), dtype=p.dtype) for name, p in probabilities.items()
    }
    for text_index in range(n_texts):
        rows = np.flatnonzero(owner_arr == text_index)
        worst = rows[np.argmax(negative[rows])]
        alarming = negative[worst] >= LONG_TEXT_NEGATIVE
        for name, p in probabilities.items():
            if name in MULTILABEL_HEADS:
                out[name][text_index] = p[rows].max(axis=0)
            else:
                out[name][text_index] = p[worst] if alarming else p[rows].mean(axis=0)
    return out


def scores_of(probabilities: dict[str, np.ndarray], n_texts: int) -> list[Scores]:
    """Each text's scores by label, from each head's rows of probabilities."""

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
        for i in range(n_texts)
    ]


def fingerprint(models_dir: Path) -> str:
    """A short digest of the trained files: an exported graph is reused only for these."""
    digest = hashlib.sha256()
    for name in (META_FILE, HEADS_FILE, ADAPTER_FILE):
        path = models_dir / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def onnx_file_name(model_version: str, model_fingerprint: str, *, int8: bool) -> str:
    stem = "-".join(part for part in (model_version, model_fingerprint) if part)
    return f"{stem}{'-int8' if int8 else ''}.onnx"


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
        self.fingerprint = ""  # of the files it was loaded from; empty if built in memory

    def with_onnx(self, cache_dir: Path, *, int8: bool, threads: int = 0) -> OnnxClassifier:
        """The same model, heads included, run by ONNX Runtime (exported once into cache_dir)."""
        from app.onnx_export import export
        from app.onnx_model import OnnxClassifier

        path = cache_dir / onnx_file_name(self.model_version, self.fingerprint, int8=int8)
        if not path.exists():
            export(self, path, int8=int8)
        return OnnxClassifier(
            path,
            self.encoder.encoder_dir,
            model_version=self.model_version,
            threads=threads,
            max_tokens=self.encoder.max_tokens,
            max_windows=self.encoder.windower.max_windows,
            rank=self.encoder.windower.rank,
        )

    @classmethod
    def load(
        cls, models_dir: Path, *, encoder_dir: Path | None = None, max_windows: int = 0
    ) -> MiniLMClassifier:
        from safetensors.torch import load_file

        from app.encoder import SentenceEncoder, apply_adapter
        from app.heads import Heads

        heads = Heads.load(models_dir)
        encoder = SentenceEncoder(
            encoder_dir or default_encoder_dir(),
            max_windows=max_windows,
            rank=NegativityScorer.load(models_dir),
        )
        adapter = models_dir / ADAPTER_FILE
        if adapter.exists():
            try:
                scaling = float(heads.meta["adapter"]["scaling"])
                tensors = load_file(str(adapter))
            except (OSError, KeyError, ValueError) as exc:
                raise ModelLoadError(f"cannot load the adapter {adapter}: {exc!r}") from exc
            apply_adapter(encoder.model, tensors, scaling=scaling)
        model = cls(encoder, heads)
        model.fingerprint = fingerprint(models_dir)
        return model

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        embeddings, owner = self.encoder.embed(texts, batch_size=batch_size)
        probabilities = {n: p.numpy() for n, p in self.heads.probabilities(embeddings).items()}
        if len(owner) != len(texts):
            probabilities = aggregate_windows(probabilities, owner, len(texts))

        return scores_of(probabilities, len(texts))
