"""What a reply may not claim on its own: facts only the agent can know.

The service reads one message. It cannot know that a fault was found, a refund issued, an
order checked, a policy in force or when something will arrive; a suggested reply that says
so puts words in the agent's mouth that may be false. A sentence making such a claim is
allowed only where the claim itself is an agent slot (`{status}`, `{eta}`...), which the
agent or the caller's values must fill before it is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DONE_VERBS = (
    r"(?:refunded|fixed|found|checked|issued|processed|sent|shipped|cancell?ed|credited|updated"
    r"|resolved|sorted|arranged|booked|rescheduled|reset|corrected|applied|added|removed"
    r"|deleted|closed|confirmed|reviewed|looked into|spoken to|contacted|restored|reversed"
    r"|waived|replaced|repaired|traced|identified|investigated|escalated|gone through"
    r"|read through|looked at|gone over|noted|asked|briefed|passed on|logged|flagged)"
)

# (kind, pattern) pairs; each pattern is written for one sentence, case-insensitive.
_CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        # "I've refunded", "we have already checked", "it has been fixed"
        (
            "completed action",
            rf"\b(?:i|we)(?:'ve|\s+have)\s+(?:now\s+|already\s+|just\s+)?{_DONE_VERBS}\b",
        ),
        ("completed action", rf"\b(?:has|have)\s+(?:now\s+|already\s+)?been\s+{_DONE_VERBS}\b"),
        (
            "completed action",
            r"\bis\s+(?:going out|on (?:its|the) way|being (?:shipped|fixed|sent))\b",
        ),
        ("completed action", r"\b(?:the )?fix is (?:going out|live|ready|on its way)\b"),
        # "we found the fault", "the cause was", "this was caused by"
        (
            "discovered cause",
            r"\b(?:found|identified|traced|tracked down|pinned down)\s+(?:the|a|an)\s+"
            r"(?:fault|cause|problem|issue|bug|error|glitch)\b",
        ),
        ("discovered cause", r"\bthe\s+(?:cause|root cause|fault|bug)\s+(?:was|is)\b"),
        ("discovered cause", r"\b(?:was|were|is)\s+caused\s+by\b"),
        ("discovered cause", r"\bwhat happened (?:was|is) that\b"),
        # "that option isn't available on your plan", "our policy is"
        (
            "policy",
            r"\b(?:isn't|is not|aren't|are not|not)\s+"
            r"(?:available|included|possible|covered|allowed)\s+(?:on|in|under|with|for)\s+your\b",
        ),
        ("policy", r"\bour\s+(?:policy|terms)\s+(?:is|are|says?|states?|doesn't|does not)\b"),
        (
            "policy",
            r"\byour\s+(?:plan|contract|policy|warranty)\s+"
            r"(?:doesn't|does not|don't|do not|only)\b",
        ),
        # "here's the information you asked for", with nothing after it
        (
            "missing content",
            r"\bhere(?:'s| is| are)\s+(?:the|your|some)\s+"
            r"(?:information|details|link|answer|steps|options)\b",
        ),
        # "within 24 hours", "by tomorrow": a time the agent cannot promise from here
        (
            "time promise",
            r"\bwithin\s+(?:\d+|an?|one|two|three|24|48)\s+(?:business\s+|working\s+)?"
            r"(?:minutes?|hours?|days?|weeks?)\b",
        ),
        (
            "time promise",
            r"\b(?:by|before)\s+(?:tomorrow|tonight|today|the end of (?:the )?(?:day|week)"
            r"|monday|tuesday|wednesday|thursday|friday)\b",
        ),
        (
            "time promise",
            r"\b(?:will|'ll)\s+(?:arrive|be (?:there|fixed|back|ready|delivered|refunded))\s+"
            r"(?:today|tomorrow|tonight)\b",
        ),
    )
)

# Placeholders whose value the agent (or the caller's values) supplies; see bank.AGENT_SLOTS.
_SLOT = re.compile(r"\{([a-z_]+)\}")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence that asserts something only the agent can know."""

    kind: str
    words: str
    sentence: str


def unbacked_claims(text: str, agent_slots: frozenset[str]) -> list[Claim]:
    """Claims in text whose sentence holds no agent slot to carry the fact.

    >>> unbacked_claims("We've found the fault and the fix is going out now.", frozenset())[0].kind
    'completed action'
    >>> unbacked_claims("Here is where it stands: {status}.", frozenset({"status"}))
    []
    """
    claims: list[Claim] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if set(_SLOT.findall(sentence)) & agent_slots:
            continue
        for kind, pattern in _CLAIMS:
            found = pattern.search(sentence)
            if found:
                claims.append(Claim(kind, found.group(), sentence))
                break
    return claims


# A reply that keeps the case with the agent cannot sit in a playbook that hands it to a lead.
# Offering to bring a lead in keeps it too: after a hand-over the lead already has it (panel
# round 13 read "I can ask a team lead to review it" after one as muddled ownership).
_SOLE_OWNER = re.compile(
    r"\b(?:myself|i'll handle|i will handle|i'm taking (?:this|it) over"
    r"|i'll take (?:this|it) from here|i'll see (?:this|it) through|i'll own this"
    r"|i've taken ownership|handle it personally|i'll take care of|i'll pick it up"
    r"|i'll look after|i'll get (?:it|this) moving|i'll confirm the outcome|confirm the outcome"
    r"|hear from me|i'll keep you updated myself|i'll get it started|i'll cancel"
    r"|stay with this until|my commitment|i'll set (?:it|this|that) up"
    r"|i can ask (?:a team lead|{lead_name}))\b",
    re.IGNORECASE,
)


def keeps_ownership(text: str) -> str | None:
    """The words by which a reply keeps the case with the agent, or None.

    >>> keeps_ownership("I'll handle the rest of this myself.")
    "I'll handle"
    """
    found = _SOLE_OWNER.search(text.replace("\u2019", "'"))
    return found.group() if found else None
