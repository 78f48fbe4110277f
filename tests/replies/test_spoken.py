"""Which triggers a playbook speaks to: the ones the message's own words bear out."""

import pytest

from app.core.domain import Escalation, Trigger
from app.replies.spoken import (
    LET_DOWN,
    NO_COMPLAINT,
    REFUSES_CONTACT,
    asks_spoken_to,
    call_asked,
    fraud_told,
    gas_smelled,
    hard_time_told,
    hazard_reported,
    lived_with,
    loss_told,
    message_sent,
    number_given,
    pass_on_asked,
    praise_beside_ask,
    resolved_told,
    spoken_to,
    suggestion_made,
    ultimatum_given,
)


def trigger(type_: str, source: str = "model") -> Trigger:
    return Trigger(type_, "words", 0, 5, source, 0.8)  # type: ignore[arg-type]


def escalation(*triggers: Trigger) -> Escalation:
    return Escalation(True, "high", triggers)


def test_a_repeat_the_model_alone_reads_is_spoken_to_only_where_the_customer_came_back() -> None:
    read = escalation(trigger("repeated_contact"))
    first = spoken_to(read, ("fix_problem",), "My order arrived with a cracked screen.")
    # No reason is left for the words to give, so they hand nothing over: the decision stands
    # apart from them, and the lead it pages reads the case.
    assert first.triggers == () and not first.escalate
    again = "Third time I've written about the cracked screen."
    assert spoken_to(read, ("fix_problem",), again) == read
    # Trying to reach us, and no replies, is coming back too (25 of 30 labelled ones are).
    tried = "I've tried for two days to reach your helpline and had no replies."
    assert spoken_to(read, ("fix_problem",), tried) == read
    # Tickets the customer's team handles are no count of contacts (panel round 81).
    counted = "The list now shows 15 tickets per screen instead of 40."
    assert spoken_to(read, ("complaint_only",), counted).triggers == ()
    assert spoken_to(read, ("fix_problem",), "I have 5 tickets open with you about it.") == read
    # A pattern's match is the customer's own words saying so.
    found = escalation(trigger("repeated_contact", "pattern"))
    assert spoken_to(found, ("fix_problem",), "My order arrived broken.") == found


def test_an_unsure_repeat_reading_is_not_spoken_to() -> None:
    text = "It's been three weeks and nobody's rung me about my results."
    sure = Escalation(True, "high", (Trigger("repeated_contact", "w", 0, 1, "model", 0.8),))
    unsure = Escalation(True, "high", (Trigger("repeated_contact", "w", 0, 1, "model", 0.4),))
    assert spoken_to(sure, ("status",), text) == sure
    assert spoken_to(unsure, ("status",), text).triggers == ()


def test_again_about_the_future_is_no_earlier_contact() -> None:
    read = escalation(trigger("repeated_contact"))
    for first in (
        "Tell me what will be done so it doesn't happen again when he flies home.",
        "I will never be flying with you again.",
        "I do not want to be contacted again other than one letter confirming this.",
    ):
        assert spoken_to(read, ("fix_problem",), first).triggers == ()
    for back in (
        "It has happened again and I'm writing again.",
        "I rang on Monday and never heard back again.",
    ):
        assert spoken_to(read, ("fix_problem",), back) == read


def test_praise_is_not_handed_over_for_a_condition_mentioned_in_passing() -> None:
    read = escalation(trigger("vulnerable_customer", "pattern"))
    text = "Huge thanks to Ana, who got my wheelchair onto the train."
    praise = spoken_to(read, ("praise",), text)
    assert praise.triggers == () and not praise.escalate
    # Asking for something else as well keeps the condition in the words; another trigger
    # keeps the hand-over.
    asking = spoken_to(read, ("praise", "refund_or_compensation"), text)
    assert asking.triggers == read.triggers
    both = escalation(trigger("vulnerable_customer", "pattern"), trigger("abuse", "pattern"))
    kept = spoken_to(both, ("praise",), text)
    assert [t.type for t in kept.triggers] == ["abuse"] and kept.escalate


