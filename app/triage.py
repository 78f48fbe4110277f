"""The triage engine: scores from the model, then the decisions built on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from app import customer_type, escalation
from app.bank import ResponseBank
from app.classifier import Classifier
from app.config import Settings, Thresholds
from app.cues import read_cues
from app.domain import (
    CustomerProfile,
    Escalation,
    Playbook,
    RootCauseResult,
    Scores,
    Sentiment,
)
from app.labels import ROOT_CAUSES, SENTIMENT_LABELS, Channel, Confidence
from app.model_triggers import model_triggers
from app.playbook import build_playbook
from app.triggers import TriggerDetector


@dataclass(frozen=True, slots=True)
class TriageInput:
    text: str
    channel: Channel = "chat"
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class TriageResult:
    sentiment: Sentiment
    emotions: dict[str, float]
    intents: dict[str, float]
    root_cause: RootCauseResult | None
    customer: CustomerProfile
    escalation: Escalation
    playbook: Playbook


def sentiment_of(scores: Scores, thresholds: Thresholds) -> Sentiment:
    """The sentiment label, its signed score, and the 5-point scale helpdesks show."""
    probabilities = {label: round(scores.sentiment[label], 4) for label in SENTIMENT_LABELS}
    label = max(SENTIMENT_LABELS, key=lambda s: scores.sentiment[s])
    score = round(scores.sentiment["positive"] - scores.sentiment["negative"], 4)
    scale = 1 + sum(score > cut for cut in thresholds.scale_cuts)
    top = scores.sentiment[label]
    confidence: Confidence = (
        "high"
        if top >= thresholds.confidence_high
        else "medium"
        if top >= thresholds.confidence_medium
        else "low"
    )
    return Sentiment(label, score, scale, confidence, probabilities)


def root_cause_of(scores: Scores) -> RootCauseResult | None:
    """The model's root cause, or None when the model has no root-cause head."""
    if not scores.root_causes:
        return None
    by_cause = {c: round(scores.root_causes[c], 4) for c in ROOT_CAUSES}
    return RootCauseResult(label=max(ROOT_CAUSES, key=lambda c: by_cause[c]), scores=by_cause)


class TriageEngine:
    """Everything one message goes through; batch-first so the model sees whole batches."""

    def __init__(
        self,
        classifier: Classifier,
        *,
        detector: TriggerDetector,
        bank: ResponseBank,
        settings: Settings,
    ) -> None:
        self.classifier = classifier
        self.detector = detector
        self.bank = bank
        self.settings = settings

    @classmethod
    def from_settings(
        cls, classifier: Classifier, settings: Settings, *, bank: ResponseBank
    ) -> TriageEngine:
        return cls(
            classifier,
            detector=TriggerDetector(
                refund_limit=settings.refund_limit, discount_limit=settings.discount_limit
            ),
            bank=bank,
            settings=settings,
        )

    @property
    def model_version(self) -> str:
        return self.classifier.model_version

    def triage(self, items: Sequence[TriageInput]) -> list[TriageResult]:
        """Triage a batch of messages in one forward pass."""
        if not items:
            return []
        all_scores = self.classifier.predict([item.text for item in items])
        return [self._decide(item, scores) for item, scores in zip(items, all_scores, strict=True)]

    def _decide(self, item: TriageInput, scores: Scores) -> TriageResult:
        thresholds = self.settings.thresholds
        sentiment = sentiment_of(scores, thresholds)
        triggers = self.detector.detect(item.text)
        triggers += model_triggers(
            item.text,
            scores,
            already={t.type for t in triggers},
            min_probability=thresholds.model_trigger_min_probability,
            score_sentences=self.classifier.predict,
        )
        customer = customer_type.profile(
            scores, read_cues(item.text), thresholds, triggers=[t.type for t in triggers]
        )
        decision = escalation.decide(
            triggers,
            customer,
            thresholds=thresholds,
            trigger_priority=self.settings.trigger_priority,
        )
        root_cause = root_cause_of(scores)
        playbook = build_playbook(
            self.bank,
            profile=customer,
            escalation=decision,
            channel=item.channel,
            values=item.values,
            # "other" is no cause at all: the playbook then ignores causes.
            root_causes=[root_cause.label] if root_cause and root_cause.label != "other" else [],
            peak_anger_intensity=thresholds.peak_intensity,
            secondary_type_score=thresholds.secondary_type_score,
        )
        return TriageResult(
            sentiment=sentiment,
            emotions={label: round(p, 4) for label, p in scores.emotions.items()},
            intents={label: round(p, 4) for label, p in scores.intents.items()},
            root_cause=root_cause,
            customer=customer,
            escalation=decision,
            playbook=playbook,
        )
