"""Integrations and the durable webhook delivery queue, in the service's own database.

A delivery row moves queued -> writing -> done (or failed). Its unique (tenant, platform,
delivery id) makes a repeated delivery a no-op; its next_attempt_at is both the retry
schedule and a lease: a worker that claims a row pushes it into the future, so another
replica (PostgreSQL, FOR UPDATE SKIP LOCKED) or a restart picks it up only if the claimant
died. The message text is kept only until triage has read it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from app.core.errors import StoreUnavailableError
from app.store.db import (
    IntegrationRow,
    WebhookDeliveryRow,
    create_store_engine,
    migrate,
    run_transaction,
)
from app.store.secrets import SecretBox, SecretKeyError
from app.webhooks.events import Platform, TicketEvent
from app.webhooks.integrations import Integration
from app.webhooks.plan import WritebackPlan

log = logging.getLogger("triage.webhooks")
T = TypeVar("T")
Status = Literal["queued", "writing", "done", "failed"]


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    tenant_id: str
    platform: Platform
    delivery_id: str
    event: TicketEvent  # its text is "" once triaged
    status: Status
    attempts: int
    plan: WritebackPlan | None
    steps_done: tuple[str, ...]
    last_error: str | None
    received_at: datetime
    next_attempt_at: datetime


class WebhookStore:
    """Thread-safe; opens (and migrates) the database on first use, so start-up never waits."""

    def __init__(self, url: str, *, data_dir: Path, box: SecretBox) -> None:
        # Webhook secrets and helpdesk credentials are sealed with the operator's key.
        self.box = box
        self._engine = create_store_engine(url, data_dir=data_dir)
        # On SQLite a writer takes the file lock at BEGIN: claims never fail half-way.
        self._writer = self._engine.execution_options(sqlite_begin="IMMEDIATE")
        self._migrated = False
        self._lock = threading.Lock()

    def close(self) -> None:
        self._engine.dispose()

    # --- integrations ---------------------------------------------------------------------

    def put_integration(self, integration: Integration) -> Integration:
        """Create or replace; a replaced integration keeps its creation time."""
        key = _key(integration.tenant_id, integration.platform)

        def work(conn: Connection) -> Integration:
            values = _integration_values(integration, self.box)
            if _integration_row(conn, **key) is None:
                conn.execute(
                    insert(IntegrationRow).values(created_at=integration.created_at, **values)
                )
            else:
                conn.execute(update(IntegrationRow).filter_by(**key).values(**values))
            return _integration(_integration_row(conn, **key), self.box)

        try:
            return self._transaction(work, write=True)
        except IntegrityError:
            # Created by a concurrent request between our read and insert: now it is an update.
            return self._transaction(work, write=True)

    def integration(self, tenant_id: str, platform: Platform) -> Integration | None:
        def work(conn: Connection) -> Integration | None:
            row = _integration_row(conn, tenant_id, platform)
            return _integration(row, self.box) if row is not None else None

        return self._transaction(work)

    def integrations(self, tenant_id: str) -> list[Integration]:
        query = select(IntegrationRow).where(IntegrationRow.tenant_id == tenant_id)
        rows = self._transaction(lambda c: c.execute(query.order_by(IntegrationRow.platform)))
        return [_integration(row, self.box) for row in rows]

    def delete_integration(self, tenant_id: str, platform: Platform) -> bool:
        query = delete(IntegrationRow).filter_by(**_key(tenant_id, platform))
        return self._transaction(lambda c: c.execute(query).rowcount > 0, write=True)

    # --- deliveries -----------------------------------------------------------------------

    def enqueue(
        self,
        tenant_id: str,
        platform: Platform,
        delivery_id: str,
        event: TicketEvent,
        now: datetime,
    ) -> tuple[Delivery, bool]:
        """Queue a delivery; (the delivery, True) if new, (the earlier one, False) if repeated."""
        values: dict[str, Any] = {
            "tenant_id": tenant_id,
            "platform": platform,
            "delivery_id": delivery_id,
            "ticket_id": event.ticket_id,
            "customer_id": event.customer_id,
            "channel": event.channel,
            "text": event.text,
            "status": "queued",
            "attempts": 0,
            "plan": None,
            "steps_done": [],
            "received_at": now,
            "next_attempt_at": now,
            "updated_at": now,
        }
        where = {"tenant_id": tenant_id, "platform": platform, "delivery_id": delivery_id}

        def work(conn: Connection) -> tuple[Delivery, bool]:
            existing = conn.execute(select(WebhookDeliveryRow).filter_by(**where)).first()
            if existing is not None:
                return _delivery(existing), False
            conn.execute(insert(WebhookDeliveryRow).values(**values))
            return _delivery(
                conn.execute(select(WebhookDeliveryRow).filter_by(**where)).one()
            ), True

        try:
            return self._transaction(work, write=True)
        except IntegrityError:
            # Two replicas took the same delivery at once: the other one's row won.
            row = self._transaction(
                lambda c: c.execute(select(WebhookDeliveryRow).filter_by(**where)).one()
            )
            return _delivery(row), False

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> list[Delivery]:
        """Deliveries due at `now`, hidden from other workers for `lease` while processed."""
        due = (
            select(WebhookDeliveryRow)
            .where(
                WebhookDeliveryRow.status.in_(("queued", "writing")),
                WebhookDeliveryRow.next_attempt_at <= now,
            )
            .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # nothing on SQLite: its writers are serial
        )

        def work(conn: Connection) -> list[Delivery]:
            rows = conn.execute(due).all()
            if rows:
                conn.execute(
                    update(WebhookDeliveryRow)
                    .where(WebhookDeliveryRow.id.in_([r.id for r in rows]))
                    .values(next_attempt_at=now + lease)
                )
            return [_delivery(row) for row in rows]

        return self._transaction(work, write=True)

    def save_plan(self, delivery_id: int, plan: WritebackPlan, now: datetime) -> None:
        """Triage is done: keep what to write back, and forget the message text."""
        self._update(delivery_id, status="writing", plan=plan.to_json(), text=None, updated_at=now)

    def step_done(self, delivery_id: int, steps: Sequence[str], now: datetime) -> None:
        self._update(delivery_id, steps_done=list(steps), updated_at=now)

    def retry_later(
        self, delivery_id: int, *, attempts: int, at: datetime, error: str, now: datetime
    ) -> None:
        self._update(
            delivery_id,
            attempts=attempts,
            next_attempt_at=at,
            last_error=error[:300],
            updated_at=now,
        )

    def finish(
        self, delivery_id: int, status: Status, now: datetime, *, error: str | None = None
    ) -> None:
        """Done or failed for good; the text goes too, if triage never read it."""
        self._update(
            delivery_id,
            status=status,
            text=None,
            last_error=error[:300] if error else None,
            updated_at=now,
        )

    def delivery(self, delivery_id: int) -> Delivery | None:
        query = select(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id)
        row = self._transaction(lambda c: c.execute(query).first())
        return _delivery(row) if row is not None else None

    def deliveries(self, tenant_id: str, platform: Platform, *, limit: int) -> list[Delivery]:
        """The most recent deliveries, newest first."""
        query = (
            select(WebhookDeliveryRow)
            .filter_by(tenant_id=tenant_id, platform=platform)
            .order_by(WebhookDeliveryRow.id.desc())
            .limit(limit)
        )
        return [_delivery(row) for row in self._transaction(lambda c: c.execute(query).all())]

    def purge(self, before: datetime) -> int:
        """Forget finished deliveries last touched before `before` (retention)."""
        query = delete(WebhookDeliveryRow).where(
            WebhookDeliveryRow.status.in_(("done", "failed")),
            WebhookDeliveryRow.updated_at < before,
        )
        return self._transaction(lambda c: c.execute(query).rowcount, write=True)

    def _update(self, delivery_id: int, **values: Any) -> None:
        query = update(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id)
        self._transaction(lambda c: c.execute(query.values(**values)), write=True)

    def _transaction(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        self._ensure_migrated()
        engine = self._writer if write else self._engine
        return run_transaction(engine, work, store="webhook store")

    def _ensure_migrated(self) -> None:
        if self._migrated:
            return
        with self._lock:
            if self._migrated:
                return
            try:
                with self._writer.begin() as conn:
                    migrate(conn)
                    _reseal(conn, self.box)
            except (OperationalError, InterfaceError) as exc:
                raise StoreUnavailableError(f"webhook store unavailable: {exc.orig}") from exc
            self._migrated = True


def _key(tenant_id: str, platform: str) -> dict[str, str]:
    return {"tenant_id": tenant_id, "platform": platform}


def _integration_row(conn: Connection, tenant_id: str, platform: str) -> Any:
    query = select(IntegrationRow).filter_by(**_key(tenant_id, platform))
    return conn.execute(query.with_for_update()).first()


def _integration_values(integration: Integration, box: SecretBox) -> dict[str, Any]:
    return {
        "tenant_id": integration.tenant_id,
        "platform": integration.platform,
        "secret": box.seal(integration.secret),
        "base_url": integration.base_url,
        "credentials": {SEALED: box.seal(json.dumps(dict(integration.credentials)))},
        "options": dict(integration.options),
        "updated_at": integration.updated_at,
    }


def _integration(row: Any, box: SecretBox) -> Integration:
    return Integration(
        tenant_id=row.tenant_id,
        platform=cast(Platform, row.platform),
        secret=box.open(row.secret),
        base_url=row.base_url,
        credentials=_open_credentials(row.credentials, box),
        options=dict(row.options),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# Credentials are stored as one sealed JSON document under this key; a dict without it was
# written by a release before encryption.
SEALED = "sealed"


def _open_credentials(stored: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    if set(stored) == {SEALED}:
        return dict(json.loads(box.open(stored[SEALED])))
    return dict(stored)


def _reseal(conn: Connection, box: SecretBox) -> None:
    """Seal what an older release stored in plain text, and re-seal under the newest key."""
    for row in conn.execute(select(IntegrationRow)).all():
        try:
            credentials = _open_credentials(row.credentials, box)
            secret = box.rotate(row.secret)
        except SecretKeyError:
            # Sealed with a key no longer configured: left as it is, and reported; the
            # integration answers 500 secret_key_mismatch until the key is given back.
            log.error(
                "integration sealed with an unknown key",
                extra={"tenant_id": row.tenant_id, "platform": row.platform},
            )
            continue
        conn.execute(
            update(IntegrationRow)
            .filter_by(tenant_id=row.tenant_id, platform=row.platform)
            .values(
                secret=secret,
                credentials={SEALED: box.seal(json.dumps(credentials))},
            )
        )


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        tenant_id=row.tenant_id,
        platform=cast(Platform, row.platform),
        delivery_id=row.delivery_id,
        event=TicketEvent(
            ticket_id=row.ticket_id,
            customer_id=row.customer_id,
            text=row.text or "",
            channel=row.channel,
        ),
        status=cast(Status, row.status),
        attempts=row.attempts,
        plan=WritebackPlan.from_json(row.plan) if row.plan is not None else None,
        steps_done=tuple(row.steps_done),
        last_error=row.last_error,
        received_at=row.received_at,
        next_attempt_at=row.next_attempt_at,
    )
