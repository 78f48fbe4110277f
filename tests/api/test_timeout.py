"""Request timeouts: a request running too long is answered 503 `timeout`, never left hanging."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.fake_server import SlowClassifier


def test_a_request_past_the_timeout_is_503_problem_json(tmp_path: Path) -> None:
    # Generous enough that the quick calls below finish in time on a loaded CI machine.
    settings = Settings(data_dir=tmp_path / "data", request_timeout_s=0.6)
    with TestClient(create_app(settings, classifier=SlowClassifier(2.0))) as client:
        response = client.post(
            "/v1/triage", json={"text": "hello"}, headers={"X-Request-ID": "slow-1"}
        )
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "timeout"
        assert response.json()["request_id"] == "slow-1"
        assert client.get("/livez").status_code == 200
        assert "triage_request_timeouts_total 1.0" in client.get("/metrics").text


def test_the_service_keeps_answering_after_a_timeout(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", request_timeout_s=0.5)
    classifier = SlowClassifier(0.8)
    with TestClient(create_app(settings, classifier=classifier)) as client:
        assert client.post("/v1/triage", json={"text": "hello"}).status_code == 503
        classifier.delay_s = 0.0
        assert client.post("/v1/triage", json={"text": "hello"}).status_code == 200
