"""Train the fast negativity scorer that picks which chunks of a very long text to read.

    python scripts/train_salience.py [--data ../shared/data] [--out models]

A logistic regression over hashed words and word pairs (app/model/salience.py), negative against
the rest, on TweetEval's train split and the train part of the project's support messages;
its strength is chosen on TweetEval dev, and it is reported once on both test sets (ROC AUC:
it ranks passages, so ranking is what counts).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.labels import SENTIMENT_LABELS  # noqa: E402
from app.model.salience import FEATURES, NegativityScorer, feature_ids  # noqa: E402
from scripts.datasets import PROJECT_DATA, Example, support_messages, tweets  # noqa: E402

NEGATIVE = SENTIMENT_LABELS.index("negative")
STRENGTHS = (0.01, 0.03, 0.1, 0.3, 1.0)


def matrix(examples: list[Example]) -> tuple[csr_matrix, np.ndarray]:
    rows, cols = [], []
    for row, example in enumerate(examples):
        ids = feature_ids(example.text)
        rows.extend([row] * len(ids))
        cols.extend(ids)
    x = csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(examples), FEATURES)
    )
    y = np.array([int(e.targets["sentiment"] == NEGATIVE) for e in examples])
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    twitter = tweets(args.data)
    support = support_messages(PROJECT_DATA / "support_messages.jsonl")
    x_train, y_train = matrix(twitter.splits["train"] + support.splits["train"])
    x_dev, y_dev = matrix(twitter.splits["dev"])
    best: tuple[float, LogisticRegression] | None = None
    for strength in STRENGTHS:
        model = LogisticRegression(C=strength, max_iter=2000, solver="liblinear")
        model.fit(x_train, y_train)
        auc = roc_auc_score(y_dev, model.decision_function(x_dev))
        print(f"C={strength}: TweetEval dev ROC AUC {auc:.3f}")
        if best is None or auc > best[0]:
            best = (auc, model)
    assert best is not None
    model = best[1]
    print(f"chosen C={model.C}")
    for name, examples in (
        ("TweetEval test", twitter.splits["test"]),
        ("support messages, held-out fifth", support.splits["test"]),
    ):
        x, y = matrix(examples)
        auc = roc_auc_score(y, model.decision_function(x))
        print(f"{name} ({len(examples)}): ROC AUC negative vs rest {auc:.3f}")
    scorer = NegativityScorer(model.coef_[0].astype(np.float32), float(model.intercept_[0]))
    scorer.save(args.out)
    print(f"wrote {args.out / 'salience.safetensors'}")


if __name__ == "__main__":
    main()
