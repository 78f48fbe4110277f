"""The no-over-promise rule: claims only the agent can back are refused unless a slot holds them."""

from typing import Any

import pytest
from pydantic import ValidationError

from app.replies.bank import AGENT_SLOTS, BankEntry
from app.replies.promises import keeps_ownership, unbacked_claims


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We've found the fault and the fix is going out now.", "completed action"),
        ("I have already refunded the full amount.", "completed action"),
        ("Your order has been shipped.", "completed action"),
        ("I've checked your order with the courier.", "completed action"),
        ("We identified the problem on our side.", "discovered cause"),
        ("The cause was a billing error.", "discovered cause"),
        ("This was caused by a system update.", "discovered cause"),
        ("That option isn't available on your plan.", "policy"),
        ("Our policy is to refund within a week.", "policy"),
        ("Here's the information you asked for.", "missing content"),
        ("You'll have it within 24 hours.", "time promise"),
        ("It will be fixed by tomorrow.", "time promise"),
    ],
)
def test_claims_the_service_cannot_know_are_found(text: str, kind: str) -> None:
    [claim] = unbacked_claims(text, AGENT_SLOTS)
    assert claim.kind == kind
    assert claim.words.lower() in text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Here's where things stand right now: {status}.",
        "What happened was that {cause}; the next step is {fix}.",
        "You'll have an update {eta}.",
        "I can look at a refund for this. Here's what I can do: {decision}.",
        "I'm sorry this fell short of what you expected.",
        "Could you send me the order number so I can look it up?",
    ],
)
def test_slot_backed_and_plain_sentences_pass(text: str) -> None:
    assert unbacked_claims(text, AGENT_SLOTS) == []


def test_a_slot_backs_only_its_own_sentence() -> None:
    text = "Here's where it stands: {status}. We've fixed the fault."
    [claim] = unbacked_claims(text, AGENT_SLOTS)
    assert claim.sentence == "We've fixed the fault."


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I'll handle the rest of this myself.", "I'll handle"),
        ("I'm taking this over and will see it through.", "I'm taking this over"),
        ("I'll stay with this until it's sorted.", "stay with this until"),
        ("Reply with the option and I'll take care of it.", "I'll take care of"),
        ("I'll get it moving straight away and confirm the outcome {eta}.", "I'll get it moving"),
        ("You'll hear from me {eta}.", "hear from me"),
        ("I'll cancel this for you as you asked.", "I'll cancel"),
        # Round 5's panel: "my commitment" beside a team lead's ownership blurs who owns it.
        ("Here's my commitment, in writing: {fix}.", "my commitment"),
        ("Let me know which would help, and I'll set it up.", "I'll set it up"),
        ("If not, let us know and we'll pick it up.", None),
        ("I'm passing this to a team lead.", None),
    ],
)
def test_replies_that_keep_the_case_are_recognised(text: str, words: str | None) -> None:
    assert keeps_ownership(text) == words


def entry(**fields: Any) -> BankEntry:
    return BankEntry.model_validate({"id": "e-1", "step": "solve", **fields})


def test_the_bank_refuses_an_entry_that_claims_finished_work() -> None:
    with pytest.raises(ValidationError, match="completed action"):
        entry(text="We've found the fault and the fix is going out now.")
    with pytest.raises(ValidationError, match="policy"):
        entry(text="That option isn't available on your plan.")


def test_the_bank_accepts_the_same_fact_as_an_agent_slot() -> None:
    assert entry(text="Here's what we found: {cause}. The fix: {fix}.").text


def test_a_reply_that_keeps_the_case_must_say_so_and_never_escalates() -> None:
    with pytest.raises(ValidationError, match="owner: agent"):
        entry(text="I'll handle the rest of this myself.")
    assert entry(text="I'll handle the rest of this myself.", owner="agent").owner == "agent"
    with pytest.raises(ValidationError, match="hands the case over"):
        entry(step="escalate", text="I'm bringing in {lead_name}.", owner="agent")
