"""A tenant's connection to a helpdesk, and the rules that keep write-back on the helpdesk's hosts.

An integration holds the webhook secret that authenticates deliveries, the API base URL and
credentials used to write back, and a few options. Its base URL must be on the platform's
own domain (or a host the operator lists in TRIAGE_WEBHOOK_ALLOWED_HOSTS), over https;
plain http only for hosts listed in TRIAGE_WEBHOOK_ALLOW_INSECURE_HOSTS (tests, a local fake).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from app.core.errors import IntegrationConfigError
from app.webhooks.events import Platform

# Any one of these sets of credential keys is enough to call the platform's API.
CREDENTIALS: dict[Platform, tuple[tuple[str, ...], ...]] = {
    "zendesk": (("email", "api_token"), ("oauth_token",)),
    "freshdesk": (("api_key",),),
    "intercom": (("access_token",),),
    "front": (("api_token",),),
}
DEFAULT_BASE_URLS: dict[Platform, str] = {
    "intercom": "https://api.intercom.io",
    "front": "https://api2.frontapp.com",
}
# The platforms' API hosts: exact names, or suffixes starting with a dot.
PLATFORM_HOSTS: dict[Platform, tuple[str, ...]] = {
    "zendesk": (".zendesk.com",),
    "freshdesk": (".freshdesk.com",),
    "intercom": ("api.intercom.io", "api.eu.intercom.io", "api.au.intercom.io"),
    "front": ("api2.frontapp.com", ".api.frontapp.com"),
}
OPTION_NAMES = frozenset({"tag_prefix", "set_priority", "admin_id"})
_TAG_PREFIX = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True, slots=True)
class Integration:
    """One tenant's connection to one helpdesk."""

    tenant_id: str
    platform: Platform
    secret: str  # the webhook signing secret (Zendesk, Intercom, Front) or token (Freshdesk)
    base_url: str
    credentials: Mapping[str, str]
    options: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime

    @property
    def tag_prefix(self) -> str:
        return str(self.options.get("tag_prefix", "triage"))

    @property
    def set_priority(self) -> bool:
        return bool(self.options.get("set_priority", True))


def base_url_for(
    platform: Platform,
    given: str | None,
    *,
    allowed_hosts: Sequence[str],
    insecure_hosts: Sequence[str],
) -> str:
    """The integration's API base URL, normalised; IntegrationConfigError if not allowed."""
    url = (given or DEFAULT_BASE_URLS.get(platform, "")).strip().rstrip("/")
    if not url:
        raise IntegrationConfigError(f"a {platform} integration needs base_url")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.query or parts.fragment or parts.path:
        raise IntegrationConfigError(
            "base_url is scheme and host only, e.g. https://acme.zendesk.com"
        )
    if not host_allowed(
        platform,
        parts.scheme,
        host,
        allowed_hosts=allowed_hosts,
        insecure_hosts=insecure_hosts,
    ):
        raise IntegrationConfigError(
            f"{url} is not a {platform} API host over https; other hosts must be listed in "
            "TRIAGE_WEBHOOK_ALLOWED_HOSTS"
        )
    return url


def host_allowed(
    platform: Platform,
    scheme: str,
    host: str,
    *,
    allowed_hosts: Sequence[str],
    insecure_hosts: Sequence[str],
) -> bool:
    """Whether write-back may reach `scheme://host` for this platform."""
    if scheme == "http":
        return host in insecure_hosts
    if scheme != "https":
        return False
    if host in allowed_hosts or host in insecure_hosts:
        return True
    return any(
        host.endswith(pattern) if pattern.startswith(".") else host == pattern
        for pattern in PLATFORM_HOSTS[platform]
    )


def check_credentials(
    platform: Platform, credentials: Mapping[str, str], options: Mapping[str, Any]
) -> None:
    """IntegrationConfigError unless the credentials and options suffice for write-back."""
    if not any(all(credentials.get(k) for k in keys) for keys in CREDENTIALS[platform]):
        choices = " or ".join("+".join(keys) for keys in CREDENTIALS[platform])
        raise IntegrationConfigError(f"{platform} credentials need {choices}")
    unknown = set(options) - OPTION_NAMES
    if unknown:
        raise IntegrationConfigError(f"unknown options: {', '.join(sorted(unknown))}")
    prefix = options.get("tag_prefix", "triage")
    if not isinstance(prefix, str) or not _TAG_PREFIX.match(prefix):
        raise IntegrationConfigError("tag_prefix is 1 to 32 of a-z, 0-9 and _")
    if not isinstance(options.get("set_priority", True), bool):
        raise IntegrationConfigError("set_priority is true or false")
    admin_id = options.get("admin_id")
    if admin_id is not None and not _ADMIN_ID.match(str(admin_id)):
        raise IntegrationConfigError('admin_id is the Intercom admin\'s id, e.g. "814860"')
    if platform == "intercom" and admin_id is None:
        # Intercom attributes notes and tags to an admin; there is no anonymous author.
        raise IntegrationConfigError("an intercom integration needs options.admin_id")
