"""In-process latency and throughput of the shipped model and of the whole triage engine.

    python scripts/bench.py [--models models] [--repeat 200]

Prints p50/p99 for one message through the classifier alone and through the whole engine
(patterns, decisions, playbook), batched throughput, and a 10,000-character email; VADER on
the same messages for scale. Wall time is noisy on a shared machine: compare ratios.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank import ResponseBank
from app.classifier import MiniLMClassifier
from app.config import Settings
from app.conversations import ConversationMemory
from app.triage import TriageEngine, TriageInput

MESSAGES = [
    "I want to speak to your manager, this is the third time I'm writing!",
    "Where is my parcel? It was due on Monday.",
    "Thanks so much, the new card works perfectly.",
    "I've been charged twice for the same order and nobody is helping me.",
    "Not sure whether the basic or the pro plan suits a team of five, what would you suggest?",
    "Great, another week of waiting. Really impressive.",
]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def time_calls(call, repeat: int) -> list[float]:
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        call(MESSAGES[i % len(MESSAGES)])
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--runtime", choices=["torch", "onnx", "onnx-int8"], default="torch")
    args = parser.parse_args()

    started = time.perf_counter()
    model = MiniLMClassifier.load(args.models)
    if args.runtime != "torch":
        model = model.with_onnx(Path(".cache/onnx"), int8=args.runtime == "onnx-int8")
    model.predict(["warm-up"])
    cold_start = time.perf_counter() - started
    settings = Settings()
    engine = TriageEngine.from_settings(
        model,
        settings,
        bank=ResponseBank.default(),
        memory=ConversationMemory.from_settings(settings),
    )
    for text in MESSAGES:  # warm-up
        engine.triage([TriageInput(text)])

    rows = []
    p50, p99 = percentiles(time_calls(lambda t: model.predict([t]), args.repeat))
    rows.append(("classifier, one message", p50, p99))
    p50, p99 = percentiles(time_calls(lambda t: engine.triage([TriageInput(t)]), args.repeat))
    rows.append(("whole engine, one message", p50, p99))
    email = ("Hello, I am writing about my order. " * 300)[:10_000]
    p50, p99 = percentiles(
        [time_calls(lambda _: engine.triage([TriageInput(email)]), 1)[0] for _ in range(10)]
    )
    rows.append(("whole engine, 10,000-character email", p50, p99))

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    p50, p99 = percentiles(time_calls(vader.polarity_scores, args.repeat))
    rows.append(("VADER, one message (for scale)", p50, p99))

    batch = [TriageInput(MESSAGES[i % len(MESSAGES)]) for i in range(256)]
    started = time.perf_counter()
    engine.triage(batch)
    throughput = len(batch) / (time.perf_counter() - started)

    print(f"model {model.model_version}, runtime {args.runtime}")
    print("| path | p50 ms | p99 ms |")
    print("| --- | ---: | ---: |")
    for name, p50, p99 in rows:
        print(f"| {name} | {p50:.2f} | {p99:.2f} |")
    print(f"batched throughput, whole engine: {throughput:.0f} messages/s (batch of {len(batch)})")
    cached = " (ONNX file cached by an earlier run)" if args.runtime != "torch" else ""
    print(f"model load to first answer: {cold_start:.1f} s{cached}")
    # ru_maxrss is in kilobytes on Linux.
    print(
        f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
