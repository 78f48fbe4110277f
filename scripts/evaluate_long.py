"""What the long-text reading budget costs: labels and latency of long emails, by budget.

    python scripts/evaluate_long.py [--data ../shared/data] [--emails 150]

No public labelled set has customer emails of 10,000 characters, so this builds them from
TweetEval's test tweets: each email is ~10,000 characters of positive tweets (then, in a
second table, neutral ones) with one negative tweet (the complaint) at a random place, or
none. To measure the budget rather
than the model's errors, the filler is tweets the model itself reads as positive and the
complaint one it reads as negative, each alone: read in full, an email should then be
negative exactly when it holds the complaint. For each budget
(`long_text_max_windows`, 0 = read every chunk) it prints how many complaint emails are
labelled negative, how many calm ones are, how well the email's negative probability
separates the two (ROC AUC, free of any threshold), how often the label matches the full
read, and the median time per email, on the service's ONNX int8 runtime.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.config import Settings  # noqa: E402
from app.core.domain import Scores  # noqa: E402
from app.model.loading import load_onnx_classifier  # noqa: E402
from app.model.onnx_model import OnnxClassifier  # noqa: E402
from scripts.datasets import read_jsonl  # noqa: E402

EMAIL_CHARS = 10_000
BUDGETS = (0, 4, 8, 12, 16)


@dataclasses.dataclass(frozen=True)
class Email:
    text: str
    complaint: bool


def build_emails(
    model: OnnxClassifier, data: Path, count: int, seed: int = 7, filler: str = "positive"
) -> list[Email]:
    """Half with one negative tweet hidden among calm ones, half calm throughout.

    `filler` is the label of the calm tweets: "positive" (a thankful email) or "neutral" (a
    matter-of-fact one, the harder case: neutral chunks sit nearer negative).
    """
    rows = read_jsonl(data / "tweeteval_sentiment" / "test.jsonl")
    rng = random.Random(seed)
    rng.shuffle(rows)

    def read_as(label: str, limit: int) -> list[str]:
        texts = [r["text"] for r in rows if r["label"] == label][:limit]
        return [t for t, s in zip(texts, model.predict(texts), strict=True) if top(s) == label]

    calm, negative = read_as(filler, 2000), read_as("negative", 600)
    emails = []
    for i in range(count):
        sentences: list[str] = []
        while sum(len(s) + 1 for s in sentences) < EMAIL_CHARS:
            sentences.append(rng.choice(calm).strip().rstrip(".!?") + ".")
        complaint = i % 2 == 0
        if complaint:
            sentences[rng.randrange(len(sentences))] = rng.choice(negative).strip()
        emails.append(Email(" ".join(sentences), complaint))
    return emails


def top(scores: Scores) -> str:
    return max(scores.sentiment, key=lambda label: scores.sentiment[label])


def auc(complaint: list[float], calm: list[float]) -> float:
    """How often a complaint email reads more negative than a calm one (ROC AUC)."""
    wins = sum((a > b) + 0.5 * (a == b) for a in complaint for b in calm)
    return wins / (len(complaint) * len(calm))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--emails", type=int, default=150)
    parser.add_argument("--onnx-cache", type=Path, help="where the exported graph is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.onnx_cache.parent if args.onnx_cache else Path(scratch)
        settings = Settings(runtime="onnx-int8", data_dir=data_dir, long_text_max_windows=0)
        model = load_onnx_classifier(settings)
        for filler in ("positive", "neutral"):
            emails = build_emails(model, args.data, args.emails, filler=filler)
            report(model, emails, filler)


def report(model: OnnxClassifier, emails: list[Email], filler: str) -> None:
    whole = dataclasses.replace(model.windower, max_windows=0)
    chunks = [len(w) for w in whole.windows([e.text for e in emails])]
    full: list[str] = []
    print(
        f"\n{len(emails)} emails of ~{EMAIL_CHARS:,} characters of {filler} tweets, "
        f"{statistics.mean(chunks):.0f} chunks each on average; ONNX int8"
    )
    print(
        "| budget (chunks) | complaint emails labelled negative | calm emails "
        "labelled negative | ROC AUC, complaint vs calm | same label as the full read "
        "| median ms per email |"
    )
    print("|---|---|---|---|---|---|")
    for budget in BUDGETS:
        model.windower = dataclasses.replace(model.windower, max_windows=budget)
        labels, negative, times = [], [], []
        for email in emails:
            started = time.perf_counter()
            [scores] = model.predict([email.text])
            times.append((time.perf_counter() - started) * 1000)
            labels.append(top(scores))
            negative.append(scores.sentiment["negative"])
        if budget == 0:
            full = labels
        hit = [lab == "negative" for lab, e in zip(labels, emails, strict=True) if e.complaint]
        calm = [lab == "negative" for lab, e in zip(labels, emails, strict=True) if not e.complaint]
        same = statistics.mean(a == b for a, b in zip(labels, full, strict=True))
        ranking = auc(
            [p for p, e in zip(negative, emails, strict=True) if e.complaint],
            [p for p, e in zip(negative, emails, strict=True) if not e.complaint],
        )
        print(
            f"| {budget or 'all'} | {statistics.mean(hit):.1%} | {statistics.mean(calm):.1%}"
            f" | {ranking:.3f} | {same:.1%} | {statistics.median(times):.0f} |"
        )


if __name__ == "__main__":
    main()
