"""How fast the service is, beside what people would otherwise run, and beside the hardware.

    python scripts/bench.py [--out docs/bench] [--quick]

One run measures, on this machine:
- in-process, one message: the classifier and the whole engine (torch and ONNX int8), the
  plain `transformers` pipeline (fp32) and VADER; and a 10,000-character email;
- over HTTP on loopback, at concurrency 1, 8, 32 and 64: the service's /v1/screen and
  /v1/triage (one uvicorn worker), and the same messages through a plain pipeline server
  (one request at a time) and a VADER server; p50, p99 and throughput of each;
- cold start to ready, and the resident memory of each served worker;
- the floor: the model's arithmetic per message over the matrix-multiply rate measured here.
It prints one table, writes the figures as JSON and draws latency and throughput against
concurrency into a PNG. Wall time is noisy on a shared machine: compare the ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_floor import Floor, flops_per_message, measure_floor  # noqa: E402
from scripts.bench_http import LoadResult, load, quantile  # noqa: E402

# Chat lines and ticket openings of the lengths the service sees: 8 to 60 words.
MESSAGES = [
    "I want to speak to your manager, this is the third time I'm writing!",
    "Where is my parcel? It was due on Monday.",
    "Thanks so much, the new card works perfectly.",
    "I've been charged twice for the same order and nobody is helping me.",
    "Not sure whether the basic or the pro plan suits a team of five, what would you suggest?",
    "Great, another week of waiting. Really impressive.",
    "Hi, can you tell me how to change the delivery address on an order I placed yesterday?",
    "This is absolutely unacceptable. I was promised a refund two weeks ago and still nothing.",
    "I don't understand the invoice, what is the 'service adjustment' line for?",
    "If this isn't fixed by Friday I'm cancelling and telling everyone I know.",
    "The app keeps logging me out every few minutes since the last update, on two phones.",
    "Could you send me the exact steps again? I tried what you said and I'm lost.",
    "I need this sorted today, no excuses. Send a replacement by express, at your cost.",
    "Maybe the blue one, or actually the grey... I really can't decide, both look nice.",
    "Hello, I ordered a desk three weeks ago. The tracking page has said 'preparing' since "
    "then and nobody answers the phone. I have taken two days off work to wait for it. "
    "Please tell me what is going on and when it will actually arrive.",
    "Your technician was great, very polite, and the internet has been fast all week.",
]


def long_email(chars: int = 10_000) -> str:
    """A customer's email of at least `chars` characters, no sentence twice.

    Repeating one sentence would flatter any reader that skips what it has seen; this reads
    like the real thing: a greeting, a dated account of contacts and broken promises, one
    sharp complaint in the middle, and a sign-off.
    """
    channels = (
        "rang your helpline",
        "used the chat on your website",
        "emailed support",
        "wrote to you on social media",
        "visited the store on the high street",
    )
    people = (
        "a very polite agent called Sam",
        "someone in the billing team",
        "a supervisor whose name I did not catch",
        "the courier's own line",
        "an agent reading from a script",
    )
    promises = (
        "the parcel would be out for delivery the next morning",
        "a replacement had been ordered and would ship within two days",
        "the refund was approved and only needed a manager's signature",
        "the warehouse had located the item and was repacking it",
        "a technician would call me back before the end of the day",
        "my case had been escalated to a specialist team",
    )
    outcomes = (
        "nothing arrived",
        "no one called back",
        "the tracking page did not change",
        "I received an automated survey instead",
        "the case was closed without a word",
        "my account showed a second charge",
    )
    lines = [
        "Hello,",
        "I am writing about order 48213, a standing desk and two monitor arms "
        "that I ordered for my home office at the start of the month.",
    ]
    sign_off = "Please call me on the number on the order. Regards, Dana"
    day = 1
    while sum(len(line) + 1 for line in [*lines, sign_off]) < chars:
        i = day - 1
        lines.append(
            f"On day {day} I {channels[i % 5]} and {people[(i // 5) % 5]} told me that "
            f"{promises[i % 6]}, but {outcomes[(i // 6) % 6]}."
        )
        if day == 30:
            lines.append(
                "Frankly this is the worst service I have ever had, and I am close "
                "to asking my bank to reverse the payment."
            )
        day += 1
    return " ".join([*lines, sign_off])


EMAIL = long_email()
LEVELS = (1, 8, 32, 64)
# A reading budget small enough for a 10,000-character email in well under 100 ms; the
# bench shows it beside the full read (what it costs in accuracy: scripts/evaluate_long.py).
SMALL_BUDGET = 8


@dataclass
class Server:
    name: str
    path: str
    cold_start_s: float = 0.0
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    levels: list[LoadResult] = field(default_factory=list)


def timed(call: Callable[[str], object], texts: Sequence[str], repeat: int) -> list[float]:
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        call(texts[i % len(texts)])
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("the server did not become ready")


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


@contextmanager
def serving(
    target: list[str], env: dict[str, str]
) -> Iterator[tuple[int, subprocess.Popen, float]]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", *target, "--port", str(port)]
    command += ["--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    try:
        yield port, process, wait_ready(port, process)
    finally:
        process.terminate()
        process.wait(30)


def load_levels(server: Server, port: int, payloads: list[dict], seconds: float) -> None:
    load("127.0.0.1", port, server.path, payloads, concurrency=4, total=40)  # warm-up
    rate = 50.0
    for concurrency in LEVELS:
        # Enough requests for about `seconds` at the last level's rate, at least 5 each.
        total = int(min(max(rate * seconds, concurrency * 5), 4000))
        total -= total % concurrency
        result = load(
            "127.0.0.1", port, server.path, payloads, concurrency=concurrency, total=total
        )
        rate = max(result.throughput, 1.0)
        server.levels.append(result)
        print(
            f"  {server.name} c={concurrency}: {result.throughput:.0f}/s, "
            f"p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms, errors {result.errors}",
            file=sys.stderr,
        )


def http_servers(onnx_cache: Path, seconds: float) -> list[Server]:
    payloads = [{"text": t} for t in MESSAGES]
    servers = []
    with tempfile.TemporaryDirectory() as data_dir:
        # The ONNX files exported by the in-process part: the cold start is the worker's own.
        shutil.copytree(onnx_cache, Path(data_dir) / "onnx")
        ours_env = {
            "TRIAGE_RUNTIME": "onnx-int8",
            "TRIAGE_DATA_DIR": data_dir,
            "TRIAGE_LOG_LEVEL": "WARNING",
            "TRIAGE_RATE_LIMIT_PER_MINUTE": "0",  # one client sends everything here
            # The messages repeat: with the score cache on, the model would hardly run.
            "TRIAGE_SCORE_CACHE_SIZE": "0",
            "HF_HUB_OFFLINE": "1",
        }
        with serving(["app.main:app"], ours_env) as (port, process, cold):
            for path in ("/v1/screen", "/v1/triage"):
                server = Server(f"ours {path}", path, cold_start_s=cold)
                load_levels(server, port, payloads, seconds)
                server.rss_mb, server.peak_rss_mb = memory_mb(process.pid)
                servers.append(server)
    for peer in ("pipeline", "vader"):
        target = ["--factory", "scripts.bench_peers:create_app"]
        with serving(target, {"BENCH_PEER": peer, "HF_HUB_OFFLINE": "1"}) as (port, process, cold):
            server = Server(f"plain {peer}", "/score", cold_start_s=cold)
            load_levels(server, port, payloads, seconds)
            server.rss_mb, server.peak_rss_mb = memory_mb(process.pid)
            servers.append(server)
    return servers


def reads(chunks: int, budget: int, default: int) -> str:
    """What of the email a model reads: "reads all 57 chunks", "reads 8 of 57 chunks"."""
    if not budget or budget >= chunks:
        return f"reads all {chunks} chunks"
    setting = "the default" if budget == default else f"TRIAGE_LONG_TEXT_MAX_WINDOWS={budget}"
    return f"reads {budget} of {chunks} chunks, {setting}"


def in_process(repeat: int, onnx_cache: Path) -> tuple[list[tuple[str, float, float]], dict]:
    import torch

    from app.core.config import Settings
    from app.engine.memory import ConversationMemory
    from app.engine.triage import TriageEngine, TriageInput
    from app.model.base import Classifier
    from app.model.onnx_export import to_onnx
    from app.model.torch_model import MiniLMClassifier
    from app.replies.bank import ResponseBank
    from scripts.bench_peers import pipeline_scorer, vader_scorer

    started = time.perf_counter()
    reference = MiniLMClassifier.load(ROOT / "models")
    reference.predict(["warm-up"])
    facts: dict = {"torch_load_s": time.perf_counter() - started}
    started = time.perf_counter()
    fast = to_onnx(reference, onnx_cache, int8=True)
    facts["onnx_int8_ready_s"] = time.perf_counter() - started
    settings = Settings()
    email_chunks = len(reference.encoder.windows([EMAIL])[0])  # read with no budget

    def engine_of(model: Classifier) -> TriageEngine:
        memory = ConversationMemory.from_settings(settings)
        return TriageEngine.from_settings(
            model, settings, bank=ResponseBank.default(), memory=memory
        )

    rows = []
    for name, model, threads in (("torch fp32", reference, 0), ("ONNX int8", fast, 1)):
        torch.set_num_threads(threads or os.cpu_count() or 1)
        engine = engine_of(model)
        for text in MESSAGES:
            engine.triage([TriageInput(text)])  # warm-up
        for label, call in (
            (f"classifier, {name}", lambda t, m=model: m.predict([t])),
            (f"engine, screen, {name}", lambda t, e=engine: e.screen([t])),
            (f"engine, triage, {name}", lambda t, e=engine: e.triage([TriageInput(t)])),
        ):
            samples = timed(call, MESSAGES, repeat)
            rows.append((label, statistics.median(samples), quantile(samples, 0.99)))
        # torch reads the whole email; ONNX whole, as served by default (if that differs)
        # and with a small budget, to show what one buys.
        budgets = [0]
        if model is fast:
            wanted = (settings.long_text_max_windows, SMALL_BUDGET)
            budgets += dict.fromkeys(b for b in wanted if 0 < b < email_chunks)
        for budget in budgets:
            if model is fast:
                fast.windower = dataclasses.replace(fast.windower, max_windows=budget)
            samples = timed(lambda t, e=engine: e.triage([TriageInput(t)]), [EMAIL], 20)
            rows.append(
                (
                    f"10,000-char email, triage, {name} "
                    f"({reads(email_chunks, budget, settings.long_text_max_windows)})",
                    statistics.median(samples),
                    quantile(samples, 0.99),
                )
            )
        batch = [TriageInput(MESSAGES[i % len(MESSAGES)]) for i in range(512)]
        started = time.perf_counter()
        engine.screen([b.text for b in batch])
        facts[f"batched_screen_per_s_{name}"] = len(batch) / (time.perf_counter() - started)
    torch.set_num_threads(os.cpu_count() or 1)
    for label, scorer in (("plain pipeline, fp32", pipeline_scorer()), ("VADER", vader_scorer())):
        scorer("warm-up")
        samples = timed(scorer, MESSAGES, repeat)
        rows.append((label, statistics.median(samples), quantile(samples, 0.99)))
        if label.startswith("plain"):
            samples = timed(scorer, [EMAIL], 20)
            rows.append(
                (
                    "10,000-char email, plain pipeline (reads 512 tokens)",
                    statistics.median(samples),
                    quantile(samples, 0.99),
                )
            )
    facts["tokens"] = [len(w) for t in MESSAGES for w in reference.encoder.windows([t])[0]]
    # Token counts of the windows each email row reads, for that row's floor.
    facts["email_tokens"] = {
        budget: [
            len(w)
            for w in dataclasses.replace(fast.windower, max_windows=budget).windows([EMAIL])[0]
        ]
        for budget in (0, settings.long_text_max_windows, SMALL_BUDGET)
    }
    facts["encoder"] = reference.encoder.model
    return rows, facts


def plot(servers: list[Server], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (latency, rate) = plt.subplots(1, 2, figsize=(12, 4.5))
    for server in servers:
        x = [r.concurrency for r in server.levels]
        (line,) = latency.plot(
            x, [r.p50 for r in server.levels], marker="o", label=f"{server.name} p50"
        )
        latency.plot(
            x,
            [r.p99 for r in server.levels],
            marker="x",
            linestyle="--",
            color=line.get_color(),
            label=f"{server.name} p99",
        )
        rate.plot(x, [r.throughput for r in server.levels], marker="o", label=server.name)
    for axis, title, unit in ((latency, "latency", "ms"), (rate, "throughput", "requests/s")):
        axis.set_xscale("log", base=2)
        axis.set_yscale("log")
        axis.set_xticks(LEVELS, [str(c) for c in LEVELS])
        axis.set_xlabel("concurrent connections")
        axis.set_ylabel(unit)
        axis.set_title(f"HTTP {title} on loopback, {os.cpu_count()} cores")
        axis.grid(True, which="both", alpha=0.3)
    latency.legend(fontsize=7)
    rate.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def report(rows: list, servers: list[Server], floor: Floor, facts: dict) -> list[str]:
    out = [
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"model load {facts['torch_load_s']:.1f} s, "
        f"ONNX int8 ready {facts['onnx_int8_ready_s']:.1f} s",
        "",
        "| in-process, one message | p50 ms | p99 ms |",
        "| --- | ---: | ---: |",
    ]
    out += [f"| {name} | {p50:.2f} | {p99:.2f} |" for name, p50, p99 in rows]
    for key, value in facts.items():
        if key.startswith("batched"):
            out.append(
                f"| batched /v1/screen engine work, {key.split('_')[-1]} | {value:.0f} msg/s | |"
            )
    out += [
        "",
        "| over HTTP | concurrency | throughput /s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for server in servers:
        for r in server.levels:
            out.append(
                f"| {server.name} | {r.concurrency} | {r.throughput:.0f} | {r.p50:.1f} "
                f"| {r.p99:.1f} | {r.errors} |"
            )
    out += [
        "",
        "| served worker | cold start to ready s | resident MB | peak MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    seen = set()
    for server in servers:
        worker = server.name.split(" /")[0]
        if worker not in seen:
            seen.add(worker)
            out.append(
                f"| {worker} | {server.cold_start_s:.1f} | {server.rss_mb:.0f} "
                f"| {server.peak_rss_mb:.0f} |"
            )
    out += ["", floor.describe()]
    by_name = {s.name: s for s in servers}
    ours, plain = by_name["ours /v1/screen"], by_name["plain pipeline"]
    c32 = {s.name: next(r for r in s.levels if r.concurrency == 32) for s in servers}
    c1 = next(r for r in ours.levels if r.concurrency == 1)
    ratio = c32[ours.name].throughput / c32[plain.name].throughput
    of_floor = c32[ours.name].throughput / floor.messages_per_s
    out += [
        "",
        "ratios and targets (issue 6):",
        f"- /v1/screen at c=1: p50 {c1.p50:.1f} ms (target <= 8), p99 {c1.p99:.1f} ms (<= 20)",
        f"- /v1/screen at c=32: {ratio:.1f}x the plain pipeline's throughput (target >= 4x), "
        f"p99 {c32[ours.name].p99:.0f} ms (<= 300), {of_floor:.2f} of the int8 floor "
        f"(target >= 0.5)",
        f"- served worker: {ours.rss_mb:.0f} MB resident (target < 600)",
    ]
    p50 = {name: value for name, value, _ in rows}
    for prefix, target in (
        ("classifier, ONNX int8", "<= 5 ms"),
        ("engine, screen, ONNX int8", "<= 5 ms"),
        ("10,000-char email, triage, ONNX int8", "< 100 ms"),
    ):
        for name in [n for n in p50 if n.startswith(prefix)]:
            out.append(f"- in-process {name}: p50 {p50[name]:.1f} ms (target {target})")
    floors = ", ".join(
        f"{ms:.0f} ms {'for all its chunks' if not budget else f'for {budget}'}"
        for budget, ms in facts["email_floor_ms"].items()
    )
    out.append(f"- the email's own floor (its windows' arithmetic at the int8 rate): {floors}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench")
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=6.0, help="per concurrency level")
    parser.add_argument("--quick", action="store_true", help="fewer samples, to try it out")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.seconds = 40, 1.0
    onnx_cache = ROOT / ".cache" / "onnx"

    print("in-process ...", file=sys.stderr)
    rows, facts = in_process(args.repeat, onnx_cache)
    print("floor ...", file=sys.stderr)
    encoder = facts.pop("encoder")
    email_tokens = facts.pop("email_tokens")
    floor = measure_floor(encoder, facts.pop("tokens"), onnx_cache)
    # The email's floor for each budget: its windows' arithmetic at the measured int8 rate.
    facts["email_floor_ms"] = {
        budget: flops_per_message(encoder, tokens) * len(tokens) / (floor.int8_gops * 1e9) * 1000
        for budget, tokens in email_tokens.items()
    }
    print("HTTP ...", file=sys.stderr)
    servers = http_servers(onnx_cache, args.seconds)
    lines = report(rows, servers, floor, facts)
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    plot(servers, args.out / "latency.png")
    (args.out / "results.md").write_text("\n".join(lines) + "\n")
    results = {
        "in_process": [{"name": n, "p50_ms": a, "p99_ms": b} for n, a, b in rows],
        "facts": facts,
        "floor": floor.as_dict(),
        "http": [
            {
                "server": s.name,
                "cold_start_s": s.cold_start_s,
                "rss_mb": s.rss_mb,
                "levels": [
                    {
                        "concurrency": r.concurrency,
                        "throughput": r.throughput,
                        "p50_ms": r.p50,
                        "p99_ms": r.p99,
                        "errors": r.errors,
                        "requests": r.requests,
                    }
                    for r in s.levels
                ],
            }
            for s in servers
        ],
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {args.out / 'latency.png'}, results.md and results.json")


if __name__ == "__main__":
    main()
