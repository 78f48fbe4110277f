"""Dynamic batching: concurrent requests share one call, each gets its own answers back."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import anyio
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.domain import Scores
from app.main import create_app
from app.serving.batcher import MicroBatcher
from tests.conftest import FakeClassifier


def make(run, *, max_size: int = 8, max_wait: float = 0.05, slots: int = 1) -> MicroBatcher:
    return MicroBatcher(
        run, max_size=max_size, max_wait=max_wait, limiter=anyio.CapacityLimiter(slots)
    )


@pytest.mark.parametrize("slots", [1, 2])
def test_batches_run_side_by_side_only_with_free_slots(slots: int) -> None:
    release = threading.Event()
    running: list[int] = []
    most = 0

    def hold(items: list[int]) -> list[int]:
        nonlocal most
        running.append(1)
        most = max(most, len(running))
        release.wait(5)
        running.pop()
        return items

    async def scenario() -> list[list[int]]:
        batcher = make(hold, max_size=1, max_wait=0, slots=slots)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit([1]))
        await asyncio.sleep(0.2)  # the first batch is in its worker thread, holding a slot
        second = asyncio.ensure_future(batcher.submit([2]))
        await asyncio.sleep(0.2)
        release.set()
        results = [await first, await second]
        await batcher.stop()
        return results

    assert asyncio.run(scenario()) == [[1], [2]]
    assert most == slots


def test_stopping_lets_running_batches_finish() -> None:
    async def scenario() -> list[str]:
        batcher = make(lambda items: (time.sleep(0.2), items)[1], max_wait=0)
        batcher.start()
        pending = asyncio.ensure_future(batcher.submit(["kept"]))
        await asyncio.sleep(0.05)
        await batcher.stop()
        return await pending

    assert asyncio.run(scenario()) == ["kept"]


def test_concurrent_submissions_share_calls_and_get_their_own_results() -> None:
    calls: list[list[int]] = []

    def double(items: list[int]) -> list[int]:
        calls.append(list(items))
        return [2 * i for i in items]

    async def scenario() -> list[list[int]]:
        batcher = make(double)
        batcher.start()
        results = await asyncio.gather(*(batcher.submit([i, i + 100]) for i in range(10)))
        await batcher.stop()
        return results

    results = asyncio.run(scenario())
    assert results == [[2 * i, 2 * (i + 100)] for i in range(10)]
    assert len(calls) < 10
    assert max(len(c) for c in calls) <= 8 + 2  # fills up to max_size, never far past it


def test_a_lone_request_runs_alone() -> None:
    async def scenario() -> tuple[list[str], list[int]]:
        batcher = make(lambda items: [s.upper() for s in items], max_wait=0.001)
        batcher.start()
        result = await batcher.submit(["hi"])
        await batcher.stop()
        return result, batcher.batch_sizes

    assert asyncio.run(scenario()) == (["HI"], [1])


def test_a_lone_request_at_a_quiet_time_does_not_sit_out_the_wait() -> None:
    async def scenario() -> list[str]:
        batcher = make(lambda items: [s.upper() for s in items], max_wait=60)
        batcher.start()
        # Were it to wait for company, it would wait a minute: the 5 s bound would trip.
        result = await asyncio.wait_for(batcher.submit(["hi"]), timeout=5)
        await batcher.stop()
        return result

    assert asyncio.run(scenario()) == ["HI"]


def test_a_failing_batch_fails_each_caller_and_the_batcher_carries_on() -> None:
    def fragile(items: list[str]) -> list[str]:
        if "boom" in items:
            raise RuntimeError("model crashed")
        return items

    async def scenario() -> list[str]:
        batcher = make(fragile)
        batcher.start()
        outcomes = await asyncio.gather(
            batcher.submit(["boom"]), batcher.submit(["fine"]), return_exceptions=True
        )
        assert all(isinstance(o, RuntimeError) for o in outcomes)
        after = await batcher.submit(["fine"])
        await batcher.stop()
        return after

    assert asyncio.run(scenario()) == ["fine"]


class SlowClassifier(FakeClassifier):
    """Takes long enough per forward pass for concurrent requests to queue behind it."""

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        time.sleep(0.05)
        return super().predict(texts, batch_size=batch_size)


@pytest.mark.parametrize("route", ["/v1/triage", "/v1/screen"])
def test_concurrent_http_requests_are_batched(tmp_path, route: str) -> None:
    model = SlowClassifier()
    app = create_app(Settings(data_dir=tmp_path, batch_max_wait_ms=20), classifier=model)
    texts = [f"Where is order {i}?" for i in range(12)]
    answers: dict[str, int] = {}
    with TestClient(app) as client:

        def post(text: str) -> None:
            answers[text] = client.post(route, json={"text": text}).status_code

        threads = [threading.Thread(target=post, args=(t,)) for t in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert answers == {t: 200 for t in texts}
    assert max(len(batch) for batch in model.batches) > 1
    assert sorted(t for batch in model.batches for t in batch) == sorted(texts)


def test_finish_runs_after_the_slot_is_given_back() -> None:
    """The store's work (finish) of one batch overlaps the next batch's forward pass (run)."""
    finishing = threading.Event()
    release = threading.Event()
    ran_while_finishing: list[int] = []

    def run(items: list[int]) -> list[int]:
        if finishing.is_set():
            ran_while_finishing.extend(items)
        return [i * 10 for i in items]

    def finish(items: list[int], scores: list[int]) -> list[str]:
        if items == [1]:
            finishing.set()
            release.wait(5)
        return [f"{i}:{s}" for i, s in zip(items, scores, strict=True)]

    async def scenario() -> list[list[str]]:
        batcher = MicroBatcher(
            run, finish=finish, max_size=1, max_wait=0, limiter=anyio.CapacityLimiter(1)
        )
        batcher.start()
        first = asyncio.ensure_future(batcher.submit([1]))
        await asyncio.sleep(0.2)  # the first batch is finishing, its slot given back
        second = await asyncio.wait_for(batcher.submit([2]), 2)
        release.set()
        results = [await first, second]
        await batcher.stop()
        return results

    assert asyncio.run(scenario()) == [["1:10"], ["2:20"]]
    assert ran_while_finishing == [2]


def test_an_error_in_finish_reaches_the_callers() -> None:
    def finish(items: list[int], scores: list[int]) -> list[int]:
        raise ValueError("store down")

    async def scenario() -> None:
        batcher = MicroBatcher(
            lambda items: items,
            finish=finish,
            max_size=4,
            max_wait=0,
            limiter=anyio.CapacityLimiter(1),
        )
        batcher.start()
        with pytest.raises(ValueError, match="store down"):
            await batcher.submit([1])
        await batcher.stop()

    asyncio.run(scenario())
