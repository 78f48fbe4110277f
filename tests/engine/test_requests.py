"""Which requests the playbook answers, and which team takes a message over."""

import pytest

from app.engine.requests import requests_asked, route_of


def asked(probabilities: dict[str, float], text: str = "hello", **kwargs: object) -> tuple:
    return requests_asked(probabilities, text, min_probability=0.5, **kwargs)  # type: ignore[arg-type]


def test_every_request_over_the_threshold_most_probable_first() -> None:
    scores = {"refund_or_compensation": 0.7, "cancel_or_close": 0.9, "status": 0.2}
    assert asked(scores) == ("cancel_or_close", "refund_or_compensation")


def test_the_best_request_stands_in_when_none_passes_but_it_is_close() -> None:
    assert asked({"status": 0.4, "information": 0.1}) == ("status",)
    assert asked({"status": 0.2, "information": 0.1}) == ()


def test_unknown_labels_are_ignored() -> None:
    assert asked({"teleport": 0.99, "status": 0.8}) == ("status",)


@pytest.mark.parametrize(
    "text",
    [
        "Please delete my personal data.",
        "I want you to erase all of my information.",
        "This is a GDPR request: right to be forgotten.",
        "I have asked 3 times for you to remove my name from your mailing list.",
        "I want you to clear all my personal records from your system.",
        "I'd appreciate it if you wouldn't sell my personal info to other companies.",
        "Close my account and delete every progress photo and weight log you hold on me.",
        "I'd also like every image from our session, and our details, deleted from your files.",
        "Can you make sure my photos and messages are actually deleted, not just hidden?",
        "Delete my account and all the data you hold about me, backups included.",
        "I closed my account in April. Please erase all personal data you still hold about me.",
        "@Framelet please close my account and delete everything you hold on me. The lot.",
        "Please take down and delete the photos, and anything else you've stored about me.",
        "Please delete everything you hold on him and on me, images included.",
        "A breach in MARCH?? Delete my account and every byte of my data. Now.",
        "I want my phone number, email and order history gone from your systems completely.",
        "Delete my account completely, including the voice recordings from the exercises.",
        "Close my account, and can you also wipe everything you've got stored on the app?",
        "He has asked that his personal data be erased rather than just deactivated.",
        "Please treat this as an erasure request on his behalf.",
        "Please could you delete her record and our details from your system altogether.",
    ],
)
def test_an_erasure_request_in_plain_words_counts_whatever_the_head_says(text: str) -> None:
    assert "delete_data" in asked({}, text)
    assert route_of(text, asked({}, text)) == "privacy"


def test_asking_what_is_stored_is_not_asking_to_erase_it() -> None:
    assert "delete_data" not in asked({}, "I want to know everything you have stored about me.")


@pytest.mark.parametrize(
    "text",
    [
        "No need to reply to this, I just want it on record. The new layout adds clicks.",
        "I wanted this on record: the lift was out for a week.",
    ],
)
def test_a_complaint_told_only_to_be_on_record_asks_for_nothing(text: str) -> None:
    assert asked({"fix_problem": 0.8}, text) == ("complaint_only",)


def test_a_wrong_entry_removed_from_a_credit_report_is_no_erasure() -> None:
    text = "Please get that wrong late payment marker taken off my credit file."
    assert "delete_data" not in asked({"fix_problem": 0.8}, text)


def test_the_heads_erasure_guess_needs_the_message_to_speak_of_data() -> None:
    closure = "I need to close my late mother's accounts."
    assert "delete_data" not in asked({"delete_data": 0.8, "cancel_or_close": 0.9}, closure)
    assert route_of(closure, asked({"delete_data": 0.8}, closure)) is None
    erasure = "Close my account and remove the marketing data you keep."
    assert "delete_data" in asked({"delete_data": 0.8}, erasure)
    # A child's account and its photos, with no word "data" (round 111).
    photos = "Can you delete that account and everything attached to it, photos, the lot?"
    assert "delete_data" in asked({"delete_data": 0.8}, photos)


def test_a_request_for_a_person_caught_by_the_trigger_is_an_ask() -> None:
    assert asked({}, triggers=["human_request"]) == ("talk_to_person",)


def test_the_heads_unsure_wish_for_a_person_counts_only_where_the_trigger_fired() -> None:
    # "I need someone to come back out and fix it": the head half hears a person asked for.
    probabilities = {"talk_to_person": 0.6, "fix_problem": 0.55}
    assert asked(probabilities) == ("fix_problem",)
    assert asked({"talk_to_person": 0.6}) == ()
    assert asked(probabilities, triggers=["human_request"]) == ("talk_to_person", "fix_problem")
    # A head that is sure stands without the trigger.
    assert asked({"talk_to_person": 0.9, "fix_problem": 0.55}) == ("talk_to_person", "fix_problem")


