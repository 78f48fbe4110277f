"""Each tenant's current bank and settings, as the triage engine needs them per message."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from app.core.config import Settings
from app.core.errors import StoreUnavailableError
from app.replies.bank import ResponseBank
from app.store.conversations import ConversationStore
from app.tenancy.tenants import SettingsOverrides, current_version, latest_versions

log = logging.getLogger("triage.tenants")


@dataclass(frozen=True, slots=True)
class TenantConfig:
    """What a tenant's messages are decided with."""

    tenant_id: str
    bank_version: int
    settings_version: int
    bank: ResponseBank
    settings: Settings

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.tenant_id, self.bank_version, self.settings_version)


class TenantConfigs:
    """Each tenant's current bank and settings, re-checked at most every `ttl` seconds.

    The check is one small query; content is read only when a version changed. While the
    database is unreachable the last known configuration stays in use.
    """

    def __init__(
        self,
        store: Callable[[], ConversationStore | None],
        *,
        settings: Settings,
        bank: ResponseBank,
        ttl: float,
    ) -> None:
        self._store = store
        self._settings = settings
        self._bank = bank
        self._ttl = ttl
        self._cache: dict[str, tuple[float, TenantConfig]] = {}
        self._lock = threading.Lock()

    def default(self, tenant_id: str) -> TenantConfig:
        return TenantConfig(tenant_id, 0, 0, self._bank, self._settings)

    def get(self, tenant_id: str) -> TenantConfig:
        with self._lock:
            checked_at, known = self._cache.get(tenant_id, (float("-inf"), None))
            if known is not None and time.monotonic() - checked_at < self._ttl:
                return known
            config = self._refresh(tenant_id, known or self.default(tenant_id))
            self._cache[tenant_id] = (time.monotonic(), config)
            return config

    def forget(self, tenant_id: str) -> None:
        """Re-check this tenant on its next message (this replica just published a version)."""
        with self._lock:
            self._cache.pop(tenant_id, None)

    def _refresh(self, tenant_id: str, known: TenantConfig) -> TenantConfig:
        store = self._store()
        if store is None:
            return known
        try:
            versions = latest_versions(store, tenant_id)
            bank, settings = known.bank, known.settings
            if versions["bank"] != known.bank_version:
                bank = self._load_bank(store, tenant_id)
            if versions["settings"] != known.settings_version:
                settings = self._load_settings(store, tenant_id)
        except StoreUnavailableError:
            log.warning("tenant configuration unavailable; using the last known")
            return known
        return TenantConfig(tenant_id, versions["bank"], versions["settings"], bank, settings)

    def _load_bank(self, store: ConversationStore, tenant_id: str) -> ResponseBank:
        content = current_version(store, tenant_id, "bank").content
        if content is None:
            return self._bank
        try:
            return ResponseBank.model_validate(content)
        except ValidationError:
            # Stored valid, but a newer release may check more: the shared bank still answers.
            log.error("stored tenant bank is invalid; using the deployment's")
            return self._bank

    def _load_settings(self, store: ConversationStore, tenant_id: str) -> Settings:
        content = current_version(store, tenant_id, "settings").content
        if content is None:
            return self._settings
        try:
            return SettingsOverrides.model_validate(content).applied_to(self._settings)
        except ValidationError:
            log.error("stored tenant settings are invalid; using the deployment's")
            return self._settings
