"""The reviewer's phrase table: inflaming wording, its category, a positive rewrite, and cues."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

IssueCategory = Literal[
    "dismissive",
    "blame",
    "policy_wall",
    "refusal",
    "condescending",
    "deflection",
    "generic_apology",
    "passive_aggressive",
]


class PhraseRule(NamedTuple):
    category: IssueCategory
    pattern: re.Pattern[str]
    rewrite: str
    # Rules whose words are benign when negated ("this isn't your fault", "I won't tell you to
    # calm down"); refusals and deflections are negative already, so negation means nothing.
    negatable: bool = True
    # Refusals with an alternative close by ("I can't X, but what I can do is Y") are the sandwich
    # DOMAIN.md recommends, not a bare no.
    bare_only: bool = False


_I = re.IGNORECASE | re.MULTILINE
_WE = r"(?:i|we)(?:'m|'re| am| are)?"
_CANT = r"(?:can'?t|cannot|can not|won'?t be able to|(?:not |un)able to)"
# "I can't wait to help", "I can't imagine how stressful": warmth, not refusal.
_CANT_WARM = (
    r"(?:wait|thank|stress|emphasi[sz]e|apologi[sz]e|imagine|believe|say enough|express"
    r"|see|find|locate|spot|hear)"
)


def _compile(pattern: str) -> re.Pattern[str]:
    # Patterns are written with a plain apostrophe; drafts pasted from word processors curl it.
    return re.compile(pattern.replace("'", "['\u2019]"), _I)


def _rule(category: IssueCategory, pattern: str, rewrite: str, **flags: bool) -> PhraseRule:
    return PhraseRule(category, _compile(pattern), rewrite, **flags)


RULES: tuple[PhraseRule, ...] = (
    _rule(
        "dismissive",
        r"\b(?:calm|settle|simmer|cool) down\b|\btake a deep breath\b|\byou'?re overreacting\b"
        r"|\bno need to (?:get|be) (?:so )?(?:upset|angry|worked up|rude)\b",
        "I can hear how frustrating this has been, and I want to put it right with you.",
    ),
    _rule(
        "dismissive",
        r"\b(?:just |please )?relax\b(?! (?:the|our|this|that) (?:rules?|limits?|polic))",
        "I understand why this is worrying; here is exactly what I'm doing about it.",
    ),
    _rule(
        "dismissive",
        r"(?:^|(?<=[.!?,]\s)|(?<=^ok\s)|(?<=\bok\s))whatever(?: you say)?\b(?=\s*(?:[.!?,;]|$))",
        "I want to make sure we get this right for you.",
    ),
    _rule(
        "dismissive",
        r"\b(?:please |just )?be patient\b|\byou'?(?:ll| will) (?:just )?have to wait\b",
        "I'll have an update for you by [time], sooner if I can.",
    ),
    _rule(
        "dismissive",
        r"\b(?:(?:lots|plenty|a lot|loads) of|many) (?:other )?(?:customers|people|users) "
        r"(?:have|had|are having|report|get)\b[^.!?]{0,25}\b(?:problem|issue|same)"
        r"|\byou'?re not the (?:only|first) one\b|\bhappens all the time\b|\bit happens\b"
        r"|\bit's (?:just|only) a\b|\bno big deal\b|\bnot a big deal\b",
        "Thank you for flagging this; I'm treating it as a priority for you.",
    ),
    _rule(
        "condescending",
        r"\bi know exactly how you feel\b",
        "I can only imagine how frustrating this must be.",
    ),
    _rule(
        "condescending",
        r"\bobviously\b|\bas you (?:should|would|must) know\b|\bit's not rocket science\b"
        r"|\byou people\b",
        "Let me walk you through it step by step.",
    ),
    _rule(
        "blame",
        r"\byou (?:should|could)(?: have|'ve| of)\b(?! (?:already )?(?:received|got|gotten|had"
        r"|heard|seen|been (?:sent|emailed|notified|given|contacted|refunded|credited|charged)))",
        "For next time, the quickest route is [step]; for now, here's what I'll do: [action].",
    ),
    _rule(
        "blame",
        r"(?<!\ball )(?<!\bif )(?<!\bwhat )(?<!\bwhenever )(?<!\beverything )"
        r"\byou (?:really |just |first |still )?need to\b(?! know\b)",
        "The quickest way to sort this out is to [step], and I'll guide you through it.",
    ),
    _rule(
        "blame",
        r"\byou must(?: have|'ve)\b(?! (?:been|felt) (?:so |really |very |quite )?"
        r"(?:frustrat|worr|upset|stress|annoy|disappoint|anxious|awful|exhaust|confus|scar|shock))",
        "Let's check together what happened so we can fix it.",
    ),
    _rule(
        "blame",
        r"\byour (?:own )?(?:fault|mistake|error)\b|\buser error\b|\byou misunderstood\b"
        r"|\byou'?re wrong\b|\bwhy didn'?t you\b",
        "Let's look at what happened and get it fixed.",
    ),
    _rule(
        "policy_wall",
        r"\b(?:that'?s|that is|it'?s|it is|this is)(?: just| simply)? (?:our|the|company|store)"
        r" policy\b|\bcompany policy\b|"
        r"\b(?:as )?per (?:our|the|company)\b[^.!?\n]{0,30}\bpolic(?:y|ies)\b"
        r"|\baccording to (?:our |company )?policy\b|\bpolicy is policy\b|\brules are rules\b"
        r"|\bthat'?s the rule\b|\bi don'?t make the rules\b",
        "Here's why that rule exists, and here's what I can do instead: [alternative].",
    ),
    _rule(
        "refusal",
        r"\b(?:there'?s|there is)? ?(?:really |honestly |simply )?(?:nothing|not much|"
        r"nothing (?:else|more)) (?:else |more )?(?:i|we) can do\b"
        r"|\bnothing can (?:happen|be done)\b",
        "Here's what I can do: [option], and I'll confirm it by [time].",
    ),
    _rule(
        "refusal",
        rf"\b{_WE} {_CANT}(?! {_CANT_WARM}\b)(?! not\b)",
        "What I can do is [alternative], and I'll have it done by [time].",
        negatable=False,
        bare_only=True,
    ),
    _rule(
        "refusal",
        r"\b(?:that'?s|that is|it'?s|it is)(?: simply| just)? "
        r"(?:impossible|not possible|not going to happen)\b|^\s*no way\b",
        "What I can do instead is [alternative].",
        negatable=False,
        bare_only=True,
    ),
    _rule(
        "refusal",
        r"\bi (?:don'?t|do not) know\b(?! (?:if|whether) you)|\bi have no idea\b",
        "Let me find out for you; I'll come back to you by [time].",
        negatable=False,
        bare_only=True,
    ),
    _rule(
        "refusal",
        r"(?:^|(?<=[.!?]\s)|(?<=\n))no,? but\b|\bno, but\b",
        "Yes, and here's what we can do: [option].",
        negatable=False,
    ),
    _rule(
        "deflection",
        r"\b(?:it'?s|that'?s|it is|that is|this is|this isn'?t|that isn'?t|it isn'?t)?"
        r" ?(?:not|isn'?t) (?:my|our) (?:fault|problem|department|job|responsibility|area)\b"
        r"|^\s*not my (?:department|job|problem)\b|\bnothing to do with (?:us|me)\b",
        "I'll own this: [team] gets the full history from me, and I'll update you by [time].",
        negatable=False,
    ),
    _rule(
        "passive_aggressive",
        r"\b(?:as|like) i(?:'ve| have)? (?:already |previously |just )?"
        r"(?:said|mentioned|explained|stated|told you)\b|\bas (?:previously|already) "
        r"(?:said|stated|mentioned|explained)\b|\b(?:as )?per my (?:last|previous|earlier) "
        r"(?:e-?mail|message|reply|note)\b|\bi'?ve (?:already )?told you\b",
        "To recap the key points clearly: [summary].",
    ),
    _rule(
        "passive_aggressive",
        r"\bto be (?:honest|frank)\b|\bfrankly\b|\bwith all due respect\b|\bno offen[cs]e\b"
        r"|\bsorry (?:that )?you feel (?:that way|like that)\b|\bsorry if you feel\b",
        "Here's the full picture, so you can decide what suits you: [details].",
    ),
    _rule(
        "generic_apology",
        r"\b(?:sorry|apolog(?:y|ies|i[sz]e)|regret)(?: for)? (?:any (?:inconvenience|trouble)"
        r"|the inconvenience|the trouble(?! (?:with|of|you|that|this|caused by|getting)))"
        r"(?: (?:this|that|it) (?:may|might) have caused| caused)?\b"
        r"|\bregret any inconvenience\b",
        "I'm sorry that [the specific problem] happened to you.",
    ),
)

# Cues for the three things a good reply contains (DOMAIN.md, "What works").
ACKNOWLEDGEMENT = _compile(
    r"\bi (?:completely |totally |fully |really |can )?(?:understand|get (?:it|why|that)|"
    r"see (?:why|that|how|what|you)|can see|hear you|hear how|can imagine|can only imagine|"
    r"know how|appreciate (?:that|how|you|the))\b|\bi've read\b|\bthanks? (?:you )?for "
    r"(?:telling|letting|flagging|raising|reporting|explaining|sharing|sending|writing|taking|"
    r"getting|reaching|contacting|bringing|the heads|the feedback|your (?:\w+ )?(?:message|email|"
    r"patience|feedback|letter|note))|\bthat sounds\b|\bit sounds like\b|\bsounds (?:really |"
    r"so )?(?:frustrating|stressful|awful|upsetting|disappointing|exhausting|worrying)\b|"
    r"\b(?:that|this|it) must (?:have been|be)\b|\bsorry to hear\b|\byou're right\b|"
    r"\bit's clear\b|\byou've been\b|\bfrom what you've (?:said|described)\b",
)
APOLOGY = _compile(
    r"\b(?:i'm|i am|we're|we are)(?: so| really| truly| very| deeply| genuinely)? sorry\b"
    r"(?! (?:for )?(?:any|the) inconvenience)(?! (?:that |if )?you feel)"
    r"|\b(?:i|we) (?:sincerely )?apologi[sz]e\b(?! for (?:any|the) inconvenience)"
    r"|\bmy apologies\b(?! for (?:any|the) inconvenience)|\bthat'?s on us\b"
    r"|\bwe got (?:this|that|it) wrong\b"
    r"|(?:^|(?<=[.!?]\s))\s*sorry\b(?! for (?:any|the) inconvenience)",
)
NEXT_STEP_ACTION = _compile(
    r"\b(?:i|we)(?:'ll| will| shall|'m going to| am going to|'re going to)\b"
    r"|\b(?:i|we)(?:'ve| have)? (?:just )?(?:booked|scheduled|arranged|reserved|sent|"
    r"issued|posted|dispatched|reissued|refunded|credited|rebooked|moved|resent|held)\b"
    r"|\b(?:i'm|we're) (?:calling|sending|emailing|pushing|escalating|taking)\b"
    r"|(?:'ll| will| should| shall) (?!not\b|never\b)\w+",
)
_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
NEXT_STEP_TIME = _compile(
    r"\b(?:by|before|within|until|after|no later than|at|around|for|on|from)\s+(?:\w+\s+){0,3}?"
    rf"(?:\d|{_DAYS}|today|tonight|tomorrow|noon|midday|end of|close of|lunchtime"
    r"|the (?:next )?hour)"
    rf"|\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week)|next (?:week|{_DAYS})"
    rf"|{_DAYS}|first thing|(?:right )?now|straight away|the same day)\b"
    r"|\bin (?:the next )?(?:\d+|a|an|one|two|three|a couple of|a few) (?:minutes?|hours?|"
    r"(?:business |working )?days?|weeks?)\b|\b\d+\s*(?:am|pm)\b",
)
UPSET = _compile(
    r"\b(?:unacceptable|ridiculous|angry|furious|frustrat\w*|disappoint\w*|upset|annoyed|"
    r"fed up|sick of|terrible|awful|worst|useless|pathetic|incompetent|disgust\w*|hate|"
    r"joke|scam|still (?:not|no|waiting)|never (?:arrived|came|got)|broken|wrong|late|"
    r"missing|damaged|complain\w*|how many times|third time|again)\b|!{2,}",
)
# Words close after a refusal that turn it into an offer (checked to the end of the next sentence).
ALTERNATIVE = _compile(
    r"\b(?:but (?:i|we|what|here|you can)|however|instead|alternatively|what (?:i|we) can|"
    r"(?:i|we) can (?:offer|also|still|"
    r"arrange|send|give|do|help)|(?:i|we)(?:'ll| will)|let me|here'?s what|the good news)\b",
)
NEGATION = _compile(
    r"(?:\b(?:not|never|no|nobody|none(?: of)?|nothing)|n't)(?:\s+(?:\w|')+){0,5}\s+$"
)
QUOTES = "\"'\u2018\u2019\u201c\u201d"
