"""The database stopped mid-load: triage keeps answering, no acknowledged turn is lost.

A TCP proxy stands between the server and PostgreSQL (the machine's database is shared with
other tests, so it is the proxy that is cut): it is closed, listener and connections, in the
middle of a load test, then opened again.
"""

from __future__ import annotations

import asyncio
import random
import string
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from scripts.load_test import Call, run_load
from tests.fake_server import free_port, running_server

PG_HOST, PG_PORT = "127.0.0.1", 5432
POSTGRES_URL = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test"
CUT_AT_S, RESTORE_AT_S, DURATION_S = 2.5, 5.5, 9.0


class Proxy:
    """A TCP proxy to PostgreSQL on its own event loop thread; `cut()` is the outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> Proxy:
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def cut(self) -> None:
        """Stop listening and drop every open connection, as a database that went away."""
        asyncio.run_coroutine_threadsafe(self._cut(), self._loop).result(timeout=10)

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _pipe(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(PG_HOST, PG_PORT)
        except OSError:
            client_w.transport.abort()
            return
        self._writers |= {client_w, server_w}

        async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.transport.abort()
                self._writers.discard(writer)

        await asyncio.gather(copy(client_r, server_w), copy(server_r, client_w))


@dataclass
class Outcomes:
    """What the clients were told."""

    statuses: list[int | None] = field(default_factory=list)  # None: no answer at all
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (conversation, token)
    unavailable: int = 0  # answered without the conversation part, the store being down
    stored_after_restore: int = 0
    readyz_while_down: list[int] = field(default_factory=list)
    readyz_after: list[int] = field(default_factory=list)


def letters(n: int) -> str:
    """A token the redaction leaves alone (long digit runs could look like phone numbers)."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(n))


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy() as running:
        yield running


def test_a_database_outage_mid_load_loses_no_acknowledged_turn(
    tmp_path: Path, proxy: Proxy
) -> None:
    run = "".join(random.choices(string.ascii_lowercase, k=10))
    conversations = [f"fault-{run}-{i}" for i in range(20)]
    outcomes = Outcomes()
    started = time.monotonic()
    restored = threading.Event()

    def calls(n: int) -> Call:
        body = {
            "text": f"My order is late again!! reference {run}{letters(n)}",
            "conversation_id": conversations[n % len(conversations)],
        }
        return Call("/v1/triage", body)

    def observe(call: Call, response: httpx.Response | None) -> None:
        outcomes.statuses.append(response.status_code if response is not None else None)
        if response is None or response.status_code != 200:
            return
        conversation = response.json()["conversation"]
        if conversation["stored"]:
            token = call.body["text"].rsplit(" ", 1)[1]
            outcomes.acknowledged.append((call.body["conversation_id"], token))
            outcomes.stored_after_restore += restored.is_set()
        if not conversation["available"]:
            outcomes.unavailable += 1

    async def outage(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            await asyncio.sleep(CUT_AT_S - (time.monotonic() - started))
            await asyncio.to_thread(proxy.cut)
            await asyncio.sleep(0.5)
            outcomes.readyz_while_down.append((await client.get("/readyz")).status_code)
            await asyncio.sleep(RESTORE_AT_S - (time.monotonic() - started))
            await asyncio.to_thread(proxy.restore)
            restored.set()

    async def scenario(url: str) -> None:
        await asyncio.gather(
            run_load(url, duration_s=DURATION_S, concurrency=8, calls=calls, observe=observe),
            outage(url),
        )

    database = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test?connect_timeout=2"
    with running_server(tmp_path, {"TRIAGE_DATABASE_URL": database}) as server:
        started = time.monotonic()
        asyncio.run(scenario(server.url))
        deadline = time.monotonic() + 30
        while (ready := httpx.get(server.url + "/readyz", timeout=10).status_code) != 200:
            assert time.monotonic() < deadline, "never ready again after the outage"
            time.sleep(0.2)
        outcomes.readyz_after.append(ready)

    print(
        f"fault: {len(outcomes.statuses)} requests, {outcomes.unavailable} answered without "
        f"the store, {len(outcomes.acknowledged)} turns acknowledged as stored"
    )
    assert outcomes.statuses, "no load was sent"
    assert set(outcomes.statuses) == {200}  # no 5xx, no dropped connection, ever
    assert outcomes.unavailable > 0  # the outage did happen mid-load...
    assert outcomes.stored_after_restore > 0  # ...and the store came back under load
    assert outcomes.readyz_while_down == [503]
    assert outcomes.readyz_after == [200]
    kept = kept_tokens(conversations)
    lost = [token for _, token in outcomes.acknowledged if token not in kept]
    assert lost == []


def kept_tokens(conversation_ids: list[str]) -> set[str]:
    """The tokens of every turn PostgreSQL holds for these conversations, read directly."""
    engine = create_engine(POSTGRES_URL)
    with engine.connect() as conn:
        texts = conn.execute(
            text("SELECT text FROM turns WHERE conversation_id = ANY(:ids)"),
            {"ids": conversation_ids},
        ).scalars()
        kept = {t.rsplit(" ", 1)[1] for t in texts if t}
    engine.dispose()
    return kept
