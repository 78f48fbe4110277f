"""The `triage` command line: run a backlog through the engine, or look at one message."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, get_args

from pydantic import ValidationError
from tqdm import tqdm

from app.api.problems import field_error
from app.api.schemas import TriageRequest, TriageResponse
from app.api.wire import to_input, to_response
from app.cli.backlog import (
    BacklogError,
    BacklogRun,
    Format,
    Record,
    Summary,
    Triage,
    decoded_lines,
    format_of,
    read_csv,
    read_jsonl,
    resume_point,
    triage_records,
)
from app.cli.keys import register as register_keys
from app.core.config import Settings
from app.core.errors import TriageError
from app.core.labels import Channel
from app.core.logs import configure_logging
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine
from app.model.base import Classifier
from app.model.loading import load_classifier
from app.replies.bank import load_bank
from app.store.conversations import ConversationStore

USAGE_ERROR = 2
INTERRUPTED = 130
PLAYBOOK_STEPS_SHOWN = 3


def main(
    argv: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    classifier: Classifier | None = None,
) -> int:
    """Entry point of the `triage` console script; returns the exit status.

    Tests pass settings and a classifier; each command then finds them on its arguments
    (`args.settings`, `args.classifier`; None: read TRIAGE_* and load the shipped model).
    """
    args = build_parser().parse_args(argv)
    args.settings, args.classifier = settings, classifier
    try:
        return int(args.func(args) or 0)
    except (BacklogError, TriageError) as exc:
        print(f"triage: error: {exc}", file=sys.stderr)
        return USAGE_ERROR if isinstance(exc, BacklogError) else 1
    except ValidationError as exc:  # from TRIAGE_* variables; a message's own are per line
        print(f"triage: error: invalid settings: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("triage: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's exit-time flush of
        # stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="triage", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in REGISTRARS:
        register(subparsers)
    return parser


def add_runtime(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--runtime",
        choices=get_args(Settings.model_fields["runtime"].annotation),
        help="the encoder's runtime (default: TRIAGE_RUNTIME, else the service's default)",
    )


@contextlib.contextmanager
def open_engine(args: argparse.Namespace, *, store: bool = False) -> Iterator[TriageEngine]:
    """The service's engine, built as the app builds it; conversation memory only if asked."""
    settings = _settings(args)
    configure_logging("WARNING")  # stderr belongs to the progress bar and the summary
    bank = load_bank(settings)  # the cheap check first: a broken bank stops before the model
    classifier = args.classifier or load_classifier(settings)
    memory = ConversationMemory.from_settings(settings)
    if store:
        url = settings.database_url or "sqlite:///"
        memory.store = ConversationStore.open(url, data_dir=settings.data_dir)
    try:
        yield TriageEngine.from_settings(classifier, settings, bank=bank, memory=memory)
    finally:
        if memory.store is not None:
            memory.store.close()


def _settings(args: argparse.Namespace) -> Settings:
    settings: Settings = args.settings or Settings()
    if args.runtime:
        settings = settings.model_copy(update={"runtime": args.runtime})
    return settings


# --- triage batch -------------------------------------------------------------------------


