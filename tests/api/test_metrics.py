"""/metrics: Prometheus text with request durations by route, inference, batches and triggers.

(tests/test_metrics.py tests the evaluation metrics of scripts/metrics.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from app.api.metrics import Metrics
from app.core.config import Settings
from app.main import create_app
from tests.conftest import FakeClassifier


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape, by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(client: TestClient, name: str, **labels: str) -> float:
    return samples(client).get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST  # text/plain; version=...
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "triage_http_request_duration_seconds",
        "triage_inference_duration_seconds",
        "triage_batch_size",
        "triage_triggers",
        "process_resident_memory_bytes",
    } <= names


def test_requests_are_timed_by_route_template_not_raw_path(client: TestClient) -> None:
    client.get("/v1/conversations/c-secret-1")
    client.get("/v1/conversations/c-secret-2")
    client.get("/nowhere/at/all")
    found = samples(client)
    route = "/v1/conversations/{conversation_id}"
    count = "triage_http_request_duration_seconds_count"
    assert found[(count, frozenset({("method", "GET"), ("route", route)}))] == 2
    requests = "triage_http_requests_total"
    not_found = frozenset({("method", "GET"), ("route", route), ("status", "404")})
    assert found[(requests, not_found)] == 2
    assert found[(count, frozenset({("method", "GET"), ("route", "unrouted")}))] == 1
    assert not any("c-secret" in str(labels) for _, labels in found)


def test_inference_and_batch_sizes_are_recorded_per_path(client: TestClient) -> None:
    client.post("/v1/triage/batch", json={"items": [{"text": "hello"}] * 5})
    client.post("/v1/triage", json={"text": "hello"})
    assert value(client, "triage_batch_size_count", path="triage") == 2
    assert value(client, "triage_batch_size_sum", path="triage") == 6
    assert value(client, "triage_inference_duration_seconds_count", path="triage") == 2
    assert value(client, "triage_inference_duration_seconds_sum", path="triage") > 0


def test_triggers_are_counted_by_type(client: TestClient) -> None:
    before = value(client, "triage_triggers_total", type="human_request")
    client.post("/v1/triage", json={"text": "I want to speak to your manager right now"})
    client.post("/v1/screen", json={"text": "Let me talk to a real person"})
    client.post("/v1/triage", json={"text": "thank you, all good"})
    assert value(client, "triage_triggers_total", type="human_request") == before + 2


def test_two_apps_keep_their_own_counts(tmp_path: Path) -> None:
    apps = [
        create_app(Settings(data_dir=tmp_path / name), classifier=FakeClassifier())
        for name in ("a", "b")
    ]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        for _ in range(3):
            first.get("/livez")
        second.get("/livez")
        count = "triage_http_request_duration_seconds_count"
        assert value(first, count, method="GET", route="/livez") == 3
        assert value(second, count, method="GET", route="/livez") == 1


def test_requests_in_flight_counts_the_scrape_itself(client: TestClient) -> None:
    assert value(client, "triage_http_requests_in_flight") == 1


def test_a_fresh_registry_starts_at_zero() -> None:
    text = Metrics().exposition().decode()
    assert re.search(r"^triage_rate_limited_total 0\.0$", text, re.MULTILINE)
