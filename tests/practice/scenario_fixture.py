"""A small scenario of the tests' own, so unit tests do not move with the shipped set."""

from __future__ import annotations

from typing import Any

from app.practice.scenarios import Scenario


def message(text: str, customer_type: str = "angry", triggers: tuple[str, ...] = ()) -> dict:
    return {"text": text, "customer_type": customer_type, "triggers": list(triggers)}


def scenario(**behaviour: Any) -> Scenario:
    return Scenario.model_validate(
        {
            "id": "test-late-parcel",
            "title": "A late parcel, for the tests",
            "customer_type": "angry",
            "root_cause": "delay",
            "triggers": ["repeated_contact"],
            "difficulty": 2,
            "persona": {"name": "Sam", "summary": "Waiting on a parcel that is a week late."},
            "facts": {
                "reference": "A-100",
                "what_went_wrong": "The parcel sat at the depot for five days.",
                "may_offer": ["a replacement by next-day courier"],
                "may_not_offer": ["a full refund while keeping the parcel"],
                "slots": {"eta": "by 1 pm tomorrow"},
            },
            "opening": message(
                "Third time asking about A-100, it's a week late!", triggers=("repeated_contact",)
            ),
            "reactions": {
                "calmer": [message("Ok, when will it come?", "neutral")],
                "worse": [message("You're not listening to me.")],
                "accepts": message("Fine, next-day courier works.", "satisfied"),
                "asks_lead": message("Get me a manager.", "demanding", ("human_request",)),
                "lost": message("Forget it, I'm leaving.", "angry", ("churn_threat",)),
            },
            "behaviour": {
                "start_mood": 30,
                "accept_at": 60,
                "ask_lead_below": 15,
                "calmed_by": ["next_step"],
                **behaviour,
            },
        }
    )
