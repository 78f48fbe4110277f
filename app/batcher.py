"""Dynamic batching: concurrent requests share one forward pass, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import anyio

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class _Pending(Generic[In, Out]):
    items: Sequence[In]
    future: asyncio.Future[list[Out]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class MicroBatcher(Generic[In, Out]):
    """Gathers what arrives within `max_wait` seconds, up to `max_size` items, into one call.

    A lone request waits at most `max_wait`; under load the batch fills while the previous
    one runs, so the model sees larger batches exactly when throughput matters. Each caller
    gets its own slice of the results, or the batch's exception.
    """

    def __init__(
        self,
        run: Callable[[list[In]], list[Out]],
        *,
        max_size: int,
        max_wait: float,
        limiter: anyio.CapacityLimiter,
    ) -> None:
        self._run = run
        self._max_size = max_size
        self._max_wait = max_wait
        self._limiter = limiter
        self._queue: asyncio.Queue[_Pending[In, Out]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batch_sizes: list[int] = []  # recent batch sizes, for tests and metrics

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._serve())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def submit(self, items: Sequence[In]) -> list[Out]:
        pending: _Pending[In, Out] = _Pending(items)
        await self._queue.put(pending)
        return await pending.future

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            size = len(batch[0].items)
            deadline = loop.time() + self._max_wait
            while size < self._max_size:
                try:
                    more = await asyncio.wait_for(self._queue.get(), deadline - loop.time())
                except TimeoutError:
                    break
                batch.append(more)
                size += len(more.items)
            await self._run_batch(batch)

    async def _run_batch(self, batch: list[_Pending[In, Out]]) -> None:
        items = [item for pending in batch for item in pending.items]
        self.batch_sizes = [*self.batch_sizes[-99:], len(items)]
        try:
            results = await anyio.to_thread.run_sync(self._run, items, limiter=self._limiter)
        except Exception as exc:
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(exc)
            return
        offset = 0
        for pending in batch:
            if not pending.future.done():  # the caller may have gone away
                pending.future.set_result(results[offset : offset + len(pending.items)])
            offset += len(pending.items)
