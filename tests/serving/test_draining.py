"""Graceful shutdown: SIGTERM lets the requests in flight finish, and /readyz says so first."""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.fake_server import Server, running_server

ANGRY = {"text": "This is unacceptable, the third time I write!!"}


def in_flight(server: Server) -> float:
    """Requests being handled, not counting the scrape that asks."""
    text = httpx.get(server.url + "/metrics", timeout=5).text
    found = re.search(r"^triage_http_requests_in_flight (\S+)$", text, re.MULTILINE)
    assert found is not None
    return float(found.group(1)) - 1


def wait_for(condition: Callable[[], bool], *, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.05)


def post_in_background(server: Server, results: list[httpx.Response]) -> threading.Thread:
    thread = threading.Thread(
        target=lambda: results.append(httpx.post(server.url + "/v1/triage", json=ANGRY, timeout=60))
    )
    thread.start()
    return thread


def assert_stopped_gracefully(server: Server) -> None:
    # uvicorn re-raises the SIGTERM it caught once it has shut down, so the exit status
    # tells a supervisor why the process ended; it gets there only through the clean path.
    assert server.process.wait(timeout=30) == -signal.SIGTERM
    lines = server.log_lines()
    events = [json.loads(line)["event"] for line in lines]  # every line is one JSON object
    assert "shutdown complete" in events
    assert any(event.startswith("Finished server process") for event in events)


def test_sigterm_finishes_the_request_in_flight(tmp_path: Path) -> None:
    with running_server(tmp_path, {"FAKE_CLASSIFIER_DELAY_S": "1.5"}) as server:
        results: list[httpx.Response] = []
        thread = post_in_background(server, results)
        wait_for(lambda: in_flight(server) >= 1)
        server.process.send_signal(signal.SIGTERM)
        thread.join(timeout=60)
        assert_stopped_gracefully(server)
    [response] = results
    assert response.status_code == 200
    assert response.json()["customer_type"]["label"] == "angry"


def test_readyz_says_503_while_draining_and_requests_are_still_served(tmp_path: Path) -> None:
    env = {"FAKE_CLASSIFIER_DELAY_S": "0.5", "TRIAGE_SHUTDOWN_DELAY_S": "3"}
    with running_server(tmp_path, env) as server:
        results: list[httpx.Response] = []
        thread = post_in_background(server, results)
        wait_for(lambda: in_flight(server) >= 1)
        server.process.send_signal(signal.SIGTERM)
        wait_for(lambda: httpx.get(server.url + "/readyz", timeout=5).status_code == 503)
        ready = httpx.get(server.url + "/readyz", timeout=5)
        assert ready.json()["detail"] == "shutting down"
        # Until the load balancer has noticed, new requests are still answered.
        late = httpx.post(server.url + "/v1/triage", json=ANGRY, timeout=30)
        assert late.status_code == 200
        assert httpx.get(server.url + "/livez", timeout=5).status_code == 200
        thread.join(timeout=60)
        assert_stopped_gracefully(server)
    [response] = results
    assert response.status_code == 200
