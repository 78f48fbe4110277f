"""The simulated customer: mood, answers and endings, turn by turn."""

from __future__ import annotations

import pytest

from app.practice.simulator import (
    MAX_REPLIES,
    Session,
    open_session,
    reply,
    score_card,
)
from tests.practice.scenario_fixture import scenario

GOOD = (
    "I can see why you're frustrated: A-100 is a week late. I'm sorry. I'll send a "
    "replacement by next-day courier today, so it reaches you by 1 pm tomorrow."
)
CARELESS = "Calm down, it's company policy."
VAGUE = "Ok."


def test_a_session_opens_with_the_customer_and_their_mood() -> None:
    session = open_session(scenario())
    assert [(t.role, t.mood) for t in session.turns] == [("customer", 30)]
    assert session.status == "active"


def test_a_good_reply_to_a_customer_calm_enough_resolves_it() -> None:
    case = scenario()
    session = open_session(case)
    exchange = reply(session, case, GOOD)
    assert exchange.mood_change > 0 and exchange.status == "resolved"
    assert session.turns[-1].text == case.reactions.accepts.text
    with pytest.raises(ValueError, match="ended"):
        reply(session, case, GOOD)


def test_an_inflaming_reply_loses_a_customer_with_little_patience() -> None:
    case = scenario(start_mood=20)
    session = open_session(case)
    exchange = reply(session, case, CARELESS)
    assert exchange.status == "lost" and exchange.customer == case.reactions.lost


def test_a_customer_losing_patience_asks_for_a_lead_and_a_hand_over_ends_it_well() -> None:
    case = scenario(start_mood=25, ask_lead_below=20)
    session = open_session(case)
    exchange = reply(session, case, VAGUE)
    assert exchange.customer == case.reactions.asks_lead and session.lead_requested
    ignored = reply(session, case, "I'll look into it.")
    assert ignored.mood_change < 0
    if session.status == "active":
        handed = reply(session, case, "I understand. I'm bringing in my team lead now.")
        assert handed.status == "escalated" and handed.customer is None


def test_a_case_that_needs_a_lead_is_not_resolved_without_one() -> None:
    case = scenario(needs_lead=True, start_mood=60)
    session = open_session(case)
    assert reply(session, case, GOOD).status == "active"
    assert reply(session, case, "I'm handing this to my team lead now.").status == "escalated"


def test_no_progress_within_the_replies_allowed_loses_the_customer() -> None:
    case = scenario(start_mood=60, accept_at=95, ask_lead_below=0)
    session = open_session(case)
    while session.status == "active":
        reply(session, case, "Thanks for telling me about A-100.")
    assert session.status == "lost" and session.replies == MAX_REPLIES


def test_the_state_round_trips_through_plain_data() -> None:
    case = scenario()
    session = open_session(case)
    reply(session, case, VAGUE)
    again = Session.from_dict(session.to_dict())
    assert again == session


def test_the_score_card_rates_each_skill_and_weighs_the_ending() -> None:
    case = scenario()
    won = open_session(case)
    reply(won, case, GOOD)
    card = score_card(won)
    assert card.status == "resolved" and card.score == 100
    assert card.skills["next_step"] == 1.0 and card.skills["escalation"] is None
    lost = open_session(scenario(start_mood=20))
    reply(lost, scenario(start_mood=20), CARELESS)
    bad = score_card(lost)
    assert bad.score == 0 and bad.to_practise[:2] == ("positive_language", "boundary")
