"""Which triggers a playbook speaks to: the ones the message's own words bear out."""

from app.core.domain import Escalation, Trigger
from app.replies.spoken import spoken_to


def trigger(type_: str, source: str = "model") -> Trigger:
    return Trigger(type_, "words", 0, 5, source, 0.8)  # type: ignore[arg-type]


def escalation(*triggers: Trigger) -> Escalation:
    return Escalation(True, "high", triggers)


def test_a_repeat_the_model_alone_reads_is_spoken_to_only_where_the_customer_came_back() -> None:
    read = escalation(trigger("repeated_contact"))
    first = spoken_to(read, ("fix_problem",), "My order arrived with a cracked screen.")
    assert first.triggers == () and first.escalate  # the lead is still asked; the words change
    again = "Third time I've written about the cracked screen."
    assert spoken_to(read, ("fix_problem",), again) == read
    # A pattern's match is the customer's own words saying so.
    found = escalation(trigger("repeated_contact", "pattern"))
    assert spoken_to(found, ("fix_problem",), "My order arrived broken.") == found


def test_praise_is_not_handed_over_for_a_condition_mentioned_in_passing() -> None:
    read = escalation(trigger("vulnerable_customer", "pattern"))
    text = "Huge thanks to Ana, who got my wheelchair onto the train."
    praise = spoken_to(read, ("praise",), text)
    assert praise.triggers == () and not praise.escalate
    # Asking for something else as well, or raising another trigger, keeps the hand-over.
    assert spoken_to(read, ("praise", "refund_or_compensation"), text) == read
    both = escalation(trigger("vulnerable_customer", "pattern"), trigger("abuse", "pattern"))
    kept = spoken_to(both, ("praise",), text)
    assert [t.type for t in kept.triggers] == ["abuse"] and kept.escalate


def test_without_the_message_every_trigger_is_spoken_to() -> None:
    read = escalation(trigger("repeated_contact"))
    assert spoken_to(read, (), None) == read


def test_a_customer_who_thanks_on_the_way_out_is_not_talked_round() -> None:
    read = escalation(trigger("churn_threat"))
    text = "We're moving abroad so I need to cancel. Three lovely years, thank you to Marta!"
    leaving = spoken_to(read, ("praise",), text)
    assert leaving.triggers == () and not leaving.escalate
    assert spoken_to(read, ("complaint_only",), text) == read


def test_a_customer_who_asks_to_close_or_be_erased_is_not_handed_to_a_lead_to_stay() -> None:
    read = escalation(trigger("churn_threat", "pattern"))
    text = "I've moved to Roastrail, please cancel my subscription."
    for asked in (("cancel_or_close",), ("cancel_or_close", "explain_charge"), ("delete_data",)):
        leaving = spoken_to(read, asked, text)
        assert leaving.triggers == () and not leaving.escalate
    # A threat to leave, with no request to close, is still handed over; so is another trigger.
    assert spoken_to(read, ("fix_problem",), "Fix it or I'm off to Roastrail.") == read
    both = escalation(trigger("churn_threat", "pattern"), trigger("legal_threat", "pattern"))
    kept = spoken_to(both, ("cancel_or_close",), text)
    assert [t.type for t in kept.triggers] == ["legal_threat"] and kept.escalate
