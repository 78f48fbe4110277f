"""The fast negativity scorer that ranks the chunks of a very long message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.core.config import Settings
from app.core.errors import ModelLoadError
from app.model.salience import FEATURES, SALIENCE_FILE, NegativityScorer, feature_ids


def test_features_are_words_and_pairs_hashed_the_same_everywhere() -> None:
    ids = feature_ids("Still NOT fixed!")
    # Four words and marks, three pairs; crc32 does not depend on the process, unlike hash().
    assert len(ids) == 7
    assert ids == feature_ids("still not fixed !") == sorted(ids)
    assert all(0 <= i < FEATURES for i in ids)
    assert feature_ids("") == []


def test_the_shipped_scorer_finds_the_complaint() -> None:
    scorer = NegativityScorer.load(Settings().models_dir)
    assert scorer is not None
    calm = "Hope you had a lovely weekend, the garden is finally blooming."
    complaint = "The parcel is still missing and nobody has answered my calls."
    angry = "This is unacceptable, the worst service I have ever had. I want a refund now."
    assert scorer(calm) < 0 < scorer(complaint)
    assert scorer(calm) < scorer(angry)


def test_it_saves_and_loads(tmp_path: Path) -> None:
    weights = np.zeros(FEATURES, dtype=np.float32)
    weights[feature_ids("awful")] = 2.0
    NegativityScorer(weights, -1.0).save(tmp_path)
    scorer = NegativityScorer.load(tmp_path)
    assert scorer is not None
    assert scorer("awful") == pytest.approx(1.0)
    assert scorer("lovely") == pytest.approx(-1.0)


def test_a_model_without_one_ranks_nothing(tmp_path: Path) -> None:
    assert NegativityScorer.load(tmp_path) is None


def test_a_damaged_file_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / SALIENCE_FILE).write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match="cannot load"):
        NegativityScorer.load(tmp_path)
    NegativityScorer(np.zeros(10, dtype=np.float32), 0.0).save(tmp_path)
    with pytest.raises(ModelLoadError, match="expected 65536 weights"):
        NegativityScorer.load(tmp_path)
