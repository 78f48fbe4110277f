"""A lean HTTP/1.1 load generator for the benchmark: closed loop, keep-alive, raw sockets.

Each of `concurrency` connections sends its next request as soon as the last answer is in.
Raw asyncio streams instead of an HTTP client library: the client shares the machine's two
cores with the server, and a heavier client would be measured as server latency.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return (self.requests - self.errors) / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return quantile(self.latencies_ms, 0.99)


def quantile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def request_bytes(host: str, port: int, path: str, payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one response off a keep-alive connection; returns its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return status


async def _connection(
    host: str, port: int, requests: list[bytes], latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for raw in requests:
            started = time.perf_counter()
            writer.write(raw)
            status = await read_response(reader)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def run_load(
    host: str, port: int, path: str, payloads: Sequence[dict], *, concurrency: int, total: int
) -> LoadResult:
    """Send `total` requests over `concurrency` connections, cycling through `payloads`."""
    raws = [request_bytes(host, port, path, p) for p in payloads]
    per_connection = [
        [raws[(c + i * concurrency) % len(raws)] for i in range(total // concurrency)]
        for c in range(concurrency)
    ]
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(host, port, reqs, latencies, errors) for reqs in per_connection)
    )
    seconds = time.perf_counter() - started
    return LoadResult(concurrency, len(latencies), len(errors), seconds, latencies)


def load(
    host: str, port: int, path: str, payloads: Sequence[dict], *, concurrency: int, total: int
) -> LoadResult:
    return asyncio.run(run_load(host, port, path, payloads, concurrency=concurrency, total=total))
