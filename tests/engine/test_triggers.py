"""The pattern trigger detector: the case table, evidence offsets, the refund limit, robustness."""

from __future__ import annotations

from collections import Counter

import pytest

from app.core.domain import Trigger
from app.core.labels import MESSAGE_TRIGGER_TYPES
from app.engine.trigger_patterns import RULES
from app.engine.triggers import TriggerDetector
from tests.trigger_cases import CASES


@pytest.fixture(scope="module")
def detector() -> TriggerDetector:
    return TriggerDetector(refund_limit=100.0)


def assert_well_formed(text: str, triggers: list[Trigger]) -> None:
    """Evidence slices the original text; one trigger per type, ordered; sane confidences."""
    for trigger in triggers:
        assert text[trigger.start : trigger.end] == trigger.evidence
        assert trigger.evidence.strip()
        assert trigger.source == "pattern"
        assert 0.0 < trigger.confidence <= 1.0
        assert trigger.type in MESSAGE_TRIGGER_TYPES
    assert len({t.type for t in triggers}) == len(triggers)
    assert [t.start for t in triggers] == sorted(t.start for t in triggers)


def test_case_table_covers_every_type_with_hard_negatives() -> None:
    positives = Counter(type_ for _, expected in CASES for type_ in expected)
    assert len(CASES) >= 170
    assert {type_ for _, expected in CASES for type_ in expected} <= set(MESSAGE_TRIGGER_TYPES)
    assert all(positives[type_] >= 9 for type_ in MESSAGE_TRIGGER_TYPES), positives
    assert sum(1 for _, expected in CASES if not expected) >= 50
    assert len({text for text, _ in CASES}) == len(CASES), "a case is listed twice"


@pytest.mark.parametrize(
    ("text", "expected"), CASES, ids=[f"{i:03d}-{text[:40]}" for i, (text, _) in enumerate(CASES)]
)
def test_case_table(detector: TriggerDetector, text: str, expected: set[str]) -> None:
    triggers = detector.detect(text)
    assert {t.type for t in triggers} == expected
    assert_well_formed(text, triggers)


def test_every_rule_raises_a_message_trigger() -> None:
    assert {rule.type for rule in RULES} == set(MESSAGE_TRIGGER_TYPES)
    assert all(0.5 <= rule.confidence <= 1.0 for rule in RULES)
    assert not any(rule.guarded for rule in RULES if rule.type == "safety_risk")


@pytest.mark.parametrize(
    ("text", "type_", "evidence"),
    [
        ("😡😡😡 I want to speak to a manager 😡", "human_request", "speak to a manager"),
        ("🙏🏽\x07\x1b[0m get me a REAL person!!", "human_request", "get me a REAL person"),
        (
            "İSTANBUL office: I want to speak to your manager",
            "human_request",
            "speak to your manager",
        ),
        ("I want to speak to a man\u00adager now", "human_request", "speak to a man\u00adager"),
        ("You\u2019re useless", "abuse", "You\u2019re useless"),
        ("I don\u2019t want to cancel my account", "churn_threat", None),
        ("\u200bI\u200b want\u200b to\u200b kill\u200b myself", "safety_risk", "kill\u200b myself"),
        ("CANCEL MY SUBSCRIPTION!!!!", "churn_threat", "CANCEL MY SUBSCRIPTION"),
        ("line one\r\nI've called 5 times\r\n", "repeated_contact", "called 5 times"),
    ],
)
def test_evidence_is_the_original_words(
    detector: TriggerDetector, text: str, type_: str, evidence: str | None
) -> None:
    """Offsets index the text as sent, whatever emoji, control or invisible characters it has."""
    triggers = detector.detect(text)
    assert_well_formed(text, triggers)
    found: dict[str, str] = {t.type: t.evidence for t in triggers}
    if evidence is None:
        assert type_ not in found
    else:
        assert found[type_] == evidence


