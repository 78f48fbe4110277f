"""Each helpdesk's API, for write-back only: tags, priority and an internal note, never a reply.

Every request goes to the integration's configured host: a URL on any other host (a
pagination link, a redirect) is refused before it is sent. Answers map to three outcomes:
done; RetryLater (429 with its Retry-After, 5xx, network errors); Rejected (anything else).
Write-back is a list of named steps, so a retry skips the steps the platform already took and
an internal note is never posted twice.
"""

from __future__ import annotations

import base64
import html
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from app.webhooks.events import Platform
from app.webhooks.integrations import Integration, host_allowed
from app.webhooks.plan import WritebackPlan

Step = tuple[str, Callable[[], Awaitable[None]]]
_MAX_REDIRECTS = 2
_MAX_PAGES = 20
_FRESHDESK_PRIORITY = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
INTERCOM_VERSION = "2.11"


class WritebackError(Exception):
    """Write-back did not happen; the message names the request, never the ticket's text."""


class RetryLater(WritebackError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds the platform asked for; None: back off


class Rejected(WritebackError):
    """The platform refused for good (bad credentials, unknown ticket): retrying won't help."""


class HostNotAllowedError(Rejected):
    pass


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (at - now).total_seconds()) if at.tzinfo else None


class HelpdeskClient(ABC):
    """The requests common to every platform: the host check, auth and status handling."""

    platform: ClassVar[Platform]

    def __init__(
        self,
        integration: Integration,
        http: httpx.AsyncClient,
        *,
        allowed_hosts: Sequence[str],
        insecure_hosts: Sequence[str],
        now: Callable[[], datetime],
    ) -> None:
        self.integration = integration
        self.http = http
        self.allowed_hosts = allowed_hosts
        self.insecure_hosts = insecure_hosts
        self.now = now
        self.base = httpx.URL(integration.base_url)

    @abstractmethod
    def steps(self, ticket_id: str, plan: WritebackPlan) -> list[Step]:
        """The platform's API calls that write the plan back to the ticket, in order."""

    @abstractmethod
    def auth_headers(self) -> dict[str, str]:
        """The platform's credentials, as request headers."""

    async def request(self, method: str, target: str, body: Any = None) -> httpx.Response:
        """Send to the configured host; `target` is a path, or a full URL the platform gave."""
        url = self.base.join(target)
        for _ in range(_MAX_REDIRECTS + 1):
            self._check_host(url)
            try:
                response = await self.http.request(
                    method,
                    url,
                    json=body,
                    headers={"accept": "application/json", **self.auth_headers()},
                )
            except httpx.TransportError as exc:
                raise RetryLater(f"{method} {url.path}: {type(exc).__name__}") from None
            if response.is_redirect and "location" in response.headers:
                url = url.join(response.headers["location"])
                continue
            return self._checked(method, url, response)
        raise Rejected(f"{method} {url.path}: too many redirects")

    def _check_host(self, url: httpx.URL) -> None:
        same = url.host == self.base.host and url.port == self.base.port
        if not same or not host_allowed(
            self.integration.platform,
            url.scheme,
            url.host,
            allowed_hosts=self.allowed_hosts,
            insecure_hosts=self.insecure_hosts,
        ):
            raise HostNotAllowedError(
                f"refused {url.scheme}://{url.host}: write-back goes only to {self.base}"
            )

    def _checked(self, method: str, url: httpx.URL, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        what = f"{self.platform} answered {status} to {method} {url.path}"
        if status == 429 or status >= 500:
            wait = retry_after_seconds(response.headers.get("retry-after"), self.now())
            raise RetryLater(what, wait)
        if status >= 300:
            raise Rejected(what)
        return response


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"authorization": f"Basic {token}"}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def note_html(note: str) -> str:
    return "<br>".join(html.escape(line) for line in note.splitlines())


def path_id(ticket_id: str) -> str:
    return quote(ticket_id, safe="")


