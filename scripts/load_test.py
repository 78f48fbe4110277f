"""A bounded load test against a running server: does it hold the load, and at what latency?

    python scripts/load_test.py --url http://127.0.0.1:8000 --duration 30 --concurrency 16 \
        [--rate 200] [--out load.json] [--markdown load.md]

`concurrency` workers send a mix of real requests (/v1/triage alone and in conversations,
/v1/triage/batch, /v1/screen) for `duration` seconds, each as soon as its last answer is in
or, with --rate, at that many requests a second in total (open loop: a slow server falls
behind and it shows). It prints requests per second, latency percentiles and errors (any 5xx
or a failed connection), and writes them as JSON and as a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

MESSAGES = [
    "I want to speak to your manager, this is the third time I'm writing!",
    "Where is my parcel? It was due on Monday.",
    "Thanks so much, the new card works perfectly.",
    "I've been charged twice for the same order and nobody is helping me.",
    "Not sure whether the basic or the pro plan suits a team of five, what would you suggest?",
    "This is absolutely unacceptable. I was promised a refund two weeks ago and still nothing.",
    "If this isn't fixed by Friday I'm cancelling and telling everyone I know.",
    "Could you send me the exact steps again? I tried what you said and I'm lost.",
]
CONVERSATIONS = 50  # turns spread over this many conversations per run


@dataclass(frozen=True)
class Call:
    """One request to send."""

    path: str
    body: dict


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    # "200", "429", ..., or "transport:<error>" when no answer came back at all
    statuses: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Figures:
    requests: int
    seconds: float
    concurrency: int
    target_rate: float | None
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # 5xx answers and failed connections
    statuses: dict[str, int]


def mixed_calls(seed: int = 0) -> Callable[[int], Call]:
    """The default mix: 60% lone triage, 25% a conversation turn, 10% screen, 5% batch."""
    run = uuid.uuid4().hex[:8]
    rng = random.Random(seed)

    def call(n: int) -> Call:
        # Each text unique, as real messages are: no cache can answer for the model.
        text = f"{MESSAGES[n % len(MESSAGES)]} Ref {run}-{n}."
        roll = rng.random()
        if roll < 0.60:
            return Call("/v1/triage", {"text": text})
        if roll < 0.85:
            conversation = f"load-{run}-{rng.randrange(CONVERSATIONS)}"
            return Call("/v1/triage", {"text": text, "conversation_id": conversation})
        if roll < 0.95:
            return Call("/v1/screen", {"text": text})
        return Call("/v1/triage/batch", {"items": [{"text": f"{m} Ref {n}."} for m in MESSAGES]})

    return call


Observer = Callable[[Call, httpx.Response | None], Awaitable[None] | None]


async def run_load(
    url: str,
    *,
    duration_s: float,
    concurrency: int,
    rate: float | None = None,
    calls: Callable[[int], Call] | None = None,
    observe: Observer | None = None,
    timeout_s: float = 30.0,
) -> Figures:
    """Send `calls(n)` for n = 0, 1, ... from `concurrency` workers until `duration_s` is up.

    `observe` sees every call with its response (None when the connection failed).
    """
    calls = calls or mixed_calls()
    tally = Tally()
    counter = iter(range(sys.maxsize))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.perf_counter()
    deadline = started + duration_s

    async def worker(client: httpx.AsyncClient) -> None:
        while (now := time.perf_counter()) < deadline:
            n = next(counter)
            sent = now
            if rate:  # open loop: request n is due at n / rate, whether or not we are late
                sent = started + n / rate
                if sent >= deadline:
                    return
                if sent > now:
                    await asyncio.sleep(sent - now)
            else:
                sent = time.perf_counter()
            # From when it was due: a server that falls behind is charged for the wait too.
            call = calls(n)
            response: httpx.Response | None = None
            try:
                response = await client.post(call.path, json=call.body)
                tally.statuses[str(response.status_code)] += 1
            except httpx.TransportError as exc:
                tally.statuses[f"transport:{type(exc).__name__}"] += 1
            tally.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if observe is not None:
                pending = observe(call, response)
                if pending is not None:
                    await pending

    async with httpx.AsyncClient(base_url=url, timeout=timeout_s, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return summarise(tally, time.perf_counter() - started, concurrency, rate)


def summarise(tally: Tally, seconds: float, concurrency: int, rate: float | None) -> Figures:
    ordered = sorted(tally.latencies_ms) or [0.0]

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    errors = sum(
        count for status, count in tally.statuses.items() if status.startswith(("5", "transport"))
    )
    return Figures(
        requests=len(tally.latencies_ms),
        seconds=round(seconds, 2),
        concurrency=concurrency,
        target_rate=rate,
        rps=round(len(tally.latencies_ms) / seconds, 1),
        p50_ms=pick(0.50),
        p95_ms=pick(0.95),
        p99_ms=pick(0.99),
        max_ms=round(ordered[-1], 2),
        errors=errors,
        statuses=dict(sorted(tally.statuses.items())),
    )


def markdown(figures: Figures, *, url: str) -> str:
    rate = f"{figures.target_rate:g}/s" if figures.target_rate else "closed loop"
    return "\n".join(
        [
            f"Load test against {url} ({platform.node()}, {rate}, "
            f"concurrency {figures.concurrency}, {figures.seconds} s)",
            "",
            "| requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | statuses |",
            "|---:|---:|---:|---:|---:|---:|---:|---|",
            f"| {figures.requests} | {figures.rps} | {figures.p50_ms} | {figures.p95_ms} | "
            f"{figures.p99_ms} | {figures.max_ms} | {figures.errors} | "
            + ", ".join(f"{s}: {n}" for s, n in figures.statuses.items())
            + " |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=None, help="requests per second, total")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    parser.add_argument("--markdown", type=Path, default=None, help="write a Markdown table")
    args = parser.parse_args(argv)
    figures = asyncio.run(
        run_load(args.url, duration_s=args.duration, concurrency=args.concurrency, rate=args.rate)
    )
    table = markdown(figures, url=args.url)
    print(table)
    if args.out:
        args.out.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(table)
    return 1 if figures.errors else 0


if __name__ == "__main__":
    sys.exit(main())
