"""Surface cues: each must move with the thing it reads, and only with it."""

import pytest

from app.engine.cues import fault_left, gripe_named, read_cues, sarcastic


def test_shouting_needs_several_capitalised_words() -> None:
    assert read_cues("Where is my PDF invoice?").shouting == 0.0
    assert read_cues("WHERE IS MY ORDER, I PAID LAST WEEK").shouting == pytest.approx(1.0)


def test_exclamations_and_runs() -> None:
    cues = read_cues("Fix it!! Now!")
    assert cues.exclamations == 3
    assert cues.exclamation_runs == 1


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("This is absolutely unacceptable", "anger_words"),
        ("this damn app crashed again", "profanity"),
        ("Honestly I'm disappointed, not what I expected", "dissatisfaction"),
        ("I want a full refund immediately", "demands"),
        ("I need this sorted by Friday", "deadlines"),
        ("Not sure which plan I should get, the basic or the pro?", "hedges"),
        ("I don't understand why the bill says 40 euros", "confusion"),
        ("Thanks so much, works great now", "thanks"),
    ],
)
def test_each_cue_reads_its_own_signal(text: str, field: str) -> None:
    assert getattr(read_cues(text), field) >= 1


@pytest.mark.parametrize(
    "field", ["anger_words", "profanity", "dissatisfaction", "demands", "hedges", "confusion"]
)
def test_a_plain_question_shows_no_difficult_cue(field: str) -> None:
    assert getattr(read_cues("Could you tell me when the store opens on Sunday?"), field) == 0


def test_hello_is_not_profanity() -> None:
    assert read_cues("hello there, shell account question").profanity == 0


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for nothing, the parcel never came.",
        "Nothing says 'organic compost' like a bag full of shredded plastic.",
        "Oh great, the app logged me out again.",
        "Love how you charge me twice and call it a glitch.",
        "So much for next-day delivery.",
        "Lovely, another outage \U0001f644",
        "Thanks for letting me know. Ugh. \U0001f615",
        "Thanks I guess, smh",
        "Paid extra for Saturday delivery and it comes Tuesday. Money well spent.",
        "Nothing rounds off the week like a sprint over the footbridge with a suitcase.",
        "80 minutes for an express delivery and the noodles came cold. Love that for me.",
        "Big shout out to @brand for having the worst internet in town.",
        "thanks to the app for randomly charging me twice",
        "Gold star. Sat on the runway for 2 hrs with no aircon. Really enjoyed the free sauna.",
        "22 mins for a flat white, really enjoyed my time in the queue, would recommend",
        "Shoutout to @bus for sailing past the stop. Third time this month.",
        "Love being late for work on a schedule.",
    ],
)
def test_sarcastic_thanks_are_told_from_real_ones(text: str) -> None:
    assert sarcastic(text)
    assert read_cues(text).sarcasm >= 1


@pytest.mark.parametrize(
    "text",
    [
        "Thank you so much for your help, it works now!",
        "Great service from Dana today, thanks.",
        "Oh, and could you tell me your opening hours?",
        "Thanks Hugh, the new meter is in.",
        "Nothing was wrong with the meter, like the engineer said. Thanks!",
        "Thanks to the team for sorting the charging point so quickly.",
        "Shout out to Sam for never once making me feel rushed.",
        "Brilliant service, the engineer had it fixed within 20 minutes.",
        "Lovely staff. Ama sat with my dad for 40 minutes until the taxi came.",
        "Wonderful nursery. Does the 30 hours of funded childcare start in September?",
    ],
)
def test_genuine_thanks_are_not_sarcasm(text: str) -> None:
    assert not sarcastic(text)
    assert read_cues(text).sarcasm == 0


@pytest.mark.parametrize(
    "text",
    [
        "Didn't work, I'll wait a few more days. Thanks again for helping!!",
        "Didn\u2019t work \U0001f613 thanks again for helping!!",
        "Now I'm forced to reboot it AGAIN just so it won't give me issues. Thanks!!",
        "Still not working but I'm not going to worry about it. Thanks for trying",
        "Great! Did the update and now it's not working at all. Not impressed",
        "Genuinely grateful to Tomasz. Sadly the line is still dropping every night.",
        "Four days with no signal and the status page says no known issues. Great.",
    ],
)
def test_a_fault_still_there_is_read(text: str) -> None:
    assert fault_left(text)
    assert read_cues(text).fault_left


@pytest.mark.parametrize(
    "text",
    [
        "Thanks again for your help!",  # "again" of thanks, in lower case, is no repeat
        "It didn't work at first, but it's working now. Thanks!",
        "My voicemail is finally fixed after a year of not working. Thank you!",
    ],
)
def test_a_fault_told_of_as_mended_or_none_is_not(text: str) -> None:
    assert not fault_left(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kacper was a star. Only gripe is the wifi never connected once.",
        "My only grumble is that the pay machines still only take coins.",
        "Bev is a star. Your app, on the other hand, told me it was ready two days early.",
        "In fairness I should also say the room sits right above the kitchen extractor.",
        "I just think the waiting room side needs sorting.",
    ],
)
def test_a_gripe_named_as_one_beside_praise_is_read(text: str) -> None:
    assert gripe_named(text)


@pytest.mark.parametrize(
    "text",
    [
        # "But" alone is as often in praise only.
        "An hour on hold, but the third person I spoke to sorted it. Thanks!",
        "Great coat, however did you get the colour so right?",
        "Thank you to Wilhelmina at the Fenwick branch, she was brilliant.",
    ],
)
def test_a_but_or_however_alone_names_no_gripe(text: str) -> None:
    assert not gripe_named(text)
