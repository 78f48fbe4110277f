"""Model-raised triggers: confident intents the patterns missed, with the telling sentence."""

from app.engine.model_triggers import model_triggers, sentence_spans
from tests.conftest import make_scores

ASKS = make_scores(intents={"human_request": 0.9})


def no_sentence_scoring(sentences):
    raise AssertionError("a single sentence needs no extra forward pass")


def test_sentence_spans_are_trimmed_offsets() -> None:
    text = "  Hello there.  Is anyone reading this?\nNo? "
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Hello there.",
        "Is anyone reading this?",
        "No?",
    ]


def test_a_confident_intent_raises_a_model_trigger() -> None:
    [trigger] = model_triggers(
        "could someone senior look at it",
        ASKS,
        already=set(),
        min_probability=0.7,
        score_sentences=no_sentence_scoring,
    )
    assert (trigger.type, trigger.source, trigger.confidence) == ("human_request", "model", 0.9)
    assert trigger.evidence == "could someone senior look at it"


def test_the_evidence_is_the_most_telling_sentence() -> None:
    text = "My bill is wrong. Could someone senior look at it? Thanks."

    def by_sentence(sentences):
        return [
            make_scores(intents={"human_request": 0.95 if "senior" in s else 0.1})
            for s in sentences
        ]

    [trigger] = model_triggers(
        text, ASKS, already=set(), min_probability=0.7, score_sentences=by_sentence
    )
    assert trigger.evidence == "Could someone senior look at it?"
    assert text[trigger.start : trigger.end] == trigger.evidence


def test_no_trigger_below_the_threshold_or_when_a_pattern_already_raised_it() -> None:
    unsure = make_scores(intents={"human_request": 0.5})
    kwargs = {"min_probability": 0.7, "score_sentences": no_sentence_scoring}
    assert model_triggers("hm", unsure, already=set(), **kwargs) == []
    assert model_triggers("hm", ASKS, already={"human_request"}, **kwargs) == []


def test_refund_and_cancel_intents_are_not_triggers() -> None:
    scores = make_scores(intents={"refund_request": 0.99, "cancel_request": 0.99})
    assert (
        model_triggers(
            "refund me",
            scores,
            already=set(),
            min_probability=0.7,
            score_sentences=no_sentence_scoring,
        )
        == []
    )


def test_a_model_without_an_intent_head_raises_nothing() -> None:
    from dataclasses import replace

    scores = replace(ASKS, intents={})
    assert (
        model_triggers(
            "x", scores, already=set(), min_probability=0.7, score_sentences=no_sentence_scoring
        )
        == []
    )


def test_a_long_text_reads_a_few_sentences_for_evidence_its_own_words_first() -> None:
    from app.engine.model_triggers import MAX_EVIDENCE_SENTENCES

    filler = [f"On day {i} the parcel had still not moved." for i in range(60)]
    for day in range(0, 40, 5):  # the story: contact words, but no request yet
        filler[day] = f"On day {day} an agent said it had shipped."
    filler[55] = "Please have a person phone me tomorrow."
    text = " ".join(filler)
    read: list[str] = []

    def by_sentence(sentences):
        read.extend(sentences)
        return [
            make_scores(intents={"human_request": 0.9 if "phone" in s else 0.1}) for s in sentences
        ]

    [trigger] = model_triggers(
        text, ASKS, already=set(), min_probability=0.7, score_sentences=by_sentence
    )
    assert trigger.evidence == "Please have a person phone me tomorrow."
    assert text[trigger.start : trigger.end] == trigger.evidence
    assert len(read) == MAX_EVIDENCE_SENTENCES
    assert all("agent" in s or "phone" in s for s in read)  # in the intent's own words
