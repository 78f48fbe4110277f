"""Reading backlogs, resuming their output, and the batch loop (no model: FakeClassifier)."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.cli.backlog import (
    BacklogError,
    BacklogRun,
    Record,
    decoded_lines,
    format_of,
    read_csv,
    read_jsonl,
    readable_of,
    resume_point,
    triage_records,
)
from app.core.config import Settings
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine
from app.replies.bank import ResponseBank
from tests.conftest import FakeClassifier


def jsonl(*lines: str) -> list[bytes]:
    return [line.encode() + b"\n" for line in lines]


def csv_lines(text: str) -> list[str]:
    return list(decoded_lines(io.BytesIO(text.encode())))


@pytest.fixture
def engine(settings: Settings) -> TriageEngine:
    memory = ConversationMemory.from_settings(settings)
    return TriageEngine.from_settings(
        FakeClassifier(), settings, bank=ResponseBank.default(), memory=memory
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("in.jsonl", "jsonl"), ("IN.NDJSON", "jsonl"), ("tickets.csv", "csv")],
)
def test_format_follows_the_suffix(name: str, expected: str) -> None:
    assert format_of(name) == expected


@pytest.mark.parametrize("name", ["-", "tickets.txt", "tickets"])
def test_an_unknown_format_asks_for_format(name: str) -> None:
    with pytest.raises(BacklogError, match="--format"):
        format_of(name)


def test_jsonl_reads_ids_fields_and_line_numbers() -> None:
    records = list(
        read_jsonl(
            jsonl(
                '{"id": "a", "text": "hello", "channel": "email", "context": {"eta": "Monday"}}',
                "",
                '{"id": 7, "text": "second", "conversation_id": "c1", "label": "ignored"}',
                '{"text": "no id"}',
            )
        )
    )
    assert [(r.line, r.id, r.error) for r in records] == [
        (1, "a", None),
        (3, 7, None),
        (4, None, None),
    ]
    first = records[0].request
    assert first is not None
    assert (first.text, first.channel, first.context.eta) == ("hello", "email", "Monday")
    assert records[1].request is not None and records[1].request.conversation_id == "c1"
    assert [r.key for r in records] == [("id", '"a"'), ("id", "7"), ("line", "4")]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"not json\n", "malformed_json"),
        (b'{"text": "cut off\n', "malformed_json"),
        (b"[1, 2]\n", "invalid_request"),
        (b'{"id": "x", "text": "   "}\n', "invalid_request"),
        (b'{"id": "x"}\n', "invalid_request"),
        (b'{"id": "x", "text": "hi", "channel": "fax"}\n', "invalid_request"),
        (b'{"id": ["x"], "text": "hi"}\n', "invalid_request"),
        (b'{"id": true, "text": "hi"}\n', "invalid_request"),
        (b'{"text": "caf\xe9"}\n', "invalid_encoding"),
    ],
)
def test_a_bad_jsonl_line_becomes_an_error_record(line: bytes, code: str) -> None:
    [record] = read_jsonl([line])
    assert record.request is None
    assert record.error is not None and record.error.code == code


def test_a_field_error_names_the_field_but_not_the_text() -> None:
    [record] = read_jsonl([b'{"id": "x", "text": "hi", "channel": "fax"}\n'])
    assert record.error is not None
    body = record.error.as_json()
    assert body["errors"][0]["loc"] == ["channel"]
    assert "hi" not in json.dumps(body)


def test_a_byte_order_mark_is_not_part_of_the_first_line() -> None:
    [record] = read_jsonl([b'\xef\xbb\xbf{"id": 1, "text": "hello"}\n'])
    assert record.error is None and record.id == 1


def test_csv_reads_the_text_id_and_known_columns() -> None:
    text = (
        "\ufeffid,text,channel,customer_name,created\r\n"
        'a1,"Hello, it is broken",email,Sam,2024-01-01\r\n'
        "\r\n"
        'a2,"Two\nlines",,,\r\n'
        "a3,Third,chat,,\r\n"
    )
    records = list(read_csv(csv_lines(text)))
    assert [(r.line, r.id) for r in records] == [(2, "a1"), (4, "a2"), (6, "a3")]
    assert all(r.error is None for r in records)
    first, second = records[0].request, records[1].request
    assert first is not None and second is not None
    assert (first.text, first.channel, first.context.customer_name) == (
        "Hello, it is broken",
        "email",
        "Sam",
    )
    assert (second.text, second.channel) == ("Two\nlines", "chat")


def test_csv_columns_can_be_named() -> None:
    text = "ticket,body\nT-1,Where is my parcel?\n"
    [record] = read_csv(csv_lines(text), text_column="body", id_column="ticket")
    assert record.id == "T-1"
    assert record.request is not None and record.request.text == "Where is my parcel?"


def test_csv_without_an_id_column_keys_rows_by_line() -> None:
    [record] = read_csv(csv_lines("text\nhello\n"))
    assert (record.id, record.key) == (None, ("line", "2"))


@pytest.mark.parametrize(
    ("options", "column"), [({"text_column": "body"}, "'body'"), ({"id_column": "nr"}, "'nr'")]
)
def test_a_missing_csv_column_stops_the_run(options: dict[str, str], column: str) -> None:
    with pytest.raises(BacklogError, match=column):
        list(read_csv(csv_lines("id,text\n1,hi\n"), **options))


def test_bad_csv_rows_become_error_records() -> None:
    raw = b"id,text\n1,fine\n2,too,many\n3,\n4,caf\xe9\n5,also fine\n"
    records = list(read_csv(decoded_lines(io.BytesIO(raw))))
    assert [(r.id, r.error.code if r.error else None) for r in records] == [
        ("1", None),
        (None, "malformed_csv"),
        ("3", "invalid_request"),
        ("4", "invalid_encoding"),
        ("5", None),
    ]


def test_an_empty_csv_has_no_records() -> None:
    assert list(read_csv([])) == []


def output(*lines: str) -> bytes:
    return b"".join(line.encode() + b"\n" for line in lines)


def test_resume_point_counts_what_is_done(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(
        output(
            '{"id": "a", "line": 1, "sentiment": {}}',
            '{"id": null, "line": 2, "error": {}}',
            '{"id": "a", "line": 3, "sentiment": {}}',
        )
    )
    assert resume_point(path) == Counter({("id", '"a"'): 2, ("line", "2"): 1})


def test_resume_point_drops_a_cut_last_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    whole = output('{"id": "a", "line": 1, "sentiment": {}}')
    path.write_bytes(whole + b'{"id": "b", "line": 2, "senti')
    assert resume_point(path) == Counter({("id", '"a"'): 1})
    assert path.read_bytes() == whole


def test_resume_point_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert resume_point(tmp_path / "new.jsonl") == Counter()


@pytest.mark.parametrize(
    "content",
    [
        b"some notes\n",
        b'{"id": 1, "text": "an input line, not output"}\n',
        b'{"id": "a", "line": 1}\nnot ours\n{"id": "b", "line": 2}\n',
        b"some notes without a newline",
    ],
)
def test_resume_point_refuses_a_file_it_did_not_write(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(content)
    with pytest.raises(BacklogError, match="not triage output"):
        resume_point(path)
    assert path.read_bytes() == content


def echo(records: Sequence[Record]) -> list[str]:
    return [json.dumps({"id": r.id, "line": r.line}) + "\n" for r in records]


def records_of(*ids: str | None) -> list[Record]:
    return list(read_jsonl(jsonl(*(json.dumps({"id": i, "text": f"m {i}"}) for i in ids))))


def test_the_run_writes_every_record_in_input_order_in_batches() -> None:
    out = io.StringIO()
    batches: list[int] = []
    records = records_of("a", "b", "c", "d", "e") + list(read_jsonl([b"\n"] * 6 + [b"bad\n"]))
    summary = BacklogRun(echo, out, batch_size=2, on_batch=batches.append).run(records)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(o["id"], o["line"]) for o in lines] == [
        ("a", 1),
        ("b", 2),
        ("c", 3),
        ("d", 4),
        ("e", 5),
        (None, 7),
    ]
    assert lines[-1]["error"]["code"] == "malformed_json"
    assert batches == [2, 2, 2]
    assert (summary.triaged, summary.errors, summary.skipped) == (5, 1, 0)


def test_the_run_skips_what_is_done_once_per_occurrence() -> None:
    out = io.StringIO()
    done = Counter({("id", '"a"'): 1, ("id", '"c"'): 1})
    summary = BacklogRun(echo, out, skip=done).run(records_of("a", "b", "a", "c"))
    assert [json.loads(line)["line"] for line in out.getvalue().splitlines()] == [2, 3]
    assert summary.skipped == 2


def test_a_batch_of_only_bad_records_calls_no_model() -> None:
    def refuse(records: Sequence[Record]) -> list[str]:
        raise AssertionError("nothing readable to triage")

    out = io.StringIO()
    BacklogRun(refuse, out).run(list(read_jsonl([b"bad\n", b"[]\n"])))
    assert len(out.getvalue().splitlines()) == 2


def test_triage_records_gives_the_api_response_plus_id_and_line(engine: TriageEngine) -> None:
    records = records_of("a") + list(
        read_jsonl(
            jsonl('{"id": "b", "text": "I want to speak to your manager, this is unacceptable!"}')
        )
    )
    first, second = (json.loads(line) for line in triage_records(engine, records, store=False))
    assert (first["id"], first["line"], second["id"]) == ("a", 1, "b")
    assert second["sentiment"]["label"] == "negative"
    assert "human_request" in {t["type"] for t in second["escalation"]["triggers"]}
    assert second["model_version"] == "fake-1"
    assert "request_id" not in second


def test_without_the_store_a_conversation_id_is_not_used(engine: TriageEngine) -> None:
    records = list(read_jsonl(jsonl('{"id": "a", "text": "hi", "conversation_id": "c1"}')))
    [line] = triage_records(engine, records, store=False)
    assert json.loads(line)["conversation"] is None


def test_batches_written_by_hand_are_what_the_run_writes() -> None:
    # What the Ray path does: cut every batch first, triage them elsewhere, write them after.
    records = records_of("a", "b", "c", "d", "e") + list(read_jsonl([b"\n"] * 6 + [b"bad\n"]))
    done = Counter({("id", '"b"'): 1})
    whole, by_hand = io.StringIO(), io.StringIO()
    expected = BacklogRun(echo, whole, batch_size=2, skip=done.copy()).run(records)
    run = BacklogRun(None, by_hand, batch_size=2, skip=done.copy())
    batches = list(run.batches(records))
    for batch in batches:
        run.write(batch, echo(readable_of(batch)))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert by_hand.getvalue() == whole.getvalue()
    assert run.summary == expected
