"""CORS for /v1/screen, the one route a browser calls directly (chat widgets).

A preflight carries no key, so it is answered for any origin that some tenant allows; the
real response names the origin only when the caller's widget key allows it, so no other
page can read the answer.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request, Response

from app.auth import Principal, request_origin
from app.keys import widget_origins
from app.store import StoreUnavailableError

SCREEN_PATH = "/v1/screen"
ALLOWED_HEADERS = "authorization, content-type, x-api-key, x-request-id"
PREFLIGHT_MAX_AGE_S = 600

router = APIRouter(include_in_schema=False)


@router.options(SCREEN_PATH)
async def screen_preflight(request: Request) -> Response:
    """Answer the browser's preflight for a widget's POST /v1/screen."""
    origin = request_origin(request)
    allowed = origin is not None and await anyio.to_thread.run_sync(origin_known, request, origin)
    if not allowed:
        return Response(status_code=204, headers={"Vary": "Origin"})
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": request.headers["origin"],
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
            "Vary": "Origin",
        },
    )


def origin_known(request: Request, origin: str) -> bool:
    """Whether any tenant or live widget key allows the origin; any origin with auth off."""
    if not request.app.state.settings.auth:
        return True
    store = request.app.state.store_keeper.store
    if store is None:
        return False
    try:
        return origin in widget_origins(store)
    except StoreUnavailableError:
        return False


def cors_headers(request: Request, principal: Principal) -> dict[str, str]:
    """Headers that let the calling page read the answer, when its origin is allowed."""
    origin = request_origin(request)
    if origin is None:
        return {}
    allowed = not request.app.state.settings.auth or (
        principal.role == "widget" and origin in principal.origins
    )
    if not allowed:
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": request.headers["origin"],
        "Access-Control-Expose-Headers": "x-request-id",
        "Vary": "Origin",
    }
