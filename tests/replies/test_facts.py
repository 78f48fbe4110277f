"""Slot extraction: the specifics a customer gives, found in their own words."""

import itertools

import pytest

from app.replies.facts import (
    extract_facts,
    fact_values,
    facts_told,
    role_asked_for,
    staff_praised,
)


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("You charged me $89.99 twice", "amount", "$89.99"),
        ("a bill of £212.40 this month", "amount", "£212.40"),
        # The comma after a number ends the sentence's clause, not the number.
        ("this month's invoice is £186, not the usual", "amount", "£186"),
        ("a repair quote of $1,299.50 for the screen", "amount", "$1,299.50"),
        ("about order #48213 please", "reference", "order #48213"),
        ("my ticket number 60217 is still open", "reference", "ticket number 60217"),
        ("I was on hold for 2 hours", "duration", "for 2 hours"),
        ("it arrived four days later", "duration", "four days"),
        ("booked for 3 March", "date", "3 March"),
        ("it broke last Tuesday", "date", "last Tuesday"),
        ("the engineer came at 8am", "time", "8am"),
        ("I need it by Friday", "deadline", "by Friday"),
        ("I spoke to Mr. Patel at the branch", "person", "Mr. Patel"),
        ("Just wanted to say thank you to Priya who helped me", "person", "Priya"),
        ("A proper thank you to Mrs Adeyemi in the office", "person", "Mrs Adeyemi"),
        ("Thanks so much to Dr. Okafor for the call", "person", "Dr. Okafor"),
        ("Massive shoutout to Coach Dana at @FlexGym", "person", "Dana"),
        ("strap came, thanks so much Jonah for sorting the swap", "person", "Jonah"),
    ],
)
def test_each_kind_of_fact_is_found_where_it_stands(text: str, kind: str, found: str) -> None:
    facts = [f for f in extract_facts(text) if f.kind == kind]
    assert [f.text for f in facts] == [found]
    assert text[facts[0].start : facts[0].end] == found


def test_a_message_without_specifics_has_no_facts() -> None:
    assert extract_facts("Your service is awful and nobody helps me.") == ()


def test_facts_become_reply_values_in_the_words_a_reply_needs() -> None:
    facts = extract_facts("Order #48213: charged $89.99, on hold for 2 hours")
    values = fact_values(facts)
    assert values == {"order_id": "48213", "amount": "$89.99", "duration": "2 hours"}


def test_the_amount_asked_about_is_the_amount_value() -> None:
    # "Here's what the £35 charge is for" answered a question about £21.80 (panel round 28).
    text = "Two tickets at £35 each, total £91.80. What are the extra £21.80 for?"
    assert fact_values(extract_facts(text), text)["amount"] == "£21.80"
    told = "You took £40 on Friday and £40 again today."
    assert fact_values(extract_facts(told), told)["amount"] == "£40"


def test_the_amount_asked_to_be_explained_comes_before_one_in_a_question() -> None:
    # The subject asked after an overpayment; the charge to explain was the one the customer
    # asked about in words, with no question mark ("the £5,000 charge", panel round 66).
    text = (
        "Subject: Where is my £900 overpayment?\n\nIt is missing from my statement, and "
        "there is a line for £41.06 I don't recognise. Please tell me what the £41.06 is."
    )
    assert fact_values(extract_facts(text), text)["amount"] == "£41.06"


def test_the_amount_a_question_points_back_at_is_the_amount_value() -> None:
    # "What is that for?" after a £15 line: not the £38 session price asked about in an
    # earlier question (panel round 67).
    text = (
        "Would the weekly plan at £38 a session be enough? Separately, there is a £12 line "
        "called 'admin fee' on the invoice. What is that for?"
    )
    assert fact_values(extract_facts(text), text)["amount"] == "£12"


def test_a_sum_told_most_often_is_the_amount_value() -> None:
    text = "The £89.99 renewal, then £7.99 for the add-on, then £89.99 again."
    assert fact_values(extract_facts(text), text)["amount"] == "£89.99"


@pytest.mark.parametrize(
    "said",
    [
        "My bill came to three hundred and eighty-seven pounds this quarter.",
        "They took a hundred and ten quid off my card.",
        # The second sum has no currency word: naming the first named the old premium.
        "It's gone from four hundred and twelve quid to seven hundred and ninety.",
    ],
)
def test_a_sum_said_aloud_is_told_but_never_named(said: str) -> None:
    facts = extract_facts(said)
    assert "amount" in facts_told(facts)
    assert "amount" not in fact_values(facts, said)