def test_praise_for_chasing_that_is_over_is_not_handed_over() -> None:
    # "Thank you for chasing it... after the last few months" (panel round 50): the case is
    # closed by the customer; a lead taking ownership of it would reopen it.
    read = escalation(trigger("repeated_contact", "pattern"))
    text = "It arrived this morning. Thank you for chasing it after the last few months."
    thanks = spoken_to(read, ("praise",), text)
    assert thanks.triggers == () and not thanks.escalate
    assert spoken_to(read, ("praise", "refund_or_compensation"), text).triggers == read.triggers


def test_a_danger_told_in_thanks_is_over_unless_the_model_reads_it_too() -> None:
    text = "I fainted at my last blood test, and Adaora was brilliant. Please pass on my thanks."
    told = escalation(trigger("safety_risk", "pattern"))
    thanks = spoken_to(told, ("praise", "information"), text)
    assert thanks.triggers == () and not thanks.escalate
    # Not with a complaint, and not where the model reads a risk as well.
    assert spoken_to(told, ("praise", "fix_problem"), text) == told
    read = escalation(trigger("safety_risk", "pattern+model"))
    assert spoken_to(read, ("praise",), text) == read


def test_a_past_danger_beside_a_routine_question_is_no_emergency_now() -> None:
    text = "Dad has dementia and he had a fall on 9 July. What is the new supplement for?"
    told = Escalation(
        True, "urgent", (Trigger("safety_risk", "he had a fall on", 0, 1, "pattern", 0.75),)
    )
    assert spoken_to(told, ("explain_charge",), text).triggers == ()
    # Not beside a fix asked for, nor where the danger is told as happening now.
    assert spoken_to(told, ("fix_problem",), text) == told
    now = Escalation(
        True, "urgent", (Trigger("safety_risk", "he is falling", 0, 1, "pattern", 0.75),)
    )
    assert spoken_to(now, ("explain_charge",), text) == now


def test_a_danger_told_as_past_in_a_complaint_is_read_in_its_sentence() -> None:
    def told(text: str, evidence: str = "bleeding") -> Escalation:
        start = text.index(evidence)
        found = Trigger("safety_risk", evidence, start, start + len(evidence), "pattern", 0.75)
        return Escalation(True, "urgent", (found,))

    # The evidence is one word; its sentence is in the past.
    text = "I'm not after a refund. I walked out with my mouth bleeding."
    assert spoken_to(told(text), ("complaint_only",), text).triggers == ()
    now = "I'm not after a refund. My mouth is bleeding badly."
    assert spoken_to(told(now), ("complaint_only",), now) == told(now)
    # Violence, self-harm, a hazard and gas stay a risk, past tense or not.
    for kept, evidence in (
        ("Your driver assaulted me outside the station and my mouth was bleeding.", "bleeding"),
        ("I cut myself last night and it was bleeding, I wanted to end my life.", "bleeding"),
        ("The heater smoked and there was bleeding from my burnt hand.", "bleeding"),
        ("Since you serviced the boiler there's a smell of gas.", "smell of gas"),
    ):
        read = told(kept, evidence)
        assert spoken_to(read, ("complaint_only",), kept) == read, kept


def test_a_complaint_about_how_someone_with_a_condition_was_treated_is_heard_as_one() -> None:
    # "Told my partner, a wheelchair user, to wait for a less busy one": the complaint's own
    # lines, not the care script (panel rounds 59, 65 and 74).
    text = "The guard told my partner (wheelchair user) to wait for a less busy one."
    start = text.index("wheelchair user")
    found = Trigger("vulnerable_customer", "wheelchair user", start, start + 15, "pattern", 0.8)
    read = Escalation(True, "high", (found,))
    assert spoken_to(read, ("complaint_only",), text).triggers == ()
    # Asking for something, the condition is still met with care.
    assert spoken_to(read, ("change_something",), text).triggers == (found,)


def test_money_back_turned_down_is_not_asked() -> None:
    text = "Not after a refund or a voucher, just want it on record: the queue crashed twice."
    assert asks_spoken_to(("refund_or_compensation",), text) == ("complaint_only",)
    cancel = "Please cancel one ticket. I'm not expecting any money back, it's non-refundable."
    assert asks_spoken_to(("refund_or_compensation", "cancel_or_close"), cancel) == (
        "cancel_or_close",
    )
    # Money the company said it would not pay is still asked for.
    refused = "They told me they are not giving a refund. I want my money back."
    assert asks_spoken_to(("refund_or_compensation",), refused) == ("refund_or_compensation",)


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


