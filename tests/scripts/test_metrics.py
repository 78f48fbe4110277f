"""Evaluation metrics and calibration used by training and evaluation scripts."""

import numpy as np
import pytest
import torch

from scripts.metrics import (
    expected_calibration_error,
    fit_temperature,
    macro_f1,
    macro_recall,
    multilabel_ece,
    tune_thresholds,
)


def test_macro_recall_averages_per_class_recall() -> None:
    y = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 1, 1, 1, 0, 0])
    assert macro_recall(y, pred, 3) == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_macro_f1_over_labels() -> None:
    y = np.array([[1, 0], [1, 1], [0, 1]])
    pred = np.array([[1, 0], [0, 1], [0, 0]])
    # label 0: p=1, r=0.5 -> 2/3; label 1: p=1, r=0.5 -> 2/3
    assert macro_f1(y, pred) == pytest.approx(2 / 3)


def test_ece_is_zero_when_confidence_matches_accuracy() -> None:
    probs = np.array([[0.75, 0.25]] * 4)
    y = np.array([0, 0, 0, 1])
    assert expected_calibration_error(probs, y) == pytest.approx(0.0)
    assert expected_calibration_error(probs, np.array([1, 1, 1, 1])) == pytest.approx(0.75)


def test_multilabel_ece() -> None:
    probs = np.array([[0.5, 0.5], [0.5, 0.5]])
    assert multilabel_ece(probs, np.array([[1, 0], [0, 1]])) == pytest.approx(0.0)


def test_temperature_scaling_cools_an_overconfident_model() -> None:
    torch.manual_seed(0)
    n = 2000
    y = torch.randint(0, 3, (n,))
    # Right 70% of the time, but with logits that claim ~99% confidence.
    right = torch.rand(n) < 0.7
    predicted = torch.where(right, y, (y + 1) % 3)
    logits = torch.nn.functional.one_hot(predicted, 3).float() * 6.0
    temperature = fit_temperature(logits, y.numpy())
    assert temperature > 2.0
    before = expected_calibration_error(torch.softmax(logits, 1).numpy(), y.numpy())
    after = expected_calibration_error(torch.softmax(logits / temperature, 1).numpy(), y.numpy())
    assert after < before / 3


def test_thresholds_maximise_each_labels_f1() -> None:
    probs = np.array([[0.2], [0.3], [0.6], [0.7]])
    y = np.array([[0], [1], [1], [1]])
    [threshold] = tune_thresholds(probs, y)
    assert 0.2 < threshold <= 0.3
