"""Request ids, the body-size limit, the access log and the request timeout: pure ASGI."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import send_problem
from app.core.errors import PayloadTooLargeError

log = logging.getLogger("triage.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "x-request-id"
TIMEOUT = "timeout"
# A refused body up to this size (or ten times the limit) is read to its end, so that the
# client can read the 413; see _drain.
DRAIN_BYTES = 16_000_000


class RequestContextMiddleware:
    """Gives every request an id, refuses oversized bodies before parsing, logs the outcome."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        if declared > self.max_body_bytes:
            await self._refuse(send_with_id, request_id)
            if declared <= self.drain_limit:
                await _drain(receive, self.drain_limit)
        else:
            limited, over = self._limited(receive)
            await self.app(scope, limited, send_with_id)
            if over():
                await _drain(receive, self.drain_limit)
        log.info(
            "request",
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "status": status["code"],
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "request_id": request_id,
            },
        )

    @property
    def drain_limit(self) -> int:
        """How much of a refused body is read and dropped so the client can read the 413."""
        return max(DRAIN_BYTES, 10 * self.max_body_bytes)

    def _limited(self, receive: Receive) -> tuple[Receive, Callable[[], bool]]:
        # A chunked body has no Content-Length: count what arrives instead.
        seen = 0
        refused = False

        async def receive_limited() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes and message.get("more_body", False):
                    refused = True
                if seen > self.max_body_bytes:
                    raise PayloadTooLargeError(
                        f"request body is larger than {self.max_body_bytes} bytes"
                    )
            return message

        return receive_limited, lambda: refused

    async def _refuse(self, send: Send, request_id: str) -> None:
        await send_problem(
            send,
            413,
            PayloadTooLargeError.code,
            f"request body is larger than {self.max_body_bytes} bytes",
            request_id,
        )


async def _drain(receive: Receive, limit: int) -> None:
    """Read and drop the rest of a refused body, up to `limit` bytes.

    The server answers 413 while the client is still sending; closing then resets the
    connection, and a client that writes its whole body before reading (Python's
    http.client, many SDKs) sees the reset instead of the answer. Beyond the limit the
    connection is closed after all: reading gigabytes to be polite is a cost of its own.
    """
    read = 0
    while read <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class TimeoutMiddleware:
    """Cuts a request off after `seconds`: a 503 `timeout` problem instead of a hang.

    The request is cancelled at its next await: a triage waiting for its batch stops at
    once (the batch itself finishes for the others in it); a database call in a worker
    thread is waited for, and bounded by the database's own timeouts.
    """

    def __init__(
        self, app: ASGIApp, *, seconds: float, on_timeout: Callable[[], object] | None = None
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.on_timeout = on_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        with anyio.move_on_after(self.seconds) as deadline:
            await self.app(scope, receive, send_tracked)
        if not deadline.cancelled_caught:
            return
        if self.on_timeout is not None:
            self.on_timeout()
        if not started:  # once the status line is out, the connection can only be cut
            await send_problem(
                send,
                503,
                TIMEOUT,
                f"the request took longer than {self.seconds:g} s",
                scope.get("state", {}).get("request_id", ""),
            )
