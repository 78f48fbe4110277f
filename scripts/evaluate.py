"""Evaluate the shipped model on every test split, beside VADER, TextBlob and the literature.

    python scripts/evaluate.py --data ../shared/data --models models

Runs the service's own classifier (adapter, windowing and calibration included) and prints
one table: each head's official metric on its test split, its calibration error, the tools
people use today on the same data where they apply, and the published references.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.labels import SENTIMENT_LABELS
from app.model.heads import HEAD_LABELS, MULTILABEL_HEADS
from app.model.onnx_export import to_onnx
from app.model.torch_model import MiniLMClassifier
from scripts import datasets
from scripts.metrics import (
    expected_calibration_error,
    macro_f1,
    macro_recall,
    multilabel_ece,
)

PUBLISHED = {
    "tweeteval_sentiment": "SVM 62.9 · RoBERTa-base 71.3 · BERTweet 73.4 · TimeLMs-2021 73.7",
    "goemotions": "BERT-base 46.0 (Demszky et al., 2020)",
    "tweeteval_emotion": "RoBERTa-base 76.1 · TimeLMs-2021 80.2",
}
TWEETEVAL_EMOTIONS = ("anger", "joy", "optimism", "sadness")
HEAD_FIELD = {
    "sentiment": "sentiment",
    "emotions": "emotions",
    "intents": "intents",
    "customer_type": "customer_types",
    "root_cause": "root_causes",
    "triggers": "triggers",
    "requests": "requests",
    "intensity": "intensity",
}


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


def probabilities(model: MiniLMClassifier, texts: list[str], head: str) -> np.ndarray:
    field = HEAD_FIELD[head]
    return np.array(
        [[getattr(s, field)[label] for label in HEAD_LABELS[head]] for s in model.predict(texts)]
    )


def sentiment_row(
    model: MiniLMClassifier, name: str, texts: list[str], y: np.ndarray, published: str
) -> dict:
    probs = probabilities(model, texts, "sentiment")
    predicted = probs.argmax(1)
    return {
        "head": f"sentiment: {name} (n={len(y)})",
        "metric": "macro recall / accuracy",
        "ours": f"{macro_recall(y, predicted, 3) * 100:.1f} / {(predicted == y).mean() * 100:.1f}",
        "ece": expected_calibration_error(probs, y),
        "vader": tool_score(vader_labels(texts), y),
        "textblob": tool_score(textblob_labels(texts), y),
        "published": published,
    }


def tool_score(predicted: np.ndarray, y: np.ndarray) -> str:
    return f"{macro_recall(y, predicted, 3) * 100:.1f} / {(predicted == y).mean() * 100:.1f}"


def head_row(model: MiniLMClassifier, source: datasets.Source, head: str, published: str) -> dict:
    test = source.splits["test"]
    texts = [e.text for e in test]
    y = np.array([e.targets[head] for e in test])
    probs = probabilities(model, texts, head)
    if head in MULTILABEL_HEADS:
        cut = np.array(model.heads.thresholds[head])
        ours, ece, metric = macro_f1(y, probs >= cut), multilabel_ece(probs, y), "macro F1"
    else:
        ours = macro_recall(y, probs.argmax(1), len(HEAD_LABELS[head]))
        ece, metric = expected_calibration_error(probs, y), "macro recall"
    return {
        "head": f"{head}: {source.name} test (n={len(y)})",
        "metric": metric,
        "ours": f"{ours * 100:.1f}",
        "ece": ece,
        "vader": None,
        "textblob": None,
        "published": published,
    }


def per_label_rows(model: MiniLMClassifier, source: datasets.Source, head: str) -> list[dict]:
    """F1 of each label of a multi-label head (the human-request intent is what escalates)."""
    test = source.splits["test"]
    y = np.array([e.targets[head] for e in test])
    probs = probabilities(model, [e.text for e in test], head)
    predicted = probs >= np.array(model.heads.thresholds[head])
    return [
        {
            "head": f"{head}: {label} (n={int(y[:, i].sum())} positives)",
            "metric": "F1",
            "ours": f"{macro_f1(y[:, [i]], predicted[:, [i]]) * 100:.1f}",
            "ece": None,
            "vader": None,
            "textblob": None,
            "published": "—",
        }
        for i, label in enumerate(HEAD_LABELS[head])
    ]


def tweeteval_emotion_row(model: MiniLMClassifier, data: Path) -> dict:
    """Zero-shot transfer: the GoEmotions head's four matching labels, argmax among them."""
    rows = datasets.read_jsonl(data / "tweeteval_emotion" / "test.jsonl")
    emotions = [s.emotions for s in model.predict([r["text"] for r in rows])]
    predicted = np.array([np.argmax([e[label] for label in TWEETEVAL_EMOTIONS]) for e in emotions])
    y = np.array([TWEETEVAL_EMOTIONS.index(r["label"]) for r in rows])
    one_hot = np.eye(len(TWEETEVAL_EMOTIONS), dtype=bool)
    return {
        "head": f"emotions -> TweetEval emotion, zero-shot (n={len(y)})",
        "metric": "macro F1",
        "ours": f"{macro_f1(one_hot[y], one_hot[predicted]) * 100:.1f}",
        "ece": None,
        "vader": None,
        "textblob": None,
        "published": PUBLISHED["tweeteval_emotion"],
    }