@pytest.mark.parametrize(
    ("text", "limit", "exceeded"),
    [
        ("I want a refund of $250 for the jacket.", 100, True),
        ("I want a refund of $250 for the jacket.", 249.99, True),
        ("I want a refund of $250 for the jacket.", 250, False),
        ("I want a refund of $250 for the jacket.", 1000, False),
        ("Please waive the $150 late fee.", 100, True),
        ("Please waive the $150 late fee.", 200, False),
        ("I'd like €1.200,50 back", 1000, True),
        ("I'd like €1.200,50 back", 1300, False),
        ("Credit me $2k for the outage", 1999, True),
        ("Credit me $2k for the outage", 2000, False),
        ("I paid 300 USD. I want a refund.", 299, True),
        ("I paid 300 USD. I want a refund.", 300, False),
        ("Can I get $300 off the repair?", 100, True),
        # A loan paid off is no money asked back (panel round 51).
        ("I paid off my loan in full last week, final payment $1,212.66.", 100, False),
    ],
)
def test_refund_limit_moves_the_authority_decision(text: str, limit: float, exceeded: bool) -> None:
    triggers = TriggerDetector(refund_limit=limit).detect(text)
    assert ("authority_exceeded" in {t.type for t in triggers}) is exceeded
    assert_well_formed(text, triggers)


def test_discount_limit_moves_the_authority_decision() -> None:
    text = "I expect a 30% discount after this."
    assert TriggerDetector(discount_limit=20).detect(text)[0].type == "authority_exceeded"
    assert TriggerDetector(discount_limit=30).detect(text) == []


def test_negative_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        TriggerDetector(refund_limit=-1)


def test_output_is_ordered_and_deterministic(detector: TriggerDetector) -> None:
    text = (
        "Third time I'm writing! Refund my $400, get me a manager, or I'm cancelling my account, "
        "posting this on Twitter and calling my lawyer. You're useless."
    )
    first = detector.detect(text)
    assert [t.type for t in first] == [
        "repeated_contact",
        "authority_exceeded",
        "human_request",
        "churn_threat",
        "public_exposure",
        "legal_threat",
        "abuse",
    ]
    assert detector.detect(text) == first
    assert TriggerDetector(refund_limit=100.0).detect(text) == first


def test_the_strongest_phrasing_of_a_type_is_kept(detector: TriggerDetector) -> None:
    text = "Not the first time this happened. This is the third time I'm writing about it."
    (trigger,) = detector.detect(text)
    assert trigger.evidence == "third time I'm writing"
    weak = detector.detect("Not the first time this happened.")[0]
    assert trigger.confidence > weak.confidence


def test_a_20000_character_message_completes(detector: TriggerDetector) -> None:
    """Long or adversarial texts must not backtrack for ever; no timing, only completion."""
    long_email = " ".join(text for text, _ in CASES)
    long_email = (long_email * (20_000 // len(long_email) + 1))[:20_000]
    triggers = detector.detect(long_email)
    assert_well_formed(long_email, triggers)
    assert {t.type for t in triggers} == set(MESSAGE_TRIGGER_TYPES)
    for hostile in (
        "1," * 10_000,
        "refund $5 " * 2_000,
        "you " * 5_000,
        "a" * 20_000,
        "?!" * 10_000,
    ):
        assert_well_formed(hostile, detector.detect(hostile))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "\x00\x01\x02\x7f",
        "😡😡😡",
        "🔥" * 500,
        "👨\u200d👩\u200d👧",
        "Ich möchte mein Abo kündigen, das ist eine Frechheit.",
        "我要投诉你们的服务",
        "Je veux parler à un responsable, s'il vous plaît.",
        "ßßß ﬁ İİİ",
        "\ud83d",  # a lone surrogate, as a broken client might send
    ],
)
def test_odd_text_does_not_crash(detector: TriggerDetector, text: str) -> None:
    triggers = detector.detect(text)
    assert_well_formed(text, triggers)
    assert triggers == []