def test_a_vulnerable_customer_is_cared_for_by_the_agent_unless_they_ask_for_someone() -> None:
    read = escalation(trigger("vulnerable_customer", "pattern"))
    text = "I'm having chemo at the moment. Could you change the delivery address on my order?"
    for asked in (
        ("change_something",),
        ("status",),
        ("change_something", "information"),
        ("refund_or_compensation",),
        ("fix_problem",),
        (),
    ):
        cared_for = spoken_to(read, asked, text)
        # The care stays in the words; only the hand-over to a lead goes.
        assert cared_for.triggers == read.triggers and not cared_for.escalate
    # A person asked for, or another trigger, still go to a lead.
    assert spoken_to(read, ("talk_to_person", "status"), text) == read
    both = escalation(trigger("vulnerable_customer", "pattern"), trigger("legal_threat"))
    assert spoken_to(both, ("status",), text) == both


def test_a_refund_already_agreed_is_chased_not_put_to_a_lead_to_decide() -> None:
    read = escalation(trigger("authority_exceeded", "pattern"))
    text = "I was told my £180 would be refunded within 14 days. It's now 9 April: where is it?"
    chased = spoken_to(read, ("refund_or_compensation",), text)
    assert chased.triggers == () and not chased.escalate
    assert asks_spoken_to(("refund_or_compensation", "status"), text) == ("status",)
    assert asks_spoken_to(("fix_problem", "refund_or_compensation"), text) == (
        "fix_problem",
        "status",
    )
    emailed = "Hollie emailed that a refund of £44.99 would reach my card within 5 days."
    assert asks_spoken_to(("status", "refund_or_compensation"), emailed) == ("status",)
    told = "Your agent told me in writing that the £186.40 would be back on my card by now."
    assert asks_spoken_to(("refund_or_compensation",), told) == ("status",)
    # Approved some time ago, or taken instead of a rebooking (panel round 57).
    for chasing in (
        "@Air refund for cancelled flight NB774 approved 21 days ago. Where is it?",
        "I took the refund rather than rebooking. It's now the 29th and nothing's back.",
    ):
        assert spoken_to(read, ("refund_or_compensation",), chasing).triggers == ()
    # A refund asked for the first time is still a decision for a lead.
    new = "The heater arrived broken and I'd like a refund."
    assert spoken_to(read, ("refund_or_compensation",), new) == read
    assert asks_spoken_to(("refund_or_compensation",), new) == ("refund_or_compensation",)
    assert asks_spoken_to(("refund_or_compensation",), None) == ("refund_or_compensation",)


def test_a_request_for_a_copy_of_ones_data_is_not_read_as_an_erasure() -> None:
    copy = "I'd like a copy of all the personal data you hold. I'm not asking you to delete it."
    assert asks_spoken_to(("delete_data", "information"), copy) == ("information",)
    assert asks_spoken_to(("delete_data",), "What personal data do you hold on me?") == (
        "information",
    )
    # Erasure asked for as well, or alone, stays an erasure.
    both = "Send me a copy of my data, then delete it all."
    assert asks_spoken_to(("delete_data",), both) == ("delete_data",)
    assert asks_spoken_to(("delete_data",), "Please erase my account data.") == ("delete_data",)


def test_a_hazard_told_after_the_fact_is_not_a_crisis() -> None:
    def safety(evidence: str) -> Escalation:
        return escalation(Trigger("safety_risk", evidence, 0, len(evidence), "pattern", 0.9))

    assert hazard_reported(safety("sparks came out"))
    assert hazard_reported(safety("the charger caught fire"))
    # Water in the electrics is a repair to make safe (panel round 74).
    assert hazard_reported(safety("water inside the light fitting"))
    # Self-harm, a threat or an emergency in the same words stays a crisis.
    assert not hazard_reported(safety("want to end it all"))
    assert not hazard_reported(safety("smell gas"))
    assert not hazard_reported(safety("I'll set fire to your shop and hurt someone"))
    assert not hazard_reported(escalation(trigger("repeated_contact")))


