"""Which root cause a playbook may speak to: the model's reading, where the message bears it out.

The root-cause head was trained on the project's own written messages. On real customers it
names a cause for every message, and a reply written for a cause says it back to them ("I'm
sorry this has taken so long", "being told one thing and then finding out it was
different"): said to a customer who waited for nothing, it tells them they were not read
(the review panel's round 5: a delay apology for a plain cancellation, "what's holding this
up" for a data-deletion demand). So a cause reaches the playbook only when the head is
fairly sure *and* the message shows a word of that cause. The reading itself is still
reported as the model gave it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.core.labels import RootCause

# Words a message of each cause shows. Flat alternations only: these run on any text.
_CUE_WORDS: dict[RootCause, str] = {
    "delay": (
        # A bare "wait" is a wait, but not "can't wait to leave", "please wait..." or "but
        # wait, that is not my door" (a delay apology for a wrong doorstep, panel round 26).
        r"\b(?:waited|waiting|(?<!can't )(?<!cannot )(?<!please )(?<!but )wait"
        r"|delay(?:ed|s)?|late|later|overdue|yet to|so long"
        # "still" of a wait, not of what a company still holds.
        r"|still (?:waiting|no|not|nothing|haven't|hasn't|have not|has not|don't|doesn't|isn't)"
        r"|too long|this long|longer than|on hold|(?:hours|days|weeks|months) (?:ago|now|later)"
        r"|(?:for|over|nearly|almost|been|already|like) (?:\d+|\d+-\d+|an?|two|three|four|five"
        r"|six|seven|eight|nine|ten|eleven|twelve|several|a few) (?:mins?|minutes|hrs?|hours?"
        r"|days?|weeks?)"
        # Months after "for" are a term more often than a wait: "the agreement renewed for
        # 36 months" drew a delay apology (panel round 25). A wait of months says so.
        r"|(?:over|nearly|almost|been|already) (?:\d+|\d+-\d+|an?|two|three|four|five|six"
        r"|seven|eight|nine|ten|eleven|twelve|several|a few) months?"
        r"|not (?:arrived|here|come|yet)|nothing has (?:arrived|come)"
        r"|hasn't (?:arrived|come|shipped)|haven't (?:received|heard|had)"
        # "Since" of a time waited from, not of a fault's start ("ever since the update") or
        # a reason ("since it's the end of the month"): a bare "since" drew a delay apology
        # for six outages and for unwanted mailings (panel round 26).
        r"|since (?:last |this |early |late )?(?:\d+\w*|yesterday|this morning|last night"
        r"|the \d+\w*|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january"
        r"|february|march|april|may|june|july|august|september|october|november|december"
        r"|(?:i|we) (?:ordered|paid|booked|sent|submitted|called|reported|applied|filed"
        r"|emailed|wrote))"
        # "it's been a week" is read by "been <span>" above; a bare "it's been" is no wait
        # ("it's been one of the nicest things about my week": panel round 10).
        r"|taking (?:so|too|ages|forever)|ages|forever)\b"
    ),
    "missed_promise": (
        r"\b(?:promis(?:e|ed|es|ing)|guarantee(?:d|s)?|assured|supposed to|meant to"
        r"|(?:said|told (?:me|us)) (?:it|they|he|she|you|we|that) (?:would|will|'d)"
        r"|never (?:showed|turned up|came|called back|arrived)|no[- ]show"
        r"|didn't (?:show|turn up|call back)|did not (?:show|turn up|call back))\b"
    ),
    "miscommunication": (
        r"\b(?:told (?:me|us)|(?:was|were) (?:told|informed|advised)|misinform(?:ed)?"
        r"|wrong information|conflicting|contradict(?:s|ed|ory)?|different (?:answer|story)"
        r"|(?:you|they|he|she|the agent|your agent|the website|the site) said|i thought"
        r"|according to)\b"
    ),
    # What was charged, not any money named: "£23 straight in the bin, give me my money
    # back" for spoiled food drew "I'm sorry this charge wasn't what you expected" and "I'll
    # go through the charges on your account" (panel rounds 29 and 34). A refund, a price or
    # an amount told of is the request's, which its own lines answer; an amount asked about
    # is a charge.
    "billing": (
        r"\b(?:charg(?:e|ed|es|ing)|bill(?:ed|s|ing)?|fees?|invoice[sd]?|overcharg(?:e|ed)"
        r"|payments?|debit(?:ed)?|direct debit|subscription|price (?:rise|increase|hike)"
        r"|premium|statement|receipt)\b"
        # An amount asked about: "why is there a second £9.60 line?"
        r"|[$£€]\s?\d[\d.,]*[^.!?\n]{0,60}\?"
    ),
    "service_failure": (
        r"\b(?:outage|down|stuck|expired|frozen|freez(?:e|es|ing)|kicked out|logged (?:me )?out"
        r"|(?:not|isn't|isnt|aren't|arent|won't|wont|can't|cant|cannot|doesn't|doesnt|don't"
        r"|dont|didn't|didnt) (?:work|working|load|loading|connect|connecting|log in|login"
        r"|sign in|open|opening|turn on|charge|charging)|keeps? (?:crashing|freezing|closing"
        r"|dropping|logging|saying|failing)"
        r"|stopped working|broken|no (?:service|signal|internet|power|wifi|wi-fi|connection)"
        r"|crash(?:ed|es|ing)?|error|fail(?:ed|s|ing|ure)?|glitch|bug|offline|disconnect(?:ed|s)?"
        r"|cut off|dropped|unavailable)\b"
    ),
    "personal_stress": (
        r"\b(?:stress(?:ed|ful)?|anxious|anxiety|worried|worry|panic(?:king)?|overwhelm(?:ed|ing)"
        r"|struggling|desperate|hardship|can't afford|cannot afford|ill|hospital|funeral"
        r"|passed away|died|lost my job|unemployed|pregnan(?:t|cy)|disabled|disability|carer"
        r"|elderly|chemo|cancer|grief|grieving"
        # Harm to them or theirs: "my dog being hit by a car", "she was scared" (round 25).
        r"|hurt|injur(?:ed|y|ies)|scared|frightened|terrified|afraid)\b"
    ),
}
CAUSE_CUES: Mapping[RootCause, re.Pattern[str]] = {
    cause: re.compile(words, re.IGNORECASE) for cause, words in _CUE_WORDS.items()
}


def evident_causes(
    scores: Mapping[RootCause, float], text: str, *, min_probability: float
) -> tuple[RootCause, ...]:
    """The model's most probable cause, if it reaches min_probability and the text shows it.

    "other" is never a cause to speak to.

    >>> read = {"delay": 0.8, "other": 0.2}
    >>> evident_causes(read, "Still waiting for my parcel", min_probability=0.5)
    ('delay',)
    >>> evident_causes(read, "Please close my account", min_probability=0.5)
    ()
    """
    if not scores:
        return ()
    cause, probability = max(scores.items(), key=lambda item: item[1])
    cue = CAUSE_CUES.get(cause)
    if probability < min_probability or cue is None or not cue.search(text):
        return ()
    return (cause,)