def test_several_sums_none_asked_about_leave_the_amount_out_but_told() -> None:
    # "The £29 charge" was the plan's price beside the bill it disputed (panel round 47).
    text = "My plan is £29 a month but this bill says £38, with a £9 fee I never agreed to."
    facts = extract_facts(text)
    assert "amount" not in fact_values(facts, text)
    assert "amount" in facts_told(facts)


def test_facts_come_in_reading_order_without_overlaps() -> None:
    facts = extract_facts("On 3 March I paid $40 and waited 3 days")
    assert [f.kind for f in facts] == ["date", "amount", "duration"]
    spans = [(f.start, f.end) for f in facts]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize(
    "text",
    [
        "thanks to the team at the Leeds branch",
        "thank you to everyone involved",
        # "Thanks to" a company's doing is blame, not thanks.
        "Thanks to Amazon's new delivery system my parcel was thrown in the yard",
        # Title Case is not a name, and a name not followed by what it is for is no thanks.
        "Thanks Again For Everything",
        "Thank You For your help",
        "Thanks Hugh, the new meter is in",
        "Thank you Spotify! Back up and running.",
    ],
)
def test_thanks_to_a_group_or_to_no_name_name_nobody(text: str) -> None:
    assert [f for f in extract_facts(text) if f.kind == "person"] == []


def test_the_person_thanked_becomes_the_person_value() -> None:
    assert fact_values(extract_facts("Huge thank you to Imogen, the nurse"))["person"] == "Imogen"


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # By their job when no name is given, ours in a reply (panel round 43).
        ("Shoutout to the driver on the 7A this morning who waited", "the driver"),
        ("Thanks to your support agent I'm sorted", "our support agent"),
        # Thanked "for" a name.
        ("I just wanted to say thanks for Declan who came out on Thursday", "Declan"),
        # Named as the one who deserves a reward (round 45).
        ("@Brand your driver Idris deserves a pay rise.", "Idris"),
        ("The guard on the 17:42 service, Hamish, deserves a pay rise.", "Hamish"),
        # Someone the customer is grateful to (round 56).
        ("I wanted to say how grateful I am to Joanne in the bookings office.", "Joanne"),
        # A titled name thanked with no "for" (round 58).
        ("She's home now. Thank you Dr Okonjo and nurse Hattie", "Dr Okonjo"),
        # Thanks the company is asked to pass on (round 59).
        ("First, please thank Dr Okonjo and the nurse from Tuesday.", "Dr Okonjo"),
        ("Could you pass on my thanks to Priya at the front desk?", "Priya"),
        # Thanks said first of all, before the ask (round 97).
        ("Thank you first of all to Lorraine on your reception desk.", "Lorraine"),
        # The one praise is written about (round 60).
        ("Subject: Kind words for Desmond, your handyman", "Desmond"),
        ("Can't say enough good things about Marek at @SpokeShop.", "Marek"),
        # The one given the credit (round 65).
        ("Huge credit to Ines at the Leeds branch for sorting it.", "Ines"),
        ("Hats off to Tomasz, who found my ring.", "Tomasz"),
        # Kudos for a name, and praise that cannot be said enough (round 69).
        ("Subject: Kudos for Wendell at the Harlow depot", "Wendell"),
        ("Can't say enough about Saoirse at @PetPantry.", "Saoirse"),
    ],
)
def test_a_person_thanked_by_their_job_or_for_is_the_person_value(text: str, person: str) -> None:
    assert fact_values(extract_facts(text))["person"] == person


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # Named beside their job, either way round (panel rounds 70 to 73).
        ("Your night porter, Declan, found paracetamol at 2am.", "Declan"),
        ("Lorraine, the @Dashpost driver on the Wickham round, is a gem.", "Lorraine"),
        ("Before a lad called Tyrese had him by the hand.", "Tyrese"),
        ("Your night manager, Ines, found a 24-hour pharmacy.", "Ines"),
        # A job written as a title (round 75).
        ("Nurse Teresa sat on the floor with us the whole time.", "Teresa"),
        # Named by where they work (rounds 78 and 80), one or two of them.
        ("I wanted to say how kind Ionela on reception was.", "Ionela"),
        ("Ruari on the bar made my mum a cocktail.", "Ruari"),
        ("Precious and Joel on the night shift sat with him.", "Precious and Joel"),
        ("First off, the night warden, Bartholomew, has been brilliant.", "Bartholomew"),
        ("Staff lovely, Esperanza on the late desk found us a cot.", "Esperanza"),
    ],
)
def test_staff_named_beside_their_job_are_the_person_value_but_not_thanked(
    text: str, person: str
) -> None:
    facts = extract_facts(text)
    assert fact_values(facts)["person"] == person
    # Naming someone thanks no one: the message is not read as praise for it.
    assert not any(fact.thanked for fact in facts)


