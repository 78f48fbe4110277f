"""Triggers the model raises (source "model"): requests the patterns did not catch."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from app.core.domain import Scores, Trigger
from app.core.labels import IntentLabel, TriggerType

# Which intents are escalation triggers. Refund and cancel intents are not: a refund within
# the agent's limit, or cancelling one order, needs no lead (the patterns judge those).
INTENT_TRIGGERS: dict[IntentLabel, TriggerType] = {"human_request": "human_request"}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Finding the evidence reads sentences again. A long email's hundred sentences would cost a
# second full read of it (190 ms for 10,000 characters), so at most this many are read:
# those in the intent's own words first, the latest first (an email makes its request
# after telling its story).
MAX_EVIDENCE_SENTENCES = 4
_INTENT_WORDS: dict[IntentLabel, re.Pattern[str]] = {
    "human_request": re.compile(
        r"\b(speak|talk|call|phone|ring|contact|person|human|agent|someone|somebody|anyone|"
        r"manager|supervisor|representative|senior|real|live)",
        re.IGNORECASE,
    )
}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start and end of each sentence, trimmed of surrounding white space."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def model_triggers(
    text: str,
    scores: Scores,
    *,
    already: Collection[TriggerType],
    min_probability: float,
    score_sentences: Callable[[Sequence[str]], list[Scores]],
) -> list[Trigger]:
    """A trigger per intent the model is confident of and no pattern already raised.

    The evidence is the sentence the model finds most telling; finding it costs one more
    forward pass over the sentences (a few of a long text's), paid only when such a
    trigger fires.
    """
    found = []
    for intent, trigger in INTENT_TRIGGERS.items():
        probability = scores.intents.get(intent, 0.0)
        if trigger in already or probability < min_probability:
            continue
        spans = _candidates(text, intent, sentence_spans(text) or [(0, len(text))])
        if len(spans) > 1:
            per_sentence = score_sentences([text[s:e] for s, e in spans])
            best = max(range(len(spans)), key=lambda i: per_sentence[i].intents.get(intent, 0.0))
            spans = [spans[best]]
        start, end = spans[0]
        found.append(Trigger(trigger, text[start:end], start, end, "model", round(probability, 4)))
    return found


def _candidates(
    text: str, intent: IntentLabel, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The sentences worth reading for evidence: all of a short text's, else a few."""
    if len(spans) <= MAX_EVIDENCE_SENTENCES:
        return spans
    words = _INTENT_WORDS.get(intent)
    telling = {span for span in spans if words and words.search(text, *span)}
    latest_first = spans[::-1]
    ordered = [span for span in latest_first if span in telling] + [
        span for span in latest_first if span not in telling
    ]
    return sorted(ordered[:MAX_EVIDENCE_SENTENCES])
