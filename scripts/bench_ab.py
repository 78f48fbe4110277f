"""Two checkouts served side by side, requests alternated: p50 and p90 of /v1/screen and /v1/triage.

    git worktree add /tmp/before 491b2cd
    python scripts/bench_ab.py --before /tmp/before

A shared machine's speed moves between phases within minutes (README, Performance), so two
`make bench` runs taken apart compare badly; this serves both trees at once and alternates
their requests, so a phase hits both alike. Rate limiting is off for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = (
    "Where is my order? It was due Monday.",
    "I want to speak to your manager, this is the third time I'm writing!",
    "Thanks, all sorted now!",
    "My internet has been down for three days and nobody calls back.",
    "How do I change my address?",
)
WARM_UP = 25


def serve(root: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "HF_HUB_OFFLINE": "1",
        "TRIAGE_DATA_DIR": tempfile.mkdtemp(),
        "TRIAGE_MODELS_DIR": str(root / "models"),
        "TRIAGE_RATE_LIMIT_PER_MINUTE": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--no-access-log"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def post_ms(port: int, path: str, text: str) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps({"text": text}).encode(),
        headers={"content-type": "application/json"},
    )
    started = time.perf_counter()
    urllib.request.urlopen(request).read()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--after", type=Path, default=ROOT)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    trees = {"before": (args.before, 8201), "after": (args.after, 8202)}
    servers = [serve(root, port) for root, port in trees.values()]
    try:
        for _, port in trees.values():
            wait_ready(port)
        times: dict[str, dict[str, list[float]]] = {
            name: {"/v1/screen": [], "/v1/triage": []} for name in trees
        }
        for round_ in range(args.rounds):
            order = list(trees.items())
            if round_ % 2:
                order.reverse()
            for path in ("/v1/screen", "/v1/triage"):
                for name, (_, port) in order:
                    times[name][path] += [post_ms(port, path, m) for m in MESSAGES]
        for name, by_path in times.items():
            for path, found in by_path.items():
                kept = sorted(found[WARM_UP:])
                p90 = kept[int(0.9 * len(kept))]
                print(
                    f"{name:7} {path:11} p50 {statistics.median(kept):6.2f} ms  "
                    f"p90 {p90:6.2f} ms  n={len(kept)}"
                )
    finally:
        for server in servers:
            server.terminate()


if __name__ == "__main__":
    main()
