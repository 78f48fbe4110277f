"""The probes: /livez, and /readyz, which reads the engine loader."""

from __future__ import annotations

import anyio
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import ServicesDep
from app.api.schemas import Health

router = APIRouter()


@router.get("/livez", response_model=Health, tags=["health"])
async def livez() -> Health:
    """The process is up and serving HTTP."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
async def readyz(services: ServicesDep) -> Health | JSONResponse:
    """Ready once the model is loaded and the conversation store answers; 503 otherwise.

    Also 503 from SIGTERM on, while the requests in flight finish (app.serving.draining).
    """
    loader = services.loader
    engine = loader.engine
    detail = None
    if loader.state == "draining":
        detail = "shutting down"
    elif engine is None:
        detail = loader.error or "loading the model"
    elif not await anyio.to_thread.run_sync(services.store_keeper.healthy):
        detail = "conversation store unavailable"
    if detail or engine is None:
        return JSONResponse(
            Health(status="unavailable", detail=detail).model_dump(), status_code=503
        )
    return Health(status="ok", model_version=engine.model_version, bank_version=engine.bank.version)