@pytest.mark.parametrize(
    ("text", "requests", "route"),
    [
        ("How much is the pro plan for 3 users?", ("information",), "sales"),
        ("Can I book a demo for my team?", (), "sales"),
        ("You charged me more than the price list said!", ("explain_charge",), None),
        ("How much is too much to wait for a refund?", ("refund_or_compensation",), None),
        ("My router keeps dropping the connection.", ("fix_problem",), None),
        ("We'd like to buy 5 more seats for the team.", (), "sales"),
        # Buying what is not the company's to sell (panel round 75).
        ("Bag still lost. Any update before I have to buy more pants?", ("status",), None),
    ],
)
def test_buying_questions_go_to_sales_but_complaints_about_price_do_not(
    text: str, requests: tuple, route: str | None
) -> None:
    assert route_of(text, requests) == route


def test_praise_and_a_complaint_with_no_ask_exclude_each_other_the_likelier_stays() -> None:
    assert asked({"praise": 0.8, "complaint_only": 0.6}) == ("praise",)
    assert asked({"praise": 0.6, "complaint_only": 0.8}) == ("complaint_only",)


def test_praise_with_a_gripe_named_beside_it_is_praise_and_a_complaint_with_no_ask() -> None:
    text = "Massive shout-out to Kacper, absolute star. Only gripe is the wifi never connected."
    assert asked({"praise": 0.7}, text) == ("praise", "complaint_only")
    # Read as both by the head, the gripe keeps both as well.
    assert asked({"praise": 0.7, "complaint_only": 0.6}, text) == ("praise", "complaint_only")
    # Without a gripe named, the likelier reading stays alone.
    assert asked({"praise": 0.7}, "Kacper was a star, but the flight was long.") == ("praise",)


def test_staff_praised_beside_another_ask_is_praise_after_it() -> None:
    text = "The warden, Bartholomew, has been brilliant. But the radiator is stone cold."
    assert asked({"fix_problem": 0.8}, text, praised_beside=True) == ("fix_problem", "praise")
    # Beside a complaint with no ask, the complaint keeps its hearing.
    assert asked({"complaint_only": 0.8}, text, praised_beside=True) == ("complaint_only",)
    # Nor is sarcasm praise.
    sneer = "Thanks for nothing, your driver Dev was brilliant at ignoring me."
    assert "praise" not in asked({"fix_problem": 0.8}, sneer, praised_beside=True)


def test_a_gripe_beside_praise_and_another_ask_leaves_the_ask_to_answer() -> None:
    text = "Loved the stay. Only gripe: can I get the £20 parking fee back?"
    assert asked({"praise": 0.7, "refund_or_compensation": 0.6}, text) == (
        "praise",
        "refund_or_compensation",
    )


def test_praise_with_a_question_in_it_asks_for_the_answer_too() -> None:
    text = "Love the coat! Will the olive one be back in a size 12?"
    assert asked({"praise": 0.9}, text) == ("praise", "information")


@pytest.mark.parametrize(
    "text", ["Big thanks to the driver (Dev, I think?) who carried it", "Legend. Why?", "Legend."]
)
def test_an_aside_or_a_one_word_question_is_not_a_question_to_answer(text: str) -> None:
    assert asked({"praise": 0.9}, text) == ("praise",)


def test_sarcastic_praise_is_a_complaint_not_thanks() -> None:
    text = "Thanks for nothing, the compost was full of plastic."
    assert asked({"praise": 0.6}, text) == ("complaint_only",)
    # What else they ask for stays; only the thanks goes.
    assert asked({"praise": 0.6, "refund_or_compensation": 0.7}, text) == (
        "refund_or_compensation",
    )
    assert asked({"praise": 0.6}, "Thank you so much for your help!") == ("praise",)


def test_thanks_while_the_fault_is_still_there_ask_for_the_fix_not_thanks_back() -> None:
    text = "Didn't work, I'll wait a few more days. Thanks again for helping!!"
    assert asked({"praise": 0.8, "fix_problem": 0.3}, text) == ("fix_problem",)
    assert asked({"praise": 0.8, "complaint_only": 0.4}, text) == ("complaint_only",)
    # A fault mended since keeps the thanks.
    mended = "It didn't work at first, but it's working now. Thanks again for helping!!"
    assert asked({"praise": 0.8, "fix_problem": 0.3}, mended) == ("praise",)


