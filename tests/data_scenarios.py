"""Practice scenarios owned by the tests, so they hold whatever the shipped set becomes."""

from __future__ import annotations

import copy
from typing import Any


def _message(text: str, customer_type: str, *triggers: str) -> dict[str, Any]:
    return {"text": text, "customer_type": customer_type, "triggers": list(triggers)}


PARCEL: dict[str, Any] = {
    "id": "parcel-late",
    "title": "A parcel a week late, and the third time asking",
    "customer_type": "angry",
    "root_cause": "delay",
    "triggers": ["repeated_contact"],
    "difficulty": 2,
    "channel": "chat",
    "persona": {
        "name": "Maya",
        "summary": "Ordered a birthday present for her son; has chased it twice already.",
    },
    "facts": {
        "reference": "A-48213",
        "what_went_wrong": "The parcel has sat at the local depot for five days.",
        "timeline": ["Ordered on the 2nd, delivery promised for the 5th"],
        "may_offer": ["a replacement sent by next-day courier"],
        "may_not_offer": ["a full refund while keeping the parcel"],
        "slots": {
            "eta": "by 1 pm tomorrow",
            "fix": "send a replacement by courier today",
            "cause": "the depot missed the handover to the courier",
            "status": "at our local depot since Monday",
            "offer": "a refund of the delivery charge",
            "options": "a replacement by next-day courier, or a refund",
            "decision": "the replacement goes out today",
            "answer": "it is still at the depot",
            "details": "order A-48213",
            "issue": "your parcel sitting at the depot",
        },
    },
    "opening": _message(
        "This is the third time I'm contacting you about order A-48213. It was due on the "
        "5th and every time I'm told it's on its way. This is ridiculous.",
        "angry",
        "repeated_contact",
    ),
    "reactions": {
        "calmer": [_message("Ok. So when will it actually get here?", "neutral")],
        "worse": [_message("You're not listening to me at all.", "dissatisfied")],
        "accepts": _message("Alright, next-day courier works for me. Thanks.", "satisfied"),
        "asks_lead": _message("Get me a manager. Now.", "demanding", "human_request"),
        "lost": _message("Forget it. Cancel the order.", "angry", "churn_threat"),
    },
    "behaviour": {
        "start_mood": 20,
        "accept_at": 60,
        "ask_lead_below": 10,
        "calmed_by": ["acknowledge", "restate", "next_step"],
        "worsened_by": ["apology_timing"],
    },
}
# An easy, confused customer with no triggers: the filters tell the two apart.
PLAN = copy.deepcopy(PARCEL) | {
    "id": "plan-choice",
    "title": "Choosing between two mobile plans",
    "customer_type": "confused",
    "root_cause": "other",
    "triggers": [],
    "difficulty": 1,
    "opening": _message("I don't understand which plan is which. Can you explain?", "confused"),
}
SCENARIOS: dict[str, Any] = {"version": "test-1", "scenarios": [PARCEL, PLAN]}

# Replies to PARCEL: one that does what the skills ask, one that breaks them.
GOOD_REPLY = (
    "I can see why you're frustrated: order A-48213 should have been with you on the 5th. "
    "That sounds really stressful. I'll send a replacement by next-day courier today and "
    "confirm by email before 5 pm today."
)
CARELESS_REPLY = "Calm down. It's company policy and there's nothing I can do about it."
