"""Customer type scores and intensity, from the model's scores and the text's cues."""

from __future__ import annotations

from collections.abc import Collection

from app.core.config import Thresholds
from app.core.domain import CustomerProfile, Scores
from app.core.labels import CUSTOMER_TYPES, INTENSITY_LEVELS, CustomerType, TriggerType
from app.engine.cues import Cues

DIFFICULT_TYPES: tuple[CustomerType, ...] = (
    "angry",
    "dissatisfied",
    "demanding",
    "indecisive",
    "confused",
)

# What a trigger says about the customer, beyond the words the cues read.
TRIGGER_TYPE_BOOSTS: dict[TriggerType, dict[CustomerType, float]] = {
    "human_request": {"demanding": 0.25},
    "authority_exceeded": {"demanding": 0.25},
    "repeated_contact": {"dissatisfied": 0.25, "angry": 0.1},
    "legal_threat": {"demanding": 0.25, "angry": 0.15},
    "churn_threat": {"dissatisfied": 0.25},
    "public_exposure": {"angry": 0.2, "demanding": 0.1},
    "abuse": {"angry": 0.4},
    "worsening_sentiment": {"dissatisfied": 0.2},
}


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


def _saturate(count: int, full: int = 2) -> float:
    """0 for no occurrence, 1 from `full` occurrences on: a count read as strength."""
    return min(count, full) / full


def heat(scores: Scores, cues: Cues) -> float:
    """How heated the message reads, 0..1: anger in the words, the capitals and the punctuation."""
    emotions = scores.emotions
    anger = max(emotions["anger"], 0.8 * emotions["annoyance"], 0.7 * emotions["disgust"])
    return _clip(
        0.35 * anger
        + 0.3 * cues.shouting
        + 0.15 * _saturate(cues.exclamations, 3)
        + 0.1 * _saturate(cues.exclamation_runs, 1)
        + 0.2 * _saturate(cues.profanity)
        + 0.2 * _saturate(cues.anger_words)
    )


def type_scores(scores: Scores, cues: Cues, *, model_weight: float) -> dict[CustomerType, float]:
    """A score in 0..1 per customer type; several can be high at once (angry and demanding).

    The model's customer-type head, where it has one, is blended with what the cues say:
    the head learned from a few hundred messages, the cues carry what it may not have seen.
    """
    by_cues = cue_scores(scores, cues)
    if not scores.customer_types:
        return _unless_sarcastic(by_cues, cues)
    blended = {
        t: round(model_weight * scores.customer_types[t] + (1 - model_weight) * by_cues[t], 4)
        for t in CUSTOMER_TYPES
    }
    return _unless_sarcastic(blended, cues)


def _unless_sarcastic(by_type: dict[CustomerType, float], cues: Cues) -> dict[CustomerType, float]:
    """Sarcastic thanks, or thanks while the fault is still there, are never satisfaction:
    what read as satisfied is dissatisfied.

    The heads read "thanks for nothing" and "didn't work, thanks again" by their words;
    LABELLING.md decides them the other way.
    """
    if not cues.sarcasm and not cues.fault_left:
        return by_type
    dissatisfied = max(by_type["dissatisfied"], by_type["satisfied"])
    return {**by_type, "dissatisfied": dissatisfied, "satisfied": 0.0}


