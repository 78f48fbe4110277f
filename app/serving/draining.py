"""Graceful shutdown for load balancers: /readyz says 503 from SIGTERM on, before the server stops.

Uvicorn already finishes the requests in flight when it gets SIGTERM, but it stops accepting
connections at once. With a delay, the replica first reports itself unready and keeps serving,
so a load balancer takes it out of rotation before connections are refused.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from app.serving.loader import EngineLoader

log = logging.getLogger("triage.app")


def drain_on_sigterm(state: EngineLoader, *, delay_s: float) -> Callable[[], None]:
    """Set the loader's `draining` on SIGTERM and hand the signal to the server `delay_s` later.

    Returns a function that puts the server's own handler back.
    """
    state.draining = False
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals reach the main thread only; tests run apps elsewhere
    server_handler = signal.getsignal(signal.SIGTERM)
    if not callable(server_handler):
        return lambda: None  # no server waits for the signal: nothing to hand it to
    loop = asyncio.get_running_loop()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        if state.draining:  # a second SIGTERM: stop without waiting out the delay
            server_handler(signum, frame)
            return
        state.draining = True
        log.info("SIGTERM: draining", extra={"delay_s": delay_s})
        loop.call_soon_threadsafe(loop.call_later, delay_s, server_handler, signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)

    def restore() -> None:
        signal.signal(signal.SIGTERM, server_handler)

    return restore
