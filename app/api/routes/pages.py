"""The browser side: the embeddable chat widget, its demo page, the insights dashboard and the
practice page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
router = APIRouter(include_in_schema=False)

# The pages load nothing from elsewhere and run no inline script, so a strict policy holds.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SCRIPT = "text/javascript; charset=utf-8"


def _serve(name: str, media_type: str, **headers: str) -> FileResponse:
    return FileResponse(
        STATIC_DIR / name,
        media_type=media_type,
        headers={"x-content-type-options": "nosniff", "cache-control": "no-cache", **headers},
    )


def _page(name: str) -> FileResponse:
    return _serve(name, "text/html; charset=utf-8", **{"content-security-policy": PAGE_POLICY})


@router.get("/widget.js")
async def widget() -> FileResponse:
    """The chat widget; other sites embed it, so it may be loaded from any origin."""
    return _serve("widget.js", SCRIPT, **{"cross-origin-resource-policy": "cross-origin"})


@router.get("/demo")
async def demo() -> FileResponse:
    """A page with a chat box and the widget attached to it."""
    return _page("demo.html")


@router.get("/dashboard")
async def dashboard() -> FileResponse:
    """Charts of /v1/insights for team leads."""
    return _page("dashboard.html")


@router.get("/practice")
async def practice() -> FileResponse:
    """Rehearse a difficult simulated customer through /v1/practice."""
    return _page("practice.html")


@router.get("/static/dashboard.js")
async def dashboard_script() -> FileResponse:
    return _serve("dashboard.js", SCRIPT)


@router.get("/static/demo.js")
async def demo_script() -> FileResponse:
    return _serve("demo.js", SCRIPT)


@router.get("/static/practice.js")
async def practice_script() -> FileResponse:
    return _serve("practice.js", SCRIPT)


@router.get("/static/style.css")
async def stylesheet() -> FileResponse:
    return _serve("style.css", "text/css; charset=utf-8")
