"""Reading a scenario's message: a tie between two difficult types is read as written."""

from __future__ import annotations

from app.core.domain import CustomerProfile
from app.practice.reading import TYPE_TIE, type_read_as

SCORES = {"angry": 0.59, "dissatisfied": 0.63, "demanding": 0.1, "satisfied": 0.06}


def read(label: str, **scores: float) -> CustomerProfile:
    return CustomerProfile(label, {**SCORES, **scores}, 0.6)  # type: ignore[arg-type]


def test_two_difficult_types_within_a_tie_are_read_as_written() -> None:
    # Angry leads the decision by 0.05: 0.64 against 0.63.
    assert type_read_as("dissatisfied", read("angry"), 0.05) == "dissatisfied"
    assert type_read_as("angry", read("angry"), 0.05) == "angry"


def test_a_clear_lead_or_a_calm_type_stays_as_read() -> None:
    clear = read("angry", angry=0.63 + TYPE_TIE + 0.01, dissatisfied=0.63)
    assert type_read_as("dissatisfied", clear, 0.0) == "angry"
    assert type_read_as("satisfied", read("angry"), 0.05) == "angry"
    assert type_read_as("dissatisfied", read("neutral"), 0.05) == "neutral"