def test_thanking_someone_by_name_is_praise_whatever_the_head_says() -> None:
    text = "A massive thanks to Ola, who helped me yesterday. Do I keep the paper receipts?"
    assert asked({"complaint_only": 0.4}, text, thanks_someone=True) == ("praise", "information")
    # Without a person thanked, or thanks opening the message, the head's reading stands.
    later = "Ola helped me yesterday, a massive thanks to her. Do I keep the paper receipts?"
    assert asked({"complaint_only": 0.6}, later) == ("complaint_only",)
    # Sarcastic thanks stay a complaint.
    sneer = "Thanks to Dev, nothing says service like a parcel lost twice."
    assert "praise" not in asked({"complaint_only": 0.6}, sneer, thanks_someone=True)
    # Thanks the head also reads a complaint into come first, and the complaint goes.
    both = {"complaint_only": 0.63, "praise": 0.55}
    assert asked(both, text, thanks_someone=True) == ("praise", "information")


def test_a_message_that_opens_on_thanks_is_praise_unless_the_thanks_are_for_something_bad() -> None:
    # Panel round 43: the story the thanks are for reads as a complaint to the head.
    text = "Massive thanks to @Chemist on Fenn Road. Wrong tablets, put right within the hour."
    assert asked({"complaint_only": 0.63, "praise": 0.55}, text) == ("praise",)
    sneer = "Big shout out to @Chemist for having the worst queue in town."
    assert asked({"complaint_only": 0.63, "praise": 0.55}, sneer) == ("complaint_only",)


def test_thanks_said_to_be_the_point_of_writing_come_first_beside_another_ask() -> None:
    # Panel round 44: "I'm not ringing with a problem... I wanted to say thank you, and also,
    # is there a proper way I can put that in writing?"
    text = "I wanted to say thank you, and also, is there a form for putting it in writing?"
    assert asked({"change_something": 0.6}, text) == ("praise", "change_something")
    # A reward wished on someone is praise too (round 45), whatever the head reads.
    reward = "Your driver Idris deserves a pay rise. Carried it up five floors in the snow."
    assert asked({"complaint_only": 0.7}, reward) == ("praise",)
    given = "Carried a wardrobe up four flights in the rain. Give that man a pay rise"
    assert asked({"complaint_only": 0.7}, given) == ("praise",)
    # So is praise that cannot be said enough (round 60), though the story tells of a fault.
    story = "Can't say enough good things about Marek. Wheel buckled, he trued it in an hour."
    assert asked({"complaint_only": 0.7}, story) == ("praise",)


@pytest.mark.parametrize(
    "text",
    [
        "What was the £12 for, and can you stop it renewing itself, please?",
        "There's a £19.99 add-on I never chose. I'd like it taken off the account.",
        "I can't read the emails. Could you go back to sending the bills on paper?",
    ],
)
def test_a_change_asked_outright_is_a_change_whatever_the_head_says(text: str) -> None:
    assert "change_something" in asked({"explain_charge": 0.7}, text)
    # Told of, not asked for, it is no change.
    assert "change_something" not in asked({"explain_charge": 0.7}, "It renewed itself.")


@pytest.mark.parametrize(
    "text", ["Report LG20915. Where is it?? Find it today.", "@Air where are they?"]
)
def test_where_is_it_asked_on_its_own_asks_for_the_status(text: str) -> None:
    assert "status" in asked({"fix_problem": 0.6}, text)


@pytest.mark.parametrize(
    "text",
    [
        "I got a letter about my guaranteed period and I don't know what that means.",
        "what does this mean?",
    ],
)
def test_asking_what_something_means_asks_for_information(text: str) -> None:
    assert asked({"complaint_only": 0.6}, text) == ("information",)


@pytest.mark.parametrize(
    "text",
    [
        "Why was I charged twice for the same order?",
        "Can you tell me what the £47.50 is for? We ordered nothing.",
        "There's an overage line on the invoice. Could you tell me how that was worked out?",
        "Please send a breakdown of the £120 fee.",
        "I don't recognise this £25 payment on my statement.",
        "The invoice is £186 and there's a line for an extra seat. What's that for?",
        "There's £12 of 'premium rate services' on my bill. What is it and who is it paid to?",
        "I gave notice in November. Could you explain why the £96 charge was still taken?",
        "£49.99 on my card on 2 Oct that I don't recognise at all. What is it??",
        "There's a line for 'sundries' at £142 and I don't know what that is.",
        "And what exactly is the extra £2.49 on this month's payment? I never picked it.",
    ],
)
def test_a_plain_question_about_a_charge_asks_for_the_explanation(text: str) -> None:
    found = asked({"complaint_only": 0.6}, text)
    assert found == ("explain_charge",)