def test_gas_smelled_or_leaking_is_told_only_with_a_safety_risk() -> None:
    safety = escalation(trigger("safety_risk"))
    assert gas_smelled(safety, "There's a smell of gas in the cupboard under the stairs.")
    assert gas_smelled(safety, "I think the gas is leaking from the new meter")
    assert gas_smelled(safety, "we can hear gas hissing by the boiler")
    # Told by its smell alone (panel round 81).
    assert gas_smelled(safety, "there's a funny smell by the boiler cupboard, a bit eggy?")
    assert gas_smelled(safety, "a rotten egg smell in the kitchen since this morning")
    # Gas named for another reason, or no safety risk raised: no gas advice.
    assert not gas_smelled(safety, "My gas bill doubled and I feel unsafe paying it.")
    assert not gas_smelled(escalation(trigger("repeated_contact")), "I can smell gas")


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("I am a victim of identity theft and these accounts are not mine.", True),
        ("My account got hacked last night and my card was used.", True),
        ("This loan was fraudulently opened without my knowledge.", True),
        ("Someone opened a phone contract in my name.", True),
        ("Someone made unauthorised use of my details to get a store card.", True),
        ("Two credit cards had been opened in my name last year.", True),
        # Fraud laid at the company's door is a dispute, not someone else in their name.
        ("You put fraudulent charges on my bill again.", False),
        ("I feel scammed by your pricing.", False),
    ],
)
def test_someone_else_using_their_identity_or_account_is_told_from_a_dispute(
    text: str, told: bool
) -> None:
    assert fraud_told(text) is told


def test_a_death_told_of_is_a_loss_and_a_device_that_died_is_not() -> None:
    for told in (
        "My dog passed away in surgery on Nov 7th and the claim was denied.",
        "In March I lost the baby. Since then I've had three emails about nappies.",
        "Invoice for my mother's funeral, 28 February.",
        "We had to put her to sleep last week.",
        "We had to have our old Labrador, Biscuit, put to sleep on Thursday.",
        "My brother died in May and the account is in his name.",
        "Tom's dad, Graham, died very suddenly last Tuesday.",
        "I'm ringing about my mum's phone contract. She died on the 9th of January.",
        "I'm so sorry to tell you that Ray died suddenly three weeks ago.",
        "We said goodbye to our old cat Moss at the vets on Saturday.",  # round 75
    ):
        assert loss_told(told), told
    for not_told in (
        "My phone died twice today and the battery is new.",
        "I fought for my country and almost died.",
        "We don't want to put her to sleep for dental work every year.",
        "My BeatsX died after a week.",
        "It died again this morning, the third router this year.",
        # One still to come (panel round 81).
        "Your small print says you won't pay if she ever needs to be put to sleep.",
        None,
    ):
        assert not loss_told(not_told), not_told


def test_a_change_asked_of_what_the_company_offers_is_a_suggestion() -> None:
    for made in (
        "@weatherco why are you getting rid of it! Bring it back please!!!",
        "PLEASE BRING BACK INSTANT DEBIT CARDS",
        "can you bring the list function back on the grocery website?!",
        "hi guys please add the skip intro button. That would be awesome",
        "@Spotify why did you remove the mini album cover next to each song?",
        "Small suggestion for @Buses: could we get a way to pin our home stop?",
        "Any chance you'll add a way to split one transaction across categories?",
        "could you let us log sets per side? is that on the roadmap at all?",
    ):
        assert suggestion_made(made), made
    for not_made in (
        "Please add a fraud alert to my credit file.",
        "If the e-bike needs adding as a named item, please add it.",
        "They put it back on my report after 30 days.",
        "Can you change my delivery address to 4 Mill Lane?",
        "Could you add whichever roaming add-on makes most sense to my account from the 3rd?",
        "Could you let us know when the engineer is coming?",
        None,
    ):
        assert not suggestion_made(not_made), not_made


def test_a_customer_who_says_nothing_went_wrong_has_no_complaint() -> None:
    for said in (
        "Nothing wrong at all, your young man's always been lovely, it's just I'm moving.",
        "Please cancel it. No complaints at all, I've enjoyed it for years.",
        "This isn't a complaint, just a question about the renewal.",
        "To be clear, there's no complaint here - it has done what we needed.",
    ):
        assert NO_COMPLAINT.search(said), said
    for complained in (
        "I had no complaints until this month.",
        "Your engineer came out and told me there is nothing wrong.",
        "I want to make a complaint.",
        "Nothing is wrong with the card, the machine refuses it.",
    ):
        assert not NO_COMPLAINT.search(complained), complained