class ZendeskClient(HelpdeskClient):
    """Tags through the Tags API (Update Ticket would replace every tag the ticket has)."""

    platform = "zendesk"

    def auth_headers(self) -> dict[str, str]:
        c = self.integration.credentials
        if c.get("oauth_token"):
            return bearer(c["oauth_token"])
        return basic(f"{c['email']}/token", c["api_token"])

    def steps(self, ticket_id: str, plan: WritebackPlan) -> list[Step]:
        tags = f"/api/v2/tickets/{path_id(ticket_id)}/tags.json"
        ticket: dict[str, Any] = {"comment": {"body": plan.note, "public": False}}
        if plan.priority:
            ticket["priority"] = plan.priority

        async def untag() -> None:
            await self.request("DELETE", tags, {"tags": list(plan.stale_tags)})

        async def tag() -> None:
            await self.request("PUT", tags, {"tags": list(plan.tags)})

        async def note() -> None:
            await self.request(
                "PUT", f"/api/v2/tickets/{path_id(ticket_id)}.json", {"ticket": ticket}
            )

        return [("untag", untag), ("tag", tag), ("note", note)]


class FreshdeskClient(HelpdeskClient):
    """Update Ticket replaces the tag list, so the ticket's own tags are read and kept."""

    platform = "freshdesk"

    def auth_headers(self) -> dict[str, str]:
        return basic(self.integration.credentials["api_key"], "X")

    def steps(self, ticket_id: str, plan: WritebackPlan) -> list[Step]:
        path = f"/api/v2/tickets/{path_id(ticket_id)}"

        async def update() -> None:
            current = (await self.request("GET", path)).json().get("tags") or []
            kept = [t for t in current if t not in plan.stale_tags and t not in plan.tags]
            change: dict[str, Any] = {"tags": [*kept, *plan.tags]}
            if plan.priority:
                change["priority"] = _FRESHDESK_PRIORITY[plan.priority]
            await self.request("PUT", path, change)

        async def note() -> None:
            await self.request(
                "POST", f"{path}/notes", {"body": note_html(plan.note), "private": True}
            )

        return [("ticket", update), ("note", note)]


class IntercomClient(HelpdeskClient):
    """Intercom has no ticket priority: escalation shows as the priority tag."""

    platform = "intercom"

    def auth_headers(self) -> dict[str, str]:
        token = self.integration.credentials["access_token"]
        return {**bearer(token), "intercom-version": INTERCOM_VERSION}

    def steps(self, ticket_id: str, plan: WritebackPlan) -> list[Step]:
        conversation = f"/conversations/{path_id(ticket_id)}"
        admin_id = str(self.integration.options["admin_id"])

        async def tag() -> None:
            for name in plan.tags:
                # Create or update by name: the same call finds an existing tag's id.
                created = (await self.request("POST", "/tags", {"name": name})).json()
                body = {"id": str(created["id"]), "admin_id": admin_id}
                await self.request("POST", f"{conversation}/tags", body)

        async def note() -> None:
            body = {
                "message_type": "note",
                "type": "admin",
                "admin_id": admin_id,
                "body": note_html(plan.note),
            }
            await self.request("POST", f"{conversation}/reply", body)

        return [("tag", tag), ("note", note)]


class FrontClient(HelpdeskClient):
    """Comments in Front are internal by nature; tags are attached by id, found by name."""

    platform = "front"

    def auth_headers(self) -> dict[str, str]:
        return bearer(self.integration.credentials["api_token"])

    def steps(self, ticket_id: str, plan: WritebackPlan) -> list[Step]:
        conversation = f"/conversations/{path_id(ticket_id)}"

        async def tag() -> None:
            ids = await self._tag_ids(plan.tags)
            await self.request("POST", f"{conversation}/tags", {"tag_ids": ids})

        async def note() -> None:
            await self.request("POST", f"{conversation}/comments", {"body": plan.note})

        return [("tag", tag), ("note", note)]

    async def _tag_ids(self, names: Sequence[str]) -> list[str]:
        known: dict[str, str] = {}
        target: str | None = "/tags"
        for _ in range(_MAX_PAGES):
            if target is None:
                break
            page = (await self.request("GET", target)).json()
            known.update({t["name"]: t["id"] for t in page.get("_results", [])})
            target = (page.get("_pagination") or {}).get("next")
        for name in names:
            if name not in known:
                known[name] = (await self.request("POST", "/tags", {"name": name})).json()["id"]
        return [known[name] for name in names]


CLIENTS: dict[Platform, type[HelpdeskClient]] = {
    "zendesk": ZendeskClient,
    "freshdesk": FreshdeskClient,
    "intercom": IntercomClient,
    "front": FrontClient,
}