@pytest.mark.parametrize(
    "text",
    [
        "You charged me twice and I'm fed up.",
        "What is the charge for paying by card abroad?",
        "Five months left at £32 a month. What is the exact fee to cancel now?",
    ],
)
def test_a_charge_named_without_asking_what_it_was_for_is_not_that_question(text: str) -> None:
    assert "explain_charge" not in asked({"complaint_only": 0.6}, text)


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("Please could you cancel my bike cover? I sold the bike. Thanks :)", "cancel_or_close"),
        ("Please take this as our one month's notice to end the membership.", "cancel_or_close"),
        ("@Pebblefield pls cancel order PF-55021, wrong size", "cancel_or_close"),
        (
            "Third estimated bill. I'm done. Close my account at the end of the month.",
            "cancel_or_close",
        ),
        # After a colon (panel round 60).
        ("For the avoidance of doubt: close my account today.", "cancel_or_close"),
        ("The gig was cancelled. How do I get that money back?", "refund_or_compensation"),
        ("The kettle leaks. I'd like a full refund please.", "refund_or_compensation"),
        ("Nice staff, but it arrived smashed. I want my money back.", "refund_or_compensation"),
        ("@Shoply it's falling to pieces. can I get my money back?", "refund_or_compensation"),
        ("Could you please move me onto your cheapest SIM-only plan?", "change_something"),
        ("Can you change my delivery address to the office?", "change_something"),
        ("I need to reschedule Tuesday's appointment.", "change_something"),
        ("Could you switch our regular delivery to Thursdays?", "change_something"),
        ("Could you please move her payment date to the 10th?", "change_something"),
        ("My flight lands late now. Could you move the pick-up to 15:30?", "change_something"),
        ("Is there any way the due date could be moved to the 29th?", "change_something"),
        ("The money comes out on the 1st. Could you move it to the 5th?", "change_something"),
        ("We'd like the annual plan from the 14th. Can you switch it over?", "change_something"),
        ("Need to move my check-up at the surgery, I've got a shift.", "change_something"),
        ("Can next Thursday's delivery go to my work instead?", "change_something"),
        ("We're booked for next year. Could we move it to a sea-view room?", "change_something"),
        ("The mobile on the form is my old one. Can you update that?", "change_something"),
        ("Table for 6 on Saturday. Any chance we could make it 8 people?", "change_something"),
        ("Can you bar premium numbers on my account, please?", "change_something"),
        ("It won't come in time, so I'd like to cancel it please.", "cancel_or_close"),
        (
            "Could you please:\n- close the workspace at renewal;\n- send the export",
            "cancel_or_close",
        ),
        ("Cancel it, and have the £249 put back on my card.", "refund_or_compensation"),
        ("I would like the account closed and the direct debits stopped.", "cancel_or_close"),
        ("Could you reduce my direct debit to £5 a month for now?", "change_something"),
        ("Please update my record so the surgery texts me, never calls.", "change_something"),
        ("If nothing gets lost, please move us to Starter.", "change_something"),
        ("Order KLW-3380152: could you tell me where it's got to?", "status"),
        ("Nothing has come. Can you tell me where it is?", "status"),
        (
            "@WhiskerBox can this week's box come Saturday instead? Away till Friday",
            "change_something",
        ),
        ("Notes leaked in a breach?? Delete my account. Now.", "cancel_or_close"),
        # Round 38.
        (
            "It dropped in price the next day. Can the difference be refunded?",
            "refund_or_compensation",
        ),
        ("Taken twice this month, one plan. want the extra one back pls", "refund_or_compensation"),
        ("I was in hospital that day. Could I have it back please?", "refund_or_compensation"),
        ("I think some money off for February is fair.", "refund_or_compensation"),
        ("Is there a recall on these?? I want my £24.99 back", "refund_or_compensation"),
        # Round 41.
        ("Explain that charge and put the money back on my account.", "refund_or_compensation"),
        ("Only 8 of us use it. Please set us back to 8 seats from now on.", "change_something"),
        ("Is it possible to split it into monthly payments instead?", "change_something"),
        ("We sold that car on Saturday, so I need to cancel that one.", "cancel_or_close"),
        ("Reported it Monday. Can you tell me when somebody is actually coming?", "status"),
        ("Please tell me plainly what stage this claim is at.", "status"),
        (
            "I'd like to move it to around the 4th of November if you've got space.",
            "change_something",
        ),
    ],
)
def test_an_ask_made_in_so_many_words_counts_whatever_the_head_says(text: str, ask: str) -> None:
    # The head read these polite direct asks as praise or feedback (panel rounds 10, 11).
    assert asked({"praise": 0.6}, text)[0] == ask


