"""The model's part in triggers: its own, the patterns' it confirms, the telling sentence."""

from app.core.domain import Trigger
from app.core.labels import MESSAGE_TRIGGER_TYPES
from app.engine.model_triggers import (
    TriggerRule,
    message_triggers,
    model_triggers,
    rules_from,
    sentence_spans,
)
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


# --- the trigger head's rules (models/trigger_policy.json) --------------------------------


def head(**probabilities: float):
    scores = make_scores()
    return type(scores)(
        sentiment=scores.sentiment,
        emotions=scores.emotions,
        triggers={t: probabilities.get(t, 0.01) for t in MESSAGE_TRIGGER_TYPES},
    )


def pattern(kind: str, text: str, words: str, confidence: float = 0.9) -> Trigger:
    start = text.index(words)
    return Trigger(kind, words, start, start + len(words), "pattern", confidence)  # type: ignore[arg-type]


def decide(text, scores, found=(), **rules):
    return message_triggers(
        text,
        scores,
        list(found),
        rules=rules,
        min_probability=0.7,
        score_sentences=no_sentence_scoring,
    )


def test_the_head_raises_a_trigger_the_patterns_missed_with_its_sentence() -> None:
    text = "You had her on hold for an hour."
    [trigger] = decide(text, head(repeated_contact=0.92), repeated_contact=TriggerRule(0.6))
    assert (trigger.type, trigger.source, trigger.confidence) == ("repeated_contact", "model", 0.92)
    assert text[trigger.start : trigger.end] == trigger.evidence == text


def test_a_pattern_that_agrees_gives_the_exact_span_and_both_sources() -> None:
    text = "I want a manager now. This is the third time."
    found = [pattern("human_request", text, "I want a manager")]
    [trigger] = decide(text, head(human_request=0.8), found, human_request=TriggerRule(0.6))
    assert (trigger.source, trigger.evidence, trigger.confidence) == (
        "pattern+model",
        "I want a manager",
        0.9,
    )


def test_a_pattern_counts_only_as_far_as_its_rule_trusts_it() -> None:
    text = "Cancel my order please."
    found = [pattern("churn_threat", text, "Cancel my order")]
    always = {"churn_threat": TriggerRule(0.7, 0.0)}
    gated = {"churn_threat": TriggerRule(0.7, 0.3)}
    retired = {"churn_threat": TriggerRule(0.7, 0.7)}
    [kept] = decide(text, head(churn_threat=0.1), found, **always)
    assert kept.source == "pattern"
    assert decide(text, head(churn_threat=0.1), found, **gated) == []
    [agreed] = decide(text, head(churn_threat=0.35), found, **gated)
    assert agreed.source == "pattern+model"
    assert decide(text, head(churn_threat=0.5), found, **retired) == []


def test_a_wish_for_a_person_told_of_is_not_one_asked_for_unless_the_model_agrees() -> None:
    rule = {"human_request": TriggerRule(0.5, 0.0)}
    told = "The rep refused to let me speak to a supervisor. My bill is still wrong."
    found = [pattern("human_request", told, "speak to a supervisor")]
    assert decide(told, head(human_request=0.01), found, **rule) == []
    # Where the model reads a request too, the pattern's span stands.
    [agreed] = decide(told, head(human_request=0.8), found, **rule)
    assert agreed.source == "pattern+model"
    # A request made now still counts on the pattern alone.
    asked = "My bill is still wrong. I want to speak to a supervisor today."
    now = [pattern("human_request", asked, "speak to a supervisor")]
    [kept] = decide(asked, head(human_request=0.01), now, **rule)
    assert kept.source == "pattern"
    # The story told before a comma, the question asked after it (panel round 43).
    again = "I spoke to a lovely lady last week, Ingrid, could I speak to her again?"
    found_again = [pattern("human_request", again, "could I speak to her again")]
    [asked_again] = decide(again, head(human_request=0.01), found_again, **rule)
    assert asked_again.source == "pattern"
    # A wish said now, whatever the sentence tells of after it (panel round 48).
    wished = "I'd like to speak to the practice manager, because we asked to be phoned first."
    found_wished = [pattern("human_request", wished, "speak to the practice manager")]
    [kept_wished] = decide(wished, head(human_request=0.01), found_wished, **rule)
    assert kept_wished.source == "pattern"


def test_without_the_trigger_head_the_patterns_and_the_intent_head_decide() -> None:
    text = "could someone senior look at it"
    found = [pattern("churn_threat", text, "look at it")]
    triggers = decide(text, ASKS, found, churn_threat=TriggerRule(0.99, 0.99))
    assert [(t.type, t.source) for t in triggers] == [
        ("churn_threat", "pattern"),
        ("human_request", "model"),
    ]


def test_rules_come_from_the_policy_file_shape() -> None:
    rules = rules_from(
        {
            "abuse": {"threshold": 0.8, "pattern_threshold": 0.2},
            "not_a_trigger": {"threshold": 0.1, "pattern_threshold": 0.0},
        }
    )
    assert rules == {"abuse": TriggerRule(0.8, 0.2)}


def test_someone_asked_to_come_out_is_no_wish_for_a_person_to_talk_to() -> None:
    # "can someone come out and look at it" about a leak drew a team lead (panel round 50).
    rule = {"human_request": TriggerRule(0.5)}
    reading = head(human_request=0.8)
    assert decide("Can someone come out and look at the leak?", reading, **rule) == []
    [talk] = decide("Can someone come out, or can I speak to a manager?", reading, **rule)
    assert talk.type == "human_request"


def test_a_sick_pet_is_no_vulnerable_customer_unless_a_person_is_named() -> None:
    rule = {"vulnerable_customer": TriggerRule(0.3)}
    reading = head(vulnerable_customer=0.8)
    assert decide("My dog had surgery and the claim was denied.", reading, **rule) == []
    [person] = decide("My dog is ill and I'm disabled, I can't get to the vet.", reading, **rule)
    assert person.type == "vulnerable_customer"
    [plain] = decide("I've just come out of hospital.", reading, **rule)
    assert plain.source == "model"
    # A pattern still raises it whatever the animal.
    text = "Our dog died the week my husband passed away."
    found = [pattern("vulnerable_customer", text, "my husband passed away")]
    assert [t.type for t in decide(text, reading, found, **rule)] == ["vulnerable_customer"]


def test_a_pets_care_raises_no_alarm_from_a_pattern_alone() -> None:
    # A pet-insurance review's "allergic reaction" or a policy's list of treatments read as a
    # person's crisis, with emergency advice in the playbook (panel round 118).
    rules = {"safety_risk": TriggerRule(0.5), "vulnerable_customer": TriggerRule(0.5)}
    text = "The vet said Bramble had an allergic reaction and they won't cover it."
    found = [pattern("safety_risk", text, "allergic reaction")]
    assert decide(text, head(safety_risk=0.1), found, **rules) == []
    # The model agreeing, or a person at risk named, keeps it.
    assert [t.type for t in decide(text, head(safety_risk=0.9), found, **rules)] == ["safety_risk"]
    told = "Im disabled and the vet is an hour away. The stress gave me an allergic reaction."
    found = [pattern("safety_risk", told, "allergic reaction")]
    assert [t.type for t in decide(told, head(safety_risk=0.1), found, **rules)] == ["safety_risk"]
    # Without a pet's care in it, the pattern stands alone as before.
    plain = "The cream you sold me gave me an allergic reaction."
    found = [pattern("safety_risk", plain, "allergic reaction")]
    assert [t.type for t in decide(plain, head(safety_risk=0.1), found, **rules)] == ["safety_risk"]