def cue_scores(scores: Scores, cues: Cues) -> dict[CustomerType, float]:
    """Customer-type scores from the emotion and sentiment heads and the text's cues alone."""
    emotions, sentiment = scores.emotions, scores.sentiment
    negative, positive = sentiment["negative"], sentiment["positive"]
    heated = heat(scores, cues)
    difficult: dict[CustomerType, float] = {
        "angry": _clip(
            0.45 * heated
            + 0.25 * negative
            + 0.3 * max(emotions["anger"], 0.7 * emotions["annoyance"])
            + 0.15 * _saturate(cues.anger_words)
        ),
        "dissatisfied": _clip(
            0.35
            * max(
                emotions["disappointment"], 0.8 * emotions["disapproval"], 0.6 * emotions["sadness"]
            )
            + 0.3 * negative
            + 0.4 * _saturate(cues.dissatisfaction, 1)
        ),
        "demanding": _clip(
            0.45 * _saturate(cues.demands)
            + 0.2 * _saturate(cues.deadlines, 1)
            + 0.15 * negative
            + 0.1 * emotions["desire"]
            + 0.1 * _saturate(cues.exclamations, 2)
        ),
        "indecisive": _clip(
            0.6 * _saturate(cues.hedges)
            + 0.15 * emotions["curiosity"]
            + 0.15 * _saturate(cues.questions, 2)
            - 0.2 * negative
        ),
        "confused": _clip(
            0.45 * emotions["confusion"]
            + 0.45 * _saturate(cues.confusion, 1)
            + 0.1 * _saturate(cues.questions, 2)
        ),
    }
    worst = max(difficult.values())
    satisfied = _clip(
        0.45
        * max(emotions["gratitude"], emotions["admiration"], emotions["joy"], emotions["relief"])
        + 0.35 * positive
        + 0.25 * _saturate(cues.thanks, 1)
        - 0.4 * negative
    )
    neutral = _clip((0.5 * emotions["neutral"] + 0.5 * sentiment["neutral"]) * (1 - worst))
    result = {**difficult, "satisfied": satisfied, "neutral": neutral}
    return {t: round(result[t], 4) for t in CUSTOMER_TYPES}


def intensity(
    type_score: dict[CustomerType, float], scores: Scores, cues: Cues, *, model_weight: float = 1.0
) -> float:
    """How strongly the customer feels it, 0..1: mild annoyance low, fury high.

    With the intensity head (learned from real messages labelled 0 none to 3 fierce), its
    expected level over 3, blended with what the words show; without it, the words alone.
    """
    worst = max(type_score[t] for t in DIFFICULT_TYPES)
    by_words = _clip(0.5 * worst + 0.5 * heat(scores, cues))
    if not scores.intensity:
        return round(by_words, 4)
    levels = [scores.intensity.get(level, 0.0) for level in INTENSITY_LEVELS]
    learned = sum(k * p for k, p in enumerate(levels)) / (len(levels) - 1)
    return round(_clip(model_weight * learned + (1 - model_weight) * by_words), 4)


def with_triggers(
    by_type: dict[CustomerType, float], triggers: Collection[TriggerType]
) -> dict[CustomerType, float]:
    """Raise the types the triggers speak for: asking for a manager is a demand, and so on."""
    raised = dict(by_type)
    for trigger in set(triggers):
        for customer_type, boost in TRIGGER_TYPE_BOOSTS.get(trigger, {}).items():
            raised[customer_type] = round(_clip(raised[customer_type] + boost), 4)
    return raised


def profile(
    scores: Scores,
    cues: Cues,
    thresholds: Thresholds,
    *,
    triggers: Collection[TriggerType] = (),
) -> CustomerProfile:
    """Decide the customer type: the strongest difficult type if it clears the bar.

    Angry gets a head start of `customer_type_angry_lead` in the decision only: the scores
    reported stay as read.
    """
    by_type = with_triggers(
        type_scores(scores, cues, model_weight=thresholds.customer_type_model_weight), triggers
    )
    deciding = {**by_type, "angry": by_type["angry"] + thresholds.customer_type_angry_lead}
    difficult = max(DIFFICULT_TYPES, key=lambda t: deciding[t])
    if deciding[difficult] >= thresholds.customer_type_min_score:
        label: CustomerType = difficult
    elif by_type["satisfied"] >= thresholds.customer_type_min_score:
        label = "satisfied"
    else:
        label = "neutral"
    strength = intensity(by_type, scores, cues, model_weight=thresholds.intensity_model_weight)
    return CustomerProfile(label=label, scores=by_type, intensity=strength)