def register_batch(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="triage a backlog: one JSON line out per message in",
        description="Triage every message of a JSON Lines or CSV file, in batches, writing one "
        "JSON line per message in input order. With -o a rerun resumes where the last stopped.",
    )
    parser.add_argument("input", help="a .jsonl or .csv file, or - for stdin")
    parser.add_argument("-o", "--output", type=Path, help="append here (resumable), not stdout")
    parser.add_argument("--format", choices=get_args(Format), help="default: from the suffix")
    parser.add_argument("--text-column", default="text", help="CSV: the message column")
    parser.add_argument("--id-column", help="CSV: the id column (default: id, if present)")
    parser.add_argument("--batch-size", type=_positive, default=32, help="messages per pass")
    parser.add_argument(
        "--store",
        action="store_true",
        help="read and keep conversation memory for messages with a conversation_id "
        "(default: each message is triaged on its own and nothing is kept)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    add_runtime(parser)
    ray = parser.add_argument_group(
        "Ray", "triage on a Ray cluster: the same output, written here; see docs/deploy.md"
    )
    ray.add_argument("--ray", action="store_true", help="triage the batches on Ray actors")
    ray.add_argument(
        "--address",
        help="the cluster to join (auto: the one `ray start` runs here; default: RAY_ADDRESS, "
        "else a Ray started on this machine for the run)",
    )
    ray.add_argument(
        "--actors", type=_positive, help="actors, one model each (default: as the cluster fits)"
    )
    ray.add_argument(
        "--actor-cpus",
        type=_positive,
        default=1,
        help="CPUs each actor reserves, and its model's threads (default 1)",
    )
    parser.set_defaults(func=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    fmt: Format = args.format or ("jsonl" if args.input == "-" else format_of(args.input))
    if args.ray and args.store:
        raise BacklogError("--store keeps conversations in input order; it cannot run on Ray")
    if (args.address or args.actors) and not args.ray:
        raise BacklogError("--address and --actors go with --ray")
    done = resume_point(args.output) if args.output else None
    with (
        _input(args.input) as source,
        # Read the header now: a wrong column name should not wait for the model to load.
        contextlib.nullcontext(_records(source, fmt, args)) as records,
        _runner(args) as (triage, settings),
        _output(args.output) as out,
        _progress(args, fmt, already=sum(done.values()) if done else 0) as bar,
    ):
        run = BacklogRun(
            triage,
            out,
            batch_size=args.batch_size,
            skip=done if done is not None else Counter(),
            on_batch=bar.update,
        )
        started = time.perf_counter()
        try:
            summary = _run_on_ray(args, run, records, settings) if args.ray else run.run(records)
        except KeyboardInterrupt:
            bar.close()
            where = "rerun the same command to resume" if args.output else "nothing to resume"
            _note(args, f"interrupted after {run.summary.triaged + run.summary.errors}; {where}")
            return INTERRUPTED
    elapsed = time.perf_counter() - started
    count = summary.triaged + summary.errors
    rate = count / elapsed if elapsed > 0 else 0.0
    messages = f"{count} message{'' if count == 1 else 's'} ({summary.errors} unreadable)"
    resumed = f"; {summary.skipped} already in {args.output}" if summary.skipped else ""
    where = ", on Ray (its start-up included)" if args.ray else ""
    _note(
        args,
        f"{messages} in {elapsed:.1f} s: {rate:.1f} msgs/s on {settings.runtime}{where}, "
        f"batch {args.batch_size}{resumed}",
    )
    return 0


@contextlib.contextmanager
def _runner(args: argparse.Namespace) -> Iterator[tuple[Triage | None, Settings]]:
    """The engine here, or (with --ray) none: each Ray actor then loads its own."""
    if args.ray:
        yield None, _settings(args)
        return
    with open_engine(args, store=args.store) as engine:
        yield partial(triage_records, engine, store=args.store), engine.settings


def _run_on_ray(
    args: argparse.Namespace, run: BacklogRun, records: Iterator[Record], settings: Settings
) -> Summary:
    from app.cli.ray_backlog import run_on_ray  # Ray is imported only when asked for

    configure_logging("WARNING")
    return run_on_ray(
        run,
        records,
        settings=settings,
        classifier=args.classifier,
        address=args.address,
        actors=args.actors,
        actor_cpus=args.actor_cpus,
    )


def _records(source: IO[bytes], fmt: Format, args: argparse.Namespace) -> Iterator[Record]:
    if fmt == "jsonl":
        return read_jsonl(source)
    return read_csv(decoded_lines(source), text_column=args.text_column, id_column=args.id_column)


@contextlib.contextmanager
def _input(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        source = open(path, "rb")  # noqa: SIM115 - closed below; only the open is guarded
    except OSError as exc:
        raise BacklogError(f"cannot read {path}: {exc.strerror}") from exc
    with source:
        yield source


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("a", encoding="utf-8") as out:
        yield out


@contextlib.contextmanager
def _progress(args: argparse.Namespace, fmt: Format, *, already: int) -> Iterator[tqdm]:
    enabled = not args.quiet and sys.stderr.isatty()
    # Counting needs a second read of the input, so only a file, and only for a visible bar.
    total = _count(args, fmt) if enabled and args.input != "-" else None
    with tqdm(
        total=total, initial=already, unit="msg", disable=not enabled, file=sys.stderr
    ) as bar:
        yield bar


def _count(args: argparse.Namespace, fmt: Format) -> int:
    with open(args.input, "rb") as source:
        return sum(1 for _ in _records(source, fmt, args))


def _note(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(f"triage: {line}", file=sys.stderr)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


# --- triage classify ----------------------------------------------------------------------


def register_classify(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="triage one message and show the result",
        description="Triage one message with the shipped model: a short readable view, or "
        "the full /v1/triage response with --json.",
    )
    parser.add_argument("text", help="the customer's message; - reads it from stdin")
    parser.add_argument("--channel", choices=get_args(Channel), default="chat")
    parser.add_argument("--json", action="store_true", help="print the full response as JSON")
    add_runtime(parser)
    parser.set_defaults(func=run_classify)


def run_classify(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        request = TriageRequest(text=text, channel=args.channel)
    except ValidationError as exc:
        for error in exc.errors():
            message = field_error(error).msg.removeprefix("Value error, ")
            print(f"triage: error: {message}", file=sys.stderr)
        return USAGE_ERROR
    with open_engine(args) as engine:
        [result] = engine.triage([to_input(request)])
        response = to_response(result, engine, "")
    if args.json:
        print(response.model_dump_json(indent=2, exclude={"request_id"}))
    else:
        print(describe(response))
    return 0


def describe(response: TriageResponse) -> str:
    """A few lines a person reads at a glance: the decision first, then why, then what to say."""
    s, e = response.sentiment, response.escalation
    kind, types = response.customer_type.label, response.customer_type.scores
    runner_up = max((t for t in types if t != kind), key=lambda t: types[t])
    steps = [
        f"{n}. {step.step}: {step.responses[0].text if step.responses else '(no reply)'}"
        for n, step in enumerate(response.playbook[:PLAYBOOK_STEPS_SHOWN], start=1)
    ]
    if len(response.playbook) > PLAYBOOK_STEPS_SHOWN:
        more = len(response.playbook) - PLAYBOOK_STEPS_SHOWN
        steps.append(f"... {more} more step(s); --json shows them all")
    rows = [
        ("escalate", [f"YES, priority {e.priority}" if e.escalate else "no"]),
        (
            "sentiment",
            [f"{s.label} (score {s.score:+.2f}, {s.scale}/5, {s.confidence} confidence)"],
        ),
        (
            "type",
            [
                f"{kind} {types[kind]:.2f} (then {runner_up} {types[runner_up]:.2f}), "
                f"intensity {response.intensity:.2f}"
            ],
        ),
        (
            "triggers",
            [
                f'{t.type}: "{t.evidence}" [{t.start}:{t.end}] ({t.source}, {t.confidence:.2f})'
                for t in e.triggers
            ]
            or ["none"],
        ),
        ("playbook", steps),
        ("model", [f"{response.model_version}, bank {response.bank_version}"]),
    ]
    return "\n".join(
        f"{title if n == 0 else '':<11}{value}"
        for title, values in rows
        for n, value in enumerate(values)
    )


# Each entry adds one subcommand: register(subparsers) adds a parser and sets `func` on it,
# a function of the parsed arguments returning the exit status. Add a module's own with one
# line, e.g. `from app.cli.keys import register as register_keys` and append it here.
Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
REGISTRARS: list[Register] = [register_batch, register_classify, register_keys]


if __name__ == "__main__":
    sys.exit(main())
