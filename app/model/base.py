"""What every model runtime shares: the protocol, window aggregation and file naming.

Imports no runtime: the torch model, the ONNX model and the exporter all build on it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from app.core.domain import Scores
from app.core.labels import SENTIMENT_LABELS
from app.model.head_specs import HEAD_LABELS, HEADS_FILE, META_FILE, MULTILABEL_HEADS

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
            triggers=named("triggers", i),
            requests=named("requests", i),
            intensity=named("intensity", i),
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
