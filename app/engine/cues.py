"""Surface cues a message shows beside what the model reads: shouting, heat, demands, hedges."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]{2,}")
_EXCLAIM_RUN = re.compile(r"!{2,}|[?!]{3,}")

# Word lists are cues, not verdicts: each only nudges a customer-type score.
_ANGER_WORDS = re.compile(
    r"\b(unacceptable|ridiculous|outrageous|absurd|furious|livid|fed up|sick of|sick and tired|"
    r"disgrace(?:ful)?|pathetic|useless|incompetent|joke|worst|scam|rip[- ]?off|appalling|"
    r"infuriating|insane|how dare|what the hell|wtf|enough is enough)\b",
    re.IGNORECASE,
)
_PROFANITY = re.compile(
    r"\b(f+u+c+k\w*|f\*+k?\w*|sh[i1]t\w*|crap\w*|damn\w*|bloody|bullshit|bs|hell|piss(?:ed)?|"
    r"arse|ass(?:hole)?s?|bastards?|wtf)\b",
    re.IGNORECASE,
)
_DISSATISFIED_WORDS = re.compile(
    r"\b(disappoint\w*|let down|not what i (?:expected|ordered|paid for)|expected (?:better|more)|"
    r"not (?:happy|satisfied|impressed)|unhappy|dissatisfied|underwhelm\w*|"
    r"poor (?:quality|service)|"
    r"not (?:good|great) enough|below (?:par|expectations)|(?:a )?shame|waste of (?:money|time))\b",
    re.IGNORECASE,
)
_DEMAND = re.compile(
    r"\b(i (?:want|demand|expect|insist|need) (?!to know\b)|you (?:need|have|must) to|"
    r"(?:give|send|refund|fix|get) (?:me|it|this)\b|(?:right )?now\b|immediately|asap|at once|"
    r"or else|no excuses|i won'?t accept|non-negotiable|full refund|make it right|"
    r"i'?m not asking)",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\b(by (?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"end of (?:day|the day|week|business))|within \d+ (?:hours?|days?|minutes?)|"
    r"in the next \d+ (?:hours?|days?|minutes?)|today|tonight|eod|first thing)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(not sure (?:if|whether|which|what)|can'?t decide|cannot decide|undecided|torn between|"
    r"which (?:one|option|plan|model|version) (?:should|would|is)|"
    r"should i (?:get|go|choose|pick|buy)|"
    r"or should i|either (?:one|option)|(?:what'?s|what is) the difference|compare|comparison|"
    r"versus|vs\.?|pros and cons|on the fence|hard to choose|would you recommend|"
    r"help me (?:choose|decide|pick)|maybe i should|i keep changing my mind|second thoughts)\b",
    re.IGNORECASE,
)
_CONFUSION = re.compile(
    r"\b(i (?:don'?t|do not) (?:understand|get it|get why|follow)|confus\w*|doesn'?t make sense|"
    r"makes no sense|what does .{1,40} mean|i thought (?:it|that|you|i|the)|why does it say|"
    r"i'?m lost|no idea (?:why|how|what)|unclear|mixed up|puzzled|how come|i assumed|"
    r"(?:you|it) said .{1,40} but)",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"\b(thank(?:s| you)|thx|ty|appreciate\w*|grateful|great (?:job|service|help)|"
    r"(?:you'?re|you are) (?:the best|awesome|amazing)|perfect|works (?:now|great)|"
    r"love (?:it|this)|brilliant|excellent|well done|sorted|resolved)\b",
    re.IGNORECASE,
)

# Thanks or praise that mean the opposite, or are undercut. LABELLING.md: sarcasm is
# dissatisfied or angry, never satisfied. Phrases that real customers use almost only in
# sarcasm (52 of 56 such messages among 6,600 labelled ones were complaints); "thank you so
# much for" is not one. "Money well spent" and "nothing rounds off a week like..." come from
# the panel's hand-written messages (round 15); no labelled real message uses them.
_SARCASM = re.compile(
    r"\bthanks? (?:you )?(?:a lot |so much )?for nothing\b"
    r"|\bnothing (?:says|rounds off|makes my day|brightens|starts the day)\b.{1,60}?\blike\b"
    r"|\bmoney well spent\b"
    r"|(?<!thanks )(?<!thank you )\bso much for\b|\byeah,? right\b|\bspoiling us\b|\blove how\b"
    r"|\boh,? (?:great|brilliant|joy|wonderful|goody|fantastic)\b|\bthanks a bunch\b"
    # "...cold and welded into one solid brick. Love that for me." (panel round 35)
    r"|\blove\s+that\s+for\s+(?:me|us)\b"
    r"|\bwhat a (?:great|wonderful|fantastic|lovely) (?:way|start)\b|#not\b|(?<!\w)/s\b"
    # "Shout out to @brand for having the worst internet service": thanks for something bad
    # (5 on train and dev, none praise).
    r"|\b(?:shout\s*-?\s*outs?|thanks?|thank\s+you|kudos|props|hats\s+off)\s+to\s+\S+"
    r"(?:\s+\S+){0,4}?\s+for\s+(?:(?:\w+\s+){0,3}?(?:the\s+)?(?:worst|terrible|awful|horrible"
    r"|crappy|shitty|lousy|pathetic|rubbish)\b|(?:\w+\s+)?(?:ruining|wasting|screwing|losing"
    r"|charging|overcharging|cancell?ing|delaying)\s+(?:me|us|my|our)\b)"
    r"|\U0001f643|\U0001f644|\U0001f612"
    # A failure counted out ("fourth Monday running the 07:42 has been cancelled. Honestly the
    # consistency is impressive", panel round 45): of the 4 train and dev messages that count
    # one this way, none is praise.
    r"|\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+(?:\w+\s+)?(?:running"
    r"|in\s+a\s+row)\b"
    # ...or in a month ("Third time this month. Love being late for work", round 108): 1 train
    # and dev message and 16 hand-written ones say so, none praise.
    r"|\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+time\s+(?:this|in\s+(?:a|one"
    r"|the)|that)\s+(?:week|month|year|fortnight)\b"
    r"|\blov(?:e|ing)\s+(?:being|getting)\s+(?:late|ignored|stuck|left|charged|overcharged"
    r"|cut\s+off|put\s+on\s+hold|kept\s+waiting|lied\s+to|messed\s+around)\b"
    # Thanks undercut by a groan or a frown ("Thanks for letting me know. Ugh."): none of the
    # 82 labelled messages with one was satisfied or praise.
    r"|\b(?:ugh+|urgh|smh|meh|sigh)\b|\U0001f615|\U0001f61e|\U0001f641|\u2639|\U0001f624"
    r"|\U0001f621|\U0001f620|\U0001f44e",
    re.IGNORECASE,
)

# Praise words beside a wait told in minutes or hours: 3 labelled train and dev messages and
# 14 of the panel's 1,470 hand-written ones have both, none praise or satisfied ("Gold star...
# sat on the tarmac for 2 hrs... Really enjoyed the free sauna upgrade", round 48). A wait is
# a span waited through ("for 2 hrs", "22 mins for a flat white"): not a quick job ("within
# 10 minutes") nor an allowance ("30 hours funded childcare").
_PRAISE_WORD = re.compile(
    r"\b(?:enjoyed|enjoying|loved|loving|love|lovely|impressive|gold\s+star|would\s+recommend"
    r"|brilliant|amazing|fantastic|wonderful|superb|great)\b",
    re.IGNORECASE,
)
# A span of minutes or hours: "2 hrs", "forty minutes".
_SPAN = (
    r"\b(?:\d+|two|three|four|five|six|ten|twenty|thirty|forty|fifty|ninety)\s*(?:mins?|minutes"
    r"|hrs?|hours)\b"
)
_WAIT_TOLD = re.compile(
    r"\b(?:for|waited|waiting|after|another|whole|sat|stood)\s+(?:about\s+|nearly\s+|almost\s+"
    r"|over\s+)?" + _SPAN + r"|" + _SPAN + r"(?=\s+(?:for|wait|late|delay|later|on\s+hold"
    r"|in\s+(?:the\s+)?queue|queuing))",
    re.IGNORECASE,
)
# Time someone gave the customer: "spent 40 minutes on it", "sat with my mum for an hour".
_TIME_GIVEN = re.compile(
    r"\b(?:spent|spending|spends|gave\s+(?:me|us)|with\s+(?:me|us|him|her|them|my\s+\w+))\b",
    re.IGNORECASE,
)


# Thanks with the fault still there ("Didn't work, thanks again for helping", "Now I'm forced
# to reboot it AGAIN. Thanks for the excellent assistance!!"): the customer is owed the fix,
# not "that's lovely to hear", and is no satisfied customer (panel rounds 26 and 29). Of the
# labelled train and dev messages the request head read as praise, 7 of the 9 that match are
# no praise, and one of the other 2 still asks for the fix. A fault told of as mended
# ("working again", "finally fixed") leaves the thanks as they are. Capitals "AGAIN" are an
# exasperated repeat; "thanks again" is not. Tweets often write the apostrophe as
# a right single quotation mark, read here as one.
_STILL_BROKEN = re.compile(
    r"(?i:\b(?:still|again)\s+(?:not|isn't|doesn't|won't|can't|no)\b"
    r"|\b(?:didn't|did\s+not|doesn't|does\s+not|won't|will\s+not)\s+(?:work|help|fix)"
    r"|\bit\s+did\s+not\b|\bnot\s+(?:working|fixed|impressed|helpful|resolved|sorted)\b"
    r"|\bforced\s+to\b|\bgone\s+\w+\s+again\b"
    # "Sadly the line is still dropping every night" (panel round 35): on train and dev, 5
    # messages match, none of them praise.
    r"|\bstill\s+(?:dropping|down|broken|failing|crashing|faulty|happening|cutting\s+out|leaking"
    r"|freezing|buffering|disconnecting)\b"
    # "four days with no signal" (panel round 50): 5 on train and dev, none praise.
    r"|\b(?:\d+|two|three|four|five|six|seven|several|a\s+few)\s+(?:full\s+)?(?:days|weeks)\s+"
    r"(?:now\s+)?(?:with\s+no|without)\b)"
    r"|\bAGAIN\b"
)
_MENDED = re.compile(
    r"\b(?:working\s+(?:now|again|fine)|(?:now|back)\s+(?:working|in\s+action|to\s+normal)"
    r"|it\s+works|that\s+worked|worked!|(?:is|been|got|finally)\s+(?:fixed|sorted|solved"
    r"|resolved)|works\s+(?:now|again|fine|normally))",
    re.IGNORECASE,
)

# Praise with a gripe beside it, the gripe named as one: "only gripe is the wifi", "my only
# grumble", "your app, on the other hand", "in fairness I should also say", "the waiting room
# side needs sorting". Written so, both halves want an answer: thanks alone "never
# acknowledges the app problem, which is half the message" (panel rounds 52 to 79, six
# playbooks). Not "but" or "however" alone: on the labelled train and dev praise, they are
# as often in praise only ("an hour on hold, but the third person I spoke to sorted it").
_GRIPE = re.compile(
    r"\b(?:only|one|main|small|minor|biggest|slight)\s+(?:gripe|grumble|complaint|niggle"
    r"|criticism|downside|quibble|negative|disappointment|let-?down)s?\b"
    r"|\bon\s+the\s+other\s+hand\b|\bin\s+fairness\b|\b(?:the|one)\s+downside\b"
    r"|\bshame\s+about\b|\blet\s+down\s+by\b|\bneeds?\s+sorting\b|\broom\s+for\s+improvement\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Cues:
    """Counts and ratios read off the text; each in a small, known range."""

    shouting: float  # share of words of 3+ letters written in capitals, 0..1
    exclamations: int
    exclamation_runs: int  # "!!", "?!?" and the like
    questions: int
    anger_words: int
    profanity: int
    dissatisfaction: int
    demands: int
    deadlines: int
    hedges: int
    confusion: int
    thanks: int
    sarcasm: int
    fault_left: bool = False  # a fault still there, none told of as mended


def sarcastic(text: str) -> bool:
    """Whether the message's thanks or praise read as sarcasm ("thanks for nothing")."""
    return _SARCASM.search(text) is not None or _praise_over_a_wait(text)


