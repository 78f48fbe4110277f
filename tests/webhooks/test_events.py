"""Each platform's payload -> the customer message it carries (or nothing to triage)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.api.schemas import MAX_TEXT_CHARS
from app.core.errors import WebhookPayloadError
from app.webhooks.events import TicketEvent, html_to_text, parse_event


def parse(platform: str, body: dict[str, Any]) -> TicketEvent | None:
    return parse_event(platform, json.dumps(body).encode())  # type: ignore[arg-type]


def intercom(topic: str, item: dict[str, Any]) -> dict[str, Any]:
    # The notification envelope of https://developers.intercom.com/docs/references/webhooks
    return {"type": "notification_event", "topic": topic, "id": "notif_1", "data": {"item": item}}


def test_template_body_from_a_zendesk_trigger() -> None:
    event = parse(
        "zendesk",
        {
            "ticket_id": 35436,
            "requester_id": 20978392,
            "text": "  Where is it?  ",
            "channel": "Mail",
        },
    )
    assert event == TicketEvent("35436", "20978392", "Where is it?", "email", None)


@pytest.mark.parametrize(
    ("hint", "channel"),
    [
        ("Mail", "email"),
        ("Chat", "chat"),
        ("Messaging", "chat"),
        ("Voice", "phone"),
        ("Twitter", "social"),
        ("Web form", "email"),
        ("", "email"),
        ("carrier pigeon", "email"),
    ],
)
def test_template_channel_words(hint: str, channel: str) -> None:
    event = parse("freshdesk", {"ticket_id": "7", "text": "hello", "channel": hint})
    assert event is not None and event.channel == channel


def test_template_event_id_is_used_when_the_admin_adds_one() -> None:
    event = parse("zendesk", {"ticket_id": "7", "text": "hello", "event_id": "comment-99"})
    assert event is not None and event.event_id == "comment-99"


@pytest.mark.parametrize(
    "body",
    [
        {"text": "no ticket"},
        {"ticket_id": "a/b", "text": "a slash would change the API path"},
        {"ticket_id": "x" * 101, "text": "too long"},
        {"ticket_id": "", "text": "empty"},
    ],
)
def test_template_without_a_usable_ticket_id_is_refused(body: dict[str, Any]) -> None:
    with pytest.raises(WebhookPayloadError):
        parse("zendesk", body)


def test_an_empty_message_is_nothing_to_triage() -> None:
    assert parse("zendesk", {"ticket_id": "7", "text": "   "}) is None
    assert parse("zendesk", {"ticket_id": "7"}) is None


def test_a_long_message_is_cut_to_the_apis_limit() -> None:
    event = parse("zendesk", {"ticket_id": "7", "text": "a" * (MAX_TEXT_CHARS + 50)})
    assert event is not None and len(event.text) == MAX_TEXT_CHARS


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]", b'"text"', "é".encode("latin-1")])
def test_bodies_that_are_not_a_json_object_are_refused(raw: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_event("zendesk", raw)


def test_intercom_new_conversation() -> None:
    item = {
        "type": "conversation",
        "id": "1911149811",
        "source": {
            "type": "conversation",
            "body": "<p>Hi, my order <b>never</b> arrived &amp; I'm upset</p>",
            "author": {"type": "user", "id": "5bc8f7421ae2d96695c18a"},
        },
    }
    event = parse("intercom", intercom("conversation.user.created", item))
    assert event == TicketEvent(
        "1911149811",
        "5bc8f7421ae2d96695c18a",
        "Hi, my order never arrived & I'm upset",
        "chat",
        "notif_1",
    )


def test_intercom_reply_takes_the_customers_latest_part() -> None:
    parts = [
        {"body": "<p>first</p>", "author": {"type": "user", "id": "u1"}},
        {"body": "<p>second</p>", "author": {"type": "lead", "id": "u1"}},
        {"body": "<p>agent</p>", "author": {"type": "admin", "id": "a1"}},
    ]
    item = {
        "id": "5",
        "source": {"type": "email"},
        "conversation_parts": {"conversation_parts": parts},
    }
    event = parse("intercom", intercom("conversation.user.replied", item))
    assert event is not None
    assert (event.text, event.customer_id, event.channel) == ("second", "u1", "email")


@pytest.mark.parametrize("topic", ["ping", "conversation.admin.replied", "contact.created"])
def test_intercom_other_topics_are_nothing_to_triage(topic: str) -> None:
    assert parse("intercom", intercom(topic, {"id": "5"})) is None


def test_front_inbound_message_in_an_application_webhook() -> None:
    body = {
        "type": "inbound",
        "payload": {
            "id": "evt_55c8c149",
            "type": "inbound",
            "conversation": {"id": "cnv_55c8c149"},
            "target": {
                "_meta": {"type": "message"},
                "data": {
                    "id": "msg_1",
                    "type": "email",
                    "body": "<div>Still <i>waiting</i></div><div>for my refund</div>",
                    "recipients": [
                        {"handle": "support@acme.example", "role": "to"},
                        {"handle": "jo@example.com", "role": "from"},
                    ],
                },
            },
        },
    }
    event = parse("front", body)
    assert event == TicketEvent(
        "cnv_55c8c149", "jo@example.com", "Still waiting\nfor my refund", "email", "evt_55c8c149"
    )
    bare = parse("front", body["payload"])  # a rule webhook sends the event unwrapped
    assert bare == event


@pytest.mark.parametrize("kind", ["outbound", "comment", "tag", "assign"])
def test_front_events_other_than_inbound_are_nothing_to_triage(kind: str) -> None:
    assert parse("front", {"type": kind, "payload": {"type": kind}}) is None


def test_a_platform_body_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(WebhookPayloadError):
        parse("intercom", intercom("conversation.user.created", {"id": "5"}))
    with pytest.raises(WebhookPayloadError):
        parse("front", {"type": "inbound", "payload": {"type": "inbound"}})


def test_html_to_text_keeps_blocks_apart_and_unescapes() -> None:
    assert html_to_text("<p>One&nbsp;two</p><p>three<br>four</p><script></script>") == (
        "One\xa0two\nthree\nfour"
    )


def test_nul_characters_are_dropped_and_unprintable_ids_ignored() -> None:
    event = parse("zendesk", {"ticket_id": "7", "requester_id": "a\nb", "text": "hel\x00lo"})
    assert event is not None
    assert (event.text, event.customer_id) == ("hello", None)
