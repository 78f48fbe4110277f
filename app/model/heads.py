"""The trained heads over the sentence embedding, with their calibration, saved and loaded."""

from __future__ import annotations

import json
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

__all__ = ["HEAD_LABELS", "MULTILABEL_HEADS", "REQUIRED_HEADS", "Heads", "build_head"]


def build_head(n_in: int, n_out: int, hidden: int) -> torch.nn.Sequential:
    """A linear head, or one hidden layer with GELU when `hidden` is non-zero."""
    if not hidden:
        return torch.nn.Sequential(torch.nn.Linear(n_in, n_out))
    return torch.nn.Sequential(
        torch.nn.Linear(n_in, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, n_out)
    )


@dataclass
class Heads:
    """Heads by name; single-label heads have a temperature, multi-label ones thresholds."""

    modules: dict[str, torch.nn.Sequential]
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
                modules={
                    n: _restore(tensors, n, int(s.get("hidden", 0))) for n, s in specs.items()
                },
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
            if name in self.temperatures:
                spec["temperature"] = self.temperatures[name]
            if name in self.thresholds:
                spec["thresholds"] = self.thresholds[name]
            specs[name] = spec
        meta = {**self.meta, "heads": specs}
        (models_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")

    @torch.inference_mode()
    def probabilities(self, embeddings: torch.Tensor) -> dict[str, torch.Tensor]:
        """Each head's calibrated probabilities: softmax over classes, or a sigmoid per label."""
        out = {}
        for name, module in self.modules.items():
            logits = module(embeddings)
            if name in MULTILABEL_HEADS:
                out[name] = torch.sigmoid(logits)
            else:
                out[name] = torch.softmax(logits / self.temperatures.get(name, 1.0), dim=-1)
        return out


def _hidden(head: torch.nn.Sequential) -> int:
    first = head[0]
    assert isinstance(first, torch.nn.Linear)
    return 0 if len(head) == 1 else first.out_features


def _restore(tensors: dict[str, torch.Tensor], name: str, hidden: int) -> torch.nn.Sequential:
    state = {k.removeprefix(f"{name}."): v for k, v in tensors.items() if k.startswith(f"{name}.")}
    last = max(int(k.split(".")[0]) for k in state)
    head = build_head(state["0.weight"].shape[1], state[f"{last}.weight"].shape[0], hidden)
    head.load_state_dict(state)
    return head.eval()
