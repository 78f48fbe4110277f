"""History rules: the trend, worsening sentiment and repeated contact."""

from datetime import UTC, datetime, timedelta

import pytest

from app.engine.history import HistoryRules, repeated_contact, trend, worsening

RULES = HistoryRules(trend_turns=4, worsening_drop=0.5, repeated_contacts=3)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_trend_of_one_turn_is_flat() -> None:
    t = trend([0.3], recent=4)
    assert (t.turns, t.first_score, t.last_score, t.slope) == (1, 0.3, 0.3, 0.0)


def test_trend_slope_is_per_turn_over_the_recent_turns() -> None:
    t = trend([0.9, 0.9, 0.6, 0.3, 0.0], recent=4)
    assert t.slope == pytest.approx(-0.3)
    assert (t.first_score, t.last_score, t.turns) == (0.9, 0.0, 5)


def test_slow_deterioration_without_angry_words_is_worsening() -> None:
    trigger = worsening(trend([0.4, 0.2, 0.0, -0.2], recent=4), RULES)
    assert trigger is not None
    assert trigger.type == "worsening_sentiment"
    assert trigger.source == "conversation"
    assert (trigger.start, trigger.end) == (0, 0)
    assert "fell" in trigger.evidence


@pytest.mark.parametrize(
    "scores",
    [
        [0.4, -0.4],  # two turns are a change, not a trend
        [0.1, 0.0, 0.1, 0.0],  # flat
        [-0.6, -0.3, 0.1, 0.5],  # a rough start, a happy ending
        [0.2, 0.1, 0.0],  # falling, but less than the threshold
    ],
)
def test_no_worsening(scores: list[float]) -> None:
    assert worsening(trend(scores, recent=4), RULES) is None


def test_repeated_contact_counts_recent_contacts_only() -> None:
    two_recent = [NOW - timedelta(days=1), NOW - timedelta(days=3)]
    trigger = repeated_contact(two_recent, NOW, RULES)
    assert trigger is not None and trigger.type == "repeated_contact"
    assert "contact 3" in trigger.evidence
    old = [NOW - timedelta(days=30), NOW - timedelta(days=3)]
    assert repeated_contact(old, NOW, RULES) is None
    assert repeated_contact([], NOW, RULES) is None


def test_more_contacts_more_confidence() -> None:
    three = repeated_contact([NOW - timedelta(hours=h) for h in (1, 2)], NOW, RULES)
    five = repeated_contact([NOW - timedelta(hours=h) for h in (1, 2, 3, 4)], NOW, RULES)
    assert three is not None and five is not None
    assert five.confidence > three.confidence