def _praise_over_a_wait(text: str) -> bool:
    """Praise beside a wait of minutes or hours ("22 mins for a flat white. really enjoyed my
    time in the queue"), where no one's time was given to the customer ("spent 40 minutes
    rewiring my nan's lamp" is thanks)."""
    if _PRAISE_WORD.search(text) is None:
        return False
    return any(
        _TIME_GIVEN.search(text, max(0, wait.start() - 30), wait.start()) is None
        for wait in _WAIT_TOLD.finditer(text)
    )


def fault_left(text: str) -> bool:
    """Whether the message tells of a fault still there and not of one mended since."""
    text = text.replace("\u2019", "'")
    return _STILL_BROKEN.search(text) is not None and _MENDED.search(text) is None


def gripe_named(text: str) -> bool:
    """Whether the message names a gripe of its own beside what it praises."""
    return _GRIPE.search(text) is not None


def read_cues(text: str) -> Cues:
    """Read the surface cues of one message."""
    words = [w for w in _WORD.findall(text) if len(w) >= 3]
    capitals = sum(1 for w in words if w.isupper())
    # A single capitalised acronym ("ETA", "PDF") is not shouting; three or more words are.
    shouting = capitals / len(words) if words and capitals >= 3 else 0.0
    return Cues(
        shouting=shouting,
        exclamations=text.count("!"),
        exclamation_runs=len(_EXCLAIM_RUN.findall(text)),
        questions=text.count("?"),
        anger_words=len(_ANGER_WORDS.findall(text)),
        profanity=len(_PROFANITY.findall(text)),
        dissatisfaction=len(_DISSATISFIED_WORDS.findall(text)),
        demands=len(_DEMAND.findall(text)),
        deadlines=len(_DEADLINE.findall(text)),
        hedges=len(_HEDGE.findall(text)),
        confusion=len(_CONFUSION.findall(text)),
        thanks=len(_THANKS.findall(text)),
        sarcasm=len(_SARCASM.findall(text)) + _praise_over_a_wait(text),
        fault_left=fault_left(text),
    )
