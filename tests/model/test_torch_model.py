"""The model wrapper, on a tiny random BERT built here (offline, under a second)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from app.core.errors import ModelLoadError
from app.core.labels import EMOTION_LABELS, INTENT_LABELS, SENTIMENT_LABELS
from app.model.base import ADAPTER_FILE, aggregate_windows
from app.model.encoder import SentenceEncoder, apply_adapter
from app.model.heads import Heads
from app.model.torch_model import MiniLMClassifier
from tests.conftest import TINY_WORDS


@pytest.fixture
def classifier(encoder_dir: Path, models_dir: Path) -> MiniLMClassifier:
    return MiniLMClassifier(SentenceEncoder(encoder_dir, max_tokens=12), Heads.load(models_dir))


def test_predict_gives_one_score_set_per_text(classifier: MiniLMClassifier) -> None:
    scores = classifier.predict(["the order is late", "thanks great service", "zzz"])
    assert len(scores) == 3
    for s in scores:
        assert set(s.sentiment) == set(SENTIMENT_LABELS)
        assert sum(s.sentiment.values()) == pytest.approx(1.0, abs=1e-5)
        assert set(s.emotions) == set(EMOTION_LABELS)
        assert all(0.0 <= p <= 1.0 for p in s.emotions.values())
    assert classifier.model_version == "tiny-test"
    assert set(scores[0].intents) == set(INTENT_LABELS)
    assert scores[0].root_causes == {}  # a head the model does not have stays empty


def test_batching_and_padding_do_not_change_scores(classifier: MiniLMClassifier) -> None:
    texts = ["the order is late again", "thanks", "i want a refund not working"]
    together = classifier.predict(texts, batch_size=3)
    alone = [classifier.predict([t])[0] for t in texts]
    for a, b in zip(together, alone, strict=True):
        assert a.sentiment["negative"] == pytest.approx(b.sentiment["negative"], abs=1e-5)


def test_long_text_is_windowed_not_truncated(encoder_dir: Path) -> None:
    encoder = SentenceEncoder(encoder_dir, max_tokens=12)
    text = " ".join(TINY_WORDS * 4)  # 60 tokens, five times what one window holds
    [windows] = encoder.windows([text])
    assert len(windows) > 1
    covered = [token for window in windows for token in window[1:-1]]
    ids = encoder.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert set(covered) == set(ids)
    assert windows[-1][-2] == ids[-1]  # the last word is in the last window
    assert all(len(w) <= 12 for w in windows)


def test_long_text_is_cut_at_sentence_ends(encoder_dir: Path) -> None:
    encoder = SentenceEncoder(encoder_dir, max_tokens=12)
    text = "thanks great service. " * 3 + "the order is late again. i want a refund."
    [windows] = encoder.windows([text])
    late = encoder.tokenizer("the order is late again.", add_special_tokens=False)["input_ids"]
    assert any(window[1:-1][: len(late)] == late for window in windows)


def test_empty_text_still_gets_a_window(encoder_dir: Path) -> None:
    [windows] = SentenceEncoder(encoder_dir, max_tokens=12).windows([""])
    assert len(windows) == 1


def test_long_texts_alone_or_blank_still_get_windows(encoder_dir: Path) -> None:
    # Past a window's length in characters a text is tokenized by sentences, and no short
    # text may be in the batch: the torch tokenizer must never be asked for nothing.
    encoder = SentenceEncoder(encoder_dir, max_tokens=12)
    blank, late = " \n " * 10, "the order is late again. " * 4
    [blank_windows, late_windows] = encoder.windows([blank, late])
    assert blank_windows == [[encoder.cls_id, encoder.sep_id]]
    assert len(late_windows) > 1


def test_aggregate_keeps_the_most_negative_window_and_highest_emotions() -> None:
    sentiment = np.array([[0.05, 0.15, 0.8], [0.1, 0.1, 0.8], [0.7, 0.2, 0.1], [0.2, 0.7, 0.1]])
    emotions = np.array([[0.1, 0.9], [0.2, 0.1], [0.8, 0.0], [0.3, 0.3]])
    root = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    agg = aggregate_windows(
        {"sentiment": sentiment, "emotions": emotions, "root_cause": root}, [0, 0, 0, 1], 2
    )
    np.testing.assert_allclose(agg["sentiment"][0], [0.7, 0.2, 0.1])
    np.testing.assert_allclose(agg["emotions"][0], [0.8, 0.9])
    np.testing.assert_allclose(agg["root_cause"][0], [0.0, 1.0])  # from the complaining window
    np.testing.assert_allclose(agg["sentiment"][1], [0.2, 0.7, 0.1])


def test_a_long_text_without_a_clear_complaint_reads_as_its_windows_mean() -> None:
    # The worst window is only somewhat negative (0.5 < LONG_TEXT_NEGATIVE): the text's
    # single-label heads are the mean of its windows, its multi-label heads still the highest.
    sentiment = np.array([[0.05, 0.15, 0.8], [0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
    emotions = np.array([[0.1, 0.9], [0.2, 0.1], [0.8, 0.0]])
    root = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    agg = aggregate_windows(
        {"sentiment": sentiment, "emotions": emotions, "root_cause": root}, [0, 0, 0], 1
    )
    np.testing.assert_allclose(agg["sentiment"][0], sentiment.mean(axis=0))
    np.testing.assert_allclose(agg["root_cause"][0], root.mean(axis=0))
    np.testing.assert_allclose(agg["emotions"][0], [0.8, 0.9])


def test_heads_round_trip(models_dir: Path) -> None:
    heads = Heads.load(models_dir)
    heads.save(models_dir / "again")
    again = Heads.load(models_dir / "again")
    assert torch.equal(heads.modules["sentiment"][0].weight, again.modules["sentiment"][0].weight)
    assert torch.equal(heads.modules["emotions"][2].weight, again.modules["emotions"][2].weight)
    assert again.meta["heads"]["emotions"]["hidden"] == 8
    assert again.temperatures == {"sentiment": 1.5}
    assert again.thresholds["emotions"] == [0.3] * len(EMOTION_LABELS)


def test_missing_heads_fail_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="cannot load the heads"):
        Heads.load(tmp_path)


def test_heads_for_other_labels_are_refused(models_dir: Path) -> None:
    meta = json.loads((models_dir / "heads.json").read_text())
    meta["heads"]["sentiment"]["labels"] = ["bad", "ok", "good"]
    (models_dir / "heads.json").write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match="labels of the sentiment head do not match"):
        Heads.load(models_dir)


def test_broken_encoder_directory_fails_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="cannot load the encoder"):
        SentenceEncoder(tmp_path)


QUERY = "encoder.layer.0.attention.self.query"


def test_adapter_adds_its_low_rank_delta(encoder_dir: Path) -> None:
    encoder = SentenceEncoder(encoder_dir)
    layer = encoder.model.get_submodule(QUERY)
    before = layer.weight.detach().clone()
    a, b = torch.randn(2, 16), torch.randn(16, 2)
    apply_adapter(encoder.model, {f"{QUERY}.lora_A": a, f"{QUERY}.lora_B": b}, scaling=0.5)
    torch.testing.assert_close(layer.weight.detach(), before + 0.5 * b @ a)


def test_an_adapter_that_does_not_fit_is_refused(encoder_dir: Path) -> None:
    encoder = SentenceEncoder(encoder_dir)
    with pytest.raises(ModelLoadError, match="does not fit"):
        apply_adapter(
            encoder.model,
            {f"{QUERY}.lora_A": torch.randn(2, 7), f"{QUERY}.lora_B": torch.randn(16, 2)},
            scaling=1.0,
        )
    with pytest.raises(ModelLoadError, match="lacks"):
        apply_adapter(
            encoder.model,
            {"nowhere.lora_A": torch.randn(2, 16), "nowhere.lora_B": torch.randn(16, 2)},
            scaling=1.0,
        )


def test_load_applies_the_shipped_adapter(encoder_dir: Path, models_dir: Path) -> None:
    from safetensors.torch import save_file

    plain = MiniLMClassifier.load(models_dir, encoder_dir=encoder_dir)
    save_file(
        {f"{QUERY}.lora_A": torch.randn(2, 16), f"{QUERY}.lora_B": torch.randn(16, 2)},
        str(models_dir / ADAPTER_FILE),
    )
    meta = json.loads((models_dir / "heads.json").read_text())
    meta["adapter"] = {"rank": 2, "alpha": 4, "scaling": 2.0}
    (models_dir / "heads.json").write_text(json.dumps(meta))
    adapted = MiniLMClassifier.load(models_dir, encoder_dir=encoder_dir)
    text = ["the order is late again"]
    assert plain.predict(text)[0].sentiment != adapted.predict(text)[0].sentiment
