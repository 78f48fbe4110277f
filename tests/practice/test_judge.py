"""The judge: each skill read from a reply, with the words that decided."""

from __future__ import annotations

from app.practice.judge import judge_reply, mood_change
from tests.practice.scenario_fixture import scenario

CASE = scenario()


def judge(reply: str, *, upset: bool = True, lead_requested: bool = False):  # type: ignore[no-untyped-def]
    return judge_reply(
        reply, CASE, customer_text=CASE.opening.text, upset=upset, lead_requested=lead_requested
    )


def results(reply: str, **kwargs: bool) -> dict[str, str]:
    return {r.skill: r.outcome for r in judge(reply, **kwargs).results}


def test_an_inflaming_phrase_is_broken_with_its_span_and_a_better_wording() -> None:
    reply = "Calm down, it's company policy."
    found = judge(reply)
    broken = [r for r in found.results if r.outcome == "broken"]
    calm = next(r for r in broken if r.skill == "positive_language")
    assert reply[calm.start : calm.end] == "Calm down" and calm.better
    assert any(r.skill == "boundary" for r in broken)  # a policy wall with no alternative
    assert mood_change(found, CASE) < -20


def test_a_good_reply_shows_every_skill_and_raises_the_mood() -> None:
    reply = (
        "I can see why you're frustrated: A-100 is a week late and you've had to chase it. "
        "I'm sorry. I'll send a replacement by next-day courier today, so it reaches you by "
        "1 pm tomorrow."
    )
    found = results(reply)
    assert found == {
        "acknowledge": "good",
        "empathy": "good",
        "apology_timing": "good",
        "restate": "good",
        "next_step": "good",
        "positive_language": "good",
    }
    assert mood_change(judge(reply), CASE) > 30


def test_an_apology_before_any_acknowledgement_is_badly_timed_for_an_upset_customer() -> None:
    assert results("Sorry. I understand this is late.")["apology_timing"] == "broken"
    assert "apology_timing" not in results("Sorry. I understand this is late.", upset=False)


def test_a_step_without_a_time_is_not_a_next_step() -> None:
    assert results("I'll look into it.")["next_step"] == "missed"
    assert results("I'll call you back by 4 pm today.")["next_step"] == "good"


def test_a_request_for_a_lead_must_be_answered_with_one() -> None:
    assert results("I'll check the parcel.", lead_requested=True)["escalation"] == "missed"
    handed = judge("I'm bringing in my team lead now.", lead_requested=True)
    assert handed.escalates and handed.outcome("escalation") == "good"
    assert "escalation" not in results("I'll check the parcel.")  # nobody asked


def test_offering_what_the_case_does_not_allow_breaks_promise_safety() -> None:
    offered = results("You can have a full refund and keep the parcel.")
    assert offered["promise_safety"] == "broken"
    refused = results("I can't offer a full refund while you keep the parcel, but I can resend.")
    assert "promise_safety" not in refused
    assert results("I guarantee it will never happen again.")["promise_safety"] == "broken"


def test_arguing_with_the_customer_is_broken_language() -> None:
    assert results("You must have entered the wrong address.")["positive_language"] == "broken"


def test_the_score_counts_a_broken_skill_against() -> None:
    assert judge("Calm down, it's company policy.").score == 0.0
    assert judge("I'm bringing in my team lead now.", lead_requested=True).score > 0
