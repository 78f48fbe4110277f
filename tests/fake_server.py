"""A real uvicorn process serving the app with the fake classifier: shutdown, load, fault tests.

`uvicorn --factory tests.fake_server:build` reads the usual TRIAGE_* settings from the
environment, plus FAKE_CLASSIFIER_DELAY_S to make every model call slow.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.core.domain import Scores
from tests.conftest import FakeClassifier

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0  # importing torch on a busy machine takes a while


class SlowClassifier(FakeClassifier):
    """The fake classifier, taking `delay_s` for every call: a request that stays in flight."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        time.sleep(self.delay_s)
        return super().predict(texts, batch_size=batch_size)


def build() -> FastAPI:
    from app.main import create_app  # importing builds the module-level app: keep it lazy

    delay_s = float(os.environ.get("FAKE_CLASSIFIER_DELAY_S", "0"))
    classifier = SlowClassifier(delay_s) if delay_s else FakeClassifier()
    return create_app(Settings(), classifier=classifier)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text().splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(
    tmp_path: Path, env: dict[str, str] | None = None, *, wait_ready: bool = True
) -> Iterator[Server]:
    """Start the fake-classifier app in uvicorn on a free loopback port; stop it afterwards."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    settings_env = {
        "TRIAGE_DATA_DIR": str(tmp_path / "data"),
        "TRIAGE_RATE_LIMIT_PER_MINUTE": "0",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "tests.fake_server:build",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **settings_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_up(server, path="/readyz" if wait_ready else "/livez")
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(server: Server, *, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited at start:\n{server.log_path.read_text()}")
        try:
            if httpx.get(server.url + path, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not up after {START_TIMEOUT_S} s:\n{server.log_path.read_text()}")
