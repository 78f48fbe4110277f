"""Dynamic batching: concurrent requests share one forward pass, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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
    """Gathers concurrent requests, up to `max_size` items, into one call.

    Whatever queued while the previous call ran goes into the next one. When requests are
    arriving together, the batcher also waits up to `max_wait` seconds for more; a lone
    request at a quiet time runs at once. So the model sees larger batches exactly when
    throughput matters, and a single request pays no wait. Each caller
    gets its own slice of the results, or the batch's exception.

    The limiter's tokens are inference slots: a batch runs in a worker thread as soon as
    one is free, so with two slots the next batch need not wait for the last to finish.

    `run` holds the slot; `finish`, when given, takes the items and what `run` returned and
    makes the callers' results after the slot is given back. The triage batcher runs the
    forward pass in `run` and everything that reads or writes the conversation store in
    `finish`. Decided on measurements (scripts/bench_memory.py, 512 messages, 2 cores):
    with conversation_id set, the store takes 53% of a batch's time on SQLite (213 -> 97
    messages a second) and 63% on a local PostgreSQL. Served at c=32, moving the store out
    of the slot changed throughput by less than the noise (SQLite 110 vs 103, PostgreSQL 87
    vs 86 messages a second): the forward pass already keeps both cores busy, and the store's
    Python holds the GIL. It stays out of the slot because the slot is shared with
    /v1/screen: a chat widget's pre-screen then never waits behind another batch's database
    round trips, and the batch metrics time inference alone.
    """

    def __init__(
        self,
        run: Callable[[list[In]], list[Any]],
        *,
        finish: Callable[[list[In], list[Any]], list[Out]] | None = None,
        max_size: int,
        max_wait: float,
        limiter: anyio.CapacityLimiter,
        observe: Callable[[int, float], None] | None = None,
    ) -> None:
        self._run = run
        self._finish = finish
        self._observe = observe  # called with (items, seconds) after each model call
        self._max_size = max_size
        self._max_wait = max_wait
        self._limiter = limiter
        self._queue: asyncio.Queue[_Pending[In, Out]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()  # batches handed to a worker thread
        self.batch_sizes: list[int] = []  # recent batch sizes, for tests and metrics

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._serve())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        # Batches already running finish: their callers are still waiting for them.
        await asyncio.gather(*self._running, return_exceptions=True)

    async def submit(self, items: Sequence[In]) -> list[Out]:
        pending: _Pending[In, Out] = _Pending(items)
        await self._queue.put(pending)
        return await pending.future

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        together = False  # did the last batch gather more than one request?
        while True:
            batch = [await self._queue.get()]
            size = self._gather(batch, len(batch[0].items))
            # Waiting for company pays only when requests arrive together; a lone request
            # at a quiet time runs at once instead of sitting out max_wait.
            deadline = loop.time() + (self._max_wait if together else 0.0)
            while size < self._max_size and loop.time() < deadline:
                try:
                    more = await asyncio.wait_for(self._queue.get(), deadline - loop.time())
                except TimeoutError:
                    break
                batch.append(more)
                size += len(more.items)
            # A free inference slot; whatever queues while every slot is busy joins this batch.
            slot = object()
            await self._limiter.acquire_on_behalf_of(slot)
            self._gather(batch, size)
            together = len(batch) > 1
            # Run without waiting for it: with more than one slot, the next batch can start
            # on the other core while this one runs.
            task = loop.create_task(self._run_batch(batch, slot))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    def _gather(self, batch: list[_Pending[In, Out]], size: int) -> int:
        """Add what is already queued to the batch, up to max_size items; the new size."""
        while size < self._max_size and not self._queue.empty():
            batch.append(self._queue.get_nowait())
            size += len(batch[-1].items)
        return size

    async def _run_batch(self, batch: list[_Pending[In, Out]], slot: object) -> None:
        items = [item for pending in batch for item in pending.items]
        self.batch_sizes = [*self.batch_sizes[-99:], len(items)]
        try:
            try:
                results, seconds = await anyio.to_thread.run_sync(self._timed_run, items)
            finally:
                self._limiter.release_on_behalf_of(slot)
            if self._finish is not None:
                results = await anyio.to_thread.run_sync(self._finish, items, results)
        except Exception as exc:
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(exc)
            return
        if self._observe is not None:
            self._observe(len(items), seconds)
        offset = 0
        for pending in batch:
            if not pending.future.done():  # the caller may have gone away
                pending.future.set_result(results[offset : offset + len(pending.items)])
            offset += len(pending.items)

    def _timed_run(self, items: list[In]) -> tuple[list[Any], float]:
        # Timed inside the worker thread: waiting for the limiter is not inference time.
        started = time.perf_counter()
        results = self._run(items)
        return results, time.perf_counter() - started
