"""Keeps the conversation store connected and purged, without ever blocking triage."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from app.core.config import Settings
from app.core.errors import StoreUnavailableError
from app.store.conversations import ConversationStore

log = logging.getLogger("triage.store")
RECONNECT_SECONDS = 5.0
PURGE_SECONDS = 3600.0


class StoreKeeper:
    """Opens the store in the background (retrying while the database is down) and purges it.

    Until the store is open, triage answers the single-message part and says the
    conversation part is unavailable; /readyz says 503.
    """

    def __init__(self, settings: Settings) -> None:
        self.store: ConversationStore | None = None
        self.url = settings.database_url or "sqlite:///"
        self.data_dir = settings.data_dir
        self.retention = timedelta(days=settings.retention_days)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-keeper", daemon=True)

    def start(self) -> None:
        """Open the store now if the database answers, else keep trying in the background."""
        self._try_open()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)
        if self.store is not None:
            self.store.close()

    def healthy(self) -> bool:
        store = self.store
        if store is None:
            return False
        try:
            store.ping()
        except StoreUnavailableError:
            return False
        return True

    def purge(self) -> int:
        store = self.store
        if store is None:
            return 0
        removed = store.purge(datetime.now(UTC) - self.retention)
        if removed:
            log.info("purged conversations past retention", extra={"count": removed})
        return removed

    def _try_open(self) -> bool:
        if self.store is not None:
            return True
        try:
            self.store = ConversationStore.open(self.url, data_dir=self.data_dir)
        except (StoreUnavailableError, OSError) as exc:
            log.warning(
                "conversation store unavailable, retrying", extra={"error": type(exc).__name__}
            )
            return False
        log.info("conversation store open", extra={"backend": self.url.split(":")[0]})
        return True

    def _run(self) -> None:
        while not self._stopped.is_set() and not self._try_open():
            self._stopped.wait(RECONNECT_SECONDS)
        while not self._stopped.is_set():
            try:
                self.purge()
            except StoreUnavailableError:
                log.warning("purge skipped: conversation store unavailable")
            self._stopped.wait(PURGE_SECONDS)
