"""Settings come from TRIAGE_* environment variables and are validated."""

import pytest
from pydantic import ValidationError

from app.core.config import Settings


def test_defaults_need_no_environment() -> None:
    settings = Settings()
    assert settings.refund_limit == 100.0
    assert (settings.models_dir / "heads.json").exists()
    assert settings.trigger_priority["safety_risk"] == "urgent"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_REFUND_LIMIT", "250")
    monkeypatch.setenv("TRIAGE_THRESHOLD_PEAK_INTENSITY", "0.6")
    monkeypatch.setenv("TRIAGE_TRIGGER_PRIORITY", '{"churn_threat": "high"}')
    settings = Settings()
    assert settings.refund_limit == 250.0
    assert settings.thresholds.peak_intensity == 0.6
    assert settings.trigger_priority["churn_threat"] == "high"
    assert settings.trigger_priority["safety_risk"] == "urgent"  # the rest keep their defaults


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRIAGE_REFUND_LIMIT", "-5"),
        ("TRIAGE_LOG_LEVEL", "LOUD"),
        ("TRIAGE_THRESHOLD_PEAK_INTENSITY", "1.5"),
        ("TRIAGE_TRIGGER_PRIORITY", '{"churn_threat": "whenever"}'),
    ],
)
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
