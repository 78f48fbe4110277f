"""The pure rules of write-back: what goes on a ticket, which hosts it may reach, when to retry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from app.core.config import Settings
from app.core.domain import (
    CustomerProfile,
    Escalation,
    Playbook,
    PlaybookResponse,
    PlaybookStep,
    Sentiment,
    Trigger,
)
from app.core.errors import IntegrationConfigError
from app.engine.triage import TriageResult
from app.webhooks.integrations import base_url_for, host_allowed
from app.webhooks.plan import WritebackPlan, all_tags, plan_for
from app.webhooks.worker import WebhookWorker
from app.webhooks.writeback import retry_after_seconds

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def result(*, escalate: bool, customer: str = "angry", sentiment: str = "negative") -> TriageResult:
    trigger = Trigger("legal_threat", "contact my lawyer", 30, 47, "pattern", 0.9)
    return TriageResult(
        sentiment=Sentiment(sentiment, -0.82, 1, "high", {}),  # type: ignore[arg-type]
        emotions={},
        intents={},
        root_cause=None,
        customer=CustomerProfile(customer, {}, 0.71),  # type: ignore[arg-type]
        escalation=Escalation(escalate, "high" if escalate else "normal", (trigger,) * escalate),
        playbook=Playbook(
            steps=(
                PlaybookStep("acknowledge", (PlaybookResponse("ack-1", "I hear you."),)),
                PlaybookStep("escalate", (PlaybookResponse("esc-1", "A lead will call."),)),
            ),
            avoid=("Calm down",),
        ),
    )


def test_plan_tags_sentiment_type_and_escalation() -> None:
    plan = plan_for(result(escalate=True), prefix="triage", set_priority=True)
    assert plan.tags == (
        "triage__sentiment__negative",
        "triage__type__angry",
        "triage__escalate",
        "triage__priority__high",
    )
    assert plan.priority == "high"
    assert set(plan.tags).isdisjoint(plan.stale_tags)
    assert set(plan.tags) | set(plan.stale_tags) == set(all_tags("triage"))


def test_a_calm_message_never_touches_priority() -> None:
    plan = plan_for(result(escalate=False, customer="neutral"), prefix="t", set_priority=True)
    assert plan.priority is None
    assert plan.tags == ("t__sentiment__negative", "t__type__neutral")
    assert "t__escalate" in plan.stale_tags and "t__type__angry" in plan.stale_tags


def test_set_priority_off_keeps_the_tags() -> None:
    plan = plan_for(result(escalate=True), prefix="triage", set_priority=False)
    assert plan.priority is None and "triage__priority__high" in plan.tags


def test_the_note_carries_the_reading_the_evidence_and_the_playbook() -> None:
    note = plan_for(result(escalate=True), prefix="triage", set_priority=True).note
    assert note.splitlines() == [
        "Triage: sentiment negative (-0.82), customer angry (intensity 0.71).",
        "Escalate now, priority high.",
        "Triggers:",
        '- legal threat: "contact my lawyer"',
        "Suggested playbook:",
        "1. acknowledge: I hear you.",
        "2. escalate: A lead will call.",
        'Avoid saying: "Calm down"',
        "(Internal note from sentiment-triage; the customer does not see it.)",
    ]


def test_the_note_names_only_the_first_phrases_to_avoid() -> None:
    many = replace(result(escalate=False), playbook=Playbook(steps=(), avoid=tuple("abcdefghij")))
    note = plan_for(many, prefix="triage", set_priority=True).note
    assert 'Avoid saying: "a"; "b"; "c"; "d"; "e"; "f"' in note
    assert '"g"' not in note


def test_a_plan_survives_the_database() -> None:
    plan = plan_for(result(escalate=True), prefix="triage", set_priority=True)
    assert WritebackPlan.from_json(plan.to_json()) == plan


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("Mon, 23 Nov 2026 10:02:00 GMT", 120.0),
        ("Mon, 23 Nov 2026 09:00:00 GMT", 0.0),  # already past: now
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", 0.0),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_backoff_doubles_from_the_base() -> None:
    settings = Settings(webhook_retry_base_seconds=5)
    worker = WebhookWorker(
        SimpleNamespace(),
        settings,
        triage=None,
        ready=lambda: False,  # type: ignore[arg-type]
    )
    assert [worker.backoff(n) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]


@pytest.mark.parametrize(
    ("platform", "url", "allowed"),
    [
        ("zendesk", "https://acme.zendesk.com", True),
        ("zendesk", "https://zendesk.com", False),  # the bare domain is no account
        ("zendesk", "https://acmezendesk.com", False),
        ("freshdesk", "https://acme.freshdesk.com", True),
        ("intercom", "https://api.eu.intercom.io", True),
        ("intercom", "https://app.intercom.io", False),
        ("front", "https://api2.frontapp.com", True),
        ("front", "https://acme.api.frontapp.com", True),
        ("front", "https://frontapp.com", False),
        ("zendesk", "https://help.acme.example", True),  # listed by the operator
        ("zendesk", "http://help.acme.example", False),  # listed, but not for plain http
        ("zendesk", "http://127.0.0.1", True),  # listed as insecure: tests only
    ],
)
def test_host_rules(platform: str, url: str, allowed: bool) -> None:
    scheme, host = url.split("://")
    found = host_allowed(
        platform,  # type: ignore[arg-type]
        scheme,
        host,
        allowed_hosts=["help.acme.example"],
        insecure_hosts=["127.0.0.1"],
    )
    assert found is allowed


def test_base_url_defaults_and_normalisation() -> None:
    rules = {"allowed_hosts": (), "insecure_hosts": ()}
    assert base_url_for("intercom", None, **rules) == "https://api.intercom.io"
    assert base_url_for("front", None, **rules) == "https://api2.frontapp.com"
    assert base_url_for("zendesk", " https://acme.zendesk.com/ ", **rules) == (
        "https://acme.zendesk.com"
    )
    with pytest.raises(IntegrationConfigError):
        base_url_for("zendesk", None, **rules)
