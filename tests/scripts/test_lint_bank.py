"""The bank linter: the packaged bank is complete, and gaps and invalid banks are reported."""

import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.replies.bank import BankError, ResponseBank
from scripts.lint_bank import MIN_ENTRIES, lint, main

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "lint_bank.py"


def packaged_raw() -> dict[str, Any]:
    source = resources.files("app") / "resources" / "response_bank.yaml"
    raw: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return raw


def write(tmp_path: Path, data: Any, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def covers(entry: dict[str, Any], step: str, customer_type: str, channel: str) -> bool:
    """Whether a raw entry is a general-purpose reply for this cell (the ones to remove)."""
    return (
        entry["step"] == step
        and customer_type in entry.get("customer_types", [customer_type])
        and channel in entry.get("channels", [channel])
        and not entry.get("triggers")
        and not entry.get("root_causes")
    )


def test_packaged_bank_has_no_gaps() -> None:
    bank = ResponseBank.default()
    assert lint(bank) == []
    assert len(bank.entries) >= MIN_ENTRIES


@pytest.mark.parametrize(
    ("step", "customer_type", "channel"),
    [
        ("recommend", "indecisive", "email"),
        ("clarify", "indecisive", "chat"),
        ("follow_up", "demanding", "email"),
    ],
)
def test_removed_entries_report_exactly_that_gap(
    tmp_path: Path, step: str, customer_type: str, channel: str
) -> None:
    raw = packaged_raw()
    removed = [e for e in raw["entries"] if covers(e, step, customer_type, channel)]
    assert removed, "the packaged bank should cover the cell this test empties"
    raw["entries"] = [e for e in raw["entries"] if e not in removed]
    # Keep the size rule out of the way so only the coverage gap is reported.
    raw["entries"] += [
        {"id": f"pad-{i}", "step": "close", "triggers": ["abuse"], "text": "Thank you."}
        for i in range(len(removed))
    ]
    gaps = lint(ResponseBank.load(write(tmp_path, raw)))
    assert len(gaps) == 1, gaps
    assert gaps[0].startswith(
        f"no {channel} entry for step {step!r}, customer type {customer_type!r}"
    )


def test_missing_trigger_root_cause_and_size_are_gaps(tmp_path: Path) -> None:
    raw = packaged_raw()
    raw["entries"] = [
        e
        for e in raw["entries"]
        if "public_exposure" not in e.get("triggers", [])
        and not (e["step"] == "solve" and "personal_stress" in e.get("root_causes", []))
    ]
    gaps = lint(ResponseBank.load(write(tmp_path, raw)))
    assert "no entry for trigger 'public_exposure'" in gaps
    assert "no 'solve' entry for root cause 'personal_stress'" in gaps

    raw["entries"] = raw["entries"][:150]
    assert any(
        gap.startswith("only 150 entries") for gap in lint(ResponseBank.load(write(tmp_path, raw)))
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "ack-any-chat-01"}, "duplicate id"),
        ({"text": "Hi {customer_nmae}."}, "{customer_nmae}"),
        ({"text": "Please calm down, we're on it."}, "calm down"),
    ],
)
def test_invalid_bank_exits_1_naming_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, str], expected: str
) -> None:
    raw = packaged_raw()
    index = next(i for i, e in enumerate(raw["entries"]) if e["id"] == "clo-any-chat-01")
    raw["entries"][index].update(change)
    entry_id = raw["entries"][index]["id"]
    assert main([str(write(tmp_path, raw))]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ERROR:")]
    assert any(f"entries[{index}] (id {entry_id!r})" in e and expected in e for e in errors), errors


def test_small_bank_with_gaps_exits_1_and_prints_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = {
        "version": "t",
        "entries": [{"id": "clo-1", "step": "close", "text": "Anything else?"}],
    }
    assert main([str(write(tmp_path, small))]) == 1
    out = capsys.readouterr().out
    assert "GAP: no chat entry for step 'acknowledge', customer type 'angry'" in out
    assert "GAP: only 1 entries" in out


def test_main_lints_each_path_and_passes_a_complete_bank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, packaged_raw(), "good.yaml")
    assert main([str(good)]) == 0
    out = capsys.readouterr().out
    assert "0 gap(s)" in out and "GAP:" not in out and "step:" in out
    bad = write(tmp_path, {"version": "t", "entries": []}, "bad.yaml")
    assert main([str(good), str(bad)]) == 1


def test_cli_passes_the_packaged_bank_from_any_directory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "packaged bank: 0 gap(s)" in done.stdout
    assert "GAP:" not in done.stdout


def test_untagged_replies_and_unanswered_requests_are_gaps(tmp_path: Path) -> None:
    raw = packaged_raw()
    raw["entries"] = [
        e
        for e in raw["entries"]
        if not (e["step"] == "solve" and "explain_charge" in e.get("requests", []))
        and e.get("route") != "sales"
    ]
    raw["entries"].append(
        {"id": "sol-anything-01", "step": "solve", "text": "Here it is: {answer}."}
    )
    gaps = lint(ResponseBank.load(write(tmp_path, raw)))
    assert "no chat 'solve' entry answers request 'explain_charge'" in gaps
    assert "no email 'solve' entry answers request 'explain_charge'" in gaps
    assert "no 'solve' entry for the sales route" in gaps
    assert any(g.startswith("entry 'sol-anything-01' (solve) has no situation tag") for g in gaps)


def test_an_entry_that_over_promises_is_refused_by_name(tmp_path: Path) -> None:
    raw = packaged_raw()
    raw["entries"].append(
        {
            "id": "sol-fixed-01",
            "step": "solve",
            "requests": ["fix_problem"],
            "text": "We've found the fault and the fix is going out now.",
        }
    )
    with pytest.raises(BankError, match=r"sol-fixed-01.*completed action"):
        ResponseBank.load(write(tmp_path, raw))