def test_someone_thanked_comes_before_staff_only_named() -> None:
    text = "Your engineer, Gary, was late, but thank you to Priya for sorting it."
    assert fact_values(extract_facts(text))["person"] == "Priya"


@pytest.mark.parametrize(
    "text",
    [
        "Hi, the engineer never came.",  # a greeting is no name
        "The driver Monday was rude.",  # nor a day
        "At the Station, the driver was kind.",  # nor a place
    ],
)
def test_words_beside_a_job_that_are_not_names_name_nobody(text: str) -> None:
    assert "person" not in fact_values(extract_facts(text))


def test_money_credited_to_a_name_is_no_one_to_pass_thanks_to() -> None:
    # A credit on a bill is money, not praise: only "huge credit to", "hats off to" thank.
    text = "They said a credit to Harwood Stores would show on my next statement."
    assert "person" not in fact_values(extract_facts(text))


def test_a_place_wished_a_reward_is_no_one_to_pass_thanks_to() -> None:
    # "...on the desk at Glasgow Airport deserves a medal" passed the thanks to "Airport"
    # (panel round 61); the one on the desk is who they are.
    text = "Rafael on the desk at Glasgow Airport deserves a medal."
    assert fact_values(extract_facts(text))["person"] == "Rafael"
    assert "person" not in fact_values(extract_facts("Glasgow Airport deserves a medal."))


def test_a_person_named_but_not_thanked_is_no_one_to_pass_thanks_to() -> None:
    # A call note names the caller: thanks for the tuner must not go back to her.
    assert "person" not in fact_values(extract_facts("Call note: Mrs Adaeze rang to say thanks"))
    # A handle is the company, not someone to pass thanks to (panel round 47).
    handle = "Whoever built the offline mode in @Notepadly deserves a pay rise."
    assert "person" not in fact_values(extract_facts(handle))


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Put me through to someone in your technical team who knows eSIMs.", "our technical team"),
        ("I want the sales manager to ring me back before Friday.", "the sales manager"),
        ("Could someone from the claims team call me?", "our claims team"),
        ("I want to speak to A MANAGER.", "a manager"),
        ("I want to speak to your manager, this is the third time!", "a manager"),
        ("Can I talk to your branch manager please?", "our branch manager"),
        # A manager of a team, not the team (panel round 63: "asking a team to get in touch").
        ("I want to speak to a team manager today, not tomorrow.", "a team manager"),
    ],
)
def test_whom_the_customer_asked_for_is_named_as_a_reply_would(text: str, role: str) -> None:
    assert role_asked_for(text) == role


@pytest.mark.parametrize(
    "text",
    [
        "I was told to speak to the manager at the branch, so I did.",  # someone else's advice
        "Can I get an engineer out this week?",  # comes to fix, not to take the case over
        "My internet is down again.",
    ],
)
def test_no_role_where_the_customer_asked_for_no_one_by_name(text: str) -> None:
    assert role_asked_for(text) is None


@pytest.mark.parametrize(
    ("text", "praised"),
    [
        ("The night warden, Bartholomew, has been brilliant. But the radiator is cold.", True),
        ("Big shout to Fenella on the tills, kept a whole queue smiling.", True),
        ("Jamal at the Gatwick baggage desk was lovely and really tried.", True),
        ("Ottilie at the @Brambleway shop on Mill Lane is a star.", True),
        ("Just wanted to say Marisol on your chat team was brilliant on Saturday.", True),
        ("Imogen, who handled my return over chat, was brilliant.", True),
        # Nobody is no one's name, nor is a point counted off.
        ("First, the engineer you sent was great.", False),
        ("Nobody, who I spoke to, was brilliant enough to call back.", False),
        # Named, and the praise in another sentence about something else.
        ("The driver, Ian, arrived at 9. The hotel was lovely.", False),
        # Praise with nobody named.
        ("The driver was lovely but the parcel was wet.", False),
    ],
)
def test_staff_praised_in_the_sentence_that_names_them(text: str, praised: bool) -> None:
    assert staff_praised(text, extract_facts(text)) == praised


def test_a_company_named_after_its_trade_is_no_person() -> None:
    # "Dear Heatherbell Coach Tours" passed thanks to "Tours" (panel round 43's message).
    text = "Dear Heatherbell Coach Tours, the driver, Ian, was lovely."
    assert fact_values(extract_facts(text))["person"] == "Ian"
