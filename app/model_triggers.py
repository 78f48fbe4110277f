"""Triggers the model raises (source "model"): requests the patterns did not catch."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from app.domain import Scores, Trigger
from app.labels import IntentLabel, TriggerType

# Which intents are escalation triggers. Refund and cancel intents are not: a refund within
# the agent's limit, or cancelling one order, needs no lead (the patterns judge those).
INTENT_TRIGGERS: dict[IntentLabel, TriggerType] = {"human_request": "human_request"}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


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
    forward pass over the sentences, paid only when such a trigger fires.
    """
    found = []
    for intent, trigger in INTENT_TRIGGERS.items():
        probability = scores.intents.get(intent, 0.0)
        if trigger in already or probability < min_probability:
            continue
        spans = sentence_spans(text) or [(0, len(text))]
        if len(spans) > 1:
            per_sentence = score_sentences([text[s:e] for s, e in spans])
            best = max(range(len(spans)), key=lambda i: per_sentence[i].intents.get(intent, 0.0))
            spans = [spans[best]]
        start, end = spans[0]
        found.append(Trigger(trigger, text[start:end], start, end, "model", round(probability, 4)))
    return found
