"""The heads over the encoder's output: the token-attention head, saving, calibration."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from app.core.labels import MESSAGE_TRIGGER_TYPES, SENTIMENT_LABELS
from app.model.heads import (
    Heads,
    TokenAttentionHead,
    build_head,
    calibrated_probabilities,
    mean_pool,
)

N_TRIGGERS = len(MESSAGE_TRIGGER_TYPES)


def _token_head(seed: int = 5) -> TokenAttentionHead:
    torch.manual_seed(seed)
    head = TokenAttentionHead(16, N_TRIGGERS, hidden=6)
    with torch.no_grad():  # its read-out starts near zero; a trained one is not
        head.read.normal_()
        head.bias.normal_()
    return head.eval()


def _states(lengths: list[int], seed: int = 7) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    hidden = torch.randn(len(lengths), max(lengths), 16)
    mask = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for row, n in enumerate(lengths):
        mask[row, :n] = 1
    return hidden, mask


def test_padding_does_not_change_what_a_token_head_reads() -> None:
    head = _token_head()
    hidden, mask = _states([5])
    padded = torch.cat([hidden, torch.randn(1, 4, 16)], dim=1)  # four padding tokens of noise
    padded_mask = torch.cat([mask, torch.zeros(1, 4, dtype=torch.long)], dim=1)
    with torch.no_grad():
        alone = head(hidden, mask, mean_pool(hidden, mask))
        with_padding = head(padded, padded_mask, mean_pool(padded, padded_mask))
    torch.testing.assert_close(alone, with_padding)


def test_a_token_head_reads_the_tokens_not_only_their_mean() -> None:
    # Two windows with the same mean embedding but different tokens: a pooled head cannot
    # tell them apart, the token head can.
    head = _token_head()
    hidden, mask = _states([4])
    shuffled = hidden.clone()
    shuffled[0, :2] = hidden[0, :2] + 3.0
    shuffled[0, 2:4] = hidden[0, 2:4] - 3.0
    embedding = mean_pool(hidden, mask)
    torch.testing.assert_close(embedding, mean_pool(shuffled, mask))
    with torch.no_grad():
        assert not torch.allclose(head(hidden, mask, embedding), head(shuffled, mask, embedding))


def test_folding_a_temperature_divides_every_logit() -> None:
    head = _token_head()
    hidden, mask = _states([3, 6])
    embedding = mean_pool(hidden, mask)
    with torch.no_grad():
        before = head(hidden, mask, embedding)
        head.fold_temperature(2.5)
        torch.testing.assert_close(head(hidden, mask, embedding), before / 2.5)


def test_a_token_head_is_saved_and_loaded_as_one(tmp_path: Path) -> None:
    torch.manual_seed(2)
    heads = Heads(
        modules={
            "sentiment": build_head(16, len(SENTIMENT_LABELS), hidden=0),
            "emotions": build_head(16, 28, hidden=0),
            "triggers": _token_head(),
        },
        temperatures={"sentiment": 1.3},
        thresholds={"triggers": [0.5] * N_TRIGGERS},
        meta={"version": "tiny"},
    )
    heads.save(tmp_path)
    again = Heads.load(tmp_path)
    spec = again.meta["heads"]["triggers"]
    assert spec["reads"] == "tokens" and spec["hidden"] == 6
    assert "reads" not in again.meta["heads"]["sentiment"]
    assert isinstance(again.modules["triggers"], TokenAttentionHead)
    hidden, mask = _states([3, 8])
    want, got = heads.probabilities(hidden, mask), again.probabilities(hidden, mask)
    assert set(got) == {"sentiment", "emotions", "triggers"}
    for name in want:
        torch.testing.assert_close(got[name], want[name])


def test_probabilities_are_calibrated_per_kind_of_head() -> None:
    torch.manual_seed(4)
    modules = {"sentiment": build_head(16, 3, hidden=0), "triggers": _token_head()}
    hidden, mask = _states([2, 5])
    out = calibrated_probabilities(modules, {"sentiment": 2.0}, hidden, mask)
    embedding = mean_pool(hidden, mask)
    with torch.no_grad():
        softened = torch.softmax(modules["sentiment"](embedding) / 2.0, dim=-1)
        sigmoid = torch.sigmoid(modules["triggers"](hidden, mask, embedding))
    torch.testing.assert_close(out["sentiment"], softened)
    torch.testing.assert_close(out["triggers"], sigmoid)
    assert out["sentiment"].sum(-1).tolist() == pytest.approx([1.0, 1.0])
