"""Throughput with 1, 2 and 3 replicas behind HAProxy on this machine, shipped model.

    python scripts/bench_replicas.py [--replicas 1 2 3] [--duration 10] [--rounds 3] \
        [--concurrency 16] [--threads 0] [--out replicas.json]

Starts the largest count of `uvicorn app.main:app` replicas on a scratch PostgreSQL database
with Redis, behind HAProxy (tests/deploy/cluster.py, the replica test's set-up). Then, round
after round, it lets HAProxy send to 1, 2, then 3 of them (the rest idle in maintenance; the
order reverses each round) and sends /v1/triage from `concurrency` clients for `duration`
seconds: unique texts, a quarter of them turns of ongoing conversations, rate limit off.
Short interleaved windows, because on a shared machine the load from other work drifts: a
count measured once, minutes apart from the next, says more about the drift than the count.

It prints every window, then per count the median messages per second over the rounds, the
latency, and the CPU the replicas, HAProxy and the load generator itself used: how much of
the machine there was to share, and what one message cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.load_test import MESSAGES, Call, Figures, run_load  # noqa: E402
from tests.deploy.cluster import Cluster, haproxy_binary, running_cluster  # noqa: E402

WARM_UP_S = 2.0
CONVERSATIONS = 200
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Window:
    """One measured window with `replicas` serving."""

    replicas: int
    messages: int
    seconds: float
    msg_per_s: float
    p50_ms: float
    p95_ms: float
    errors: int
    # CPU seconds used during the window, per wall second: 2.0 is both cores of this machine.
    replicas_cores: float
    balancer_cores: float
    client_cores: float  # this script, the load generator: it shares the machine too
    # The replicas' CPU time per message answered: what a message costs however busy the
    # machine was; it grows when replicas fight over the cores.
    cpu_ms_per_msg: float
    load_avg: float  # the 1-minute load average as the window began


def triage_calls(seed: int) -> Callable[[int], Call]:
    """Lone messages and conversation turns, every text unique (no score cache hit)."""
    run = uuid.uuid4().hex[:8]
    rng = random.Random(seed)

    def call(n: int) -> Call:
        body: dict = {"text": f"{MESSAGES[n % len(MESSAGES)]} Ref {run}-{n}."}
        if rng.random() < 0.25:
            body["conversation_id"] = f"bench-{run}-{rng.randrange(CONVERSATIONS)}"
        return Call("/v1/triage", body)

    return call


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes, all their threads included."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def drive(url: str, seconds: float, *, concurrency: int, seed: int) -> Figures:
    return asyncio.run(
        run_load(url, duration_s=seconds, concurrency=concurrency, calls=triage_calls(seed))
    )


def measure(cluster: Cluster, size: int, *, duration: float, concurrency: int) -> Window:
    """One window with `size` replicas serving (all replicas' CPU counted: idle ones too)."""
    cluster.serve_with(size)
    replicas = [r.process.pid for r in cluster.replicas if r.process is not None]
    balancer = [cluster.balancer_pid] if cluster.balancer_pid else []
    client = [os.getpid()]
    seed = random.randrange(1 << 30)
    drive(cluster.url, WARM_UP_S, concurrency=concurrency, seed=seed)
    load_avg = os.getloadavg()[0]
    before = [cpu_seconds(pids) for pids in (replicas, balancer, client)]
    started = time.monotonic()
    figures = drive(cluster.url, duration, concurrency=concurrency, seed=seed + 1)
    wall = time.monotonic() - started
    used = [
        cpu_seconds(pids) - b for pids, b in zip((replicas, balancer, client), before, strict=True)
    ]
    ok = figures.statuses.get("200", 0)
    return Window(
        replicas=size,
        messages=ok,
        seconds=figures.seconds,
        msg_per_s=round(ok / figures.seconds, 1),
        p50_ms=figures.p50_ms,
        p95_ms=figures.p95_ms,
        errors=figures.errors,
        replicas_cores=round(used[0] / wall, 2),
        balancer_cores=round(used[1] / wall, 2),
        client_cores=round(used[2] / wall, 2),
        cpu_ms_per_msg=round(used[0] * 1000 / max(ok, 1), 1),
        load_avg=round(load_avg, 2),
    )


def markdown(windows: list[Window], *, threads: int) -> str:
    sizes = sorted({w.replicas for w in windows})
    rounds = len(windows) // len(sizes)
    lines = [
        f"{platform.node()}, {os.cpu_count()} CPUs, shipped model (onnx-int8), "
        f"{threads or 'auto'} model thread(s) per replica; median of {rounds} interleaved "
        "windows (min-max)",
        "",
        "| replicas | msg/s | p50 ms | p95 ms | errors | cores: replicas | HAProxy | client "
        "| replicas' CPU ms per msg | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    for size in sizes:
        of = [w for w in windows if w.replicas == size]
        rates = [w.msg_per_s for w in of]
        lines.append(
            f"| {size} | {median(rates)} ({min(rates)}-{max(rates)}) "
            f"| {median([w.p50_ms for w in of])} | {median([w.p95_ms for w in of])} "
            f"| {sum(w.errors for w in of)} | {median([w.replicas_cores for w in of])} "
            f"| {median([w.balancer_cores for w in of])} "
            f"| {median([w.client_cores for w in of])} "
            f"| {median([w.cpu_ms_per_msg for w in of])} | {median([w.load_avg for w in of])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per window")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--threads", type=int, default=0, help="TRIAGE_TORCH_THREADS per replica; 0: runtime's"
    )
    parser.add_argument("--out", type=Path, default=None, help="write the windows as JSON")
    args = parser.parse_args(argv)
    haproxy = haproxy_binary(install=False)
    if haproxy is None:
        parser.error("haproxy is not installed: make balancer-deps (as root)")
    env = {"TRIAGE_RATE_LIMIT_PER_MINUTE": "0", "TRIAGE_TORCH_THREADS": str(args.threads)}
    sizes = sorted(set(args.replicas))
    windows = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-replicas-") as work,
        running_cluster(Path(work), haproxy, size=max(sizes), env=env) as cluster,
    ):
        for round_ in range(args.rounds):
            for size in sizes if round_ % 2 == 0 else sizes[::-1]:
                window = measure(
                    cluster, size, duration=args.duration, concurrency=args.concurrency
                )
                windows.append(window)
                print(json.dumps(asdict(window)), flush=True)
    print(markdown(windows, threads=args.threads))
    if args.out:
        args.out.write_text(json.dumps([asdict(w) for w in windows], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