@pytest.mark.parametrize(
    "text",
    [
        "I cancelled my policy last week after this.",  # done: churn, not an ask
        "They said they would close my account if I complained.",
        "I'd like to cancel my TV service and keep the internet.",  # a change, as labelled
        "They refunded me in the end, thank you!",
        "They gave me my money back in the end.",
        "I changed my address in the app and it worked.",
        "Someone had moved the appointment to the next day without telling me.",
        "Why could the appointment not be moved to Friday?",
        "These are not mine. Please delete the following accounts from my report.",
    ],
)
def test_a_cancellation_refund_or_change_told_of_is_not_asked_for(text: str) -> None:
    found = asked({"praise": 0.6}, text)
    assert not {"cancel_or_close", "refund_or_compensation", "change_something"} & set(found)


def test_a_complaint_with_no_ask_and_an_ask_exclude_each_other_the_likelier_stays() -> None:
    assert asked({"complaint_only": 0.8, "refund_or_compensation": 0.6, "status": 0.55}) == (
        "complaint_only",
    )
    assert asked({"complaint_only": 0.6, "refund_or_compensation": 0.8}) == (
        "refund_or_compensation",
    )
    # An ask found by pattern or trigger outranks the head's complaint.
    assert asked({"complaint_only": 0.9}, triggers=["human_request"]) == ("talk_to_person",)


@pytest.mark.parametrize(
    "text",
    [
        "I'm only ringing to say thank you. Your driver carried my shopping up four floors.",
        "I left my rucksack on the bus and Bev in lost property stayed late. Please pass on a "
        "proper thank-you to both of them.",
        "Just wanted to say thanks to the team at the Leeds store!",
    ],
)
def test_a_message_that_only_thanks_asks_for_nothing_the_head_reads_into_it(text: str) -> None:
    # The head read the story around the thanks as a problem, or a call for a person.
    assert asked({"fix_problem": 0.7, "talk_to_person": 0.6}, text) == ("praise",)


def test_thanks_passed_on_leave_a_decision_asked_beside_them() -> None:
    # Panel round 114: a widower closing a membership and asking for two fees back, who
    # also passed on his thanks, was answered with thanks alone.
    text = "Please close her membership and return the two fees. Do pass my thanks on to Aoife."
    probabilities = {"cancel_or_close": 0.6, "refund_or_compensation": 0.55, "fix_problem": 0.6}
    assert asked(probabilities, text) == ("praise", "cancel_or_close", "refund_or_compensation")


def test_thanks_in_so_many_words_still_answers_a_question_and_a_plain_ask() -> None:
    question = "Just wanted to say thanks for the quick fix! Will the app update itself too?"
    assert asked({"fix_problem": 0.7}, question) == ("praise", "information")
    cancel = "Just wanted to say thank you for three good years. Could you cancel my plan?"
    assert asked({"praise": 0.9}, cancel)[0] == "cancel_or_close"


def test_sarcastic_thanks_in_so_many_words_stay_a_complaint() -> None:
    text = "Just wanted to say thanks for nothing, the parcel is still lost."
    assert "praise" not in asked({"fix_problem": 0.7}, text)


@pytest.mark.parametrize(
    "text",
    [
        "No reply needed and I'm not looking for anything back; I'd like the manager to see this.",
        "There is nothing for you to fix here, the new appointment is booked, but hear me out.",
        "For your records rather than for any action: the check-in screens were all down.",
        "No action needed, but the lift at the station was out of order all week.",
        "I'm not after anything back, I just think you should know how this went.",
        "We don't want anything in return; the spa was shut the whole weekend.",
        "I'm not asking for anything. My mum sat in the clinic for four hours with no water.",
        "I just need someone to hear this: the ward phone rang out all night.",
        "I'm not writing for an apology or anything else. I would just like someone to know.",
    ],
)
def test_a_message_that_wants_nothing_back_is_a_complaint_with_no_ask(text: str) -> None:
    assert asked({"status": 0.8, "fix_problem": 0.6}, text) == ("complaint_only",)


def test_an_ask_in_so_many_words_counts_even_beside_no_reply_needed() -> None:
    text = "No reply needed, but please cancel my membership from next month."
    assert asked({"status": 0.8}, text) == ("cancel_or_close",)


def test_credit_given_where_it_is_due_is_praise() -> None:
    # "Credit where it's due... I just wanted her manager to know" read as a complaint
    # (panel round 76).
    text = "Boiler died on Christmas Eve. Credit where it's due, Farida sorted it in an hour."
    assert asked({"complaint_only": 0.54, "praise": 0.52}, text=text) == ("praise",)
