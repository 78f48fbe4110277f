"""The service's vocabulary: every label, trigger, step and channel, declared once."""

from typing import Literal, get_args

SentimentLabel = Literal["negative", "neutral", "positive"]
CustomerType = Literal[
    "angry", "dissatisfied", "demanding", "indecisive", "confused", "satisfied", "neutral"
]
TriggerType = Literal[
    "human_request",
    "authority_exceeded",
    "repeated_contact",
    "legal_threat",
    "churn_threat",
    "public_exposure",
    "abuse",
    "safety_risk",
    "vulnerable_customer",
    "worsening_sentiment",
]
TriggerSource = Literal["pattern", "model", "conversation"]
Confidence = Literal["high", "medium", "low"]
Priority = Literal["low", "normal", "high", "urgent"]
Step = Literal[
    "acknowledge",
    "empathize",
    "apologize",
    "clarify",
    "recommend",
    "solve",
    "set_boundary",
    "escalate",
    "close",
    "follow_up",
]
Channel = Literal["chat", "email", "phone", "social", "other"]

# GoEmotions' 27 emotions plus neutral, in the data set's own label-id order.
EmotionLabel = Literal[
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
]

# What the customer asks for, read by the model: a second source for triggers beside patterns.
IntentLabel = Literal["human_request", "refund_request", "cancel_request"]
# Why the customer is upset, as the model names it (DOMAIN.md, "Root causes").
RootCause = Literal[
    "delay",
    "service_failure",
    "miscommunication",
    "missed_promise",
    "billing",
    "personal_stress",
    "other",
]

SENTIMENT_LABELS: tuple[SentimentLabel, ...] = get_args(SentimentLabel)
CUSTOMER_TYPES: tuple[CustomerType, ...] = get_args(CustomerType)
TRIGGER_TYPES: tuple[TriggerType, ...] = get_args(TriggerType)
TRIGGER_SOURCES: tuple[TriggerSource, ...] = get_args(TriggerSource)
PRIORITIES: tuple[Priority, ...] = get_args(Priority)
STEPS: tuple[Step, ...] = get_args(Step)
CHANNELS: tuple[Channel, ...] = get_args(Channel)
EMOTION_LABELS: tuple[EmotionLabel, ...] = get_args(EmotionLabel)
INTENT_LABELS: tuple[IntentLabel, ...] = get_args(IntentLabel)
ROOT_CAUSES: tuple[RootCause, ...] = get_args(RootCause)

# Triggers a single message can raise; worsening_sentiment needs conversation memory.
MESSAGE_TRIGGER_TYPES: tuple[TriggerType, ...] = tuple(
    t for t in TRIGGER_TYPES if t != "worsening_sentiment"
)


DEFAULT_TENANT = "default"  # the tenant of every request while auth is off
