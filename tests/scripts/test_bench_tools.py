"""The benchmark's own tools: the load generator, the floor's arithmetic, the long email."""

from __future__ import annotations

import asyncio
import re

import pytest
from transformers import BertConfig, BertModel

from scripts.bench import long_email, reads
from scripts.bench_floor import flops_per_message
from scripts.bench_http import quantile, run_load


async def _serve(statuses: list[int], seen: list[bytes]) -> tuple[asyncio.Server, int]:
    """A keep-alive HTTP server answering each request with the next status in turn."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            seen.append(await reader.readexactly(length))
            status = statuses[len(seen) % len(statuses)]
            body = b'{"ok": true}'
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
            )
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_the_load_generator_counts_every_answer(concurrency: int) -> None:
    async def scenario() -> tuple:
        seen: list[bytes] = []
        server, port = await _serve([200, 200, 200, 503], seen)
        async with server:
            result = await run_load(
                "127.0.0.1",
                port,
                "/x",
                [{"text": "a"}, {"text": "b"}],
                concurrency=concurrency,
                total=40,
            )
        return result, seen

    result, seen = asyncio.run(scenario())
    assert result.requests == len(seen) == 40
    assert result.errors == 10  # every fourth answer was a 503
    assert {b'{"text": "a"}', b'{"text": "b"}'} == set(seen)
    assert result.p50 <= result.p99 and result.throughput > 0


def test_quantile_takes_the_sample_at_that_rank() -> None:
    assert quantile(list(range(1, 101)), 0.99) == 100
    assert quantile([5.0, 1.0, 3.0], 0.5) == 3.0


def test_the_floor_counts_linear_layers_and_attention() -> None:
    config = BertConfig(
        vocab_size=50,
        hidden_size=8,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=32,
    )
    encoder = BertModel(config, add_pooling_layer=False)
    # Per layer: q, k, v, output 8x8 each, then 8x16 and 16x8; two layers.
    linear = 2 * (4 * 8 * 8 + 8 * 16 + 16 * 8)
    tokens = 10
    expected = 2 * tokens * linear + 2 * 2 * tokens * tokens * 8 * 2
    assert flops_per_message(encoder, [tokens]) == expected
    assert flops_per_message(encoder, [10, 10]) == expected


def test_the_long_email_never_repeats_a_sentence() -> None:
    # A repeated sentence would let a reader that skips what it has seen look fast.
    email = long_email(10_000)
    sentences = re.split(r"(?<=[.!?])\s+", email)
    assert 10_000 <= len(email) < 10_400
    assert len(set(sentences)) == len(sentences) > 50
    assert email.count("worst service") == 1 and email.endswith("Regards, Dana")


def test_the_email_rows_say_what_was_read() -> None:
    assert reads(57, 0, default=64) == "reads all 57 chunks"
    assert reads(57, 64, default=64) == "reads all 57 chunks"
    assert reads(57, 8, default=8) == "reads 8 of 57 chunks, the default"
    assert reads(57, 8, default=64) == "reads 8 of 57 chunks, TRIAGE_LONG_TEXT_MAX_WINDOWS=8"
