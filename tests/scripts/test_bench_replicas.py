"""scripts/bench_replicas.py's own arithmetic: CPU time read from /proc, the summary table."""

from __future__ import annotations

import os
import time

from scripts.bench_replicas import Window, cpu_seconds, markdown, triage_calls


def test_cpu_seconds_counts_this_process_work() -> None:
    before = cpu_seconds([os.getpid()])
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert cpu_seconds([os.getpid()]) - before >= 0.15
    assert cpu_seconds([2**22 + 1]) == 0  # a process that is gone counts nothing


def window(replicas: int, msg_per_s: float) -> Window:
    return Window(
        replicas=replicas,
        messages=int(msg_per_s * 10),
        seconds=10.0,
        msg_per_s=msg_per_s,
        p50_ms=100.0,
        p95_ms=300.0,
        errors=0,
        replicas_cores=1.0,
        balancer_cores=0.01,
        client_cores=0.1,
        cpu_ms_per_msg=9.0,
        load_avg=2.0,
    )


def test_the_table_gives_each_count_its_median_and_range() -> None:
    rounds = [(1, 50.0), (2, 70.0), (2, 90.0), (1, 60.0), (1, 40.0), (2, 80.0)]
    table = markdown([window(size, rate) for size, rate in rounds], threads=1)
    assert "| 1 | 50.0 (40.0-60.0) |" in table
    assert "| 2 | 80.0 (70.0-90.0) |" in table
    assert "median of 3 interleaved windows" in table


def test_every_text_is_unique_and_a_share_are_conversation_turns() -> None:
    call = triage_calls(seed=7)
    calls = [call(n) for n in range(400)]
    assert len({c.body["text"] for c in calls}) == 400
    turns = sum("conversation_id" in c.body for c in calls)
    assert 60 < turns < 140  # a quarter, give or take
    assert {c.path for c in calls} == {"/v1/triage"}
