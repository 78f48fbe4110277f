"""Customer type and intensity: scores from model and cues, the decision from thresholds."""

import pytest

from app.core.config import Thresholds
from app.core.labels import CUSTOMER_TYPES
from app.engine.cues import read_cues
from app.engine.customer_type import profile, type_scores
from tests.conftest import make_scores

ANGRY = make_scores(negative=0.9, positive=0.02, anger=0.8, annoyance=0.7)
CALM = make_scores(negative=0.1, positive=0.1, neutral=0.85)
HAPPY = make_scores(negative=0.02, positive=0.93, gratitude=0.9, joy=0.5)


def test_scores_cover_every_type_in_range() -> None:
    scores = type_scores(ANGRY, read_cues("This is UNACCEPTABLE!!"), model_weight=0.6)
    assert set(scores) == {
        "angry",
        "dissatisfied",
        "demanding",
        "indecisive",
        "confused",
        "satisfied",
        "neutral",
    }
    assert all(0.0 <= s <= 1.0 for s in scores.values())


@pytest.mark.parametrize(
    ("scores", "text", "expected"),
    [
        (ANGRY, "This is UNACCEPTABLE, you people are USELESS!!", "angry"),
        (
            make_scores(negative=0.7, disappointment=0.7, sadness=0.3),
            "Honestly a bit disappointed, not what I expected from you.",
            "dissatisfied",
        ),
        (
            make_scores(negative=0.5, desire=0.4),
            "I want a full refund and I want it today, no excuses.",
            "demanding",
        ),
        (
            make_scores(negative=0.05, curiosity=0.6),
            "Not sure which plan I should get. What's the difference? Maybe I should wait?",
            "indecisive",
        ),
        (
            make_scores(negative=0.3, confusion=0.8),
            "I don't understand, I thought the discount applied already?",
            "confused",
        ),
        (HAPPY, "Thank you so much, that sorted it!", "satisfied"),
        (CALM, "What time do you open on Sunday?", "neutral"),
    ],
)
def test_label_is_the_type_a_lead_would_name(scores, text: str, expected: str) -> None:
    assert profile(scores, read_cues(text), Thresholds()).label == expected


def test_shouting_raises_intensity() -> None:
    quiet = profile(ANGRY, read_cues("this is not acceptable"), Thresholds())
    loud = profile(ANGRY, read_cues("THIS IS NOT ACCEPTABLE!!! FIX IT!!!"), Thresholds())
    assert loud.intensity > quiet.intensity


def test_fury_is_more_intense_than_mild_annoyance() -> None:
    mild = profile(
        make_scores(negative=0.55, annoyance=0.3),
        read_cues("a bit annoying, the app logged me out"),
        Thresholds(),
    )
    fury = profile(ANGRY, read_cues("ABSOLUTELY RIDICULOUS!!! WORST SERVICE EVER"), Thresholds())
    assert fury.intensity > mild.intensity + 0.3


def test_the_minimum_score_comes_from_config() -> None:
    text = "a bit annoying, the app logged me out"
    scores = make_scores(negative=0.55, annoyance=0.3)
    assert (
        profile(scores, read_cues(text), Thresholds(customer_type_min_score=0.2)).label != "neutral"
    )
    assert (
        profile(scores, read_cues(text), Thresholds(customer_type_min_score=0.99)).label
        == "neutral"
    )


def test_the_model_head_is_blended_with_the_cues_when_present() -> None:
    from dataclasses import replace

    text = "What time do you open on Sunday?"
    head = dict.fromkeys(CUSTOMER_TYPES, 0.0)
    with_head = replace(CALM, customer_types={**head, "confused": 1.0})
    assert type_scores(CALM, read_cues(text), model_weight=0.6)["confused"] < 0.2
    assert type_scores(with_head, read_cues(text), model_weight=0.6)["confused"] >= 0.6
    assert type_scores(with_head, read_cues(text), model_weight=0.0) == type_scores(
        CALM, read_cues(text), model_weight=0.6
    )
    assert profile(with_head, read_cues(text), Thresholds()).label == "confused"


def test_triggers_raise_the_types_they_speak_for() -> None:
    text = "I want to speak to your manager"
    scores = make_scores(negative=0.45)
    plain = profile(scores, read_cues(text), Thresholds())
    asked = profile(scores, read_cues(text), Thresholds(), triggers=["human_request"])
    assert asked.scores["demanding"] == pytest.approx(plain.scores["demanding"] + 0.25, abs=1e-3)
    assert asked.label == "demanding"
    abusive = profile(CALM, read_cues("you are a moron"), Thresholds(), triggers=["abuse"])
    assert abusive.scores["angry"] >= 0.4


def test_sarcastic_thanks_are_never_satisfaction() -> None:
    # The heads read the words ("thanks", "love"); LABELLING.md: sarcasm is dissatisfied.
    text = "Thanks for nothing. Love how my parcel went to the wrong town again."
    scores = type_scores(HAPPY, read_cues(text), model_weight=0.6)
    plain = type_scores(HAPPY, read_cues("Thanks, my parcel came today."), model_weight=0.6)
    assert scores["satisfied"] == 0.0
    assert scores["dissatisfied"] >= plain["satisfied"]
    assert profile(HAPPY, read_cues(text), Thresholds()).label != "satisfied"


def test_thanks_while_the_fault_is_still_there_are_no_satisfaction() -> None:
    text = "Now I'm forced to reboot it AGAIN. Thanks for the excellent assistance!!"
    scores = type_scores(HAPPY, read_cues(text), model_weight=0.6)
    assert scores["satisfied"] == 0.0
    assert profile(HAPPY, read_cues(text), Thresholds()).label != "satisfied"
    mended = "It's working again now. Thanks for the excellent assistance!!"
    assert profile(HAPPY, read_cues(mended), Thresholds()).label == "satisfied"


def test_angry_gets_a_head_start_in_the_decision_only() -> None:
    from dataclasses import replace

    head = dict.fromkeys(CUSTOMER_TYPES, 0.0)
    close = replace(CALM, customer_types={**head, "angry": 0.55, "dissatisfied": 0.6})
    text = "Still no refund."
    plain = profile(close, read_cues(text), Thresholds(customer_type_angry_lead=0.0))
    led = profile(close, read_cues(text), Thresholds(customer_type_angry_lead=0.1))
    assert plain.label == "dissatisfied"
    assert led.label == "angry"
    assert led.scores == plain.scores  # what is reported stays as read
