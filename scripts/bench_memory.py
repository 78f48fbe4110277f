"""What conversation memory costs inside the inference batch: engine throughput with and without.

    python scripts/bench_memory.py [--messages 512] [--batch 32]

Triages the same messages in batches, as the service's batcher hands them over, on the served
runtime (ONNX int8) with the embedded SQLite store: once with no conversation_id (no store
read or write), once with each message a turn of one of 64 conversations (history read before
deciding, the turn kept after). Prints messages per second and the share of the batch spent in
the store, the figure behind the note in app/serving/batcher.py.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from app.core.config import Settings
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine, TriageInput
from app.model.loading import load_classifier
from app.replies.bank import ResponseBank
from app.store.conversations import ConversationStore
from scripts.bench import MESSAGES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=512)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=data)
    model = load_classifier(settings)
    store = ConversationStore.open("sqlite:///", data_dir=data)
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
        items = [
            TriageInput(
                t,
                conversation_id=f"c{i % 64}" if conversation else None,
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
    store.close()


if __name__ == "__main__":
    main()
