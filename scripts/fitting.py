"""Fitting a head to convergence on fixed embeddings: logistic regression or a small MLP."""

from __future__ import annotations

import numpy as np
import torch

from app.model.heads import build_head

SEED = 13


def fit_linear(
    x: np.ndarray, y: np.ndarray, *, multilabel: bool, weight_decay: float = 1e-5
) -> torch.nn.Sequential:
    """Full-batch L-BFGS on a linear layer: softmax regression, or a sigmoid per label."""
    torch.manual_seed(SEED)
    inputs = torch.from_numpy(x).float()
    n_out = y.shape[1] if multilabel else int(y.max()) + 1
    layer = build_head(x.shape[1], n_out, hidden=0)
    targets = torch.from_numpy(y).float() if multilabel else torch.from_numpy(y).long()
    loss_fn: torch.nn.Module = (
        torch.nn.BCEWithLogitsLoss() if multilabel else torch.nn.CrossEntropyLoss()
    )
    optimiser = torch.optim.LBFGS(layer.parameters(), lr=1, max_iter=500, history_size=20)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_fn(layer(inputs), targets) + weight_decay * layer[0].weight.pow(2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return layer.eval()


def fit_mlp(x: np.ndarray, y: np.ndarray, *, hidden: int, epochs: int = 30) -> torch.nn.Sequential:
    """One hidden layer, multi-label, AdamW on shuffled mini-batches, dropout on the input."""
    torch.manual_seed(SEED)
    head = build_head(x.shape[1], y.shape[1], hidden)
    dropout = torch.nn.Dropout(0.2)
    optimiser = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=1e-4)
    inputs, targets = torch.from_numpy(x).float(), torch.from_numpy(y).float()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(SEED)
    head.train()
    for _ in range(epochs):
        order = torch.randperm(len(inputs), generator=generator)
        for begin in range(0, len(order), 256):
            batch = order[begin : begin + 256]
            optimiser.zero_grad()
            loss_fn(head(dropout(inputs[batch])), targets[batch]).backward()
            optimiser.step()
    return head.eval()
