"""Backlogs: messages read from JSON Lines or CSV, triaged in batches, into an output that resumes.

Every input message gets one output line, in input order: `{"id", "line", ...}` followed by the
/v1/triage response fields, or by `"error"` when the message could not be read. With an output
file, a rerun skips what the file already holds, so a killed run loses at most one batch.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import ValidationError

from app.api.problems import field_error
from app.api.schemas import FieldError, ReplyContext, TriageRequest
from app.api.wire import to_input, to_response
from app.engine.triage import TriageEngine

Format = Literal["jsonl", "csv"]
Key = tuple[str, str]
MessageId = str | int

# What a JSON line may say about its message; other fields (labels, timestamps) are ignored.
JSON_FIELDS = ("text", "channel", "conversation_id", "customer_id", "context", "history")
# CSV columns read besides the text and id ones; the reply-context values go under "context".
CSV_FIELDS = ("channel", "conversation_id", "customer_id")
CONTEXT_FIELDS = tuple(ReplyContext.model_fields)
SUFFIXES: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# How every output line starts (see output_line), which tells a cut line from a foreign one.
LINE_START = b'{"id": '


class BacklogError(Exception):
    """The backlog cannot be run as asked (a missing column, an output file not ours)."""


@dataclass(frozen=True, slots=True)
class ItemError:
    """Why one input message could not be triaged; it takes that message's output line."""

    code: str
    message: str
    errors: tuple[FieldError, ...] = ()

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = [e.model_dump() for e in self.errors]
        return body


@dataclass(frozen=True, slots=True)
class Record:
    """One input message, or the reason it is unreadable; `line` is where it starts (from 1)."""

    line: int
    id: MessageId | None = None
    request: TriageRequest | None = None
    error: ItemError | None = None

    @property
    def key(self) -> Key:
        return key_of(self.id, self.line)


@dataclass(slots=True)
class Summary:
    triaged: int = 0
    errors: int = 0
    skipped: int = 0  # already in the output file from an earlier run


def key_of(message_id: object, line: object) -> Key:
    """What identifies a message across runs: its id, else its line number."""
    if message_id is not None:
        return ("id", json.dumps(message_id))
    return ("line", str(line))


def format_of(path: str) -> Format:
    """The format a file name implies; stdin and other names need --format."""
    suffix = Path(path).suffix.lower()
    if path == "-" or suffix not in SUFFIXES:
        raise BacklogError(f"cannot tell the format of {path!r}; pass --format jsonl or csv")
    return SUFFIXES[suffix]


def read_jsonl(lines: Iterable[bytes]) -> Iterator[Record]:
    """One message per JSON object line: {"id", "text", optional channel, ids, context}."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            # A byte-order mark is what some editors put first; it is no part of the JSON.
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield Record(number, error=ItemError("invalid_encoding", "the line is not UTF-8"))
            continue
        try:
            value = json.loads(text)
        except ValueError:
            yield Record(number, error=ItemError("malformed_json", "the line is not valid JSON"))
            continue
        if not isinstance(value, dict):
            yield Record(number, error=ItemError("invalid_request", "a line must be an object"))
            continue
        yield _record(number, value.get("id"), {k: value[k] for k in JSON_FIELDS if k in value})


def read_csv(
    lines: Iterable[str], *, text_column: str = "text", id_column: str | None = None
) -> Iterator[Record]:
    """One message per row under a header; `id_column` None means "id" if the header has it.

    The header is checked at once, so a wrong column name stops a run before the model loads.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return iter(())
    if text_column not in header:
        raise BacklogError(f"the CSV header has no {text_column!r} column; see --text-column")
    if id_column is not None and id_column not in header:
        raise BacklogError(f"the CSV header has no {id_column!r} column; see --id-column")
    return _csv_records(
        reader, header, text_column, id_column or ("id" if "id" in header else None)
    )


def _csv_records(
    reader: Any, header: list[str], text_column: str, id_column: str | None
) -> Iterator[Record]:
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(start, error=ItemError("malformed_csv", f"unreadable row: {exc}"))
            continue
        if not row:
            continue
        if len(row) != len(header):
            message = f"the row has {len(row)} fields; the header has {len(header)}"
            yield Record(start, error=ItemError("malformed_csv", message))
            continue
        cells = {name: value for name, value in zip(header, row, strict=True) if value}
        message_id = cells.get(id_column) if id_column else None
        if any(_undecodable(value) for value in row):
            yield Record(start, message_id, error=ItemError("invalid_encoding", "not UTF-8"))
            continue
        fields: dict[str, Any] = {"text": row[header.index(text_column)]}
        fields |= {name: cells[name] for name in CSV_FIELDS if name in cells}
        context = {name: cells[name] for name in CONTEXT_FIELDS if name in cells}
        if context:
            fields["context"] = context
        yield _record(start, message_id, fields)


