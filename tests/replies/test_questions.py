"""The customer's own questions in reported speech, and the questions a reply must not echo."""

import pytest

from app.replies.questions import MAX_QUESTIONS, asked_note, questions_asked


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        # Yes-or-no questions, with the person changed.
        ("Can I book the second dose online?", "whether you can book the second dose online"),
        ("Do I need to bring my passport?", "whether you need to bring your passport"),
        (
            "Does it have to be exactly one month after?",
            "whether it has to be exactly one month after",
        ),
        ("Do you ship beans to Ireland?", "whether we ship beans to Ireland"),
        (
            "Is the marquee included in both packages?",
            "whether the marquee is included in both packages",
        ),
        ("Is the excess different?", "whether the excess is different"),
        # A name is no participle, and "still" stays after "be" (panel round 40's message).
        (
            "Is the blister pack for Wilfred Penhallow still coming today?",
            "whether the blister pack for Wilfred Penhallow is still coming today",
        ),
        ("Is my order still being processed?", "whether your order is still being processed"),
        # "Does" agrees with the verb, past an adverb and a noun after "this" (panel round 65:
        # "whether this fees still apply").
        (
            "Does this fee still apply to me if I submitted before 1 October?",
            "whether this fee still applies to you if you submitted before 1 October",
        ),
        (
            "Does it also cover my partner on the policy?",
            "whether it also covers your partner on the policy",
        ),
        ("Does that include the delivery charge?", "whether that includes the delivery charge"),
        # Questions for something: "be" goes back where it reads.
        ("What is the £186 for?", "what the £186 is for"),
        ("What is this charge for exactly?", "what this charge is for"),
        ("When will it be delivered?", "when it will be delivered"),
        ("Where is my glasses order CL-558201?", "where your glasses order CL-558201 is"),
        ("What is the last date of my membership?", "what the last date of your membership is"),
        # Leave to ask, then the question (panel round 91).
        ("Could I ask, is the marquee included?", "whether the marquee is included"),
        # Already in reported order.
        (
            "Could you tell me if I'm on the priority services register?",
            "whether you're on the priority services register",
        ),
        (
            "I'd like to know what personal information you hold about me.",
            "what personal information we hold about you",
        ),
    ],
)
def test_a_question_is_given_back_in_reported_speech(text: str, reported: str) -> None:
    assert questions_asked(text) == (reported,)


def test_what_runs_on_after_the_question_is_cut_off() -> None:
    text = (
        "Can I book it online, or do I have to phone? Is the shop open on Sundays, and if so when?"
    )
    assert questions_asked(text) == (
        "whether you can book it online",
        "whether the shop is open on Sundays",
    )
    aside = "Can I take my fixed tariff with me, the one that ends in March?"
    assert questions_asked(aside) == ("whether you can take your fixed tariff with you",)


@pytest.mark.parametrize(
    "text",
    [
        # A request put as a question is answered by doing it, not echoed.
        "Could you send me a copy of the invoice?",
        "Can you cancel my order please?",
        "Could I speak to a manager about this?",
        # Complaints put as questions.
        "Why was I charged twice?",
        "How is this acceptable after three weeks?",
        "Is this how you treat loyal customers?",
        "Are you all this thick?",
        "What is the point of insurance that pays nothing?",
        # Too short to be worth saying back, or a subject whose end is a guess.
        "Is it?",
        "Will the new router work with my old phone line?",
        # Shouting and chat shorthand are not said back.
        "Can I get my money back TODAY?",
        "can u tell me when it ships?",
        # Its point is the ask before it: "could you move it to the fifth? Would that be ok?"
        "Would that be all right?",
        "Is that possible?",
        # Whom they are speaking to, which the reply itself answers.
        "Is this Ostlea Telecom?",
        "Am I speaking to Harbour Lights?",
        "Oh, is that Orbel Energy?",
        "Is this the council highways line?",
        # A request run on after the question leaves too little of it to give back.
        "Can you tell me what that payment is and get my card working again?",
        # Leave to ask, and what follows is no question (panel round 91: "You asked whether
        # you can ask as well, she's twelve").
        "And, sorry, can I ask as well, she's twelve, is there a blood test beforehand?",
    ],
)
def test_a_question_that_cannot_be_given_back_safely_is_left_out(text: str) -> None:
    assert questions_asked(text) == ()


def test_a_question_about_this_thing_is_still_given_back() -> None:
    assert questions_asked("Is this the right number for billing?") == (
        "whether this is the right number for billing",
    )


def test_at_most_two_questions_in_the_order_asked() -> None:
    text = "Can I pay by card? Is there a discount for students? Do you open on Sundays?"
    found = questions_asked(text)
    assert len(found) == MAX_QUESTIONS
    assert found == ("whether you can pay by card", "whether there is a discount for students")


def test_the_note_names_each_question() -> None:
    assert asked_note(()) is None
    assert asked_note(("whether you can pay by card",)) == (
        "You asked whether you can pay by card."
    )
    assert asked_note(("whether you can pay by card", "when we open")) == (
        "You asked whether you can pay by card, and when we open."
    )
