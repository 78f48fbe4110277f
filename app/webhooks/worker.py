"""The background worker: claims due deliveries, triages them, writes back, retries.

One asyncio task in the app's lifespan. The receiver wakes it when a delivery is queued;
it also looks every `webhook_poll_seconds` for retries that came due and for deliveries
queued by another replica. Triage goes through the same batcher as /v1/triage, off the
event loop; database calls run in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

import anyio
import httpx
from starlette.applications import Starlette

from app.core.config import Settings
from app.core.errors import StoreUnavailableError
from app.engine.triage import TriageInput, TriageResult
from app.store.secrets import SecretBox
from app.webhooks.plan import WritebackPlan, plan_for
from app.webhooks.store import Delivery, Status, WebhookStore
from app.webhooks.writeback import CLIENTS, Rejected, RetryLater

log = logging.getLogger("triage.webhooks")
CLAIM_BATCH = 16
PURGE_EVERY = timedelta(hours=1)
STOP_GRACE_SECONDS = 15.0  # longer than one write-back request may take, by default

Triage = Callable[[list[TriageInput]], Awaitable[list[TriageResult]]]


class WebhookWorker:
    """Processes queued deliveries; `clock` is replaceable so tests can step through retries."""

    def __init__(
        self,
        store: WebhookStore,
        settings: Settings,
        *,
        triage: Triage,
        ready: Callable[[], bool],
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._triage = triage
        self._ready = ready
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._http = httpx.AsyncClient(
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,  # HelpdeskClient follows them itself, to the same host only
        )
        self._purged_at: datetime | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Let the round in progress finish (its database threads too), then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE_SECONDS)
            except TimeoutError:
                # A slow helpdesk: leave the rest to the lease; the delivery comes back.
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        await self._http.aclose()

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                while await self.run_once() and not self._stopping:
                    pass  # a full batch: there may be more due right away
            except StoreUnavailableError:
                log.warning("webhook store unavailable; deliveries wait")
            except Exception as exc:
                # By type only: the exception could quote a customer's message.
                log.error("webhook worker error", extra={"exc_type": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.webhook_poll_seconds)
            self._wake.clear()

    async def run_once(self) -> int:
        """Process what is due now; the number of deliveries claimed."""
        if not self._ready():
            return 0  # the model is still loading: deliveries stay queued
        now = self.clock()
        lease = timedelta(seconds=self.settings.webhook_lease_seconds)
        claimed = await anyio.to_thread.run_sync(
            lambda: self.store.claim_due(now, limit=CLAIM_BATCH, lease=lease)
        )
        # Together: their triage shares a forward pass in the batcher, their write-backs overlap.
        outcomes = await asyncio.gather(*map(self._process, claimed), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        await self._purge(now)
        return len(claimed)

    async def _process(self, delivery: Delivery) -> None:
        integration = await anyio.to_thread.run_sync(
            self.store.integration, delivery.tenant_id, delivery.platform
        )
        if integration is None:
            await self._finish(delivery, "failed", "the integration was removed")
            return
        try:
            plan = delivery.plan or await self._triaged(
                delivery, integration.tag_prefix, integration.set_priority
            )
            client = CLIENTS[delivery.platform](
                integration,
                self._http,
                allowed_hosts=self.settings.webhook_allowed_hosts,
                insecure_hosts=self.settings.webhook_allow_insecure_hosts,
                now=self.clock,
            )
            done = list(delivery.steps_done)
            for name, step in client.steps(delivery.event.ticket_id, plan):
                if name in done:
                    continue  # taken on an earlier attempt: never post the note twice
                await step()
                done.append(name)
                await anyio.to_thread.run_sync(
                    self.store.step_done, delivery.id, done, self.clock()
                )
        except RetryLater as exc:
            await self._retry(delivery, str(exc), exc.retry_after)
            return
        except Rejected as exc:
            await self._finish(delivery, "failed", str(exc))
            return
        except StoreUnavailableError:
            raise  # the claim's lease runs out and the delivery comes back
        except Exception as exc:
            # An answer this client did not expect (not JSON, a missing id): bounded retries.
            await self._retry(delivery, f"unexpected {type(exc).__name__}", None)
            return
        await self._finish(delivery, "done", None)

    async def _triaged(self, delivery: Delivery, prefix: str, set_priority: bool) -> WritebackPlan:
        event = delivery.event
        item = TriageInput(
            text=event.text,
            channel=event.channel,
            # Namespaced by platform: Zendesk ticket 42 and Freshdesk ticket 42 are not one
            # conversation. Conversation memory then sees every message of the ticket.
            conversation_id=f"{delivery.platform}:{event.ticket_id}",
            customer_id=f"{delivery.platform}:{event.customer_id}" if event.customer_id else None,
            tenant_id=delivery.tenant_id,  # the tenant's bank, settings and conversations
        )
        try:
            [result] = await self._triage([item])
        except Exception as exc:
            raise RetryLater(f"triage failed: {type(exc).__name__}") from None
        plan = plan_for(result, prefix=prefix, set_priority=set_priority)
        await anyio.to_thread.run_sync(self.store.save_plan, delivery.id, plan, self.clock())
        return plan

    async def _retry(self, delivery: Delivery, error: str, retry_after: float | None) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self.settings.webhook_max_attempts:
            await self._finish(delivery, "failed", f"gave up after {attempts} attempts: {error}")
            return
        delay = retry_after if retry_after is not None else self.backoff(attempts)
        delay = min(delay, self.settings.webhook_retry_max_seconds)
        now = self.clock()
        at = now + timedelta(seconds=delay)
        await anyio.to_thread.run_sync(
            lambda: self.store.retry_later(
                delivery.id, attempts=attempts, at=at, error=error, now=now
            )
        )
        log.info(
            "webhook write-back deferred",
            extra={"delivery": delivery.id, "attempts": attempts, "delay_s": round(delay, 3)},
        )

    def backoff(self, attempts: int) -> float:
        """Seconds before attempt `attempts + 1`: doubling from webhook_retry_base_seconds."""
        return self.settings.webhook_retry_base_seconds * 2 ** (attempts - 1)

    async def _finish(self, delivery: Delivery, status: Status, error: str | None) -> None:
        now = self.clock()
        await anyio.to_thread.run_sync(
            lambda: self.store.finish(delivery.id, status, now, error=error)
        )
        log.info(
            "webhook delivery " + status,
            extra={"delivery": delivery.id, "platform": delivery.platform, "error": error},
        )

    async def _purge(self, now: datetime) -> None:
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        before = now - timedelta(days=self.settings.retention_days)
        await anyio.to_thread.run_sync(self.store.purge, before)


@dataclass(frozen=True, slots=True)
class Webhooks:
    """The webhook store and worker, kept on app.state.webhooks for the receiver."""

    store: WebhookStore
    worker: WebhookWorker


def start_webhooks(
    settings: Settings,
    *,
    triage: Triage,
    ready: Callable[[], bool],
) -> Webhooks:
    """Open the webhook store and start the worker, which triages through `triage`."""
    store = WebhookStore(
        settings.database_url or "sqlite:///",
        data_dir=settings.data_dir,
        box=SecretBox.from_settings(settings),
    )
    worker = WebhookWorker(store, settings, triage=triage, ready=ready)
    worker.start()
    return Webhooks(store, worker)


async def stop_webhooks(webhooks: Webhooks) -> None:
    await webhooks.worker.stop()
    webhooks.store.close()


def webhooks_of(app: Starlette) -> Webhooks:
    return cast(Webhooks, app.state.webhooks)