def decoded_lines(lines: Iterable[bytes]) -> Iterator[str]:
    """CSV text, line by line; undecodable bytes survive as escapes so their row can be refused."""
    for number, raw in enumerate(lines):
        text = raw.decode("utf-8", errors="surrogateescape")
        yield text.removeprefix("\ufeff") if number == 0 else text


def _undecodable(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _record(line: int, message_id: object, fields: dict[str, Any]) -> Record:
    if message_id is not None and (
        isinstance(message_id, bool) or not isinstance(message_id, str | int)
    ):
        return Record(line, error=ItemError("invalid_request", "id must be a string or a number"))
    try:
        request = TriageRequest.model_validate(fields)
    except ValidationError as exc:
        errors = tuple(field_error(e) for e in exc.errors())
        return Record(
            line, message_id, error=ItemError("invalid_request", "not a valid message", errors)
        )
    return Record(line, message_id, request=request)


def resume_point(path: Path) -> Counter[Key]:
    """The messages an earlier run already wrote to `path`, by key, counting repeated ids.

    A last line cut short by a kill is removed, so that its message is triaged again.
    """
    done: Counter[Key] = Counter()
    if not path.exists():
        return done
    with path.open("rb+") as out:
        kept = 0
        for number, raw in enumerate(out, start=1):
            # Only the last line can lack its newline; one of ours is then a cut write.
            if not raw.endswith(b"\n") and (
                raw.startswith(LINE_START) or LINE_START.startswith(raw)
            ):
                break
            value = _output_line(raw)
            if value is None:
                raise BacklogError(f"{path} line {number} is not triage output; not appending")
            done[key_of(value.get("id"), value["line"])] += 1
            kept += len(raw)
        out.truncate(kept)
    return done


def _output_line(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("line"), int):
        return None
    return value


def output_line(record: Record, body: dict[str, Any]) -> str:
    return json.dumps({"id": record.id, "line": record.line, **body}) + "\n"


# The output lines of a batch's readable records (triage_records with an engine bound).
Triage = Callable[[Sequence[Record]], list[str]]


def triage_records(engine: TriageEngine, records: Sequence[Record], *, store: bool) -> list[str]:
    """The output lines of readable records, triaged in one engine call."""
    items = []
    for record in records:
        assert record.request is not None
        item = to_input(record.request)
        # Without the store a conversation id has nothing to read or keep: judge the message alone.
        items.append(item if store else dataclasses.replace(item, conversation_id=None))
    results = engine.triage(items)
    return [
        output_line(
            r, to_response(result, engine, "").model_dump(mode="json", exclude={"request_id"})
        )
        for r, result in zip(records, results, strict=True)
    ]


@dataclass(slots=True)
class BacklogRun:
    """Feeds records to `triage` a batch at a time and writes each batch before the next.

    With no triage, the batches are triaged elsewhere and handed to `write` (Ray does that).
    """

    triage: Triage | None
    out: IO[str]
    batch_size: int = 32
    skip: Counter[Key] = field(default_factory=Counter)
    on_batch: Callable[[int], None] = lambda n: None
    summary: Summary = field(default_factory=Summary)

    def run(self, records: Iterable[Record]) -> Summary:
        if self.triage is None:
            raise TypeError("this run has no triage of its own; see BacklogRun.write")
        for batch in self.batches(records):
            readable = readable_of(batch)
            self.write(batch, self.triage(readable) if readable else [])
        return self.summary

    def batches(self, records: Iterable[Record]) -> Iterator[list[Record]]:
        """The records still to do, `batch_size` input messages at a time (skipped: counted)."""
        pending: list[Record] = []
        for record in records:
            if self.skip[record.key] > 0:
                self.skip[record.key] -= 1
                self.summary.skipped += 1
                continue
            pending.append(record)
            if len(pending) == self.batch_size:
                yield pending
                pending = []
        if pending:
            yield pending

    def write(self, batch: Sequence[Record], triaged: Sequence[str]) -> None:
        """Writes a batch: the lines of its readable records, in order, and its error lines."""
        lines = iter(triaged)
        out = [
            next(lines)
            if record.error is None
            else output_line(record, {"error": record.error.as_json()})
            for record in batch
        ]
        # One write and a flush per batch: a kill leaves whole batches, at worst a cut last line.
        self.out.write("".join(out))
        self.out.flush()
        readable = len(batch) - sum(record.error is not None for record in batch)
        self.summary.triaged += readable
        self.summary.errors += len(batch) - readable
        self.on_batch(len(batch))


def readable_of(batch: Sequence[Record]) -> list[Record]:
    return [record for record in batch if record.error is None]
