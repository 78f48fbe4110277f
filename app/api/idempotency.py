"""Idempotency-Key: a retried POST gets the first attempt's answer and the work is done once.

The route's dependency claims the key (per tenant) before any work; the middleware keeps the
answer before the client sees it. A retry with the same key and body is answered from the
store with `Idempotent-Replayed: true`; with another body it is 422; while the first attempt
still runs it is 409. Keys live in the conversation database, so they hold across restarts
and replicas, and expire after `idempotency_ttl_hours`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.auth import PrincipalDep
from app.api.deps import services_of
from app.core.errors import (
    StoreUnavailableError,
)
from app.store.db import IDEMPOTENCY_KEY_LENGTH
from app.store.idempotency import HEADER, Claim, IdempotencyStore, StoredResponse, fingerprint

T = TypeVar("T")
log = logging.getLogger("triage.idempotency")
REPLAYED_HEADER = "Idempotent-Replayed"
_CLAIM = "idempotency_claim"  # where the dependency leaves its claim for the middleware
# Set when the request was cut off while its work goes on: the work settles the key itself.
_DEFERRED = "idempotency_deferred"
_settling: set[asyncio.Task[None]] = set()  # background settlements, kept from the GC


class Replay(Exception):
    """Raised by the dependency to answer a retry from the store instead of running the route.

    Not an error: the app's handler for it sends the stored response.
    """

    def __init__(self, stored: StoredResponse) -> None:
        super().__init__("replay")
        self.stored = stored


async def idempotent(
    request: Request,
    principal: PrincipalDep,
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=IDEMPOTENCY_KEY_LENGTH,
            description="Makes retries safe: a retry with the same key and body gets the "
            "first answer (with `Idempotent-Replayed: true`) and the work is done once. "
            "Keys are per tenant and expire after TRIAGE_IDEMPOTENCY_TTL_HOURS.",
        ),
    ] = None,
) -> None:
    """Claim the request's Idempotency-Key, or answer it from the store (see module doc)."""
    if key is None:
        return
    services = services_of(request.app)
    if services.store_keeper.store is None:
        raise StoreUnavailableError(
            "idempotency keys are kept in the conversation store, which is unavailable; "
            "retry shortly"
        )
    store = services.idempotency
    this = fingerprint(request.method, request.url.path, await request.body())
    found = await anyio.to_thread.run_sync(store.claim, principal.tenant_id, key, this)
    if isinstance(found, StoredResponse):
        raise Replay(found)
    setattr(request.state, _CLAIM, found)


IDEMPOTENT = Depends(idempotent)


async def settled_by_the_work(
    request: Request, work: Awaitable[T], respond: Callable[[T], BaseModel]
) -> T:
    """Await the route's work; if the request is cut off (its timeout) while it holds a key,
    the work goes on and its answer, `respond(result)`, is stored for the key when it ends.

    Without this the timeout would free the key while a batch still stores the turn, and a
    retry would do the work, and store the turn, a second time. With it, a retry finds the
    key in flight (409) until the work ends, then gets its answer replayed.
    """
    claim: Claim | None = getattr(request.state, _CLAIM, None)
    if claim is None:
        return await work
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        setattr(request.state, _DEFERRED, True)
        store = services_of(request.app).idempotency

        def settle(finished: asyncio.Future[T]) -> None:
            later = asyncio.get_running_loop().create_task(
                _settle_later(store, claim, finished, respond)
            )
            _settling.add(later)
            later.add_done_callback(_settling.discard)

        task.add_done_callback(settle)
        raise


async def _settle_later(
    store: IdempotencyStore,
    claim: Claim,
    finished: asyncio.Future[T],
    respond: Callable[[T], BaseModel],
) -> None:
    try:
        body = respond(finished.result()).model_dump_json().encode()
    except Exception:  # the work failed after its caller left: a retry does it again
        await anyio.to_thread.run_sync(store.release, claim)
        return
    answer = StoredResponse(200, "application/json", body)
    try:
        await anyio.to_thread.run_sync(store.complete, claim, answer)
    except StoreUnavailableError:
        log.warning("idempotency key not settled: database unavailable")


# The statuses a keyed route adds to its OpenAPI responses.
IDEMPOTENCY_STATUSES = (409, 422, 503)


async def replay(request: Request, exc: Replay) -> Response:
    """The stored answer of the first attempt, marked as a replay."""
    services_of(request.app).metrics.idempotent_replays.inc()
    stored = exc.stored
    return Response(
        stored.body,
        status_code=stored.status,
        media_type=stored.content_type,
        headers={REPLAYED_HEADER: "true"},
    )


class IdempotencyMiddleware:
    """Stores the answer to a request that claimed a key, then sends it.

    The answer is held back until it is stored, so a client that saw an answer gets that
    same answer on any retry. A 5xx answer or a crash gives the key up instead, so that the
    retry does the work again.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not any(name == b"idempotency-key" for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            if _claim_of(scope) is None:
                await send(message)
            else:
                held.append(message)

        try:
            await self.app(scope, receive, hold)
        except BaseException:
            await self._settle(scope, None)
            raise
        await self._settle(scope, held)
        for message in held:
            await send(message)

    async def _settle(self, scope: Scope, held: list[Message] | None) -> None:
        """Store the held answer, or give the key up when there is none worth keeping."""
        claim = _claim_of(scope)
        if claim is None or scope.get("state", {}).get(_DEFERRED):
            return
        store = services_of(scope["app"]).idempotency
        answer = _answer(held) if held else None
        # Shielded: a cancelled request must still settle its key one way or the other.
        with anyio.CancelScope(shield=True):
            try:
                # A 429 asks the client to retry later: the retry must do the work, not replay it.
                if answer is None or answer.status >= 500 or answer.status == 429:
                    await anyio.to_thread.run_sync(store.release, claim)
                else:
                    await anyio.to_thread.run_sync(store.complete, claim, answer)
            except StoreUnavailableError:
                # The work is done but cannot be recorded: the key frees itself when its lease
                # ends, and a retry after that does the work again.
                log.warning("idempotency key not settled: database unavailable")


def _answer(held: list[Message]) -> StoredResponse:
    start, *body = held
    content_type = dict(start.get("headers", [])).get(b"content-type")
    return StoredResponse(
        start["status"],
        content_type.decode("latin-1") if content_type else None,
        b"".join(message.get("body", b"") for message in body),
    )


def _claim_of(scope: Scope) -> Claim | None:
    claim: Claim | None = scope.get("state", {}).get(_CLAIM)
    return claim
