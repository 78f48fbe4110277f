"""The response bank: its schema and loader, the shipped bank, and safe placeholder filling."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.core.domain import CustomerProfile, Escalation
from app.core.labels import CUSTOMER_TYPES, STEPS, TRIGGER_TYPES, Channel, CustomerType
from app.replies.bank import (
    AGENT_SLOTS,
    MESSAGE_FACTS,
    PLACEHOLDER_FALLBACKS,
    PLACEHOLDERS,
    BankEntry,
    BankError,
    ResponseBank,
    fill,
    open_slots,
)
from app.replies.playbook import plan_steps

VALID: dict[str, Any] = {
    "version": "test-1",
    "entries": [
        {
            "id": "ack-any-01",
            "step": "acknowledge",
            "text": "Thanks, {customer_name}.",
        },
        {
            "id": "ack-angry-peak-01",
            "step": "acknowledge",
            "customer_types": ["angry"],
            "intensity": [0.7, 1.0],
            "channels": ["chat"],
            "text": "I hear you.",
        },
        {
            "id": "esc-human-01",
            "step": "escalate",
            "triggers": ["human_request"],
            "root_causes": ["billing"],
            "text": "I'm bringing in {lead_name}.",
        },
    ],
    "avoid": [
        {"phrase": "calm down"},
        {"phrase": "obviously", "customer_types": ["confused"]},
        {"phrase": "good luck with that", "triggers": ["legal_threat"]},
    ],
}


@pytest.fixture
def default_bank() -> ResponseBank:
    return ResponseBank.default()


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def with_entry(index: int, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    data["entries"][index].update(changes)
    return data


def test_valid_bank_loads(tmp_path: Path) -> None:
    bank = ResponseBank.load(write(tmp_path, VALID))
    assert bank.version == "test-1"
    assert [e.id for e in bank.entries] == ["ack-any-01", "ack-angry-peak-01", "esc-human-01"]
    assert bank.entries[0].customer_types == () and bank.entries[0].intensity == (0.0, 1.0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"step": "grovel"}, "step"),
        ({"customer_types": ["furious"]}, "customer_types"),
        ({"triggers": ["lawsuit"]}, "triggers"),
        ({"channels": ["pigeon"]}, "channels"),
        ({"root_causes": ["weather"]}, "root_causes"),
        ({"intensity": [0.8, 0.2]}, "intensity"),
        ({"intensity": [0.2, 1.5]}, "intensity"),
        ({"intensity": [-0.1, 0.5]}, "intensity"),
        ({"intensity": [0.5]}, "intensity"),
        ({"text": "Hi {customer_nmae}"}, "text"),
        ({"text": "Hi {customer_name.__class__}"}, "text"),
        ({"text": "Ready {eta:>10}"}, "text"),
        ({"text": "Hi {customer_name"}, "text"),
        ({"text": ""}, "text"),
        ({"colour": "blue"}, "colour"),
        ({"id": "Has Spaces"}, "id"),
    ],
)
def test_invalid_entry_names_entry_and_field(
    tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(BankError) as caught:
        ResponseBank.load(write(tmp_path, with_entry(1, **changes)))
    message = str(caught.value)
    assert "entries[1]" in message
    assert f"'{field}'" in message
    if "id" not in changes:
        assert "ack-angry-peak-01" in message


def test_unknown_placeholder_is_named(tmp_path: Path) -> None:
    with pytest.raises(BankError, match=r"\{customer_nmae\}"):
        ResponseBank.load(write(tmp_path, with_entry(0, text="Hi {customer_nmae}")))


def test_duplicate_id_names_both_entries(tmp_path: Path) -> None:
    data = with_entry(2, id="ack-any-01")
    with pytest.raises(BankError, match=r"entries\[2\] \(id 'ack-any-01'\).*entries\[0\]"):
        ResponseBank.load(write(tmp_path, data))


def test_entry_using_an_avoided_phrase_is_rejected(tmp_path: Path) -> None:
    data = with_entry(0, text="Please calm down, {customer_name}.")
    with pytest.raises(BankError, match=r"entries\[0\] \(id 'ack-any-01'\).*calm down"):
        ResponseBank.load(write(tmp_path, data))


def test_scoped_avoided_phrase_only_rejects_entries_in_its_scope(tmp_path: Path) -> None:
    allowed = with_entry(1, text="That's obviously frustrating.")  # angry only, phrase is confused
    assert ResponseBank.load(write(tmp_path, allowed)).entries[1].text.startswith("That's")
    rejected = with_entry(0, text="That's obviously frustrating.")  # any customer type
    with pytest.raises(BankError, match="obviously"):
        ResponseBank.load(write(tmp_path, rejected))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({**VALID, "owner": "me"}, "owner"),
        ({key: value for key, value in VALID.items() if key != "version"}, "version"),
        ({**VALID, "entries": []}, "entries"),
        ({**VALID, "avoid": [{"phrase": "x", "severity": 3}]}, r"avoid\[0\].*severity"),
        (["not", "a", "mapping"], "mapping"),
    ],
)
def test_invalid_bank_shape(tmp_path: Path, data: Any, match: str) -> None:
    with pytest.raises(BankError, match=match):
        ResponseBank.load(write(tmp_path, data))


def test_unreadable_files_raise_bank_error(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="cannot read"):
        ResponseBank.load(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(BankError, match="cannot read"):
        ResponseBank.load(broken)


def test_bank_error_is_a_plain_exception() -> None:
    assert issubclass(BankError, Exception)
    assert BankError.__mro__[1] is Exception


def test_candidates_prefer_specific_and_filter_mismatches(tmp_path: Path) -> None:
    bank = ResponseBank.load(write(tmp_path, VALID))
    peak = bank.candidates("acknowledge", customer_types=["angry"], intensity=0.9, channel="chat")
    assert [e.id for e in peak] == ["ack-angry-peak-01", "ack-any-01"]
    mild = bank.candidates("acknowledge", customer_types=["angry"], intensity=0.3, channel="chat")
    assert [e.id for e in mild] == ["ack-any-01"]
    by_email = bank.candidates("acknowledge", customer_types=["angry"], channel="email")
    assert [e.id for e in by_email] == ["ack-any-01"]
    assert bank.candidates("escalate", triggers=(), root_causes=None) == ()
    assert bank.candidates("escalate", triggers=["human_request"], root_causes=()) == ()
    found = bank.candidates("escalate", triggers=["human_request"], root_causes=["billing"])
    assert [e.id for e in found] == ["esc-human-01"]
    assert [e.id for e in bank.candidates("escalate")] == ["esc-human-01"]


def test_avoid_for_scopes_and_keeps_order(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["avoid"].append({"phrase": "Calm down", "triggers": ["abuse"]})
    bank = ResponseBank.load(write(tmp_path, data))
    assert bank.avoid_for(["angry"], []) == ("calm down",)
    assert bank.avoid_for(["confused"], ["legal_threat", "abuse"]) == (
        "calm down",
        "obviously",
        "good luck with that",
    )


def test_default_bank_loads_with_enough_entries(default_bank: ResponseBank) -> None:
    assert default_bank.version
    assert len(default_bank.entries) >= 100
    assert {e.step for e in default_bank.entries} == set(STEPS)


@pytest.mark.parametrize("trigger", TRIGGER_TYPES)
def test_default_bank_covers_every_trigger(default_bank: ResponseBank, trigger: str) -> None:
    assert any(trigger in e.triggers for e in default_bank.entries)


def test_default_bank_has_chat_and_email_wording(default_bank: ResponseBank) -> None:
    chat = [e for e in default_bank.entries if "chat" in e.channels]
    email = [e for e in default_bank.entries if "email" in e.channels]
    assert len(chat) >= 30 and len(email) >= 30
    assert sum(len(e.text) for e in email) / len(email) > sum(len(e.text) for e in chat) / len(chat)


@pytest.mark.parametrize("customer_type", CUSTOMER_TYPES)
@pytest.mark.parametrize("intensity", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("channel", ["chat", "email"])
def test_default_bank_covers_each_type_for_its_playbook_steps(
    default_bank: ResponseBank, customer_type: CustomerType, intensity: float, channel: Channel
) -> None:
    profile = CustomerProfile(customer_type, {customer_type: 0.9}, intensity)
    steps = plan_steps(profile, Escalation(False, "normal", ()))
    for step in steps:
        found = default_bank.candidates(
            step,
            customer_types=[customer_type],
            triggers=(),
            intensity=intensity,
            channel=channel,
            root_causes=(),
        )
        assert found, f"no {step} entry for {customer_type} at {intensity} on {channel}"


def test_no_default_text_uses_an_avoided_phrase(default_bank: ResponseBank) -> None:
    phrases = [rule.phrase.lower() for rule in default_bank.avoid]
    assert "calm down" in phrases
    for entry in default_bank.entries:
        text = entry.text.lower().replace("\u2019", "'")
        used = [p for p in phrases if re.search(rf"\b{re.escape(p)}\b", text)]
        assert not used, f"{entry.id} uses {used}"


def test_default_texts_fill_cleanly_without_values(default_bank: ResponseBank) -> None:
    for entry in default_bank.entries:
        text = fill(entry.text, {})
        # What only the agent can know stays as a field; nothing else is left braced.
        for slot in open_slots(text):
            text = text.replace(f"{{{slot}}}", "x")
        assert "{" not in text and "}" not in text, entry.id
        assert "  " not in text and " ," not in text and " ." not in text, entry.id
        assert text[0].isupper(), entry.id


def test_fill_substitutes_known_placeholders() -> None:
    values = {"customer_name": "Ana", "lead_name": "Priya", "eta": "by Friday"}
    text = "Hi {customer_name}, {lead_name} will reply {eta}."
    assert fill(text, values) == "Hi Ana, Priya will reply by Friday."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {customer_name}, thanks.", "Hi, thanks."),
        ("Thanks, {customer_name}.", "Thanks."),
        ("{customer_name}, I hear you.", "I hear you."),
        ("Thank you {customer_name} for waiting.", "Thank you for waiting."),
        ("It's {agent_name} here.", "It's our support team here."),
        ("{lead_name} will call.", "A team lead will call."),
        ("Done. {lead_name} will call.", "Done. A team lead will call."),
        ("Your order {order_id} ships today.", "Your order ships today."),
        ("About your order ({order_id}).", "About your order."),
        ("About the {amount} charge.", "About the charge."),
    ],
)
def test_fill_leaves_missing_values_out_gracefully(text: str, expected: str) -> None:
    assert fill(text, {}) == expected
    assert fill(text, {"customer_name": "  ", "order_id": ""}) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hi {customer_name.__class__}!",
        "Hi {customer_name.__class__.__mro__}!",
        "Hi {customer_name[0]}!",
        "Hi {customer_name!r}!",
        "Hi {customer_name:>40}!",
        "Hi {0}!",
        "Hi {}!",
        "Hi {__import__('os')}!",
        "Hi {unknown_thing}!",
        "Hi {{customer_name}}!",
        "Hi {customer_name!",
        "Hi customer_name}!",
    ],
)
def test_fill_never_evaluates_or_leaves_braces(text: str) -> None:
    filled = fill(text, {"customer_name": "Ana"})
    assert "{" not in filled and "}" not in filled
    assert "class" not in filled and "import" not in filled
    assert " " * 10 not in filled
    assert filled.startswith("Hi")


def test_fill_inserts_values_verbatim_but_never_braces() -> None:
    values = {"customer_name": "{agent_name} %s <b>&", "agent_name": "Bo"}
    assert fill("Hi {customer_name}.", values) == "Hi agent_name %s <b>&."
    assert fill("Hi {customer_name}.", {"customer_name": "Ana\nMarie"}) == "Hi Ana Marie."


def test_fill_ignores_values_for_unknown_names() -> None:
    assert fill("Hi {customer_name}.", {"secret": "x", "customer_name": "Ana"}) == "Hi Ana."


def test_every_caller_value_has_a_fallback_and_agent_slots_stay_fields() -> None:
    assert set(PLACEHOLDER_FALLBACKS) | MESSAGE_FACTS | AGENT_SLOTS == PLACEHOLDERS
    assert {"customer_name", "agent_name", "order_id", "lead_name", "company"} <= set(
        PLACEHOLDER_FALLBACKS
    )
    for name in set(PLACEHOLDER_FALLBACKS) | MESSAGE_FACTS:
        filled = fill(f"Note: {{{name}}}.", {})
        assert "{" not in filled and "}" not in filled
    for name in AGENT_SLOTS:
        assert fill(f"Note: {{{name}}}.", {}) == f"Note: {{{name}}}."
        assert open_slots(fill(f"Note: {{{name}}}.", {})) == (name,)
        assert fill(f"Note: {{{name}}}.", {name: "done"}) == "Note: done."


def test_when_to_follow_up_is_the_agents_to_say_unless_the_caller_passes_it() -> None:
    # Panels read both "later today" and "in a couple of days" as the service promising a time.
    text = "I'll check in {follow_up_time}."
    assert fill(text, {}) == text
    assert open_slots(fill(text, {})) == ("follow_up_time",)
    assert fill(text, {"follow_up_time": "on Friday"}) == "I'll check in on Friday."


def test_a_reply_reaches_only_customers_writing_in_its_language() -> None:
    bank = ResponseBank.default()
    spanish = {e.id for e in bank.candidates("close", language="es")}
    english = {e.id for e in bank.candidates("close")}
    assert spanish and english and not spanish & english
    assert bank.speaks("es") and not bank.speaks("ja")


def test_a_language_is_a_two_letter_code() -> None:
    with pytest.raises(ValueError, match="language"):
        BankEntry(id="x", step="close", language="spanish", text="Hasta pronto.")


def test_every_line_naming_the_problem_has_a_twin_that_does_not(
    default_bank: ResponseBank,
) -> None:
    # The agent has nothing to put in {issue} when the message tells no problem, so each
    # such line is followed by one written for the same situation without it.
    def situation(entry: BankEntry) -> dict[str, Any]:
        return entry.model_dump(exclude={"id", "text"})

    entries = default_bank.entries
    naming = [i for i, e in enumerate(entries) if "issue" in open_slots(e.text)]
    assert naming, "the bank names the problem somewhere"
    for i in naming:
        twins = [
            e
            for e in entries[i + 1 :]
            if situation(e) == situation(entries[i]) and "issue" not in open_slots(e.text)
        ]
        assert twins, entries[i].id
