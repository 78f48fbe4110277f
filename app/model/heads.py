"""The trained heads over the sentence embedding, with their calibration, saved and loaded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from app.core.errors import ModelLoadError
from app.model.head_specs import (
    HEAD_LABELS,
    HEADS_FILE,
    META_FILE,
    MULTILABEL_HEADS,
    REQUIRED_HEADS,
    read_meta,
)

# What a head reads (heads.json's "reads"): the pooled sentence embedding (the default), or
# the token states with it.
SENTENCE, TOKENS = "sentence", "tokens"

__all__ = [
    "HEAD_LABELS",
    "MULTILABEL_HEADS",
    "REQUIRED_HEADS",
    "Heads",
    "TokenAttentionHead",
    "build_head",
    "calibrated_probabilities",
    "mean_pool",
]


def build_head(n_in: int, n_out: int, hidden: int) -> torch.nn.Sequential:
    """A linear head, or one hidden layer with GELU when `hidden` is non-zero."""
    if not hidden:
        return torch.nn.Sequential(torch.nn.Linear(n_in, n_out))
    return torch.nn.Sequential(
        torch.nn.Linear(n_in, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, n_out)
    )


class TokenAttentionHead(torch.nn.Module):
    """Per-label attention over the encoder's token states, beside the sentence embedding.

    Mean pooling averages away the few words that carry a trigger ("on hold for two hours",
    "my lawyer", "u hung up on me"); here each label learns which tokens to read, in
    context, from the same forward pass. On the real dev split it read the triggers better
    than the pooled head, alone and blended with the n-grams (models/MODEL_CARD.md).
    """

    def __init__(self, n_in: int, n_out: int, hidden: int) -> None:
        super().__init__()
        self.project = torch.nn.Linear(n_in, hidden)
        self.attend = torch.nn.Linear(hidden, n_out)
        self.read = torch.nn.Parameter(torch.randn(n_out, hidden) * 0.02)
        self.bias = torch.nn.Parameter(torch.zeros(n_out))
        self.sentence = torch.nn.Linear(n_in, n_out)

    def forward(
        self, tokens: torch.Tensor, mask: torch.Tensor, embedding: torch.Tensor
    ) -> torch.Tensor:
        """Logits (windows x labels) from token states (windows x tokens x n_in), their
        attention mask and the windows' pooled embeddings."""
        features = torch.tanh(self.project(tokens))
        scores = self.attend(features).masked_fill(~mask.bool().unsqueeze(-1), -1e4)
        weights = torch.softmax(scores, dim=1)  # over the tokens, per label
        pooled = torch.matmul(weights.transpose(1, 2), features)  # windows x labels x hidden
        return (pooled * self.read).sum(-1) + self.bias + self.sentence(embedding)

    @torch.no_grad()
    def fold_temperature(self, temperature: float) -> None:
        """Divide the logits by `temperature` for good: every term of the last layer."""
        for tensor in (self.read, self.bias, self.sentence.weight, self.sentence.bias):
            tensor /= temperature


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The L2-normalised mean of the unmasked token states: sentence-transformers' embedding."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def head_logits(
    head: torch.nn.Module, embedding: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """One head's logits: a token head reads the token states, the others the embedding."""
    if isinstance(head, TokenAttentionHead):
        return head(tokens, mask, embedding)
    return head(embedding)


def calibrated_probabilities(
    modules: Mapping[str, torch.nn.Module] | torch.nn.ModuleDict,
    temperatures: Mapping[str, float],
    hidden: torch.Tensor,
    mask: torch.Tensor,
) -> dict[str, torch.Tensor]:
    """Each head's probabilities from the encoder's last states: a sigmoid per label, or a
    softmax over classes at the head's temperature. The torch model and the exported graph
    both compute them here."""
    embedding = mean_pool(hidden, mask)
    out = {}
    for name, module in modules.items():
        logits = head_logits(module, embedding, hidden, mask)
        if name in MULTILABEL_HEADS:
            out[name] = torch.sigmoid(logits)
        else:
            out[name] = torch.softmax(logits / temperatures.get(name, 1.0), dim=-1)
    return out


@dataclass
class Heads:
    """Heads by name; single-label heads have a temperature, multi-label ones thresholds."""

    modules: dict[str, torch.nn.Module]
    temperatures: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, list[float]] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, models_dir: Path) -> Heads:
        meta = read_meta(models_dir)
        specs = meta["heads"]
        try:
            tensors = load_file(str(models_dir / HEADS_FILE))
            heads = cls(
                modules={n: _restore(tensors, n, s) for n, s in specs.items()},
                temperatures={
                    n: float(s["temperature"]) for n, s in specs.items() if "temperature" in s
                },
                thresholds={
                    n: list(s["thresholds"]) for n, s in specs.items() if "thresholds" in s
                },
                meta=meta,
            )
        except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as exc:
            raise ModelLoadError(f"cannot load the heads from {models_dir}: {exc!r}") from exc
        return heads

    def save(self, models_dir: Path) -> None:
        models_dir.mkdir(parents=True, exist_ok=True)
        tensors = {
            f"{name}.{key}": value.detach().contiguous()
            for name, module in self.modules.items()
            for key, value in module.state_dict().items()
        }
        save_file(tensors, str(models_dir / HEADS_FILE))
        specs: dict[str, dict] = {}
        for name, module in self.modules.items():
            spec: dict = {"labels": list(HEAD_LABELS[name]), "hidden": _hidden(module)}
            if isinstance(module, TokenAttentionHead):
                spec["reads"] = TOKENS
            if name in self.temperatures:
                spec["temperature"] = self.temperatures[name]
            if name in self.thresholds:
                spec["thresholds"] = self.thresholds[name]
            specs[name] = spec
        meta = {**self.meta, "heads": specs}
        (models_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")

    @torch.inference_mode()
    def probabilities(self, hidden: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """Each head's calibrated probabilities from the encoder's last states and mask."""
        return calibrated_probabilities(self.modules, self.temperatures, hidden, mask)


def _hidden(head: torch.nn.Module) -> int:
    if isinstance(head, TokenAttentionHead):
        return head.project.out_features
    assert isinstance(head, torch.nn.Sequential)
    first = head[0]
    assert isinstance(first, torch.nn.Linear)
    return 0 if len(head) == 1 else first.out_features


def _restore(tensors: dict[str, torch.Tensor], name: str, spec: Mapping) -> torch.nn.Module:
    state = {k.removeprefix(f"{name}."): v for k, v in tensors.items() if k.startswith(f"{name}.")}
    head: torch.nn.Module
    if spec.get("reads", SENTENCE) == TOKENS:
        n_hidden, n_in = state["project.weight"].shape
        head = TokenAttentionHead(n_in, state["attend.weight"].shape[0], n_hidden)
    else:
        last = max(int(k.split(".")[0]) for k in state)
        head = build_head(
            state["0.weight"].shape[1], state[f"{last}.weight"].shape[0], int(spec.get("hidden", 0))
        )
    head.load_state_dict(state)
    return head.eval()