def test_a_customer_who_wants_no_private_message_refuses_contact() -> None:
    assert REFUSES_CONTACT.search("I'm not asking for anything and I don't want a DM.")
    assert not REFUSES_CONTACT.search("Can I DM you my order number?")


def test_a_condition_or_an_age_is_lived_with_and_hardship_is_not() -> None:
    for evidence, expected in (
        ("I'm a wheelchair user", True),
        ("I am profoundly deaf", True),
        ("I'm 87 and", True),
        ("was made redundant", False),
        ("can't afford", False),
    ):
        assert (
            lived_with(escalation(Trigger("vulnerable_customer", evidence, 0, 5, "pattern", 0.9)))
            == expected
        )
    assert not lived_with(escalation(trigger("repeated_contact")))


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Can someone ring me on 07700 900123 to sort it out?", True),
        ("Please have a manager call me before Friday.", True),
        ("Give me a call when you can.", True),
        # The one to ring named at length, or told to do it.
        ("I would also like someone from the claims team to ring me directly.", True),
        ("I want the claims handler assigned to it to telephone me this week.", True),
        ("Get your branch manager to ring me on 07923 551080.", True),
        ("Could someone from your billing team call us after six?", True),
        # The wish put the other way round, or passed through the agent.
        ("I would be grateful if someone could ring me on my landline.", True),
        ("Please ask the operations manager to ring me directly.", True),
        ("Could you arrange for a manager to phone me about the bill?", True),
        (
            "I want two things: the repair paid for, and a phone call from a manager by Friday.",
            True,
        ),
        ("Second, a call from a named claims manager, not the general line.", True),
        # A call promised and told of, not demanded.
        ("I was promised a call back from a supervisor on numerous occasions.", False),
        ("I want to know why nobody would call me back.", False),
        # A call promised and never made is a repeat contact, not a call asked for.
        ("They said someone would call me back and nobody did.", False),
        # The company's own invitation quoted back.
        ("All they ever say is please call us to discuss.", False),
    ],
)
def test_a_call_asked_for_is_told_from_one_promised(text: str, asked: bool) -> None:
    assert call_asked(text) is asked


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("My 4yo was sick all over himself and the steward turned up with wipes.", True),
        ("She sat with our old collie for her last half hour.", True),
        ("They found he'd had a fall and stayed until the ambulance came.", True),
        # A phone or an update is no hard moment.
        ("My phone died when I logged out, and your team sorted it. Thanks!", False),
        ("Just installed the Fall update. Loving it.", False),
    ],
)
def test_a_hard_moment_is_told_from_a_figure_of_speech(text: str, told: bool) -> None:
    assert hard_time_told(text) is told


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Please pass this on to the night team.", True),
        ("Make sure they hear this from you as well as from us.", True),
        ("Could you let her manager know?", True),
        ("Brilliant service, thank you all.", False),
    ],
)
def test_thanks_asked_to_be_passed_on_are_told(text: str, asked: bool) -> None:
    assert pass_on_asked(text) is asked


@pytest.mark.parametrize(
    ("text", "praised"),
    [
        ("Can we move it to Thursday? And please tell him thank you from me.", True),
        ("Shireen was ever so patient with me last time. Would you tell her that from me?", True),
        ("Could you tell her that? She was lovely. Also, can I move my check-up?", True),
        ("The new update is genuinely great. One question though: is there a CSV export?", True),
        (
            "Ifor carried it all upstairs, cheerful throughout. Star. Small q though: why the fee?",
            True,
        ),
        ("Absolute legend of a rider tonight. While I'm here: do you deliver to Kelvinside?", True),
        ("Odette made it a game for Mia. Please pass that on, she deserves to hear it.", True),
        # A sign-off's thanks, far from a wish that something be told, is no praise.
        ("Tell them I want it back. " + "The bill is wrong again. " * 12 + "Thank you.", False),
        ("Tell them I want a refund. One question though: when does it arrive?", False),
        # A telling told of, not wished for, beside a word of praise used otherwise.
        ("I phoned the depot to tell them. It was a great deal of bother for nothing.", False),
        ("I'd love to know when the app comes out.", False),
    ],
)
def test_praise_beside_another_ask_is_told(text: str, praised: bool) -> None:
    assert praise_beside_ask(text) is praised


