"""Tests for the agent-reply reviewer: phrases caught, spans exact, missing elements, score."""

from __future__ import annotations

import pytest

from app.replies.review import PhraseIssue, ReplyReview, review_reply
from app.replies.review_phrases import RULES
from tests.data_replies import GOOD, INFLAMING

GOOD_DRAFT = (
    "I understand the parcel is late, and I'm sorry it held up your weekend. "
    "I've chased the courier and I'll message you with an update by 4pm today."
)


def test_catch_rate_and_false_alarm_rate() -> None:
    caught = sum(bool(review_reply(draft).issues) for draft in INFLAMING) / len(INFLAMING)
    alarms = sum(bool(review_reply(draft).issues) for draft in GOOD) / len(GOOD)
    print(f"inflaming caught: {caught:.0%}, good drafts flagged: {alarms:.0%}")
    assert len(INFLAMING) == len(GOOD) == 100
    assert caught >= 0.95
    assert alarms < 0.05


@pytest.mark.parametrize("draft", INFLAMING + GOOD)
def test_issue_spans_slice_the_draft(draft: str) -> None:
    for issue in review_reply(draft).issues:
        assert draft[issue.start : issue.end] == issue.phrase
        assert issue.phrase == issue.phrase.strip()


@pytest.mark.parametrize(
    ("draft", "phrase", "category"),
    [
        ("Please calm down, the parcel is only a day late.", "calm down", "dismissive"),
        ("Relax, your money is safe.", "Relax", "dismissive"),
        ("Whatever. I've logged it.", "Whatever", "dismissive"),
        ("Please be patient, we are busy.", "Please be patient", "dismissive"),
        (
            "Lots of customers have this problem.",
            "Lots of customers have this problem",
            "dismissive",
        ),
        ("I know exactly how you feel.", "I know exactly how you feel", "condescending"),
        ("Obviously the code has expired.", "Obviously", "condescending"),
        ("You people never read the emails.", "You people", "condescending"),
        ("You should have read the terms.", "You should have", "blame"),
        ("You should've told us sooner.", "You should've", "blame"),
        ("You need to restart the router.", "You need to", "blame"),
        ("You must have typed it wrong.", "You must have", "blame"),
        ("That was your mistake.", "your mistake", "blame"),
        ("That's our policy.", "That's our policy", "policy_wall"),
        ("It\u2019s company policy, sorry.", "It\u2019s company policy", "policy_wall"),
        ("Per our returns policy you are not eligible.", "Per our returns policy", "policy_wall"),
        ("There's nothing we can do.", "There's nothing we can do", "refusal"),
        ("There is nothing I can do about it.", "There is nothing I can do", "refusal"),
        ("We can't do that.", "We can't", "refusal"),
        ("I cannot refund it.", "I cannot", "refusal"),
        ("We're unable to help with that.", "We're unable to", "refusal"),
        ("That's impossible.", "That's impossible", "refusal"),
        ("I don't know.", "I don't know", "refusal"),
        ("No, but you could upgrade.", "No, but", "refusal"),
        ("It's not our fault the courier lost it.", "It's not our fault", "deflection"),
        ("That's not my department.", "That's not my department", "deflection"),
        ("As I already said, it takes ten days.", "As I already said", "passive_aggressive"),
        ("Like I mentioned, it's not included.", "Like I mentioned", "passive_aggressive"),
        ("Per my last email, see the invoice.", "Per my last email", "passive_aggressive"),
        ("To be honest, it was never reliable.", "To be honest", "passive_aggressive"),
        ("I'm sorry you feel that way.", "sorry you feel that way", "passive_aggressive"),
        ("Sorry for any inconvenience.", "Sorry for any inconvenience", "generic_apology"),
        (
            "We apologise for the inconvenience.",
            "apologise for the inconvenience",
            "generic_apology",
        ),
    ],
)
def test_each_category_is_caught_with_a_rewrite(draft: str, phrase: str, category: str) -> None:
    issues = review_reply(draft).issues
    assert [(issue.phrase, issue.category) for issue in issues] == [(phrase, category)]
    assert issues[0].rewrite.strip()


