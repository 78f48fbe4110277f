"""The figures the Kubernetes manifests are sized from: start-up times and memory of one pod.

    python deploy/measure_pod.py [--database URL] [--requests 600] [--concurrency 8]

Starts the service as the image does (one uvicorn worker, `app.main:app`) on a free port,
twice: first with an empty data directory, so the ONNX export runs in its subprocess as on
a pod's first start (the manifests give each pod an emptyDir there), then again on the
cache that export left. Each time it prints when /livez and /readyz first answered 200 and
the peak resident memory of the whole process tree (what a container's memory limit
counts; page cache aside), then sends `--requests` mixed triage calls from `--concurrency`
clients, then `--long-batches` batches of 32 emails of about 10,000 characters each (the
largest forward passes the defaults allow), and prints the tree's peak memory under that
load, and how long SIGTERM took to stop it.
Memory is read from /proc every 50 ms; the start-up times depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TEXTS = [
    "I want to speak to your manager, this is the third time I'm writing!",
    "Where is my parcel? It was due on Monday.",
    "Thanks so much, the new card works perfectly.",
    "I've been charged twice for the same order and nobody is helping me.",
    "This is absolutely unacceptable. I was promised a refund two weeks ago and still nothing.",
    "If this isn't fixed by Friday I'm cancelling and telling everyone I know.",
]


def tree_rss_mb(root_pid: int) -> tuple[float, float]:
    """Resident memory of root_pid and of root_pid with all its descendants, in MB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue  # the process ended while we looked
        # The command name may hold spaces or parentheses: the fields follow its last ")".
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(statm[1]) * PAGE_KB
    tree = {root_pid}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(found)
        tree |= found
    return rss.get(root_pid, 0) / 1024, sum(rss.get(pid, 0) for pid in tree) / 1024


@dataclass
class Run:
    livez_s: float | None = None
    readyz_s: float | None = None
    peak_main_mb: float = 0.0
    peak_tree_mb: float = 0.0
    peak_load_mb: float = 0.0
    stop_s: float = 0.0
    answered: int = 0
    failed: Counter[int] = field(default_factory=Counter)  # by status
    long_answered: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def sample(pid: int, run: Run, stop: asyncio.Event) -> None:
    while not stop.is_set():
        main, tree = tree_rss_mb(pid)
        run.peak_main_mb = max(run.peak_main_mb, main)
        run.peak_tree_mb = max(run.peak_tree_mb, tree)
        await asyncio.sleep(0.05)


async def wait_for(client: httpx.AsyncClient, path: str, started: float, limit_s: float) -> float:
    while time.monotonic() - started < limit_s:
        try:
            if (await client.get(path)).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"{path} not 200 within {limit_s:.0f} s")


async def load(client: httpx.AsyncClient, run: Run, requests: int, concurrency: int) -> None:
    queue = list(range(requests))
    tag = uuid.uuid4().hex[:8]  # unique texts: the score cache must not answer for the model

    async def worker() -> None:
        while queue:
            i = queue.pop()
            body = {"text": f"{TEXTS[i % len(TEXTS)]} (order {tag}-{i})"}
            if i % 2:
                body["conversation_id"] = f"measure-{tag}-{i % 40}"
            answer = await client.post("/v1/triage", json=body)
            if answer.status_code == 200:
                run.answered += 1
            else:
                run.failed[answer.status_code] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def long_batches(client: httpx.AsyncClient, run: Run, batches: int) -> None:
    tag = uuid.uuid4().hex[:8]

    async def one(b: int) -> None:
        items = []
        for i in range(32):
            # About 10,000 characters, no sentence twice: the model reads 12 chunks of each.
            sentences = [
                f"{TEXTS[(i + j) % len(TEXTS)]} (note {tag}-{b}-{i}-{j})" for j in range(120)
            ]
            items.append({"text": " ".join(sentences)[:10_000]})
        answer = await client.post("/v1/triage/batch", json={"items": items}, timeout=300)
        if answer.status_code == 200:
            run.long_answered += 1
        else:
            run.failed[answer.status_code] += 1

    # Two at a time: one in the forward pass while the next one's body is parsed.
    for start in range(0, batches, 2):
        await asyncio.gather(*(one(b) for b in range(start, min(start + 2, batches))))


async def measure(data_dir: Path, args: argparse.Namespace) -> Run:
    port = free_port()
    env = {**os.environ, "TRIAGE_DATA_DIR": str(data_dir), "TRIAGE_RATE_LIMIT_PER_MINUTE": "0"}
    # A batch of long emails on a busy machine can take longer than the default 10 s.
    env["TRIAGE_REQUEST_TIMEOUT_S"] = "120"
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TRIAGE_LOG_LEVEL": "WARNING"}
    if args.database:
        env["TRIAGE_DATABASE_URL"] = args.database
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    command += ["--workers", "1", "--no-access-log", "--timeout-graceful-shutdown", "20"]
    run = Run()
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample(process.pid, run, stop))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            run.livez_s = await wait_for(client, "/livez", started, 300)
            run.readyz_s = await wait_for(client, "/readyz", started, 600)
            ready_peak, run.peak_tree_mb = run.peak_tree_mb, 0.0
            await load(client, run, args.requests, args.concurrency)
            await long_batches(client, run, args.long_batches)
            run.peak_load_mb, run.peak_tree_mb = run.peak_tree_mb, max(ready_peak, run.peak_tree_mb)
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 60)
        run.stop_s = time.monotonic() - stopping
    finally:
        stop.set()
        await sampler
        if process.poll() is None:
            process.kill()
            process.wait()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="TRIAGE_DATABASE_URL (default: SQLite in a temp dir)")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--long-batches", type=int, default=6)
    args = parser.parse_args()
    print(f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as data:
        for label in ("first start (ONNX export)", "restart on the cache"):
            run = asyncio.run(measure(Path(data), args))
            print(
                f"{label}: /livez {run.livez_s:.1f} s, /readyz {run.readyz_s:.1f} s, "
                f"peak RSS {run.peak_main_mb:.0f} MB (worker) / {run.peak_tree_mb:.0f} MB "
                f"(with subprocesses); under load ({run.answered} calls and "
                f"{run.long_answered} batches of long emails answered, "
                f"failed: {dict(run.failed) or 'none'}) "
                f"peak {run.peak_load_mb:.0f} MB; "
                f"SIGTERM to exit {run.stop_s:.1f} s"
            )


if __name__ == "__main__":
    main()
