"""Word and character n-gram scores, blended into the heads that read real wording better so.

The heads read one pooled embedding from an encoder tuned for sentiment and emotions; the
words that carry a trigger ("on hold for two hours", "supervisor", "my lawyer", "u hung up
on me") are averaged away in it. A linear model over TF-IDF n-grams, trained on the same
real labels (scripts/train_lexical.py), keeps them: on the dev split it alone reads the
triggers better than the head, and the blend of both better than either (models/MODEL_CARD.md).

It needs no second encoder pass and no torch: the features are computed here exactly as
scikit-learn's TfidfVectorizer computes them at training time (a test holds the two equal),
and a message costs a few dictionary look-ups per n-gram.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file

from app.core.errors import ModelLoadError
from app.model.head_specs import HEAD_LABELS

LEXICAL_META = "lexical.json"
LEXICAL_WEIGHTS = "lexical.safetensors"

# scikit-learn's defaults, which the training script keeps: words of two or more word
# characters; runs of white space are one space before character n-grams are cut.
_WORD = re.compile(r"(?u)\b\w\w+\b")
_WHITE_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """TfidfVectorizer(analyzer="word", lowercase=True)'s n-grams of the text."""
    tokens = _WORD.findall(text.lower())
    grams: list[str] = []
    for n in range(low, high + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """TfidfVectorizer(analyzer="char_wb")'s n-grams: within words padded by one space."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams += [padded[i : i + n] for i in range(max(len(padded) - n + 1, 1))]
            if len(padded) <= n:
                # scikit-learn counts a word no longer than n once, whole, then stops.
                break
    return grams


_ANALYSERS = {"word": word_ngrams, "char_wb": char_wb_ngrams}


@dataclass(frozen=True)
class Vocabulary:
    """One vectorizer: its analyser, n-gram range, terms and their idf."""

    analyser: str
    low: int
    high: int
    index: dict[str, int]
    idf: np.ndarray

    def features(self, text: str, offset: int) -> tuple[list[int], list[float]]:
        """Column indices (shifted by `offset`) and L2-normalised sublinear tf-idf values."""
        counts = Counter(
            self.index[g]
            for g in _ANALYSERS[self.analyser](text, self.low, self.high)
            if g in self.index
        )
        if not counts:
            return [], []
        columns = list(counts)
        values = [(1.0 + math.log(counts[c])) * float(self.idf[c]) for c in columns]
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [c + offset for c in columns], [v / norm for v in values]


@dataclass(frozen=True)
class LexicalHead:
    """A logistic model per label over the n-grams, and how it blends with the head.

    The blended probability is sigmoid(a * logit((1 - w) * head + w * lexical) + b): the
    mix of the two, then a per-label Platt scaling fitted on dev, so it stays calibrated.
    """

    labels: tuple[str, ...]
    coef: np.ndarray  # features x labels
    intercept: np.ndarray  # labels
    weight: float
    scale: np.ndarray  # labels
    shift: np.ndarray  # labels

    def probabilities(self, columns: list[int], values: list[float]) -> np.ndarray:
        logits = self.intercept.astype(np.float64)
        if columns:
            logits = logits + np.asarray(values) @ self.coef[columns].astype(np.float64)
        return 1.0 / (1.0 + np.exp(-logits))

    def blend(self, head: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        mixed = np.clip((1.0 - self.weight) * head + self.weight * lexical, 1e-6, 1 - 1e-6)
        return 1.0 / (1.0 + np.exp(-(self.scale * np.log(mixed / (1.0 - mixed)) + self.shift)))


class LexicalScorer:
    """The n-gram models of some heads; blends their probabilities into the heads' own."""

    def __init__(self, vocabularies: Sequence[Vocabulary], heads: dict[str, LexicalHead]) -> None:
        self.vocabularies = tuple(vocabularies)
        self.heads = heads

    @classmethod
    def load(cls, models_dir: Path) -> LexicalScorer | None:
        """The scorer saved beside the heads, or None where the model has none."""
        meta_path = models_dir / LEXICAL_META
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            tensors = load_file(str(models_dir / LEXICAL_WEIGHTS))
            vocabularies = [
                Vocabulary(
                    analyser=v["analyser"],
                    low=int(v["ngram_range"][0]),
                    high=int(v["ngram_range"][1]),
                    index={term: i for i, term in enumerate(v["terms"])},
                    idf=tensors[f"idf.{n}"].astype(np.float64),
                )
                for n, v in enumerate(meta["vocabularies"])
            ]
            heads = {}
            for name, spec in meta["heads"].items():
                if tuple(spec["labels"]) != HEAD_LABELS.get(name):
                    raise ModelLoadError(f"{meta_path}: labels of the {name} head do not match")
                heads[name] = LexicalHead(
                    labels=tuple(spec["labels"]),
                    coef=tensors[f"{name}.coef"],
                    intercept=tensors[f"{name}.intercept"].astype(np.float64),
                    weight=float(spec["weight"]),
                    scale=np.asarray(spec["scale"], dtype=np.float64),
                    shift=np.asarray(spec["shift"], dtype=np.float64),
                )
        except (OSError, ValueError, KeyError, TypeError, SafetensorError) as exc:
            raise ModelLoadError(
                f"cannot load the n-gram scorer from {models_dir}: {exc!r}"
            ) from exc
        width = sum(len(v.index) for v in vocabularies)
        for name, head in heads.items():
            if head.coef.shape != (width, len(head.labels)):
                raise ModelLoadError(f"{meta_path}: the {name} weights do not fit the vocabulary")
        return cls(vocabularies, heads)

    def features(self, text: str) -> tuple[list[int], list[float]]:
        """The text's columns and values, every vocabulary side by side."""
        columns: list[int] = []
        values: list[float] = []
        offset = 0
        for vocabulary in self.vocabularies:
            c, v = vocabulary.features(text, offset)
            columns += c
            values += v
            offset += len(vocabulary.index)
        return columns, values

    def lexical_probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The n-gram models' own probabilities, one row per text (before any blend)."""
        out = {name: np.zeros((len(texts), len(head.labels))) for name, head in self.heads.items()}
        for i, text in enumerate(texts):
            columns, values = self.features(text)
            for name, head in self.heads.items():
                out[name][i] = head.probabilities(columns, values)
        return out

    def blend(
        self, probabilities: dict[str, np.ndarray], texts: Sequence[str]
    ) -> dict[str, np.ndarray]:
        """The heads' per-text probabilities with the n-gram models blended in."""
        lexical = self.lexical_probabilities(texts)
        out = dict(probabilities)
        for name, head in self.heads.items():
            if name in probabilities:
                mixed = head.blend(probabilities[name].astype(np.float64), lexical[name])
                out[name] = mixed.astype(probabilities[name].dtype)
        return out
