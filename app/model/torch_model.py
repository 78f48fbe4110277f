"""The torch model: the sentence encoder plus trained heads, turning texts into scores."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.core.domain import Scores
from app.core.errors import ModelLoadError
from app.model.base import ADAPTER_FILE, aggregate_windows, fingerprint, scores_of
from app.model.encoder import SentenceEncoder, apply_adapter
from app.model.head_specs import HEAD_LABELS
from app.model.heads import Heads
from app.model.lexical import LexicalScorer
from app.model.salience import NegativityScorer
from app.model.tokenizer import default_encoder_dir


class MiniLMClassifier:
    """all-MiniLM-L6-v2 with its adapter and heads (see models/MODEL_CARD.md).

    >>> clf = MiniLMClassifier.load(Path("models"))
    >>> clf.predict(["Still not fixed after three calls."])[0].sentiment["negative"] > 0.5
    True
    """

    def __init__(
        self, encoder: SentenceEncoder, heads: Heads, lexical: LexicalScorer | None = None
    ) -> None:
        self.encoder = encoder
        self.heads = heads
        self.lexical = lexical
        self.model_version = str(heads.meta.get("version", "unversioned"))
        self.fingerprint = ""  # of the files it was loaded from; empty if built in memory

    @classmethod
    def load(
        cls, models_dir: Path, *, encoder_dir: Path | None = None, max_windows: int = 0
    ) -> MiniLMClassifier:
        from safetensors.torch import load_file

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
        model = cls(encoder, heads, LexicalScorer.load(models_dir))
        model.fingerprint = fingerprint(models_dir)
        return model

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        windows, owner = self.encoder.flat_windows(texts)
        probabilities = {
            name: np.empty((len(windows), len(HEAD_LABELS[name])), dtype=np.float32)
            for name in self.heads.modules
        }
        for idx, hidden, mask in self.encoder.states(windows, batch_size=batch_size):
            for name, rows in self.heads.probabilities(hidden, mask).items():
                probabilities[name][idx] = rows.numpy()
        if len(owner) != len(texts):
            probabilities = aggregate_windows(probabilities, owner, len(texts))
        if self.lexical is not None:
            probabilities = self.lexical.blend(probabilities, texts)
        return scores_of(probabilities, len(texts))
