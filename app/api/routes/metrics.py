"""/metrics: Prometheus's scrape of this process."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app.api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}
    },
)
async def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics of this process, in the text exposition format."""
    return Response(services.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
