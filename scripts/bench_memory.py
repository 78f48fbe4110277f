"""What conversation memory costs inside the inference batch: engine throughput with and without.

    python scripts/bench_memory.py [--messages 512] [--batch 32]

Triages the same messages in batches on the served runtime (ONNX int8) with the embedded
SQLite store: once with no conversation_id (no store read or write), once with each message a
turn of one of 64 conversations (history read before deciding, the turn kept after). Prints
messages per second and the share of the batch spent in the store. Then the served path: 32
clients at once through the service's batcher, first with the store's work inside the
inference slot (as it was), then after it (as it is): the figures behind the note in
app/serving/batcher.py.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import anyio

from app.core.config import Settings
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine, TriageInput
from app.model.loading import load_classifier
from app.replies.bank import ResponseBank
from app.serving.batcher import MicroBatcher
from app.store.conversations import ConversationStore
from scripts.bench import MESSAGES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=512)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--database", default="sqlite:///", help="a database URL (SQLAlchemy)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=data)
    model = load_classifier(settings)
    store = ConversationStore.open(args.database, data_dir=data)
    memory = ConversationMemory.from_settings(settings, store)
    engine = TriageEngine.from_settings(model, settings, bank=ResponseBank.default(), memory=memory)
    in_store = [0.0]
    for name in ("from_store", "keep"):
        original = getattr(memory, name)

        def timed(*a: object, _original: object = original, **k: object) -> object:
            started = time.perf_counter()
            try:
                return _original(*a, **k)  # type: ignore[operator]
            finally:
                in_store[0] += time.perf_counter() - started

        setattr(memory, name, timed)
    texts = [MESSAGES[i % len(MESSAGES)] for i in range(args.messages)]
    engine.triage([TriageInput(t) for t in texts[: args.batch]])  # warm-up
    for label, conversation in (("no conversation_id", False), ("conversation_id set", True)):
        run_id = time.monotonic_ns()  # fresh conversations each run: a shared database keeps rows
        items = [
            TriageInput(
                t,
                conversation_id=f"c{i % 64}-{run_id}" if conversation else None,
                customer_id=f"u{i % 64}" if conversation else None,
            )
            for i, t in enumerate(texts)
        ]
        in_store[0] = 0.0
        started = time.perf_counter()
        for start in range(0, len(items), args.batch):
            engine.triage(items[start : start + args.batch])
        seconds = time.perf_counter() - started
        print(
            f"{label:22} {len(items) / seconds:7.1f} msg/s, "
            f"store {in_store[0] / seconds:5.1%} of the batch time"
        )
    # Alternated, three rounds each: a shared machine's speed drifts within a minute.
    rates: dict[str, list[float]] = {"store inside the slot": [], "store after the slot": []}
    for _ in range(3):
        for label in rates:
            split = label.endswith("after the slot")
            rates[label].append(asyncio.run(served(engine, texts, split=split, clients=32)))
    for label, found in rates.items():
        best = ", ".join(f"{r:.1f}" for r in found)
        print(f"served, c=32, conversation_id set, {label:22} {max(found):7.1f} msg/s ({best})")
    store.close()


async def served(engine: TriageEngine, texts: list[str], *, split: bool, clients: int) -> float:
    """Messages per second through the batcher, `clients` callers at once, one message each."""
    batcher: MicroBatcher = MicroBatcher(
        engine.score if split else engine.triage,
        finish=(lambda items, scores: engine.decide(items, scores)) if split else None,
        max_size=32,
        max_wait=0.002,
        limiter=anyio.CapacityLimiter(1),
    )
    batcher.start()
    queue = list(enumerate(texts))
    run_id = time.monotonic_ns()  # fresh conversations each run: a shared database keeps rows

    async def client() -> None:
        while queue:
            i, text = queue.pop()
            await batcher.submit([TriageInput(text, conversation_id=f"s{i % 64}-{run_id}")])

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - started
    await batcher.stop()
    return len(texts) / seconds


if __name__ == "__main__":
    main()
