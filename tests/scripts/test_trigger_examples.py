"""The project's written trigger examples: schema, their split, and what they teach."""

from __future__ import annotations

import json
import re
from typing import get_args

import numpy as np

from app.core.labels import MESSAGE_TRIGGER_TYPES, Channel
from app.practice.scenarios import ScenarioSet
from scripts.datasets import by_hash
from scripts.train_real_heads import (
    PROJECT_TRIGGERS,
    WRITTEN_TRIGGER_WEIGHT,
    targets_of,
    written_trigger_rows,
)
from tests.trigger_cases import CASES

ROWS = [json.loads(line) for line in PROJECT_TRIGGERS.read_text().splitlines()]


def test_every_example_follows_the_schema() -> None:
    assert len(ROWS) >= 300
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len({r["text"] for r in ROWS}) == len(ROWS)
    for row in ROWS:
        assert set(row) == {"id", "channel", "text", "triggers"}
        assert re.fullmatch(r"tw-\d{3}", row["id"])
        assert row["channel"] in get_args(Channel)
        assert row["text"].strip()
        assert set(row["triggers"]) <= set(MESSAGE_TRIGGER_TYPES)


def test_most_are_hard_negatives_and_every_trigger_has_examples() -> None:
    quiet = [r for r in ROWS if not r["triggers"]]
    assert len(quiet) >= len(ROWS) * 0.4
    for trigger in MESSAGE_TRIGGER_TYPES:
        assert sum(trigger in r["triggers"] for r in ROWS) >= 10, trigger


def test_only_the_train_part_teaches_and_the_rest_is_held_out() -> None:
    parts = by_hash(ROWS)
    taught = {r["id"] for r in written_trigger_rows("train")}
    held_out = {r["id"] for part in ("dev", "test") for r in parts[part]}
    assert taught == {r["id"] for r in parts["train"]}
    assert taught and held_out and not taught & held_out


def test_they_teach_the_triggers_alone_at_their_weight() -> None:
    rows = written_trigger_rows("train")[:5]
    targets, masks = targets_of(rows)
    np.testing.assert_array_equal(masks["triggers"], WRITTEN_TRIGGER_WEIGHT)
    for head in ("requests", "intensity", "customer_type"):
        assert not masks[head].any()
    for row, target in zip(rows, targets["triggers"], strict=True):
        assert {MESSAGE_TRIGGER_TYPES[j] for j in np.flatnonzero(target)} == set(row["triggers"])


def test_none_is_also_a_scenario_message_or_a_trigger_case() -> None:
    # scripts/evaluate_written.py reads these three sets side by side.
    written = {r["text"].casefold() for r in ROWS}
    scenarios = {
        m.text.casefold() for s in ScenarioSet.default().scenarios for _, m in s.messages()
    }
    cases = {text.casefold() for text, _ in CASES}
    assert not written & scenarios
    assert not written & cases
