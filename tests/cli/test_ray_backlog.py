"""`triage batch --ray` on a Ray started by the test: the local CLI's output, row for row.

The shipped model on the default runtime (onnx-int8) runs on both sides with one thread each,
so a difference can only come from how the Ray path cuts, orders or writes the batches.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main as cli
from app.core.config import Settings

REPO = Path(__file__).resolve().parents[2]
# The exported model, shared by every run of these tests (its name carries the model's
# fingerprint, so a stale one is never read; the export writes under a private name first).
ONNX_CACHE = REPO / ".cache" / "onnx"
BATCH = 32

pytestmark = [
    pytest.mark.integration,
    # Ray Data sets deprecated options of its own when it builds its context.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),
]

OPENINGS = [
    "Where is my parcel?",
    "I want to speak to your manager, this is the third time I'm writing!",
    "Thanks so much, the new card works perfectly.",
    "I've been charged twice for order {n} and nobody is helping me.",
    "Not sure whether the basic or the pro plan suits a team of {n}, what would you suggest?",
    "Great, another week of waiting. Really impressive.",
    "This is unacceptable. I was promised a refund for {n} two weeks ago and still nothing.",
    "If this isn't fixed by Friday I'm cancelling and telling everyone I know.",
    "Hello, I ordered a desk three weeks ago (order {n}). The tracking page has said "
    "'preparing' since then and nobody answers the phone. I have taken two days off work to "
    "wait for it. Please tell me what is going on and when it will actually arrive.",
    "The app logs me out every few minutes since the last update.",
    "Could you send me the steps again? I tried what you said and I'm lost.",
    "Your technician was great, and the internet has been fast all week.",
]


def write_backlog(path: Path, n: int) -> None:
    """n messages of mixed lengths and ids (strings, numbers, none), with bad lines among them."""
    lines = []
    for i in range(n):
        text = OPENINGS[(i * 7) % len(OPENINGS)].format(n=4000 + i)
        message: dict[str, object] = {"text": text, "channel": "email" if i % 5 == 0 else "chat"}
        if i % 4:
            message["id"] = f"T-{i}" if i % 3 else i
        lines.append(json.dumps(message))
    lines[40:40] = ["{not json"]
    lines[77:77] = ["", json.dumps({"id": "bad", "text": "hi", "channel": "fax"})]
    lines[150:150] = [json.dumps({"id": "blank", "text": "   "})]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-CPU Ray for this module; its address, for a second process to join."""
    import ray  # here, not at collection: the rest of the suite runs without Ray loaded

    with pytest.MonkeyPatch.context() as env:
        # A local test cluster: the process that joins it by address carries no token.
        env.setenv("RAY_AUTH_MODE", "disabled")
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
        try:
            yield ray.get_runtime_context().gcs_address
        finally:
            ray.shutdown()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The backlog, and the local CLI's output for it (the reference), made once."""
    folder = tmp_path_factory.mktemp("ray-backlog")
    ONNX_CACHE.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir()
    (folder / "data" / "onnx").symlink_to(ONNX_CACHE, target_is_directory=True)
    write_backlog(folder / "in.jsonl", 240)
    args = ["batch", str(folder / "in.jsonl"), "-o", str(folder / "local.jsonl"), "-q"]
    assert cli.main(args, settings=settings_in(folder)) == 0
    return folder


def settings_in(folder: Path) -> Settings:
    return Settings(data_dir=folder / "data", torch_threads=1)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_ray_writes_what_the_local_cli_writes(
    cluster: str, work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ray.jsonl"
    args = ["batch", str(work / "in.jsonl"), "-o", str(out), "--ray", "--actors", "2"]
    assert cli.main(args, settings=settings_in(work)) == 0
    assert "243 messages (3 unreadable)" in capsys.readouterr().err
    local, on_ray = rows(work / "local.jsonl"), rows(out)
    assert len(on_ray) == len(local) == 243
    for number, (expected, got) in enumerate(zip(local, on_ray, strict=True)):
        assert got == expected, f"row {number} differs"
    assert out.read_bytes() == (work / "local.jsonl").read_bytes()
    # The run read the model: real scores, an escalation, and the unreadable lines in place.
    assert any(row.get("escalation", {}).get("escalate") for row in on_ray)
    assert [row["error"]["code"] for row in on_ray if "error" in row] == [
        "malformed_json",
        "invalid_request",
        "invalid_request",
    ]


def test_a_second_process_joins_the_cluster_and_resumes_a_cut_output(
    cluster: str, work: Path, tmp_path: Path
) -> None:
    # Killed after two whole batches and part of a line: a rerun redoes the cut message on.
    whole = (work / "local.jsonl").read_bytes().splitlines(keepends=True)
    out = tmp_path / "resumed.jsonl"
    out.write_bytes(b"".join(whole[: 2 * BATCH]) + whole[2 * BATCH][:60])
    env = {
        **os.environ,
        "RAY_AUTH_MODE": "disabled",
        "TRIAGE_DATA_DIR": str(work / "data"),
        "TRIAGE_TORCH_THREADS": "1",
    }
    command = [str(Path(sys.executable).parent / "triage"), "batch", str(work / "in.jsonl")]
    command += ["-o", str(out), "--ray", "--address", cluster, "--actors", "1"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The malformed line was in the first two batches; the other two unreadable ones were not.
    assert f"{243 - 2 * BATCH} messages (2 unreadable)" in done.stderr
    assert f"{2 * BATCH} already in" in done.stderr
    assert out.read_bytes() == (work / "local.jsonl").read_bytes()


def test_store_stays_local(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "hi", "conversation_id": "c1"}\n')
    args = ["batch", str(tmp_path / "in.jsonl"), "--ray", "--store"]
    assert cli.main(args, settings=Settings(data_dir=tmp_path / "data")) == 2
    assert "cannot run on Ray" in capsys.readouterr().err


def test_the_cli_and_the_service_never_import_ray() -> None:
    code = "import sys, app.cli.main, app.main; print('ray' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_an_actor_that_cannot_load_the_model_fails_the_run_with_its_reason(
    cluster: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_backlog(tmp_path / "in.jsonl", 40)
    settings = Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "no-model")
    args = ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--ray"]
    assert cli.main([*args, "--actors", "1"], settings=settings) == 1
    # Ray forwards the actor's traceback to stderr too, at its own pace: find our line.
    [line] = [x for x in capsys.readouterr().err.splitlines() if x.startswith("triage: error:")]
    assert line.startswith("triage: error: the Ray run failed (")
    assert "ModelLoadError: cannot load the heads from" in line
    assert (tmp_path / "out.jsonl").read_text() == ""  # nothing half written
