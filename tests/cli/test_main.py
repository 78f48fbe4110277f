"""The `triage` command line: backlogs in and out, resuming after a kill, and classify."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.api.schemas import TriageResponse
from app.cli import main as cli
from app.core.config import Settings
from app.core.domain import Scores
from app.replies.bank import ResponseBank
from app.store.conversations import ConversationStore
from tests.conftest import FakeClassifier

REPO = Path(__file__).resolve().parents[2]
MANAGER = "I want to speak to your manager, this is the third time I'm writing!"


def backlog(tmp_path: Path, n: int, *, name: str = "in.jsonl") -> Path:
    """n messages with ids m0..m(n-1), every third one negative, plus a bad line and a blank."""
    lines = [
        json.dumps({"id": f"m{i}", "text": MANAGER if i % 3 == 0 else f"Where is order {i}?"})
        for i in range(n)
    ]
    lines[n // 2 : n // 2] = ["{not json", ""]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def read_output(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


class InterruptedClassifier(FakeClassifier):
    """Stops the run like Ctrl-C would, in the middle of its n-th batch."""

    def __init__(self, stop_at_batch: int) -> None:
        super().__init__()
        self.stop_at_batch = stop_at_batch

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        if len(self.batches) + 1 == self.stop_at_batch:
            raise KeyboardInterrupt
        return super().predict(texts, batch_size=batch_size)


def test_batch_writes_one_line_per_message_to_stdout(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = backlog(tmp_path, 5)
    assert cli.main(["batch", str(path)], settings=settings, classifier=FakeClassifier()) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["m0", "m1", None, "m2", "m3", "m4"]
    assert lines[2] == {
        "id": None,
        "line": 3,
        "error": {"code": "malformed_json", "message": "the line is not valid JSON"},
    }
    first = TriageResponse.model_validate({**lines[0], "request_id": "-"})
    assert first.escalation.escalate is True
    assert "6 messages (1 unreadable)" in err
    assert f"msgs/s on {settings.runtime}" in err


def test_batch_sends_batches_of_the_given_size_to_the_model(
    settings: Settings, tmp_path: Path
) -> None:
    classifier = FakeClassifier()
    path = backlog(tmp_path, 7)
    out = tmp_path / "out.jsonl"
    args = ["batch", str(path), "-o", str(out), "--batch-size", "3", "-q"]
    assert cli.main(args, settings=settings, classifier=classifier) == 0
    # Batches of 3 input lines; the unreadable line takes its place but not the model's.
    assert [len(batch) for batch in classifier.batches] == [3, 2, 2]
    assert len(read_output(out)) == 8


def test_batch_reads_csv_with_named_columns(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(
        "ticket,body,channel\r\n"
        f'T-1,"{MANAGER}",email\r\n'
        "T-2,,chat\r\n"
        'T-3,"Thanks, all sorted!",chat\r\n'
    )
    out = tmp_path / "out.jsonl"
    args = ["batch", str(path), "-o", str(out), "--text-column", "body", "--id-column", "ticket"]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    lines = read_output(out)
    assert [(o["id"], o["line"]) for o in lines] == [("T-1", 2), ("T-2", 3), ("T-3", 4)]
    assert lines[0]["escalation"]["escalate"] is True
    assert lines[1]["error"]["code"] == "invalid_request"
    assert lines[2]["sentiment"]["label"] == "positive"


def test_batch_reads_stdin(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b'text\n"Thanks, great service"\n'), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    args = ["batch", "-", "--format", "csv", "-q"]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    out, err = capsys.readouterr()
    [line] = [json.loads(line) for line in out.splitlines()]
    assert (line["id"], line["line"], line["sentiment"]["label"]) == (None, 2, "positive")
    assert err == ""


def test_an_interrupted_run_resumes_to_the_same_output(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = backlog(tmp_path, 20)
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    batch = ["--batch-size", "4"]
    whole_run = ["batch", str(path), "-o", str(whole), *batch]
    assert cli.main(whole_run, settings=settings, classifier=FakeClassifier()) == 0

    run = ["batch", str(path), "-o", str(resumed), *batch]
    assert cli.main(run, settings=settings, classifier=InterruptedClassifier(3)) == 130
    assert "rerun the same command to resume" in capsys.readouterr().err
    assert len(read_output(resumed)) == 8
    # A kill in the middle of a write leaves a cut line: it is dropped and its message redone.
    cut = whole.read_bytes().splitlines(keepends=True)[8][:40]
    resumed.write_bytes(resumed.read_bytes() + cut)

    classifier = FakeClassifier()
    assert cli.main(run, settings=settings, classifier=classifier) == 0
    assert "8 already in" in capsys.readouterr().err
    assert sum(len(b) for b in classifier.batches) == 12  # the 20 messages, less the 8 done
    assert resumed.read_bytes() == whole.read_bytes()


def fake_triage(tmp_path: Path, *, hang_at_batch: int = 0) -> list[str]:
    """The `triage` command run in its own process, on the fake model."""
    script = tmp_path / "fake_triage.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from app.cli.main import main\n"
        "from app.core.config import Settings\n"
        "from tests.conftest import FakeClassifier\n"
        "class Hanging(FakeClassifier):\n"
        "    def predict(self, texts, *, batch_size=32):\n"
        f"        if len(self.batches) + 1 == {hang_at_batch}:\n"
        "            time.sleep(600)\n"
        "        return super().predict(texts, batch_size=batch_size)\n"
        f"settings = Settings(data_dir={str(tmp_path / 'data')!r})\n"
        "sys.exit(main(sys.argv[1:], settings=settings, classifier=Hanging()))\n"
    )
    return [sys.executable, str(script)]


def test_a_killed_process_resumes_with_every_message_exactly_once(
    settings: Settings, tmp_path: Path
) -> None:
    path = backlog(tmp_path, 30)
    out = tmp_path / "out.jsonl"
    args = ["batch", str(path), "-o", str(out), "--batch-size", "5"]
    # The model hangs in its third batch, so the kill always lands in the middle of the run.
    process = subprocess.Popen([*fake_triage(tmp_path, hang_at_batch=3), *args], cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and out.read_bytes().count(b"\n") >= 10):
            assert process.poll() is None, "the run ended before it was killed"
            assert time.monotonic() < deadline, "no output from the run"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert len(read_output(out)) == 10

    assert cli.main([*args, "-q"], settings=settings, classifier=FakeClassifier()) == 0
    lines = read_output(out)
    ids = [line["id"] for line in lines if line["id"] is not None]
    assert sorted(ids) == sorted(f"m{i}" for i in range(30))
    assert len(lines) == 31  # and the one unreadable line, once
    assert [line["line"] for line in lines] == sorted(line["line"] for line in lines)


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    command = [*fake_triage(tmp_path), "batch", str(backlog(tmp_path, 200)), "--batch-size", "1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert json.loads(process.stdout.readline())["id"] == "m0"
        process.stdout.close()  # as `triage batch ... | head -1` does
        assert process.wait(timeout=120) == 1
        assert process.stderr.read() == b""


def test_store_keeps_conversations_only_when_asked(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": i, "text": text, "conversation_id": "c1"})
            for i, text in enumerate(["Where is my parcel?", MANAGER])
        )
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    assert (
        cli.main(
            ["batch", str(path), "-o", str(out), "-q"],
            settings=settings,
            classifier=FakeClassifier(),
        )
        == 0
    )
    assert [line["conversation"] for line in read_output(out)] == [None, None]
    assert not settings.data_dir.exists()

    stored = tmp_path / "stored.jsonl"
    args = ["batch", str(path), "-o", str(stored), "-q", "--store"]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    first, second = (line["conversation"] for line in read_output(stored))
    assert (first["stored"], second["stored"], second["turns"]) == (True, True, 2)
    store = ConversationStore.open("sqlite:///", data_dir=settings.data_dir)
    try:
        record = store.get("c1")
        assert record is not None and len(record.turns) == 2
    finally:
        store.close()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_on_a_terminal_only(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = backlog(tmp_path, 6)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    args = ["batch", str(path), "-o", str(tmp_path / "out.jsonl")]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    assert "7/7" in terminal.getvalue()  # 6 messages and the unreadable line

    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    args = ["batch", str(path), "-o", str(tmp_path / "quiet.jsonl"), "--quiet"]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    assert quiet.getvalue() == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = backlog(tmp_path, 6)
    args = ["batch", str(path), "-o", str(tmp_path / "out.jsonl")]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and "7/7" not in err
    assert err.startswith("triage: 7 messages")


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["batch", "{tmp}/missing.jsonl"], "cannot read"),
        (("in.txt", "hello\n"), ["batch", "{tmp}/in.txt"], "--format"),
        (("in.csv", "body\nhi\n"), ["batch", "{tmp}/in.csv"], "no 'text' column"),
    ],
)
def test_a_run_that_cannot_start_says_why(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: tuple[str, str] | None,
    args: list[str],
    message: str,
) -> None:
    if setup:
        (tmp_path / setup[0]).write_text(setup[1])
    argv = [a.format(tmp=tmp_path) for a in args]
    assert cli.main(argv, settings=settings, classifier=FakeClassifier()) == 2
    assert message in capsys.readouterr().err


def test_a_wrong_column_is_reported_before_the_model_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_text("body\nhello\n")
    settings = Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "no-model")
    assert cli.main(["batch", str(path)], settings=settings) == 2  # no classifier: would load
    assert "no 'text' column" in capsys.readouterr().err


def test_a_model_that_cannot_load_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "no-model")
    assert cli.main(["classify", "hello"], settings=settings) == 1
    assert capsys.readouterr().err.startswith("triage: error: cannot load the heads from ")


def test_an_output_file_it_did_not_write_is_left_alone(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = backlog(tmp_path, 3)
    assert (
        cli.main(
            ["batch", str(path), "-o", str(path)], settings=settings, classifier=FakeClassifier()
        )
        == 2
    )
    assert "not triage output" in capsys.readouterr().err
    assert len(path.read_text().splitlines()) == 5


def test_classify_shows_the_decision_at_a_glance(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["classify", MANAGER], settings=settings, classifier=FakeClassifier()) == 0
    view = capsys.readouterr().out.splitlines()
    assert view[0] == "escalate   YES, priority high"
    assert view[1].startswith("sentiment  negative")
    assert 'human_request: "speak to your manager" [10:31] (pattern, 0.90)' in view[3]
    assert view[-1] == f"model      fake-1, bank {ResponseBank.default().version}"
    playbook = [line for line in view if line.startswith("playbook") or line[11:13] == "2."]
    assert playbook[0].startswith("playbook   1. ")


def test_classify_json_is_the_full_response(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["classify", "Thank you, that was perfect", "--json", "--channel", "email"]
    assert cli.main(args, settings=settings, classifier=FakeClassifier()) == 0
    body = json.loads(capsys.readouterr().out)
    response = TriageResponse.model_validate({**body, "request_id": "-"})
    assert response.sentiment.label == "positive"
    assert response.escalation.escalate is False


def test_classify_reads_stdin(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(MANAGER))
    assert cli.main(["classify", "-"], settings=settings, classifier=FakeClassifier()) == 0
    assert capsys.readouterr().out.startswith("escalate   YES")


def test_classify_refuses_a_blank_message(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["classify", "   "], settings=settings, classifier=FakeClassifier()) == 2
    _, err = capsys.readouterr()
    assert err == "triage: error: text must contain something other than white space\n"


def test_another_module_adds_a_command_with_one_registrar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        parser = subparsers.add_parser("hello")
        parser.add_argument("name")
        parser.set_defaults(func=lambda args: print(f"hello {args.name}") or 3)

    monkeypatch.setattr(cli, "REGISTRARS", [*cli.REGISTRARS, register])
    assert cli.main(["hello", "you"]) == 3
    assert capsys.readouterr().out == "hello you\n"


@pytest.mark.integration
def test_the_console_script_runs_a_backlog_with_the_shipped_model(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(f'id,text\nt1,"{MANAGER}"\nt2,"Thanks, all sorted!"\nt3,\n')
    out = tmp_path / "out.jsonl"
    script = Path(sys.executable).parent / "triage"
    env = {**os.environ, "TRIAGE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [str(script), "batch", str(path), "-o", str(out), "--runtime", "torch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "3 messages (1 unreadable)" in done.stderr and "msgs/s on torch" in done.stderr
    manager, thanks, blank = read_output(out)
    assert manager["escalation"]["escalate"] is True
    assert {"human_request", "repeated_contact"} <= {
        t["type"] for t in manager["escalation"]["triggers"]
    }
    assert thanks["sentiment"]["label"] == "positive"
    assert blank["error"]["code"] == "invalid_request"

    view = subprocess.run(
        [str(script), "classify", MANAGER, "--runtime", "torch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert view.returncode == 0, view.stderr
    assert view.stdout.startswith("escalate   YES, priority high\n")
    assert view.stderr == ""
