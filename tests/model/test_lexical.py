"""The n-gram scorer: features exactly as scikit-learn computes them, blends, loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file
from sklearn.feature_extraction.text import TfidfVectorizer

from app.core.errors import ModelLoadError
from app.core.labels import MESSAGE_TRIGGER_TYPES
from app.model.lexical import (
    LEXICAL_META,
    LEXICAL_WEIGHTS,
    LexicalScorer,
    char_wb_ngrams,
    word_ngrams,
)

TRAIN = [
    "I have called you FOUR times about this and nobody calls back!!",
    "Let me speak to a supervisor, u hung up on me again",
    "My lawyer will hear about this.   Cancel   my account now.",
    "thanks, that fixed it :)",
    "on hold for 2 hours, a joke",
    "I'm a carer for my mum and can't afford the late fee",
    "ok",
    "a b c",
]
UNSEEN = [
    "Called three times, on hold for two hours, I want a supervisor NOW",
    "Ça ne marche pas, encore une fois\tet\t\tencore",
    "",
    "x",
    "supervisor's number? u there?",
]


def fitted(analyzer: str, ngram_range: tuple[int, int]) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngram_range, min_df=1, sublinear_tf=True
    ).fit(TRAIN)


@pytest.mark.parametrize("text", TRAIN + UNSEEN)
def test_word_ngrams_are_scikit_learns(text: str) -> None:
    analyse = fitted("word", (1, 2)).build_analyzer()
    assert sorted(word_ngrams(text, 1, 2)) == sorted(analyse(text))


@pytest.mark.parametrize("text", [*TRAIN, *UNSEEN, "a ab abc abcd abcde abcdef"])
def test_char_ngrams_are_scikit_learns_short_words_included(text: str) -> None:
    analyse = fitted("char_wb", (3, 5)).build_analyzer()
    assert sorted(char_wb_ngrams(text, 3, 5)) == sorted(analyse(text))


def write_scorer(folder: Path, *, weight: float = 0.5, labels=MESSAGE_TRIGGER_TYPES) -> tuple:
    """A scorer over both vectorizers, coefficients drawn at random, saved as training does."""
    vectorizers = [fitted("word", (1, 2)), fitted("char_wb", (3, 5))]
    width = sum(len(v.vocabulary_) for v in vectorizers)
    rng = np.random.default_rng(3)
    coef = rng.normal(size=(width, len(labels))).astype(np.float16)
    intercept = rng.normal(size=len(labels)).astype(np.float32)
    tensors = {"triggers.coef": coef, "triggers.intercept": intercept}
    vocabularies = []
    for n, (v, analyser, grams) in enumerate(
        zip(vectorizers, ("word", "char_wb"), ((1, 2), (3, 5)), strict=True)
    ):
        tensors[f"idf.{n}"] = v.idf_.astype(np.float32)
        terms = sorted(v.vocabulary_, key=v.vocabulary_.__getitem__)
        vocabularies.append({"analyser": analyser, "ngram_range": list(grams), "terms": terms})
    save_file(tensors, str(folder / LEXICAL_WEIGHTS))
    spec = {
        "labels": list(labels),
        "weight": weight,
        "scale": [1.0] * len(labels),
        "shift": [0.0] * len(labels),
    }
    (folder / LEXICAL_META).write_text(
        json.dumps({"heads": {"triggers": spec}, "vocabularies": vocabularies})
    )
    return vectorizers, coef, intercept


def test_probabilities_equal_scikit_learns_features_times_the_weights(tmp_path: Path) -> None:
    vectorizers, coef, intercept = write_scorer(tmp_path)
    scorer = LexicalScorer.load(tmp_path)
    assert scorer is not None
    features = np.hstack([v.transform(TRAIN + UNSEEN).toarray() for v in vectorizers])
    expected = 1 / (1 + np.exp(-(features @ coef.astype(np.float64) + intercept)))
    found = scorer.lexical_probabilities(TRAIN + UNSEEN)["triggers"]
    np.testing.assert_allclose(found, expected, rtol=1e-5, atol=1e-6)


def test_blend_mixes_the_two_readings_then_scales_them(tmp_path: Path) -> None:
    write_scorer(tmp_path, weight=0.25)
    scorer = LexicalScorer.load(tmp_path)
    assert scorer is not None
    texts = TRAIN[:3]
    head = np.full((3, len(MESSAGE_TRIGGER_TYPES)), 0.2, dtype=np.float32)
    sentiment = np.array([[0.1, 0.2, 0.7]] * 3, dtype=np.float32)
    blended = scorer.blend({"triggers": head, "sentiment": sentiment}, texts)
    lexical = scorer.lexical_probabilities(texts)["triggers"]
    np.testing.assert_allclose(blended["triggers"], 0.75 * 0.2 + 0.25 * lexical, rtol=1e-5)
    assert blended["triggers"].dtype == np.float32
    assert blended["sentiment"] is sentiment  # heads without n-grams pass through


def test_a_model_without_ngram_files_has_no_scorer(tmp_path: Path) -> None:
    assert LexicalScorer.load(tmp_path) is None


def test_weights_that_do_not_fit_the_vocabulary_refuse_to_load(tmp_path: Path) -> None:
    write_scorer(tmp_path)
    meta = json.loads((tmp_path / LEXICAL_META).read_text())
    meta["vocabularies"][0]["terms"].append("an extra term")
    (tmp_path / LEXICAL_META).write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match="do not fit"):
        LexicalScorer.load(tmp_path)


def test_labels_that_are_not_the_heads_refuse_to_load(tmp_path: Path) -> None:
    write_scorer(tmp_path, labels=("angry", "calm"))
    with pytest.raises(ModelLoadError, match="labels of the triggers head"):
        LexicalScorer.load(tmp_path)


def test_the_shipped_model_blends_its_trigger_request_and_type_heads() -> None:
    models = Path(__file__).resolve().parents[2] / "models"
    scorer = LexicalScorer.load(models)
    assert scorer is not None
    assert set(scorer.heads) == {"triggers", "requests", "customer_type"}
    for head in scorer.heads.values():
        assert 0 < head.weight < 1