def runtime_rows(
    reference: MiniLMClassifier, fast: MiniLMClassifier, runtime: str, tests: dict[str, tuple]
) -> list[dict]:
    """What the fast runtime costs: its metric beside the reference's, and label agreement.

    `tests` maps a name to (texts, gold labels, head); sentiment and customer type are the
    heads whose labels the service acts on.
    """
    rows = []
    for name, (texts, y, head) in tests.items():
        ref, got = probabilities(reference, texts, head), probabilities(fast, texts, head)
        if head in MULTILABEL_HEADS:
            cut = np.array(reference.heads.thresholds[head])
            before, after = macro_f1(y, ref >= cut), macro_f1(y, got >= cut)
            agree, metric = ((ref >= cut) == (got >= cut)).all(1).mean(), "macro F1"
        else:
            labels = len(HEAD_LABELS[head])
            before = macro_recall(y, ref.argmax(1), labels)
            after = macro_recall(y, got.argmax(1), labels)
            agree, metric = (ref.argmax(1) == got.argmax(1)).mean(), "macro recall"
        rows.append(
            {
                "test": f"{head}: {name} (n={len(texts)})",
                "runtime": runtime,
                "metric": metric,
                "torch": round(before * 100, 1),
                "fast": round(after * 100, 1),
                "loss": round((before - after) * 100, 1),
                "agreement": round(float(agree) * 100, 1),
                "p99_abs_diff": round(float(np.quantile(np.abs(ref - got), 0.99)), 4),
            }
        )
    return rows


def print_runtime_rows(rows: list[dict]) -> None:
    print()
    print("fast runtimes against the torch reference (x100; agreement: same label(s))")
    print("| test | runtime | metric | torch | fast | loss | agreement % | p99 abs prob diff |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['test']} | {r['runtime']} | {r['metric']} | {r['torch']} | {r['fast']} "
            f"| {r['loss']} | {r['agreement']} | {r['p99_abs_diff']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--project-data", type=Path, default=datasets.PROJECT_DATA)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument(
        "--runtimes",
        nargs="*",
        default=["onnx-int8"],
        choices=["onnx", "onnx-int8"],
        help="fast runtimes to compare with the torch reference (none: skip)",
    )
    parser.add_argument("--onnx-cache", type=Path, default=Path(".cache/onnx"))
    parser.add_argument(
        "--runtimes-only", action="store_true", help="only what the fast runtimes cost"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    model = MiniLMClassifier.load(args.models)
    sources = {s.name: s for s in datasets.all_sources(args.data, args.project_data)}
    rows: list[dict] = []
    phrasing = datasets.support_phrasing(args.project_data)
    if not args.runtimes_only:
        for name, source in (
            ("TweetEval test", sources["tweeteval_sentiment"]),
            ("support messages, held-out fifth", sources["support_messages"]),
        ):
            test = source.splits["test"]
            y = np.array([e.targets["sentiment"] for e in test])
            published = PUBLISHED["tweeteval_sentiment"] if "TweetEval" in name else "—"
            rows.append(sentiment_row(model, name, [e.text for e in test], y, published))
        rows.append(
            sentiment_row(
                model,
                "support phrasing hard cases",
                [r["text"] for r in phrasing],
                np.array([SENTIMENT_LABELS.index(r["label"]) for r in phrasing]),
                "—",
            )
        )
        rows.append(head_row(model, sources["goemotions"], "emotions", PUBLISHED["goemotions"]))
        rows.append(tweeteval_emotion_row(model, args.data))
        for head, source in (
            ("intents", "intents"),
            ("customer_type", "support_messages"),
            ("root_cause", "root_causes"),
        ):
            if head in model.heads.modules:
                rows.append(head_row(model, sources[source], head, "—"))
                if head == "intents":
                    rows.extend(per_label_rows(model, sources[source], head))

        print(f"model {model.model_version}; scores x100; ECE x100 (15 bins, lower is better)")
        print("| head and test set | metric | ours | ECE | VADER | TextBlob | published |")
        print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
        for row in rows:
            ece = "—" if row["ece"] is None else f"{row['ece'] * 100:.1f}"
            print(
                f"| {row['head']} | {row['metric']} | {row['ours']} | {ece} "
                f"| {row['vader'] or '—'} | {row['textblob'] or '—'} | {row['published']} |"
            )
        print(
            "TweetEval sentiment: our train split is rebuilt from the SemEval sources (the "
            "official file could not be obtained); dev and test are the official ones."
        )
    fast_rows = []
    tests = {
        "TweetEval test": (
            [e.text for e in sources["tweeteval_sentiment"].splits["test"]],
            np.array(
                [e.targets["sentiment"] for e in sources["tweeteval_sentiment"].splits["test"]]
            ),
            "sentiment",
        ),
        "support phrasing hard cases": (
            [r["text"] for r in phrasing],
            np.array([SENTIMENT_LABELS.index(r["label"]) for r in phrasing]),
            "sentiment",
        ),
        "support messages, held-out fifth": (
            [e.text for e in sources["support_messages"].splits["test"]],
            np.array(
                [e.targets["customer_type"] for e in sources["support_messages"].splits["test"]]
            ),
            "customer_type",
        ),
    }
    # The heads learned from real messages, on the frozen real test split (ambiguous counts
    # as no): int8 must keep their decisions as well as the older heads'.
    real = sources["real_support"].splits["test"]
    for head in ("triggers", "requests", "intensity", "customer_type"):
        if head in model.heads.modules:
            y = np.array([e.targets[head] for e in real])
            tests[f"real customers' messages, test ({head})"] = (
                [e.text for e in real],
                (y >= 1).astype(int) if head in MULTILABEL_HEADS else y,
                head,
            )
    for runtime in args.runtimes:
        fast = to_onnx(model, args.onnx_cache, int8=runtime == "onnx-int8")
        fast_rows.extend(runtime_rows(model, fast, runtime, tests))
    if fast_rows:
        print_runtime_rows(fast_rows)
    print(f"evaluated in {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"heads": rows, "runtimes": fast_rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
