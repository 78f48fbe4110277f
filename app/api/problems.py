"""The one error body (RFC 9457 problem+json): how it is built, sent, handled and documented.

Routes and domain code raise the exceptions of app.core.errors; the handlers here turn them,
FastAPI's validation errors and Starlette's HTTP errors into the same body. Middlewares,
which run outside the handlers, send it with `send_problem`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from app.api.deps import request_id_of
from app.api.schemas import ErrorBody, FieldError
from app.core.errors import TriageError

log = logging.getLogger("triage.app")
PROBLEM_JSON = "application/problem+json"


# Any route can answer these: a body that is not JSON or a key put in the URL (400), the
# rate limit (429) and the request timeout (503).
ALWAYS_POSSIBLE = (400, 429, 503)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer, all in the one error body."""
    return {
        status: {"model": ErrorBody, "content": {"application/problem+json": {}}}
        for status in sorted({*statuses, *ALWAYS_POSSIBLE})
    }


def item_error(exc: ValidationError, request_id: str) -> ErrorBody:
    return ErrorBody(
        title="Unprocessable Content",
        status=422,
        code="invalid_request",
        message="this item is not a valid triage request",
        request_id=request_id,
        errors=[field_error(e) for e in exc.errors()],
    )


def field_error(error: Mapping[str, Any]) -> FieldError:
    # The offending input is left out: it may be the customer's message itself.
    return FieldError(
        loc=[str(p) if not isinstance(p, int) else p for p in error["loc"]], msg=error["msg"]
    )


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


async def send_problem(
    send: Send,
    error_status: int,
    code: str,
    message: str,
    request_id: str,
    *,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Answer with the one error body, from a middleware (outside the app's error handlers)."""
    body = json.dumps(problem(error_status, code, message, request_id)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error_status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def add_error_handlers(app: FastAPI) -> None:
    """Every error the app can raise, answered in the one body."""
    app.add_exception_handler(TriageError, triage_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected_error)


def problem_response(
    request: Request, status: int, code: str, message: str, **extra: object
) -> JSONResponse:
    body = problem(status, code, message, request_id_of(request), **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def triage_error(request: Request, exc: TriageError) -> JSONResponse:
    response = problem_response(request, exc.status, exc.code, exc.message)
    response.headers.update(exc.headers)
    return response


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(
            request, 400, "malformed_json", "the request body is not valid JSON"
        )
    return problem_response(
        request,
        422,
        "invalid_request",
        "the request does not match the schema; see errors",
        errors=[field_error(e) for e in errors],
    )


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if isinstance(exc.__cause__, TriageError):
        # FastAPI wraps errors raised while reading the body (a chunked body over the limit).
        return await triage_error(request, exc.__cause__)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem_response(request, exc.status_code, code, message)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Logged with its type only: the traceback could quote the customer's message.
    log.error(
        "unexpected error",
        extra={"exc_type": type(exc).__name__, "request_id": request_id_of(request)},
    )
    return problem_response(request, 500, "internal_error", "an unexpected error occurred")
