"""The sentence encoder: all-MiniLM-L6-v2 (plus a trained adapter), long texts windowed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

from app.core.errors import ModelLoadError
from app.model.heads import mean_pool
from app.model.tokenizer import default_encoder_dir
from app.model.windows import WINDOW_TOKENS, Rank, Windower

__all__ = ["SentenceEncoder", "apply_adapter", "default_encoder_dir"]


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings, as sentence-transformers computes them."""

    def __init__(
        self,
        encoder_dir: Path,
        *,
        max_tokens: int = WINDOW_TOKENS,
        max_windows: int = 0,
        rank: Rank | None = None,
    ) -> None:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        # Its "sequence longer than the maximum" warning is expected: long texts are split.
        hf_logging.set_verbosity_error()
        # Its weight-loading progress bar would garble the CLI's progress bar and summary.
        hf_logging.disable_progress_bar()

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True)
            self.model = AutoModel.from_pretrained(
                str(encoder_dir), local_files_only=True, attn_implementation="eager"
            )
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the encoder from {encoder_dir}: {exc}") from exc
        self.model.eval()
        self.encoder_dir = encoder_dir
        self.cls_id, self.sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        self.max_tokens = max_tokens
        self.windower = Windower(
            self._token_ids,
            cls_id=self.cls_id,
            sep_id=self.sep_id,
            pad_id=self.tokenizer.pad_token_id or 0,
            max_tokens=max_tokens,
            max_windows=max_windows,
            rank=rank,
        )
        self.dim = int(self.model.config.hidden_size)

    def windows(self, texts: Sequence[str]) -> list[list[list[int]]]:
        """For each text, the token-id windows the model reads (see Windower.windows)."""
        return self.windower.windows(texts)

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        if not texts:  # transformers' fast tokenizer fails on an empty batch
            return []
        encoded = self.tokenizer(texts, add_special_tokens=False, truncation=False)
        return list(encoded["input_ids"])

    @torch.inference_mode()
    def embed_windows(self, windows: Sequence[list[int]], *, batch_size: int = 32) -> torch.Tensor:
        """Embed token-id windows, batching windows of similar length to limit padding."""
        out = torch.empty(len(windows), self.dim)
        for idx, hidden, attention in self.states(windows, batch_size=batch_size):
            out[idx] = mean_pool(hidden, attention)
        return out

    @torch.inference_mode()
    def states(
        self, windows: Sequence[list[int]], *, batch_size: int = 32
    ) -> Iterator[tuple[list[int], torch.Tensor, torch.Tensor]]:
        """Per batch of windows of similar length: their indices, the last layer's token
        states (windows x tokens x dim) and the attention mask (padding is 0)."""
        for idx, input_ids, mask in self.padded_batches(windows, batch_size):
            ids, attention = torch.from_numpy(input_ids), torch.from_numpy(mask)
            yield (
                idx,
                self.model(input_ids=ids, attention_mask=attention).last_hidden_state,
                attention,
            )

    def padded_batches(
        self, windows: Sequence[list[int]], batch_size: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        return self.windower.padded_batches(windows, batch_size)

    def embed(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> tuple[torch.Tensor, list[int]]:
        """Embed every window of every text; returns embeddings and each window's text index."""
        windows, owner = self.flat_windows(texts)
        return self.embed_windows(windows, batch_size=batch_size), owner

    def flat_windows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Every window of every text in one list, and each window's text index."""
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text_windows in enumerate(self.windows(texts)):
            windows.extend(text_windows)
            owner.extend([i] * len(text_windows))
        return windows, owner


@torch.no_grad()
def apply_adapter(
    model: torch.nn.Module, tensors: Mapping[str, torch.Tensor], *, scaling: float
) -> None:
    """Add each low-rank delta (scaling * B @ A) to its layer's weight, in place.

    Merged once at load time, the adapter costs nothing per request.
    """
    layers = {name.removesuffix(".lora_A") for name in tensors if name.endswith(".lora_A")}
    for name in sorted(layers):
        try:
            layer = model.get_submodule(name)
        except AttributeError as exc:
            raise ModelLoadError(f"adapter names a layer the encoder lacks: {name}") from exc
        a, b = tensors[f"{name}.lora_A"], tensors[f"{name}.lora_B"]
        if not isinstance(layer, torch.nn.Linear) or layer.weight.shape != (b.shape[0], a.shape[1]):
            raise ModelLoadError(f"adapter does not fit layer {name}")
        layer.weight += scaling * (b @ a)
