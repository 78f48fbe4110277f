"""Logs: one JSON object per line, and never the customer's words."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.logs import JsonFormatter
from app.main import create_app
from tests.conftest import FakeClassifier

MARKER = "ZEBRA-CANARY-93041"


def test_no_message_text_reaches_the_logs(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    app = create_app(Settings(log_level="DEBUG", data_dir=tmp_path), classifier=FakeClassifier())
    with TestClient(app) as client:
        client.post("/v1/triage", json={"text": f"my card {MARKER} was charged twice!!"})
        client.post("/v1/triage", json={"text": MARKER, "bogus": True})
        client.post("/v1/triage/batch", json={"items": [{"text": MARKER}, {"text": 5}]})
        client.post("/v1/triage", content=f'{{"text": "{MARKER}'.encode())
        client.post("/v1/triage", json={"text": f"{MARKER}!!", "conversation_id": "c-log"})
        client.get("/v1/conversations/c-log")
    out, err = capfd.readouterr()
    logged = out + err
    assert "request" in logged  # the access log did run
    assert MARKER not in logged
    for line in err.splitlines():
        if line.startswith("{"):
            json.loads(line)


def test_log_lines_cannot_be_forged_with_newlines() -> None:
    record = logging.makeLogRecord(
        {"msg": "request", "levelname": "INFO", "path": '/v1\n{"level": "critical"}'}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["path"] == '/v1\n{"level": "critical"}'


def test_a_request_cannot_forge_a_log_line(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    forged = '{"level": "critical", "event": "forged"}'
    app = create_app(Settings(data_dir=tmp_path), classifier=FakeClassifier())
    with TestClient(app) as client:
        capfd.readouterr()
        # A newline and quotes in the path, in an id, and in a header that becomes the request id.
        client.get("/v1/conversations/" + quote(f'x"\n{forged}', safe=""))
        client.post("/v1/triage", json={"text": "hi", "conversation_id": f"c\n{forged}"})
        client.get("/livez", headers={"X-Request-ID": 'id", "level": "critical'})
    _, err = capfd.readouterr()
    lines = err.splitlines()
    assert len(lines) >= 3
    for line in lines:
        record = json.loads(line)  # every line is exactly one object
        assert record["level"] != "critical" and record["event"] != "forged"
    assert any('\\n{\\"level\\"' in line for line in lines)  # the newline arrived, escaped
