"""Evaluate the shipped model on the public test splits, beside VADER, TextBlob and the literature.

    python scripts/evaluate.py --data ../shared/data --models models

Runs the service's own classifier (windowing and calibration included) over each test
split and prints one table: the official metric, calibration error, the tools people use
today on the same data, and the published references from the data folder's README.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.classifier import MiniLMClassifier
from app.labels import EMOTION_LABELS, SENTIMENT_LABELS
from scripts.train import (
    SUPPORT_MESSAGES,
    expected_calibration_error,
    macro_f1,
    macro_recall,
    read_jsonl,
    split_support,
)

PUBLISHED = {
    "tweeteval_sentiment": "SVM 62.9 · RoBERTa-base 71.3 · BERTweet 73.4 · TimeLMs-2021 73.7",
    "goemotions": "BERT-base 46.0 (Demszky et al., 2020)",
    "tweeteval_emotion": "RoBERTa-base 76.1 · TimeLMs-2021 80.2",
}
TWEETEVAL_EMOTIONS = ("anger", "joy", "optimism", "sadness")


def vader_labels(texts: list[str]) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    # VADER's documented cut-offs: compound >= 0.05 positive, <= -0.05 negative.
    compound = np.array([analyser.polarity_scores(t)["compound"] for t in texts])
    return np.where(compound >= 0.05, 2, np.where(compound <= -0.05, 0, 1))


def textblob_labels(texts: list[str]) -> np.ndarray:
    from textblob import TextBlob

    polarity = np.array([TextBlob(t).sentiment.polarity for t in texts])
    return np.where(polarity > 0, 2, np.where(polarity < 0, 0, 1))


def evaluate_sentiment(
    model: MiniLMClassifier, rows: list[dict], name: str, published: str
) -> dict:
    texts = [r["text"] for r in rows]
    y = np.array([SENTIMENT_LABELS.index(r.get("label") or r["sentiment"]) for r in rows])
    probs = np.array(
        [[s.sentiment[label] for label in SENTIMENT_LABELS] for s in model.predict(texts)]
    )
    return {
        "head": f"sentiment ({name}, n={len(rows)})",
        "metric": "macro recall",
        "ours": macro_recall(y, probs.argmax(1), 3),
        "ece": expected_calibration_error(probs, y),
        "vader": macro_recall(y, vader_labels(texts), 3),
        "textblob": macro_recall(y, textblob_labels(texts), 3),
        "published": published,
    }


def evaluate_goemotions(model: MiniLMClassifier, data: Path, thresholds: dict) -> dict:
    rows = read_jsonl(data / "goemotions" / "test.jsonl")
    texts = [r["text"] for r in rows]
    y = np.array([[label in r["labels"] for label in EMOTION_LABELS] for r in rows])
    probs = np.array(
        [[s.emotions[label] for label in EMOTION_LABELS] for s in model.predict(texts)]
    )
    cut = np.array([thresholds[label] for label in EMOTION_LABELS])
    return {
        "head": f"emotions (GoEmotions test, 28 labels, n={len(rows)})",
        "metric": "macro F1",
        "ours": macro_f1(y, probs >= cut),
        "ece": None,
        "vader": None,
        "textblob": None,
        "published": PUBLISHED["goemotions"],
    }


def evaluate_tweeteval_emotion(model: MiniLMClassifier, data: Path) -> dict:
    """Zero-shot transfer: the GoEmotions head's four matching labels, argmax among them."""
    rows = read_jsonl(data / "tweeteval_emotion" / "test.jsonl")
    texts = [r["text"] for r in rows]
    y = np.array([TWEETEVAL_EMOTIONS.index(r["label"]) for r in rows])
    probs = np.array(
        [[s.emotions[label] for label in TWEETEVAL_EMOTIONS] for s in model.predict(texts)]
    )
    predicted = probs.argmax(1)
    one_hot = np.eye(len(TWEETEVAL_EMOTIONS), dtype=bool)
    return {
        "head": f"emotions -> TweetEval emotion (zero-shot, n={len(rows)})",
        "metric": "macro F1",
        "ours": macro_f1(one_hot[y], one_hot[predicted]),
        "ece": None,
        "vader": None,
        "textblob": None,
        "published": PUBLISHED["tweeteval_emotion"],
    }


def fmt(value: float | None, scale: float = 100) -> str:
    return "—" if value is None else f"{value * scale:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--support", type=Path, default=SUPPORT_MESSAGES)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()

    started = time.perf_counter()
    model = MiniLMClassifier.load(args.models)
    thresholds = dict(zip(EMOTION_LABELS, model.heads.thresholds["emotions"], strict=True))
    tweets = read_jsonl(args.data / "tweeteval_sentiment" / "test.jsonl")
    support = split_support(read_jsonl(args.support))["test"]
    rows = [
        evaluate_sentiment(model, tweets, "TweetEval test", PUBLISHED["tweeteval_sentiment"]),
        evaluate_sentiment(
            model, support, "support messages, held-out fifth", "none (project-written)"
        ),
        evaluate_goemotions(model, args.data, thresholds),
        evaluate_tweeteval_emotion(model, args.data),
    ]
    print(f"model {model.model_version}; scores x100; ECE x100 (15 bins, lower is better)")
    print("| head | metric | ours | ECE | VADER | TextBlob | published |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        print(
            f"| {row['head']} | {row['metric']} | {fmt(row['ours'])} | {fmt(row['ece'])} "
            f"| {fmt(row['vader'])} | {fmt(row['textblob'])} | {row['published']} |"
        )
    print(
        "TweetEval sentiment: our train split is rebuilt from the SemEval sources (the official "
        "file could not be obtained); dev and test are the official ones."
    )
    print(f"evaluated in {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
