"""The real heads' training helpers: window selection, the token head's batches, the policy."""

from __future__ import annotations

import numpy as np
import torch

from app.model.heads import TokenAttentionHead, mean_pool
from scripts.train_real_heads import (
    RECALL_PRECISION_FLOOR,
    Split,
    _buy_recall,
    padded,
    select,
    window_logits,
)


def _states(lengths: list[int]) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    return [rng.normal(size=(n, 8)).astype(np.float16) for n in lengths]


def test_select_keeps_each_windows_states_with_its_text() -> None:
    owner = torch.tensor([0, 1, 1, 2])  # text 1 is long: two windows
    states = _states([3, 5, 2, 4])
    embeddings = torch.arange(4, dtype=torch.float32).unsqueeze(1)
    kept_embeddings, kept_owner, kept_states = select(embeddings, owner, states, [2, 1])
    assert kept_owner.tolist() == [1, 1, 0]  # text 1 is now second, text 2 first
    assert kept_embeddings.squeeze(1).tolist() == [1.0, 2.0, 3.0]
    assert [len(s) for s in kept_states] == [5, 2, 4]


def test_a_token_head_reads_each_window_alike_whatever_its_batch() -> None:
    torch.manual_seed(0)
    head = TokenAttentionHead(8, 3, hidden=4).eval()
    states = _states([2, 7, 4, 1, 6])
    split = Split([], torch.empty(0), torch.zeros(5, dtype=torch.long), {}, {}, states)
    tokens, mask = padded(states, list(range(5)))
    split.embeddings = mean_pool(tokens, mask)
    with torch.no_grad():
        batched = window_logits(head, split, batch_size=2)  # sorted by length, then padded
        for window in range(5):
            alone_tokens, alone_mask = padded(states, [window])
            alone = head(alone_tokens, alone_mask, split.embeddings[[window]])
            torch.testing.assert_close(batched[window], alone[0], atol=1e-5, rtol=1e-5)


def _candidate(predicted_positive: list[bool], false_alarms: int) -> tuple:
    predicted = np.array(predicted_positive + [True] * false_alarms + [False] * (96 - false_alarms))
    tp = sum(predicted_positive)
    precision, recall = tp / (tp + false_alarms), tp / 4
    return ((0.0, 0.0, 0.5, precision, recall, 0.0), predicted)


def test_recall_is_never_bought_under_the_precision_floor() -> None:
    # One trigger, four of a hundred messages carry it. Its start finds one; the bar that
    # reads best (micro-F1 0.80) finds all four with two false alarms, precision 0.67; the
    # next best (0.75) finds three with one, precision 0.75, at the floor.
    truths = np.array([[True]] * 4 + [[False]] * 96)
    keeps = np.ones_like(truths)
    options = [
        [
            _candidate([True, False, False, False], 0),
            _candidate([True, True, True, True], 2),
            _candidate([True, True, True, False], 1),
        ]
    ]
    assert options[0][1][0][3] < RECALL_PRECISION_FLOOR <= options[0][2][0][3]
    assert _buy_recall(options, [0], truths, keeps) == [2]
