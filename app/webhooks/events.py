"""Each platform's webhook payload -> the one customer message it carries, or None.

None means "nothing to triage": a ping, an agent's own reply, an event of another kind.
Zendesk and Freshdesk send the JSON body the admin writes into the trigger or automation
rule; README gives the template (ticket_id, requester_id, text, channel).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any, Literal

from app.api.schemas import MAX_TEXT_CHARS
from app.core.errors import WebhookPayloadError
from app.core.labels import Channel

Platform = Literal["zendesk", "freshdesk", "intercom", "front"]
PLATFORMS: tuple[Platform, ...] = ("zendesk", "freshdesk", "intercom", "front")
# Ticket ids go into API paths: keep them to characters that need no escaping anywhere.
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:@+-]{1,100}$")
_INTERCOM_TOPICS = ("conversation.user.created", "conversation.user.replied")
_INTERCOM_CUSTOMERS = ("user", "lead", "contact")
_FRONT_INBOUND = ("inbound", "inbound_received")


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """A customer message on a helpdesk ticket or conversation."""

    ticket_id: str
    customer_id: str | None
    text: str
    channel: Channel
    event_id: str | None = None  # the platform's id for this delivery, when it sends one


def parse_event(platform: Platform, body: bytes) -> TicketEvent | None:
    """The customer message in a verified delivery; WebhookPayloadError if unreadable."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookPayloadError("the webhook body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise WebhookPayloadError("the webhook body is not a JSON object")
    try:
        event = _PARSERS[platform](payload)
    except (KeyError, TypeError, AttributeError, IndexError):
        raise WebhookPayloadError(
            f"the webhook body is not a {platform} event this service reads; see README"
        ) from None
    if event is None or not event.text:
        return None
    return event


def _from_template(payload: dict[str, Any]) -> TicketEvent | None:
    """Zendesk trigger / Freshdesk automation body written from the README template."""
    text = _clean(str(payload.get("text") or ""))
    return TicketEvent(
        ticket_id=_id(payload["ticket_id"]),
        customer_id=_optional_id(payload.get("requester_id")),
        text=text,
        channel=_channel(str(payload.get("channel") or ""), default="email"),
        event_id=_optional_id(payload.get("event_id")),
    )


def _from_intercom(payload: dict[str, Any]) -> TicketEvent | None:
    if payload.get("topic") not in _INTERCOM_TOPICS:
        return None  # "ping" when the webhook is saved, and every other topic
    item = payload["data"]["item"]
    if payload["topic"] == "conversation.user.created":
        message = item["source"]
    else:
        parts = item["conversation_parts"]["conversation_parts"]
        customer_parts = [p for p in parts if p["author"]["type"] in _INTERCOM_CUSTOMERS]
        if not customer_parts:
            return None
        message = customer_parts[-1]
    author = message.get("author") or {}
    email = (item.get("source") or {}).get("type") == "email"
    return TicketEvent(
        ticket_id=_id(item["id"]),
        customer_id=_optional_id(author.get("id")),
        text=_clean(html_to_text(message.get("body") or "")),
        channel="email" if email else "chat",
        event_id=_optional_id(payload.get("id")),
    )


def _from_front(payload: dict[str, Any]) -> TicketEvent | None:
    # Application webhooks wrap the event in {"type", "payload"}; rule webhooks send it bare.
    event = payload["payload"] if isinstance(payload.get("payload"), dict) else payload
    if event.get("type") not in _FRONT_INBOUND:
        return None
    message = event["target"]["data"]
    sender = next(
        (r.get("handle") for r in message.get("recipients") or [] if r.get("role") == "from"),
        None,
    )
    text = message.get("text") or html_to_text(message.get("body") or "")
    return TicketEvent(
        ticket_id=_id(event["conversation"]["id"]),
        customer_id=_optional_id(sender),
        text=_clean(text),
        channel=_channel(str(message.get("type") or ""), default="other"),
        event_id=_optional_id(event.get("id")),
    )


_PARSERS = {
    "zendesk": _from_template,
    "freshdesk": _from_template,
    "intercom": _from_intercom,
    "front": _from_front,
}


def _id(value: object) -> str:
    text = str(value).strip()
    if not _SAFE_ID.match(text):
        raise WebhookPayloadError("the ticket id is missing or has unexpected characters")
    return text


def _optional_id(value: object) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    return text if len(text) <= 100 and text.isprintable() else None


def _channel(hint: str, *, default: Channel) -> Channel:
    """A channel from the platform's own word for it ("Mail", "chat", "whatsapp", ...)."""
    hint = hint.lower()
    for words, channel in _CHANNEL_WORDS:
        if any(word in hint for word in words):
            return channel
    return default


_CHANNEL_WORDS: tuple[tuple[tuple[str, ...], Channel], ...] = (
    (("mail",), "email"),
    (("chat", "messag", "sms", "whatsapp", "intercom", "custom"), "chat"),
    (("voice", "phone", "call"), "phone"),
    (("twitter", "tweet", "facebook", "instagram", "social"), "social"),
    (("web", "form", "portal", "api"), "email"),
)


def _clean(text: str) -> str:
    # NUL has no meaning in a message and PostgreSQL refuses it in text columns. The model
    # reads the start of long messages; 20,000 characters is the API's own limit.
    return text.replace("\x00", "").strip()[:MAX_TEXT_CHARS]


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML message body, one line per block."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = unescape("".join(extractor.parts))
    return re.sub(r"\n\s*\n+", "\n", text).strip()
