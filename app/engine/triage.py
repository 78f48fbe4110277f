"""The triage engine: scores from the model, then the decisions built on them."""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from app.core.config import Settings, Thresholds
from app.core.domain import (
    CustomerProfile,
    Escalation,
    Playbook,
    RootCauseResult,
    Scores,
    Sentiment,
)
from app.core.labels import (
    DEFAULT_TENANT,
    ROOT_CAUSES,
    SENTIMENT_LABELS,
    Channel,
    Confidence,
    RequestLabel,
    Route,
    SentimentLabel,
    TriggerType,
)
from app.engine import customer_type, escalation
from app.engine.causes import evident_causes
from app.engine.cues import read_cues
from app.engine.language import ENGLISH, MessageLanguage, language_of
from app.engine.language import warm_up as warm_up_language_detector
from app.engine.memory import ConversationContext, ConversationMemory, PastTurn, TurnToKeep
from app.engine.model_triggers import TriggerRule, message_triggers, rules_from
from app.engine.requests import requests_asked, route_of
from app.engine.triggers import TriggerDetector
from app.model.base import Classifier
from app.model.head_specs import read_trigger_policy
from app.replies.bank import ResponseBank
from app.replies.facts import (
    Fact,
    extract_facts,
    fact_values,
    facts_told,
    role_asked_for,
    staff_praised,
)
from app.replies.learning import Stats, StatsCache, ThompsonRanker
from app.replies.playbook import build_playbook
from app.replies.spoken import praise_beside_ask
from app.tenancy.configs import TenantConfigs


@dataclass(frozen=True, slots=True)
class PastMessage:
    text: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TriageInput:
    text: str
    channel: Channel = "chat"
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    conversation_id: str | None = None
    customer_id: str | None = None
    history: tuple[PastMessage, ...] | None = None  # stateless mode
    store: bool = True
    tenant_id: str = DEFAULT_TENANT  # whose bank, settings and conversations apply


@dataclass(frozen=True, slots=True)
class ScreenInput:
    text: str
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class Screening:
    sentiment: SentimentLabel
    customer: CustomerProfile
    escalation: Escalation
    asked: tuple[RequestLabel, ...] = ()
    route: Route | None = None
    language: MessageLanguage = ENGLISH


@dataclass(frozen=True, slots=True)
class ConversationState:
    context: ConversationContext
    stored: bool


@dataclass(frozen=True, slots=True)
class TriageResult:
    sentiment: Sentiment
    emotions: dict[str, float]
    intents: dict[str, float]
    root_cause: RootCauseResult | None
    customer: CustomerProfile
    escalation: Escalation
    playbook: Playbook
    conversation: ConversationState | None = None
    bank_version: str | None = None  # the bank the playbook came from (the tenant's)
    requests: dict[str, float] = field(default_factory=dict)
    asked: tuple[RequestLabel, ...] = ()  # the requests the playbook answers
    route: Route | None = None
    facts: tuple[Fact, ...] = ()
    language: MessageLanguage = ENGLISH


def _asked_for(text: str) -> dict[str, str]:
    """The lead a hand-over names: whom the customer asked for, where they named someone."""
    role = role_asked_for(text)
    return {"lead_name": role} if role else {}