@pytest.mark.parametrize(
    ("text", "type_", "evidence"),
    [
        # Real customers' ways of leaving that the first patterns missed (dev, round 4).
        (
            "I cancelled my two pets coverage with them.",
            "churn_threat",
            "I cancelled my two pets coverage",
        ),
        ("Had a policy since 2022 and will not renew.", "churn_threat", "will not renew"),
        (
            "We signed on with a competitor for better cover.",
            "churn_threat",
            "signed on with a competitor",
        ),
        (
            "I'm about to stop ordering things that ship with them",
            "churn_threat",
            "about to stop ordering",
        ),
        ("Dis is lst tym I'm buying anything frm you", "churn_threat", "lst tym I'm buying"),
        ("Only using @rival from now on.", "churn_threat", "Only using @rival from now on"),
        ("I'm switching because my phone keeps freezing", "churn_threat", "I'm switching"),
        # A refund asked for in plain words, no amount named.
        ("I'd like my money back", "authority_exceeded", "like my money back"),
        ("Please refund me for my iPhone", "authority_exceeded", "refund me"),
        (
            "Shouldn't I get a discount for the wait?",
            "authority_exceeded",
            "Shouldn't I get a discount",
        ),
        (
            "I was hospitalized for a week and missed the payment.",
            "vulnerable_customer",
            "I was hospitalized",
        ),
        (
            "We had to file for bankruptcy last year.",
            "vulnerable_customer",
            "We had to file for bankruptcy",
        ),
        # Asking to be phoned is a request for a person (LABELLING.md).
        (
            "Could someone from the branch or the workshop please give me a call on 07700 900412?",
            "human_request",
            "Could someone from the branch or the workshop please give me a call",
        ),
        (
            "REFUND NOW and get an actual human to ring me.",
            "human_request",
            "get an actual human to ring me",
        ),
        ("Please call me on 07700 900123, after 4pm.", "human_request", "Please call me"),
        ("can someone call me ? Tech support?", "human_request", "can someone call me"),
        ("I just want to hear a human voice.", "human_request", "hear a human voice"),
        ("Nothing helps. Can I speak with a person?", "human_request", "speak with a person"),
        ("Use an actual person for customer service.", "human_request", "Use an actual person"),
        # Insults for the company's people as a group.
        ("I spent all day messaging these idiots.", "abuse", "these idiots"),
        ("y'all are fucking trash", "abuse", "y'all are fucking trash"),
        (
            "I don't understand any of it. Could someone ring my son Michael and explain it?",
            "human_request",
            "Could someone ring my son",
        ),
        # A wish to be gone, said in passing in a billing email (panel round 37).
        (
            "I'm not coping. Some nights I think everyone would be better off without me.",
            "safety_risk",
            "everyone would be better off without me",
        ),
        ("Honestly I can't go on like this any more.", "safety_risk", "I can't go on"),
        # A heater that smoked, the thing named further back (round 40).
        (
            "The fan heater I bought in November (model FH-20) started SMOKING last night.",
            "safety_risk",
            "started SMOKING",
        ),
        ("Plug and socket both scorched black.", "safety_risk", "Plug and socket both scorched"),
        # A medical supply failing, water reaching the electrics (round 39).
        (
            "He's on home oxygen. The concentrator has stopped and it's beeping.",
            "safety_risk",
            "concentrator has stopped",
        ),
        (
            "Water is dripping out of the light fitting and it popped.",
            "safety_risk",
            "Water is dripping out of the light fitting",
        ),
        (
            "I came home and found him unresponsive on the floor.",
            "safety_risk",
            "found him unresponsive",
        ),
        # A home dialysis without water (round 51).
        (
            "He's on home haemodialysis and the machine can't run without water.",
            "safety_risk",
            "haemodialysis and the machine can't run",
        ),
        # Hiding from a worker in their home (round 37).
        (
            "he punched the wall and I'm locked in the bathroom with my son",
            "safety_risk",
            "I'm locked in the bathroom",
        ),
        # Held against their will by a driver (panel round 36).
        (
            "He's on the ring road going the wrong way and I don't know where he's taking me.",
            "safety_risk",
            "where he's taking me",
        ),
        (
            "Let me out of the contract and I'll take my number somewhere else.",
            "churn_threat",
            "take my number somewhere else",
        ),
        # An elderly relative's age, a baby at home, the benefit they wait on, a fall indoors
        # (panel round 42).
        ("the lock won't open. hes 84 and lives alone", "vulnerable_customer", "hes 84"),
        (
            "I've got a four-month-old and the flat's freezing.",
            "vulnerable_customer",
            "a four-month-old",
        ),
        (
            "Nothing until my Universal Credit comes in on the 28th.",
            "vulnerable_customer",
            "Universal Credit",
        ),
        ("he fell in the hallway and can't get up", "safety_risk", "he fell in the hallway"),
        # A review or a post announced as going up (panel round 45).
        (
            "Full write-up with photos going on TripAdvisor tonight.",
            "public_exposure",
            "going on TripAdvisor",
        ),
        (
            "Ingrid was very good with me, could I speak to her again?",
            "human_request",
            "could I speak to her again",
        ),
        # A burning smell from the wiring, a manager by their place (panel round 48).
        (
            "There's a crackling noise from the meter cupboard and it smells like hot plastic.",
            "safety_risk",
            "crackling noise from the meter",
        ),
        (
            "And honestly I'd like to speak to the practice manager about it.",
            "human_request",
            "speak to the practice manager",
        ),
        # A manager by their department, a named person or a team asked to ring (round 52).
        (
            "Put me through to the sales manager, today.",
            "human_request",
            "Put me through to the sales manager",
        ),
        (
            "I would also like a named person from the fees team to phone me on 07700 914 362.",
            "human_request",
            "would also like a named person from the fees team to phone me",
        ),
        (
            "Can someone from highways actually ring me on the number on my reports?",
            "human_request",
            "Can someone from highways actually ring me",
        ),
        # Leaving weighed aloud.
        (
            "Anyone else with Northlink? Thinking of switching after this week.",
            "churn_threat",
            "Thinking of switching",
        ),
        (
            "third handset with the same fault, looking at other carriers now",
            "churn_threat",
            "looking at other carriers",
        ),
        (
            "I don't want to switch to another bank, but this is the last straw",
            "churn_threat",
            "don't want to switch to",
        ),
        (
            "Sort the app out this month or I'll probably go elsewhere.",
            "churn_threat",
            "or I'll probably go",
        ),
        # Hardship in few words.
        (
            "Lost job last month and still tied into the contract.",
            "vulnerable_customer",
            "Lost job",
        ),
        (
            "We both live off fixed incomes, so a surprise fee really hurts.",
            "vulnerable_customer",
            "fixed incomes",
        ),
        (
            "after I fell on hard times I asked for a payment plan",
            "vulnerable_customer",
            "fell on hard times",
        ),
        (
            "I am a retired senior citizen and this bill doubled.",
            "vulnerable_customer",
            "I am a retired senior citizen",
        ),
        (
            "I am 78 years old and the new remote is too fiddly for me.",
            "vulnerable_customer",
            "I am 78 years old",
        ),
        # Panel rounds 80 and 81, none said so on train or dev.
        ("I'm eighty-one and it's freezing in here.", "vulnerable_customer", "I'm eighty-one"),
        (
            "My son takes levetiracetam twice a day for epilepsy.",
            "vulnerable_customer",
            "takes levetiracetam twice a day for epilepsy",
        ),
        ("Three doses left and he can't miss doses.", "vulnerable_customer", "can't miss doses"),
        (
            "Someone from your control room ring me NOW.",
            "human_request",
            "Someone from your control room ring me",
        ),
        (
            "There's a funny smell by the boiler cupboard, a bit eggy?",
            "safety_risk",
            "smell by the boiler cupboard, a bit eggy",
        ),
    ],
)
def test_real_wordings_raise_their_trigger(
    detector: TriggerDetector, text: str, type_: str, evidence: str
) -> None:
    found = {t.type: t.evidence for t in detector.detect(text)}
    assert found.get(type_) == evidence


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        # Moving over to the company is no leaving (panel round 76).
        ("Is 5G live yet? Thinking of moving over when my contract ends.", "churn_threat"),
        ("I need a refund receipt for my expense claim.", "authority_exceeded"),
        ("Can I get a refund for the $60 mug? It arrived chipped.", "authority_exceeded"),
        ("These jokers again, the app is down.", "abuse"),
        ("Your trash service is down again.", "abuse"),
        ("How do I switch to paperless billing?", "churn_threat"),
        # A switch to do something, or to an app, is no leaving (train and dev's wrong matches).
        ("Where do I switch to see my old invoices?", "churn_threat"),
        ("I had to switch to the Tunely app to watch it.", "churn_threat"),
        ("Fixed it once I switched to Quickflix App on the TV.", "churn_threat"),
        ("I don't want to cancel my policy, just change the excess.", "churn_threat"),
        # A request for a person made on an earlier call is reported, not made.
        ("I asked to speak with a supervisor and was refused.", "human_request"),
        ("On hold for 3 hours waiting to speak to a representative.", "human_request"),
        ("After talking to a representative, nothing changed.", "human_request"),
        # ...or one going on, or done.
        ("I'm chatting to an agent right now, thanks :)", "human_request"),
        ("My case was escalated to a supervisor who never called.", "human_request"),
        ("I had to speak with a supervisor last Saturday.", "human_request"),
        # A call promised, or the number used, is no request for one.
        ("They said a supervisor would call me back the next day. Nobody did.", "human_request"),
        ("I waited for someone to care enough to give me a call.", "human_request"),
        ("They couldn't fix it unless they could call me on my phone number.", "human_request"),
        # A bureau or a screen unresponsive is no emergency (panel round 54).
        ("The credit bureau has been unresponsive to all my disputes.", "safety_risk"),
        ("My iPhone screen is unresponsive after the update.", "safety_risk"),
        # A hospice named as a charity is no one's care.
        ("I give £25 a month to Hollybrook Hospice by direct debit.", "vulnerable_customer"),
        # A deadline set for a reply is no failed contact yet.
        ("If I haven't heard back in 14 days, I'll take it further.", "repeated_contact"),
        # On real messages these were a pet's illness or a record on a credit file.
        ("My dog was diagnosed with cancer and the claim was denied.", "vulnerable_customer"),
        ("Equifax is reporting a bankruptcy that isn't mine.", "vulnerable_customer"),
        ("A debt collector keeps calling about a bill I paid.", "vulnerable_customer"),
        ("My puppy had surgery and was hospitalized overnight.", "vulnerable_customer"),
        ("The agent said she wasn't worried about losing her job.", "vulnerable_customer"),
        # Their name called out in a waiting room, not a contact made (round 35).
        (
            'I was told I\'d been "called three times" and nearly marked a no-show.',
            "repeated_contact",
        ),
        # A fault counted, not a contact made (round 107).
        ("Your checkout logged me out three times tonight.", "repeated_contact"),
        ("Price rises like this are hard on senior citizens.", "vulnerable_customer"),
        ("They refused to let me out of the contract early.", "safety_risk"),
        ("The new plan is better off without the add-ons.", "safety_risk"),
        ("I was thinking it over, and I'll stay.", "churn_threat"),
        ("Can I take my number to my new phone when it comes?", "churn_threat"),
        # Oxygen named as what someone lives with, working (round 26).
        ("She's on oxygen at night, the concentrator thing, so a morning slot.", "safety_risk"),
        # An arrangement that can't go on, not a person (round 38).
        ("He's sleeping in with us while it's broken, but that can't go on.", "safety_risk"),
        # A pet's or a phone's age, a minute count, a fall in price (round 42's rules).
        ("My 12 week old puppy was refused cover.", "vulnerable_customer"),
        ("The screen died on my 6-month-old phone.", "vulnerable_customer"),
        ("She's 90 minutes late and not answering.", "vulnerable_customer"),
        ("I'm 90 minutes away and the app says delivered.", "vulnerable_customer"),
        ("I'm 80% sure I cancelled it in May.", "vulnerable_customer"),
        ("I bought a cookbook for my diabetes blog.", "vulnerable_customer"),
        # A call promised is reported, not asked for.
        ("Someone from your office will ring me tomorrow, they said.", "human_request"),
        ("The shares fell in value and the fees didn't.", "safety_risk"),
        # Something of theirs, or an animal, fell: no person at risk (panel round 44).
        ("my wedding ring slipped off on deck and the crew found it", "safety_risk"),
        ("Unfortunately, my dog fell and dislocated his knee cap.", "safety_risk"),
    ],
)
def test_their_near_misses_do_not(detector: TriggerDetector, text: str, type_: str) -> None:
    assert type_ not in {t.type for t in detector.detect(text)}


def test_a_redress_scheme_is_a_consumer_body(detector: TriggerDetector) -> None:
    # LABELLING.md: a complaint to an ombudsman or a consumer body is a legal threat.
    text = "If I haven't heard back in 14 days I'll take it to the Property Redress Scheme."
    assert {t.type for t in detector.detect(text)} == {"legal_threat"}


def test_care_in_a_hospice_is_a_vulnerable_customer(detector: TriggerDetector) -> None:
    text = "My dad moved to a hospice last week and the bill is in his name."
    assert "vulnerable_customer" in {t.type for t in detector.detect(text)}
