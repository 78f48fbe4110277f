"""Turn a customer profile and an escalation decision into an ordered, filled playbook."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType

from app.core.domain import CustomerProfile, Escalation, Playbook, PlaybookResponse, PlaybookStep
from app.core.labels import Channel, CustomerType, Step, TriggerType
from app.replies.bank import BankEntry, ResponseBank, fill

CALM_TYPES: frozenset[CustomerType] = frozenset({"satisfied", "neutral"})

# What each difficult type needs, from DOMAIN.md's "what helps" column.
TYPE_STEPS: Mapping[CustomerType, frozenset[Step]] = {
    "angry": frozenset({"acknowledge", "empathize", "apologize", "solve"}),
    "dissatisfied": frozenset({"acknowledge", "apologize", "solve"}),
    "demanding": frozenset({"acknowledge", "solve", "set_boundary"}),
    "indecisive": frozenset({"clarify", "recommend"}),
    "confused": frozenset({"clarify", "solve"}),
    "satisfied": frozenset({"acknowledge"}),
    "neutral": frozenset({"solve"}),
}

# A customer who had to come back, or is getting more upset, is owed an apology.
REPEAT_TRIGGERS: frozenset[TriggerType] = frozenset({"repeated_contact", "worsening_sentiment"})
# Asking for a person or bringing in a lawyer: hand over first, do not negotiate.
HAND_OVER_FIRST: frozenset[TriggerType] = frozenset({"human_request", "legal_threat"})
# Safety replies must not be padded with a cheerful generic line when a specific one exists.
SAFETY_TRIGGERS: frozenset[TriggerType] = frozenset({"safety_risk", "vulnerable_customer"})
# When nothing fits exactly, give up the criteria that matter least to the customer first.
RELAX_ORDER = ("intensity", "channel", "root_causes", "customer_types", "triggers")
NO_VALUES: Mapping[str, str] = MappingProxyType({})


Ranker = Callable[[Step, tuple[BankEntry, ...]], tuple[BankEntry, ...]]


def build_playbook(
    bank: ResponseBank,
    *,
    profile: CustomerProfile,
    escalation: Escalation,
    channel: Channel,
    values: Mapping[str, str] = NO_VALUES,
    root_causes: Collection[str] = (),
    responses_per_step: int = 1,
    peak_anger_intensity: float = 0.7,
    secondary_type_score: float = 0.5,
    exclude: Collection[str] = (),
    rank: Ranker | None = None,
) -> Playbook:
    """Pick the steps for this customer, in order, each with its best-matching replies.

    `exclude`: entry ids already offered in this conversation, skipped while others fit;
    `rank`: reorders a step's candidates (the learning loop), best first.

    >>> build_playbook(bank, profile=profile, escalation=escalation, channel="chat")
    """
    if responses_per_step < 1:
        raise ValueError(f"responses_per_step must be at least 1, got {responses_per_step}")
    fired = _trigger_types(escalation)
    types = customer_types(profile, secondary_type_score=secondary_type_score)
    plan = plan_steps(
        profile,
        escalation,
        peak_anger_intensity=peak_anger_intensity,
        secondary_type_score=secondary_type_score,
    )
    steps: list[PlaybookStep] = []
    for step in plan:
        entries = _select(
            bank,
            step,
            types=types,
            intensity=profile.intensity,
            fired=fired,
            channel=channel,
            root_causes=tuple(root_causes),
        )
        # Saying the same line twice in one conversation sounds scripted.
        entries = tuple(e for e in entries if e.id not in exclude) or entries
        if rank is not None:
            entries = rank(step, entries)
        entries = entries[:responses_per_step]
        # A team's own bank may lack a step entirely; an empty step helps no agent.
        if entries:
            responses = tuple(PlaybookResponse(e.id, fill(e.text, values)) for e in entries)
            steps.append(PlaybookStep(step, responses))
    return Playbook(steps=tuple(steps), avoid=bank.avoid_for(types, fired))


def customer_types(
    profile: CustomerProfile, *, secondary_type_score: float = 0.5
) -> tuple[CustomerType, ...]:
    """The profile's label first, then any other difficult type scoring at least the threshold."""
    if profile.label in CALM_TYPES:
        return (profile.label,)
    others = sorted(
        (t for t, s in profile.scores.items() if s >= secondary_type_score and t != profile.label),
        key=lambda t: (-profile.scores[t], t),
    )
    return (profile.label, *(t for t in others if t not in CALM_TYPES))


def plan_steps(
    profile: CustomerProfile,
    escalation: Escalation,
    *,
    peak_anger_intensity: float = 0.7,
    secondary_type_score: float = 0.5,
) -> tuple[Step, ...]:
    """The ordered strategy steps for this customer, before any reply is chosen."""
    fired = _trigger_types(escalation)
    if "safety_risk" in fired:
        # The hand-off script already says the safety lines an acknowledgement would.
        opening: Step = "escalate" if escalation.escalate else "acknowledge"
        return (opening, "empathize", "close")

    types = customer_types(profile, secondary_type_score=secondary_type_score)
    difficult = profile.label not in CALM_TYPES
    wanted: set[Step] = set()
    for customer_type in types:
        wanted |= TYPE_STEPS[customer_type]
    if difficult and fired & REPEAT_TRIGGERS:
        wanted |= {"acknowledge", "apologize"}
    if "vulnerable_customer" in fired:
        wanted |= {"acknowledge", "empathize"}

    peak = profile.intensity >= peak_anger_intensity
    # At the peak an apology sounds dismissive: acknowledge first, apologise once heard.
    feelings: tuple[Step, ...] = (
        ("acknowledge", "empathize", "apologize")
        if peak
        else ("apologize", "acknowledge", "empathize")
    )
    abuse = "abuse" in fired
    hand_over_first = escalation.escalate and bool(fired & HAND_OVER_FIRST)
    hand_over_last = escalation.escalate and not hand_over_first
    follow_up = difficult and (peak or escalation.escalate or bool(fired & REPEAT_TRIGGERS))

    order: list[Step] = []
    if abuse:
        order.append("set_boundary")
    order += [s for s in feelings if s in wanted]
    if hand_over_first:
        order.append("escalate")
    order += [s for s in ("clarify", "recommend", "solve") if s in wanted]
    if "set_boundary" in wanted and not abuse:
        order.append("set_boundary")
    if hand_over_last:
        order.append("escalate")
    order.append("close")
    if follow_up:
        order.append("follow_up")
    return tuple(order)


def _select(
    bank: ResponseBank,
    step: Step,
    *,
    types: tuple[CustomerType, ...],
    intensity: float,
    fired: frozenset[TriggerType],
    channel: Channel,
    root_causes: tuple[str, ...],
) -> tuple[BankEntry, ...]:
    """The best entries for a step, relaxing the least important criteria until some fit."""
    found: tuple[BankEntry, ...] = ()
    for dropped in range(len(RELAX_ORDER) + 1):
        ignore = RELAX_ORDER[:dropped]
        found = bank.candidates(
            step,
            intensity=None if "intensity" in ignore else intensity,
            channel=None if "channel" in ignore else channel,
            root_causes=None if "root_causes" in ignore else root_causes,
            customer_types=None if "customer_types" in ignore else types,
            triggers=None if "triggers" in ignore else fired,
        )
        if found:
            break
    if fired & SAFETY_TRIGGERS:
        specific = tuple(e for e in found if set(e.triggers) & fired & SAFETY_TRIGGERS)
        return specific or found
    return found


def _trigger_types(escalation: Escalation) -> frozenset[TriggerType]:
    return frozenset(trigger.type for trigger in escalation.triggers)
