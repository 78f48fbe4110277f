"""Teams' own banks: replaced or extended by configuration, validated at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.errors import BankInvalidError
from app.main import create_app
from app.replies.bank import ResponseBank
from tests.conftest import FakeClassifier

TEAM_ENTRY = {
    "id": "team-close-01",
    "step": "close",
    "customer_types": ["neutral"],
    "channels": ["chat"],
    "intensity": [0.0, 1.0],
    "text": "Glad to help, {customer_name}. The Harbour Bikes crew is here whenever you need us.",
}


def write_bank(path: Path, entries: list[dict], version: str = "team-1") -> Path:
    path.write_text(yaml.safe_dump({"version": version, "entries": entries}))
    return path


def start(settings: Settings) -> TestClient:
    return TestClient(create_app(settings, classifier=FakeClassifier()))


def test_an_extension_directory_adds_entries(tmp_path: Path) -> None:
    extra = tmp_path / "banks"
    extra.mkdir()
    write_bank(extra / "harbour.yaml", [TEAM_ENTRY])
    settings = Settings(data_dir=tmp_path / "data", bank_extensions=extra)
    with start(settings) as client:
        body = client.post("/v1/triage", json={"text": "What time do you open?"}).json()
        assert body["bank_version"].endswith("+team-1")
        bank = client.app.state.services.loader.engine.bank  # type: ignore[attr-defined]
        close = bank.candidates("close", customer_types=["neutral"], channel="chat")
        assert "team-close-01" in {e.id for e in close}


def test_a_replacement_bank_is_used_alone(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "only.yaml", [TEAM_ENTRY])
    with start(Settings(data_dir=tmp_path / "data", bank_path=bank)) as client:
        body = client.post("/v1/triage", json={"text": "What time do you open?"}).json()
        assert body["bank_version"] == "team-1"
        assert [s["step"] for s in body["playbook"]] == ["close"]


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({**TEAM_ENTRY, "id": "ack-angry-chat-01"}, "duplicate id"),
        ({**TEAM_ENTRY, "text": "Hi {ssn}"}, "ssn"),
        ({**TEAM_ENTRY, "step": "grovel"}, "step"),
    ],
)
def test_a_bad_team_entry_stops_start_up_naming_it(
    tmp_path: Path, entry: dict, complaint: str
) -> None:
    extra = tmp_path / "banks"
    extra.mkdir()
    write_bank(extra / "bad.yaml", [entry])
    settings = Settings(data_dir=tmp_path / "data", bank_extensions=extra)
    with pytest.raises(BankInvalidError, match=complaint), start(settings):
        pass


def test_extended_keeps_both_avoid_lists() -> None:
    default = ResponseBank.default()
    team = ResponseBank.model_validate(
        {"version": "t", "entries": [TEAM_ENTRY], "avoid": [{"phrase": "no worries"}]}
    )
    merged = default.extended(team, source="team")
    assert len(merged.entries) == len(default.entries) + 1
    assert "no worries" in [a.phrase for a in merged.avoid]
