"""Which passages of a very long message to read first: a fast linear scorer of negativity.

When a text has more chunks than the model's reading budget, the chunks this scorer finds
most negative are read (with the first and the last). It is a hashed bag of words and
word pairs with logistic-regression weights (scripts/train_salience.py): about 20 us a
chunk, where the encoder takes milliseconds. It only ranks chunks; it decides nothing.
"""

from __future__ import annotations

import itertools
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from app.core.errors import ModelLoadError

SALIENCE_FILE = "salience.safetensors"
FEATURES = 2**16  # hashed buckets: 256 KB of weights, few collisions at this vocabulary
_TOKEN = re.compile(r"[a-z0-9']+|[!?]")


def feature_ids(text: str) -> list[int]:
    """The hashed buckets of a text's words and adjacent word pairs, each once."""
    words = _TOKEN.findall(text.lower())
    grams = [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]
    return sorted({zlib.crc32(gram.encode()) & (FEATURES - 1) for gram in grams})


@dataclass(frozen=True, eq=False)
class NegativityScorer:
    """The log-odds that a passage is negative, from its hashed words."""

    weights: np.ndarray  # (FEATURES,) float32
    bias: float

    def __call__(self, text: str) -> float:
        return self.bias + float(self.weights[feature_ids(text)].sum())

    @classmethod
    def load(cls, models_dir: Path) -> NegativityScorer | None:
        """The trained scorer, or None where the model directory has none."""
        path = models_dir / SALIENCE_FILE
        if not path.exists():
            return None
        try:
            tensors = load_file(str(path))
            weights, bias = tensors["weights"], tensors["bias"]
        except (OSError, KeyError, SafetensorError) as exc:
            raise ModelLoadError(f"cannot load {path}: {exc!r}") from exc
        if weights.shape != (FEATURES,):
            raise ModelLoadError(f"{path}: expected {FEATURES} weights, got {weights.shape}")
        return cls(weights.astype(np.float32), float(bias[0]))

    def save(self, models_dir: Path) -> None:
        tensors = {"weights": self.weights.astype(np.float32), "bias": np.array([self.bias])}
        save_file(tensors, str(models_dir / SALIENCE_FILE))