def sentiment_of(
    scores: Scores, thresholds: Thresholds, language: MessageLanguage = ENGLISH
) -> Sentiment:
    """The sentiment label, its signed score, and the 5-point scale helpdesks show.

    In a language the model was not trained on, the confidence is "low" whatever the scores.
    """
    probabilities = {label: round(scores.sentiment[label], 4) for label in SENTIMENT_LABELS}
    label = max(SENTIMENT_LABELS, key=lambda s: scores.sentiment[s])
    score = round(scores.sentiment["positive"] - scores.sentiment["negative"], 4)
    scale = 1 + sum(score > cut for cut in thresholds.scale_cuts)
    top = scores.sentiment[label]
    confidence: Confidence = (
        "low"
        if not language.supported
        else "high"
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
        memory: ConversationMemory,
        settings: Settings,
        configs: TenantConfigs | None = None,
        trigger_rules: Mapping[TriggerType, TriggerRule] | None = None,
    ) -> None:
        self.classifier = classifier
        self.trigger_rules = trigger_rules or {}
        self.detector = detector
        self.bank = bank
        self.memory = memory
        self.settings = settings
        self.configs = configs
        self.rng = random.Random()
        # Per tenant: each team learns from its own outcomes. Shared with the tenant variants.
        self.outcomes: dict[str, StatsCache] = {}
        self._variants: dict[str, tuple[tuple[str, int, int], TriageEngine]] = {}
        self._variants_lock = threading.Lock()

    @classmethod
    def from_settings(
        cls,
        classifier: Classifier,
        settings: Settings,
        *,
        bank: ResponseBank,
        memory: ConversationMemory,
        configs: TenantConfigs | None = None,
    ) -> TriageEngine:
        """The engine for the deployment's bank and settings; with `configs`, each tenant's
        messages are decided with that tenant's own (see for_tenant)."""
        # Built once per process, here rather than in the first request that needs it.
        warm_up_language_detector()
        return cls(
            classifier,
            detector=TriggerDetector(
                refund_limit=settings.refund_limit, discount_limit=settings.discount_limit
            ),
            bank=bank,
            memory=memory,
            settings=settings,
            configs=configs,
            # How the trained trigger head is read (models/trigger_policy.json), if it has one.
            trigger_rules=rules_from(read_trigger_policy(settings.models_dir)),
        )

    def for_tenant(self, tenant_id: str) -> TriageEngine:
        """The engine with the tenant's current bank and settings: the same model, memory
        and outcome statistics; rebuilt only when the tenant publishes a new version."""
        if self.configs is None:
            return self
        config = self.configs.get(tenant_id)
        if config.bank_version == config.settings_version == 0:
            return self
        with self._variants_lock:
            key, engine = self._variants.get(tenant_id, (None, self))
            if key != config.key:
                engine = TriageEngine.from_settings(
                    self.classifier, config.settings, bank=config.bank, memory=self.memory
                )
                engine.outcomes = self.outcomes
                self._variants[tenant_id] = (config.key, engine)
        return engine

    def outcome_stats(self, tenant_id: str) -> Stats:
        """How often each bank entry resolved the tenant's conversations (cached a minute)."""
        cache = self.outcomes.get(tenant_id)
        if cache is None:
            cache = self.outcomes.setdefault(
                tenant_id, StatsCache(functools.partial(self._load_stats, tenant_id))
            )
        return cache.get()

    def _load_stats(self, tenant_id: str) -> Stats | None:
        store = self.memory.store  # read each time: the store may open after start-up
        return store.outcome_stats(tenant_id=tenant_id) if store is not None else None

    @property
    def model_version(self) -> str:
        return self.classifier.model_version

    def triage(
        self, items: Sequence[TriageInput], *, now: datetime | None = None
    ) -> list[TriageResult]:
        """Triage a batch of messages (and any history sent with them) in one forward pass."""
        return self.decide(items, self.score(items), now=now)

    def score(self, items: Sequence[TriageInput]) -> list[Scores]:
        """The forward pass of a batch: its messages' scores, then those of their history."""
        if not items:
            return []
        texts = [item.text for item in items]
        texts += [m.text for item in items for m in item.history or ()]
        return self.classifier.predict(texts)

    def decide(
        self,
        items: Sequence[TriageInput],
        all_scores: Sequence[Scores],
        *,
        now: datetime | None = None,
    ) -> list[TriageResult]:
        """Everything after the forward pass: history, triggers, playbook, the turn kept.

        Reads and writes the conversation store, so the service runs it after the batch
        has given back its inference slot (app.serving.batcher).
        """
        if not items:
            return []
        now = now or datetime.now(UTC)
        past = [item.history or () for item in items]
        results = []
        offset = len(items)
        for item, scores, messages in zip(items, all_scores, past, strict=False):
            # One forward pass for every tenant; each message then decided by its own rules.
            engine = self.for_tenant(item.tenant_id)
            past_turns = [
                PastTurn(score=sentiment_of(s, engine.settings.thresholds).score, at=m.at)
                for m, s in zip(messages, all_scores[offset : offset + len(messages)], strict=True)
            ]
            offset += len(messages)
            results.append(engine._decide(item, scores, past_turns, now))
        return results

    def screen(self, messages: Sequence[ScreenInput | str]) -> list[Screening]:
        """The cheapest path, for chat widgets: triggers, type and sentiment; no playbook.

        A plain text is screened with the default tenant's rules.
        """
        if not messages:
            return []
        items = [m if isinstance(m, ScreenInput) else ScreenInput(m) for m in messages]
        results = []
        all_scores = self.classifier.predict([item.text for item in items])
        for item, scores in zip(items, all_scores, strict=True):
            engine = self.for_tenant(item.tenant_id)
            language = language_of(item.text)
            customer, decision = engine._assess(item.text, scores, None, language)
            sentiment = sentiment_of(scores, engine.settings.thresholds, language)
            facts = extract_facts(item.text)
            asked, route = engine._asks(item.text, scores, decision, language, facts)
            results.append(Screening(sentiment.label, customer, decision, asked, route, language))
        return results

    def _assess(
        self,
        text: str,
        scores: Scores,
        context: ConversationContext | None,
        language: MessageLanguage,
    ) -> tuple[CustomerProfile, Escalation]:
        """Triggers from patterns, the model and history; the customer type; the escalation.

        In a language the model was not trained on, its triggers are left out: only the
        patterns (and the conversation) can raise one.
        """
        thresholds = self.settings.thresholds
        triggers = message_triggers(
            text,
            scores,
            self.detector.detect(text),
            rules=self.trigger_rules,
            min_probability=thresholds.model_trigger_min_probability,
            score_sentences=self.classifier.predict,
        )
        if not language.supported:
            triggers = [t for t in triggers if t.source != "model"]
        if context:
            triggers += [t for t in context.triggers if t.type not in {x.type for x in triggers}]
        customer = customer_type.profile(
            scores, read_cues(text), thresholds, triggers=[t.type for t in triggers]
        )
        decision = escalation.decide(
            triggers,
            customer,
            thresholds=thresholds,
            trigger_priority=self.settings.trigger_priority,
        )
        return customer, decision

    def _asks(
        self,
        text: str,
        scores: Scores,
        decision: Escalation,
        language: MessageLanguage,
        facts: Sequence[Fact],
    ) -> tuple[tuple[RequestLabel, ...], Route | None]:
        """What the customer asks for, and the team that takes it over if not support.

        In a language the model was not trained on, only what patterns catch is asked: the
        head read a German blocked-card complaint as praise.
        """
        asked = requests_asked(
            scores.requests if language.supported else {},
            text,
            min_probability=self.settings.thresholds.request_min_probability,
            triggers=[t.type for t in decision.triggers],
            thanks_someone=any(fact.thanked for fact in facts),
            praised_beside=staff_praised(text, facts) or praise_beside_ask(text),
        )
        route = route_of(text, asked)
        # A buying question is answered by the sales reply, which is tagged as information.
        if route == "sales" and "information" not in asked:
            asked = (*asked, "information")
        return asked, route

    def _context(
        self, item: TriageInput, score: float, past: list[PastTurn], now: datetime
    ) -> ConversationContext | None:
        if item.history is not None:
            return self.memory.from_history(past, score, now)
        if item.conversation_id is not None:
            return self.memory.from_store(
                item.conversation_id, item.customer_id, score, now, tenant_id=item.tenant_id
            )
        return None

    def _decide(
        self, item: TriageInput, scores: Scores, past: list[PastTurn], now: datetime
    ) -> TriageResult:
        thresholds = self.settings.thresholds
        language = language_of(item.text)
        sentiment = sentiment_of(scores, thresholds, language)
        context = self._context(item, sentiment.score, past, now)
        customer, decision = self._assess(item.text, scores, context, language)
        triggers = decision.triggers
        root_cause = root_cause_of(scores)
        facts = extract_facts(item.text)
        asked, route = self._asks(item.text, scores, decision, language, facts)
        playbook = build_playbook(
            self.bank,
            profile=customer,
            escalation=decision,
            channel=item.channel,
            # The caller's values win over what the message seems to say.
            values={**fact_values(facts, item.text), **_asked_for(item.text), **item.values},
            told=facts_told(facts),
            # A cause the message does not bear out is no cause to speak to: the playbook
            # then uses replies written for none.
            root_causes=evident_causes(
                root_cause.scores if root_cause else {},
                item.text,
                min_probability=thresholds.cause_min_probability,
            ),
            # Whether a cause is read at all decides whether the agent must ask for one.
            cause_read=bool(root_cause and root_cause.label != "other"),
            # Nothing asked that the head could see: the customer type's usual ask stands in,
            # except in a language the head cannot read, where a guessed ask would be a guess
            # on a guess (a Japanese complaint thanked for its kind words).
            requests=asked or (None if language.supported else ()),
            route=route,
            text=item.text,
            peak_anger_intensity=thresholds.peak_intensity,
            mild_intensity=thresholds.mild_intensity,
            secondary_type_score=thresholds.secondary_type_score,
            exclude=context.offered if context else (),
            # The model's own language reads "en" here; another that it cannot read gets the
            # bank's plain lines in that language where the bank has them.
            language=language.code if language.code and not language.supported else "en",
            rank=(
                ThompsonRanker(self.outcome_stats(item.tenant_id), self.rng)
                if self.settings.learning
                else None
            ),
        )
        stored = False
        if context and context.available and item.conversation_id and item.store:
            stored = self.memory.keep(
                TurnToKeep(
                    tenant_id=item.tenant_id,
                    conversation_id=item.conversation_id,
                    customer_id=item.customer_id,
                    channel=item.channel,
                    text=item.text,
                    at=now,
                    sentiment_label=sentiment.label,
                    sentiment_score=sentiment.score,
                    customer_type=customer.label,
                    intensity=customer.intensity,
                    root_cause=root_cause.label if root_cause else None,
                    triggers=decision.triggers,
                    responses=[r.id for step in playbook.steps for r in step.responses],
                    difficult=customer.label not in ("satisfied", "neutral") or bool(triggers),
                )
            )
        return TriageResult(
            sentiment=sentiment,
            emotions={label: round(p, 4) for label, p in scores.emotions.items()},
            intents={label: round(p, 4) for label, p in scores.intents.items()},
            requests={label: round(p, 4) for label, p in scores.requests.items()},
            root_cause=root_cause,
            customer=customer,
            escalation=decision,
            playbook=playbook,
            conversation=ConversationState(context, stored) if context else None,
            bank_version=self.bank.version,
            asked=asked,
            route=route,
            facts=facts,
            language=language,
        )
