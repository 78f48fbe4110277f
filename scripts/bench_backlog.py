"""How fast a backlog goes through `triage batch`, beside the engine batched in-process, and on Ray.

    python scripts/bench_backlog.py [--data ../shared/data] [--messages 2000] [--runs 3]

Input: the first --messages tweets of TweetEval sentiment's test split (real people's posts,
read from --data, never committed) as a JSON Lines backlog with ids; the default runtime
(ONNX int8), batch 32.

In-process, on the same loaded engine, segment by segment (256 messages each, the methods
in a rotating order, so that a busy minute on a shared machine falls on all of them alike):
- the engine batched: `TriageEngine.triage` over the CLI's batches (the reference: the work
  the CLI does), and `TriageEngine.screen` (the batched /v1/screen figure of scripts/bench.py:
  no playbook and no facts, so less work than a backlog's);
- the CLI's loop, as `triage batch` runs it once its model is loaded: read and validate the
  messages, triage them batch by batch, write the lines to a file;
- the Ray driver's own work with no model (read, cut and pickle the batches, write the
  lines): the most one driver can write, whatever the cluster behind it.
Its ratio, CLI loop over engine batched triage, is the median of the segments' ratios.

Then --runs times each, alternating, the console script in its own process:
- `triage batch -o FILE`: its steady state is the rate it prints itself (messages over the
  time from the model loaded to the last line written); with start-up, messages over the
  process's wall time;
- `triage batch --ray --actors 2`, on a Ray it starts on this machine: its printed rate counts
  from before Ray starts (the actors load their models then), so it includes that start-up;
  and whether its output is byte for byte the local run's.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.cli.backlog import (  # noqa: E402
    BacklogRun,
    Triage,
    read_jsonl,
    readable_of,
    triage_records,
)
from app.core.config import Settings  # noqa: E402
from app.engine.memory import ConversationMemory  # noqa: E402
from app.engine.triage import TriageEngine, TriageInput  # noqa: E402
from app.model.loading import load_classifier  # noqa: E402
from app.replies.bank import ResponseBank  # noqa: E402

BATCH = 32
SEGMENT = 256  # messages per turn of the in-process comparison
DRIVER = "Ray driver alone, no model (the output sink's ceiling)"
SUMMARY = re.compile(r"(\d+) messages? .* in ([\d.]+) s: ([\d.]+) msgs/s")


def write_backlog(data: Path, count: int, path: Path) -> int:
    rows = (data / "tweeteval_sentiment" / "test.jsonl").read_text().splitlines()[:count]
    lines = [json.dumps({"id": f"t{i}", "text": json.loads(r)["text"]}) for i, r in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def cli(path: Path, out: Path, *extra: str) -> tuple[float, float, int]:
    """(rate the CLI prints, messages over wall time, messages) of one `triage batch` run."""
    out.unlink(missing_ok=True)
    command = [str(Path(sys.executable).parent / "triage"), "batch", str(path), "-o", str(out)]
    env = {**os.environ, "TRIAGE_DATA_DIR": str(ROOT / "data")}
    started = time.perf_counter()
    done = subprocess.run(
        [*command, *extra], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    found = SUMMARY.search(done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"triage batch {' '.join(extra)} failed: {done.stderr[-2000:]}")
    count = int(found.group(1))
    return float(found.group(3)), count / wall, count


def driver_alone(raw: list[bytes], lines: list[str], out: Path) -> None:
    """What the Ray driver does besides waiting: read, cut and pickle the batches, write them."""
    with out.open("w") as sink:
        run = BacklogRun(None, sink, batch_size=BATCH)
        batches = list(run.batches(read_jsonl(raw)))
        shipped = [pickle.dumps(readable_of(batch)) for batch in batches]
        given = iter(lines)
        for batch, _ in zip(batches, shipped, strict=True):
            run.write(batch, [next(given) for _ in readable_of(batch)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each console script")
    parser.add_argument("--no-ray", action="store_true", help="leave out the Ray runs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-backlog-"))
    backlog = work / "in.jsonl"
    count = write_backlog(args.data, args.messages, backlog)
    print(f"{count} tweets, batch {BATCH}; {platform.machine()}, {os.cpu_count()} cores")
    in_process(backlog, work)
    console_scripts(backlog, work, args.runs, ray=not args.no_ray)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


def in_process(backlog: Path, work: Path) -> None:
    settings = Settings(data_dir=ROOT / "data")
    memory = ConversationMemory.from_settings(settings)
    engine = TriageEngine.from_settings(
        load_classifier(settings), settings, bank=ResponseBank.default(), memory=memory
    )
    lines = backlog.read_bytes().splitlines(keepends=True)
    segments = [lines[i : i + SEGMENT] for i in range(0, len(lines), SEGMENT)]
    engine.triage([TriageInput("warm-up")])  # onnxruntime's first pass allocates

    def batched(raw: list[bytes], call: Callable[[list[TriageInput]], object]) -> None:
        items = [TriageInput(r.request.text) for r in read_jsonl(raw) if r.request]
        for i in range(0, len(items), BATCH):
            call(items[i : i + BATCH])

    def loop(raw: list[bytes], triage: Triage) -> None:
        with (work / "loop.jsonl").open("w") as out:
            BacklogRun(triage, out, batch_size=BATCH).run(read_jsonl(raw))

    written: list[str] = []  # the lines the driver writes: the CLI loop's, just written
    methods: dict[str, Callable[[list[bytes]], object]] = {
        "engine, batched triage": partial(batched, call=engine.triage),
        "engine, batched screen": partial(
            batched, call=lambda b: engine.screen([i.text for i in b])
        ),
        "CLI loop (read, triage, write)": partial(
            loop, triage=partial(triage_records, engine, store=False)
        ),
    }
    seconds = dict.fromkeys([*methods, DRIVER], 0.0)
    cpu = dict.fromkeys([*methods, DRIVER], 0.0)
    ratios = []
    for number, raw in enumerate(segments):
        names = list(methods)
        names = names[number % len(names) :] + names[: number % len(names)]
        taken = {}
        for name in [*names, DRIVER]:
            if name == DRIVER:
                written = (work / "loop.jsonl").read_text().splitlines(keepends=True)
            started, used = time.perf_counter(), time.process_time()
            if name == DRIVER:
                driver_alone(raw, written, work / "sink.jsonl")
            else:
                methods[name](raw)
            taken[name] = time.perf_counter() - started
            cpu[name] += time.process_time() - used
        ratios.append(taken["engine, batched triage"] / taken["CLI loop (read, triage, write)"])
        for name, value in taken.items():
            seconds[name] += value
    print(f"\nin-process, {settings.runtime}, {len(segments)} segments of {SEGMENT} messages\n")
    # CPU time counts this process only, so other jobs on the machine move it less than the
    # wall time (onnxruntime's threads spin while they wait: they count too).
    print("| in-process | msg/s | CPU ms a message |")
    print("| --- | ---: | ---: |")
    for name, value in seconds.items():
        print(f"| {name} | {len(lines) / value:.0f} | {1000 * cpu[name] / len(lines):.2f} |")
    each = ", ".join(f"{r:.2f}" for r in ratios)
    print(
        f"\nCLI loop / engine batched triage: median {statistics.median(ratios):.2f} "
        f"over the segments ({each})"
    )


def console_scripts(backlog: Path, work: Path, runs: int, *, ray: bool) -> None:
    figures: dict[str, list[float]] = {}
    identical = []
    for _ in range(runs):
        steady, with_start, _ = cli(backlog, work / "local.jsonl")
        figures.setdefault("`triage batch`, steady state (its own figure)", []).append(steady)
        figures.setdefault("`triage batch`, with start-up", []).append(with_start)
        if ray:
            on_ray, ray_wall, _ = cli(backlog, work / "ray.jsonl", "--ray", "--actors", "2")
            figures.setdefault("`triage batch --ray`, 2 actors, from Ray's start", []).append(
                on_ray
            )
            figures.setdefault("`triage batch --ray`, with process start-up", []).append(ray_wall)
            identical.append(
                (work / "ray.jsonl").read_bytes() == (work / "local.jsonl").read_bytes()
            )
    print(f"\nconsole scripts, {runs} run(s) each, alternating\n")
    print("| console script | msg/s, median | each run |")
    print("| --- | ---: | --- |")
    for name, values in figures.items():
        each = ", ".join(f"{v:.0f}" for v in values)
        print(f"| {name} | {statistics.median(values):.0f} | {each} |")
    if identical:
        print(f"\nRay output byte for byte the local run's: {sum(identical)} of {len(identical)}")


if __name__ == "__main__":
    main()