@pytest.mark.parametrize(
    "draft",
    [
        "I can't wait to help you set this up; I'll call you at 3pm today.",
        "I can't imagine how stressful that was.",
        "You should have received an email from us by now with the link.",
        "You should've got a text this morning with the code.",
        "None of this is your fault.",
        "I won't tell you to calm down: you have every reason to be upset.",
        "I'd never say 'that's our policy' and leave it there.",
        "All you need to do is tap Reset, and I'll stay on the chat while you do.",
        "I can't refund the shipping, but what I can do is send a £10 voucher today.",
        "I don't know yet, but I'll find out and message you by noon.",
        "That sounds like it must have been so frustrating.",
        "Whatever suits you best, I'll book it for tomorrow.",
        "I'm sorry for the trouble with the address checker.",
        "We've relaxed the return window to 60 days.",
        "Nobody here will tell you to relax.",
        "I'd never say there's nothing we can do; I'll call you at 3pm with options.",
    ],
)
def test_harmless_wording_is_not_flagged(draft: str) -> None:
    assert review_reply(draft).issues == ()


def test_a_refusal_that_leads_the_reply_is_flagged_even_with_an_exception() -> None:
    # "Nothing we can do except wait" still closes the door; lead with the option instead.
    issues = review_reply("There's nothing we can do except wait for the carrier.").issues
    assert [issue.category for issue in issues] == ["refusal"]


def test_missing_acknowledgement() -> None:
    assert "acknowledgement" in review_reply("Your refund will arrive by Friday.").missing
    assert "acknowledgement" not in review_reply(GOOD_DRAFT).missing
    assert "acknowledgement" not in review_reply("Thanks for flagging this.").missing


@pytest.mark.parametrize(
    ("draft", "customer_text", "warranted", "missing"),
    [
        ("I'll send the label by 5pm today.", "This is ridiculous, it's late again!", None, True),
        ("I'll send the label by 5pm today.", "Could you send a return label?", None, False),
        ("I'll send the label by 5pm today.", None, None, False),
        ("I'll send the label by 5pm today.", None, True, True),
        ("I'll send the label by 5pm today.", "This is ridiculous!!", False, False),
        ("I'm sorry the box arrived damaged. I'll send it by 5pm.", "It's broken!", None, False),
        ("Sorry for any inconvenience. I'll send it by 5pm.", "It's broken!", None, True),
        ("I'm sorry you feel that way. I'll send it by 5pm.", "It's broken!", None, True),
    ],
)
def test_missing_apology_only_when_warranted(
    draft: str, customer_text: str | None, warranted: bool | None, missing: bool
) -> None:
    review = review_reply(draft, customer_text=customer_text, apology_warranted=warranted)
    assert ("apology" in review.missing) is missing


@pytest.mark.parametrize(
    ("draft", "has_step"),
    [
        ("I'll call you back by 4pm.", True),
        ("You'll receive the refund within 5 working days.", True),
        ("We will replace it tomorrow.", True),
        ("I'm escalating this now and the lead will email you in 2 hours.", True),
        ("The engineer will visit on Friday between 9 and 12.", True),
        ("I'll look into it.", False),
        ("We will get back to you soon.", False),
        ("The refund was issued on Monday.", False),
    ],
)
def test_next_step_needs_a_commitment_and_a_time(draft: str, has_step: bool) -> None:
    assert ("next_step" not in review_reply(draft).missing) is has_step


def test_a_good_draft_scores_high_and_calm_down_lowers_it() -> None:
    good = review_reply(GOOD_DRAFT, customer_text="My parcel is late again!", channel="email")
    worse = review_reply("Calm down. " + GOOD_DRAFT, customer_text="My parcel is late again!")
    assert good == ReplyReview(score=1.0, issues=(), missing=())
    assert worse.score < good.score
    assert worse.issues[0] == PhraseIssue("Calm down", 0, 9, "dismissive", worse.issues[0].rewrite)


def test_score_stays_between_zero_and_one() -> None:
    review = review_reply("Calm down. You people should have read it. Whatever. That's our policy.")
    assert review.score == 0.0
    assert all(0.0 <= review_reply(draft).score <= 1.0 for draft in INFLAMING + GOOD)


@pytest.mark.parametrize("rewrite", sorted({rule.rewrite for rule in RULES}))
def test_rewrites_do_not_inflame(rewrite: str) -> None:
    assert review_reply(rewrite).issues == ()


def test_unknown_channel_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        review_reply("Hello", channel="fax")
