"""Low-rank adapters (LoRA, Hu et al. 2021) on the encoder's linear layers, for training only.

The service never imports this: it adds the saved low-rank deltas to the base weights at load
time (app.model.encoder.apply_adapter), so inference costs exactly what the base model costs.
"""

from __future__ import annotations

import re

import torch

from app.model.encoder import apply_adapter

# Every linear layer inside the transformer blocks; the unused pooler is left alone.
TARGETS = re.compile(
    r"encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.dense|"
    r"intermediate\.dense|output\.dense)$"
)


class LoRALinear(torch.nn.Module):
    """y = W x + (alpha / r) B A x, with W frozen and B starting at zero."""

    def __init__(self, base: torch.nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.lora_A = torch.nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = torch.nn.Parameter(torch.zeros(base.out_features, rank))
        torch.nn.init.kaiming_uniform_(self.lora_A, a=5**0.5)
        self.scaling = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling


def add_lora(model: torch.nn.Module, *, rank: int, alpha: float) -> dict:
    """Freeze the model and wrap each target layer; returns the adapter's config."""
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    names = [
        n for n, m in model.named_modules() if TARGETS.search(n) and isinstance(m, torch.nn.Linear)
    ]
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), rank, alpha))
    return {"rank": rank, "alpha": alpha, "scaling": alpha / rank, "modules": len(names)}


def lora_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The adapter's tensors by layer name: what gets saved (a few MB)."""
    state = {}
    for name, module in model.named_modules():
        if isinstance(module, LoRALinear):
            state[f"{name}.lora_A"] = module.lora_A.detach().clone().contiguous()
            state[f"{name}.lora_B"] = module.lora_B.detach().clone().contiguous()
    return state


def merge_lora(model: torch.nn.Module) -> None:
    """Fold each adapter into its base layer and unwrap it, exactly as the service will."""
    state = lora_state(model)
    scalings = {n: m.scaling for n, m in model.named_modules() if isinstance(m, LoRALinear)}
    for name in scalings:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, getattr(parent, child).base)
    [scaling] = set(scalings.values())
    apply_adapter(model, state, scaling=scaling)
