"""The real-message labels: schema, the frozen test split, and the agreement arithmetic."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from scripts.merge_labels import (
    LABELS_DIR,
    kappa,
    read_pass,
    settled_by_agreement,
    validate,
)

SAMPLE = [json.loads(line) for line in (LABELS_DIR / "sample.jsonl").read_text().splitlines()]
FROZEN_TEST = set((LABELS_DIR / "test_split.txt").read_text().split())


def test_the_test_split_is_the_frozen_one() -> None:
    assert {row["id"] for row in SAMPLE if row["split"] == "test"} == FROZEN_TEST
    assert len(FROZEN_TEST) >= 1200


def test_no_message_or_company_is_in_two_splits() -> None:
    ids = [row["id"] for row in SAMPLE]
    assert len(ids) == len(set(ids))
    splits_of_group: dict[str, set[str]] = defaultdict(set)
    for row in SAMPLE:
        splits_of_group[row["group"]].add(row["split"])
    assert all(len(splits) == 1 for splits in splits_of_group.values())


def test_the_later_train_round_only_adds_training_messages() -> None:
    # Rounds 3 and 4 were drawn after the test split had measured a release: they only train.
    later = [row for row in SAMPLE if row["picked_by"].startswith(("hint3:", "hint4:"))]
    assert later
    assert {row["split"] for row in later} == {"train"}


def test_no_test_split_id_is_trained_or_tuned_on() -> None:
    labels_file = LABELS_DIR / "labels.jsonl"
    if not labels_file.exists():
        pytest.skip("no settled labels yet")
    for line in labels_file.read_text().splitlines():
        row = json.loads(line)
        assert (row["id"] in FROZEN_TEST) == (row["split"] == "test"), row["id"]


@pytest.mark.parametrize("reading", ["A", "B", "C"])
def test_every_labelled_line_follows_the_schema(reading: str) -> None:
    sample_ids = {row["id"] for row in SAMPLE}
    for message_id, row in read_pass(LABELS_DIR / "passes" / reading).items():
        assert message_id in sample_ids
        assert validate(row) == [], message_id


def line(**changes: object) -> dict:
    row = {
        "id": "x",
        "triggers": ["churn_threat"],
        "ambiguous": [],
        "types": ["angry"],
        "sentiment": "negative",
        "intensity": 2,
        "requests": ["cancel_or_close"],
        "not_customer": False,
    }
    return {**row, **changes}


def test_validate_names_what_is_wrong() -> None:
    assert validate(line()) == []
    assert "unknown trigger churn" in validate(line(triggers=["churn"]))
    assert "a trigger both raised and ambiguous" in validate(line(ambiguous=["churn_threat"]))
    assert "no type" in validate(line(types=[]))
    assert "intensity 4" in validate(line(intensity=4))


def test_two_close_readings_settle_with_the_mean_intensity() -> None:
    merged = settled_by_agreement(line(intensity=2), line(intensity=3))
    assert merged is not None
    assert merged["intensity"] == 2.5
    assert merged["settled_by"] == "agreement"


@pytest.mark.parametrize(
    "other",
    [line(triggers=[]), line(types=["dissatisfied"]), line(intensity=0), line(requests=[])],
)
def test_readings_that_differ_go_to_a_third_reader(other: dict) -> None:
    assert settled_by_agreement(line(), other) is None


def test_kappa() -> None:
    assert kappa([1, 0, 1, 0], [1, 0, 1, 0]) == 1.0
    assert kappa([1, 0, 1, 0], [0, 1, 0, 1]) == -1.0
    assert abs(kappa([1, 1, 0, 0], [1, 0, 0, 0]) - 0.5) < 1e-9


def test_the_label_files_hold_no_text() -> None:
    for path in Path(LABELS_DIR).rglob("*.jsonl"):
        for raw in path.read_text().splitlines():
            assert "text" not in json.loads(raw), path