@pytest.mark.parametrize(
    "text",
    [
        "Oh hang on, ignore me, it's just come back on. Sorry for wasting your time!",
        "@Gym ignore my DM from earlier about the locker key, it was in my coat pocket",
        "@Brand everything's working again now, cheers for the help earlier",
        "Restarted the router and it seems to be working now, cheers",
        "I updated the app and my playlists are back. So nothing needed after all, thanks!",
    ],
)
def test_a_problem_that_went_away_is_told(text: str) -> None:
    assert resolved_told(text)


@pytest.mark.parametrize(
    "text",
    [
        "I keep writing to the landlord but they ignore me every single time.",
        "Knock the fee off my bill each month until it is fixed properly.",
        "It's not working now, it was fine yesterday.",
        "Ignore my last message: is it sorted now?",
    ],
)
def test_a_problem_still_there_is_not_told_as_gone(text: str) -> None:
    assert not resolved_told(text)


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("@Brand I've sent you a DM about my order", True),
        ("@Brand sent u a pm last night", True),
        ("@Brand I messaged you an hour ago about my bill", True),
        ("@Brand please check your DMs", True),
        ("@Brand has anyone checked your inbox since Monday?", True),  # panel round 103
        ("@Brand DM sent, thanks", True),
        ("@Brand a PM has been sent with my details", True),
        ("@Brand the DM was sent an hour ago", True),
        ("@Brand promised my deposit back. Three DMs, zero replies.", True),
        ("@Brand DMed, ty", True),  # panel round 88
        ("@Brand DMed customer services last week and nothing", True),
        # A message sent somewhere else is not one to pick up in private.
        ("@Brand I messaged you twice on Facebook last week", False),
        ("@Brand can I DM you my order number?", False),
    ],
)
def test_a_private_message_already_sent_is_told(text: str, sent: bool) -> None:
    assert message_sent(text) is sent


@pytest.mark.parametrize(
    "text",
    [
        "Explain it or I'm taking it to the ombudsman.",
        "I want it back, or I'm raising a chargeback with my bank.",
        "Fix this otherwise I will see you in small claims court.",
    ],
)
def test_a_legal_step_threatened_if_not_answered_is_an_ultimatum(text: str) -> None:
    assert ultimatum_given(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have already contacted the ombudsman.",  # taken, not threatened
        "Refund me or tell me why not.",  # no legal step
        None,
    ],
)
def test_a_legal_step_taken_or_none_is_no_ultimatum(text: str | None) -> None:
    assert not ultimatum_given(text)


@pytest.mark.parametrize(
    ("text", "given"),
    [
        ("Please ring me on 07700 900418 after four.", True),
        ("My mobile is 0161 496 0000.", True),
        ("Could a person ring me please. 07391 662 018", True),  # signed off with it
        ("Could someone ring me on my landline (01423 558 091)?", True),
        ("Please ring me, policy HG-40218.", False),  # a reference is no number
        ("Can someone call me back today?", False),
    ],
)
def test_a_number_to_ring_is_read_where_the_message_gives_one(text: str, given: bool) -> None:
    assert number_given(text) is given


@pytest.mark.parametrize(
    "late",
    [
        "Order BR-118204 was due 6-7pm and it's now 8:25.",
        "Told 7-10 days. It's now day 25. Any idea where they are?",
        "Broadband dead since about 7 this morning.",
        "Tracking hasn't moved since Tuesday.",
        "It's still saying 'in review' after six weeks.",
        "You promised the deposit back within the week.",
        "He said ten working days. It is now 6 March and I have heard nothing from anyone.",
    ],
)
def test_a_wait_past_its_time_or_a_service_gone_is_a_let_down(late: str) -> None:
    assert LET_DOWN.search(late), late


@pytest.mark.parametrize(
    "calm",
    [
        "Have the results come back yet?",
        "Are they confirmed or still pending?",
        "I left a bag on the 38, is it at lost property?",
        "If it's too late to change that, where can I collect it?",
        "The gig has moved to March. Do my tickets carry over?",
    ],
)
def test_a_calm_question_is_no_let_down(calm: str) -> None:
    assert not LET_DOWN.search(calm), calm
