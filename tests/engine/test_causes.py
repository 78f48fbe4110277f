"""Which root cause a playbook may speak to: the head's reading, borne out by the words."""

import pytest

from app.engine.causes import CAUSE_CUES, evident_causes


def read(cause: str, probability: float = 0.8) -> dict[str, float]:
    rest = (1.0 - probability) / 6
    causes = ("delay", "service_failure", "miscommunication", "missed_promise", "billing")
    return {c: rest for c in (*causes, "personal_stress", "other")} | {cause: probability}


@pytest.mark.parametrize(
    ("cause", "text"),
    [
        ("delay", "It's been twelve days and my refund still hasn't come through."),
        ("delay", "It's been ten days now. Where is it?"),
        ("delay", "order placed at 7:55, the rider has been on the way for 50 mins"),
        ("missed_promise", "You promised a call back yesterday and nobody rang."),
        ("miscommunication", "The agent told me the upgrade was free, now I'm billed for it."),
        ("billing", "Why is there a second £9.60 line on my receipt?"),
        ("billing", "Tickets were £35 each. What are the extra £21.80 for?"),
        ("service_failure", "the app isnt working, it keeps crashing when I open it"),
        ("personal_stress", "I'm in hospital this week and can't deal with this."),
        ("personal_stress", "Won't cover my dog, hurt in an accident."),
        ("delay", "I've been waiting for 3 months for the refund."),
        ("delay", "It has been over two months and still no reply."),
        ("delay", "Tracking has said 'at local depot' since Tuesday."),
        ("delay", "After a 20 minute wait I got the wrong order."),
    ],
)
def test_a_cause_the_message_shows_reaches_the_playbook(cause: str, text: str) -> None:
    assert evident_causes(read(cause), text, min_probability=0.5) == (cause,)


@pytest.mark.parametrize(
    ("cause", "text"),
    [
        # A cancellation from a member of six years: "been a member" is not a wait.
        (
            "delay",
            "Please cancel my membership from the next case. I've been a member for six years.",
        ),
        ("delay", "Close my account and delete every photo you hold on me."),
        # A cause or a fault's start, not a wait; an interjection (panel round 26).
        ("delay", "Ever since the update my app crashes every day."),
        ("delay", "Six outages since Easter. I'm done, cancel my contract."),
        ("delay", "There's my package. But wait, that is NOT my front door."),
        ("delay", "I cannot wait to leave this network."),
        # A term, not a wait (panel round 25).
        ("delay", "The agreement renewed for 36 months in January; I'd like to close it."),
        ("delay", "Please erase the data you still hold about me."),
        ("service_failure", "They delivered an empty box instead of my phone."),
        ("miscommunication", "My surname is spelled wrong on the ticket, please correct it."),
        # Money told of is the refund's, not a charge (panel rounds 29 and 34).
        ("billing", "Mouldy strawberries and cracked eggs. £23 in the bin. Give me my money back."),
        ("billing", "The garlic naan I paid £3.80 for never turned up."),
    ],
)
def test_a_cause_the_words_do_not_bear_out_is_left_out(cause: str, text: str) -> None:
    assert evident_causes(read(cause), text, min_probability=0.5) == ()


def test_an_unsure_reading_is_left_out_even_with_the_words() -> None:
    text = "Still waiting for my parcel."
    assert evident_causes(read("delay", 0.45), text, min_probability=0.5) == ()
    assert evident_causes(read("delay", 0.45), text, min_probability=0.4) == ("delay",)


def test_other_and_no_reading_are_no_cause() -> None:
    text = "Still waiting, no service"
    assert evident_causes(read("other", 0.95), text, min_probability=0.5) == ()
    assert evident_causes({}, "Still waiting", min_probability=0.5) == ()


def test_every_cause_the_model_names_but_other_has_words() -> None:
    from app.core.labels import ROOT_CAUSES

    assert set(CAUSE_CUES) == set(ROOT_CAUSES) - {"other"}
