"""Request ids, the body-size limit and the access log, as one pure ASGI middleware."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLargeError
from app.schemas import ErrorBody

log = logging.getLogger("triage.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "x-request-id"


def problem(error_status: int, code: str, message: str, request_id: str, **extra: object) -> dict:
    from http import HTTPStatus

    return ErrorBody(
        title=HTTPStatus(error_status).phrase,
        status=error_status,
        code=code,
        message=message,
        request_id=request_id,
        **extra,  # type: ignore[arg-type]
    ).model_dump()


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
        else:
            await self.app(scope, self._limited(receive), send_with_id)
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

    def _limited(self, receive: Receive) -> Receive:
        # A chunked body has no Content-Length: count what arrives instead.
        seen = 0

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise PayloadTooLargeError(
                        f"request body is larger than {self.max_body_bytes} bytes"
                    )
            return message

        return receive_limited

    async def _refuse(self, send: Send, request_id: str) -> None:
        body = json.dumps(
            problem(
                413,
                PayloadTooLargeError.code,
                f"request body is larger than {self.max_body_bytes} bytes",
                request_id,
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
