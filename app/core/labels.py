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
# "pattern+model": both found it; the evidence is then the pattern's exact span.
TriggerSource = Literal["pattern", "model", "pattern+model", "conversation"]
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
# What the customer asks for (LABELLING.md, "What the customer asks for"); several can apply.
RequestLabel = Literal[
    "talk_to_person",
    "refund_or_compensation",
    "cancel_or_close",
    "delete_data",
    "explain_charge",
    "fix_problem",
    "status",
    "change_something",
    "information",
    "complaint_only",
    "praise",
]
# The specifics a customer gives that a reply can give back (app.replies.facts).
FactKind = Literal["amount", "date", "time", "duration", "reference", "person", "deadline"]
# A team that takes over a kind of request from the support agent: data-erasure and privacy
# requests go to the privacy process, buying and pricing questions to sales.
Route = Literal["privacy", "sales"]
# How strongly it is felt, as labelled (0 none, 1 mild, 2 clear, 3 fierce); served as 0..1.
IntensityLevel = Literal["none", "mild", "clear", "fierce"]
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

# What a bank entry can be written for: the model's root causes (its "other" is no cause at
# all) and the practical categories that cut across them (DOMAIN.md, "Root causes"). Not
# the same set as RootCause, so not the same name: the model names why, an entry says where
# it fits.
CauseTag = Literal[
    "miscommunication",
    "missed_promise",
    "delay",
    "service_failure",
    "personal_stress",
    "billing",
    "delivery",
    "product_defect",
    "account_access",
    "refund",
    # A product that sparked, smoked or burned, reported after the fact: the safety lines for
    # it are not the crisis script (see app/replies/spoken.py).
    "hazard",
    # Gas smelled or leaking now: the crisis script with what to do while help comes.
    "gas",
    # A death the customer tells of (a person's, a pregnancy's, a pet's): the empathy step
    # is a condolence (see app/replies/spoken.py).
    "bereavement",
    # A change asked of what the company offers (a feature, a show brought back): passed on
    # to those who decide, never promised (see app/replies/spoken.py).
    "suggestion",
    # Someone else using the customer's identity or account: the empathy step speaks to the
    # worry of it (see app/replies/spoken.py).
    "fraud",
    # A call asked for: the hand-over says the lead will ring (see app/replies/spoken.py).
    "callback",
    # Nothing asked that could be read, and no question: what the customer needs is asked
    # before anything is answered (see app/replies/playbook.py).
    "unstated",
    # The problem went away or was never ours ("ignore me, it's just come back on"): thanked
    # and left, nothing offered (see app/replies/spoken.py).
    "resolved",
    # A repeat contact the customer counts, or the conversation shows, not only the model's
    # reading: acknowledged as said, not hedged (see app/replies/spoken.py).
    "repeat_stated",
    # A private message the customer says they have already sent: picked up there, not asked
    # for again (see app/replies/spoken.py).
    "dm_sent",
    # A legal step threatened only if the answer does not come: answered first, handed over
    # if that does not settle it (see app/replies/spoken.py).
    "ultimatum",
    # A call asked for on a number the message gives: the hand-over says it is rung, and does
    # not ask for a number again (see app/replies/spoken.py).
    "number_given",
    # Praise with a gripe the customer names beside it: both answered in one reply, the
    # thanks first (see app/engine/requests.py).
    "gripe",
    # A calm customer chasing an order or their money past its time: apologised to for the
    # wait, which is all the apology can name (see app/replies/playbook.py).
    "waiting",
    # Praise alone that tells of a hard moment (a fall, a hospital dash): thanked as care at a
    # hard time, with no cheery close (see app/replies/spoken.py).
    "hard_time",
    # Praise alone with the thanks asked to be passed on: the reply says it will be (see
    # app/replies/spoken.py).
    "pass_on",
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
CAUSE_TAGS: tuple[CauseTag, ...] = get_args(CauseTag)
REQUEST_LABELS: tuple[RequestLabel, ...] = get_args(RequestLabel)
ROUTES: tuple[Route, ...] = get_args(Route)
INTENSITY_LEVELS: tuple[IntensityLevel, ...] = get_args(IntensityLevel)

# Triggers a single message can raise; worsening_sentiment needs conversation memory.
MESSAGE_TRIGGER_TYPES: tuple[TriggerType, ...] = tuple(
    t for t in TRIGGER_TYPES if t != "worsening_sentiment"
)


DEFAULT_TENANT = "default"  # the tenant of every request while auth is off
