"""Metrics and post-hoc calibration shared by training and evaluation."""

from __future__ import annotations

import itertools

import numpy as np
import torch


def macro_recall(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    """TweetEval's official sentiment metric: recall per class, averaged."""
    present = [c for c in range(n_classes) if (y_true == c).any()]
    return float(np.mean([np.mean(y_pred[y_true == c] == c) for c in present]))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Macro F1 over the columns of multi-hot arrays (labels absent from y_true count as 0)."""
    y_true, y_pred = y_true.astype(bool), y_pred.astype(bool)
    tp = (y_true & y_pred).sum(0)
    precision = tp / np.maximum(y_pred.sum(0), 1)
    recall = tp / np.maximum(y_true.sum(0), 1)
    return float(np.mean(2 * precision * recall / np.maximum(precision + recall, 1e-12)))


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """ECE of the top class (Guo et al., 2017): |accuracy - confidence| weighted over bins."""
    confidence, predicted = probs.max(1), probs.argmax(1)
    ece = 0.0
    for low, high in itertools.pairwise(np.linspace(0, 1, bins + 1)):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            gap = (predicted[inside] == y[inside]).mean() - confidence[inside].mean()
            ece += inside.mean() * abs(gap)
    return float(ece)


def multilabel_ece(probs: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """ECE over every (example, label) probability of a multi-label head."""
    p, t = probs.ravel(), y.ravel().astype(float)
    ece = 0.0
    for low, high in itertools.pairwise(np.linspace(0, 1, bins + 1)):
        inside = (p > low) & (p <= high)
        if inside.any():
            ece += inside.mean() * abs(t[inside].mean() - p[inside].mean())
    return float(ece)


def fit_temperature(logits: torch.Tensor, y: np.ndarray) -> float:
    """The temperature that minimises negative log-likelihood on dev."""
    logits = logits.detach().clone()  # may come from inference mode
    log_t = torch.zeros(1, requires_grad=True)
    targets = torch.from_numpy(y).long()
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), targets)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.detach().exp())


def tune_thresholds(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label decision threshold that maximises that label's F1 on dev."""
    grid = np.linspace(0.05, 0.95, 19)
    best = np.full(probs.shape[1], 0.5)
    for label in range(probs.shape[1]):
        truth = y[:, label].astype(bool)
        if not truth.any():
            continue
        f1s = [
            2 * (pred & truth).sum() / max(pred.sum() + truth.sum(), 1)
            for pred in (probs[:, label] >= t for t in grid)
        ]
        best[label] = grid[int(np.argmax(f1s))]
    return best
