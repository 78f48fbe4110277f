"""The load test, short: a real server on loopback holds a few seconds of mixed load, 0 errors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from scripts.load_test import main, run_load
from tests.fake_server import running_server


def test_the_server_holds_a_short_mixed_load_without_errors(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        figures = asyncio.run(run_load(server.url, duration_s=3, concurrency=8))
    assert figures.requests > 50
    assert figures.errors == 0
    assert figures.statuses == {"200": figures.requests}


def test_the_script_writes_its_figures(tmp_path: Path) -> None:
    out, table = tmp_path / "load.json", tmp_path / "load.md"
    with running_server(tmp_path) as server:
        status = main(
            [
                "--url",
                server.url,
                "--duration",
                "1",
                "--concurrency",
                "2",
                "--rate",
                "50",
                "--out",
                str(out),
                "--markdown",
                str(table),
            ]
        )
    assert status == 0
    figures = json.loads(out.read_text())
    assert figures["errors"] == 0 and figures["target_rate"] == 50
    assert 0 < figures["requests"] <= 50
    assert figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert "| requests | req/s | p50 ms |" in table.read_text()
