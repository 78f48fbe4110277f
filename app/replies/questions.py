"""The customer's own questions, given back so the agent answers each one.

"{answer} covers the first question, but nothing answers the second" was the edit the review
panel asked for most after naming the specifics (rounds 24 to 26: the locker question, the
priority register, the card number). A reply that says "You asked whether you can book the
second dose online, and whether it has to be exactly one month after the first" shows the
customer both were read, and tells the agent what {answer} must hold.

A question is turned into reported speech only where its shape allows it without guessing:
"can I...", "is it...", "when will it...", "does it...", and questions put as "could you tell
me whether...". The person is changed as in a restatement. Anything else (a request put as a
question, a rhetorical one, an insult, a question whose subject is a long noun phrase) is
left out: a garbled or mocking question given back does more harm than none.
"""

from __future__ import annotations

import re

from app.replies.restate import (
    POLITE_TAIL,
    SENTENCES,
    plain_message,
    sayable,
    shift_person,
)

MAX_QUESTIONS = 2
MIN_WORDS, MAX_WORDS = 5, 22

# What opens a sentence without being part of its question: "Also, can I...", "One question
# while I'm writing: is it...".
_LEAD_IN = re.compile(
    r"^(?:(?:and|but|so|also|plus|ok|okay|oh|hi|hello|hey|sorry|another thing"
    r"|one (?:more |last |other )?question(?: while i'm (?:writing|at it|here))?"
    # "Can I ask as well, she's twelve, ... is there a blood test?" asks leave to ask: given
    # back, it read "You asked whether you can ask as well, she's twelve" (panel round 91).
    r"|(?:can|could|may) i (?:just )?ask(?: (?:as well|too|also|something|a question"
    r"|one more thing))?)[,:;]?\s+)+",
    re.IGNORECASE,
)
# "Could you tell me whether...", "I'd like to know when...": already in reported order.
_EMBEDDED = re.compile(
    r"\b(?:(?:can|could|would)\s+(?:you|someone|somebody|anyone)\s+(?:please\s+)?"
    r"(?:tell\s+me|let\s+me\s+know|explain|confirm|check)"
    r"|i(?:'d|\s+would)?\s+(?:like|want|need)\s+to\s+know"
    r"|i(?:'m|\s+am|\s+was)\s+wondering"
    r"|please\s+(?:confirm|tell\s+me|let\s+me\s+know|explain))"
    r"\s+(?P<wh>if|whether|when|what|how|where|which|who)\s+(?P<clause>[^?]+)",
    re.IGNORECASE,
)
# "Can I book it online?", "When will it arrive?", "Is the marquee included?". The subject is
# a pronoun or a determiner and one word ("my order", "the marquee"); "why" questions are
# mostly complaints put as questions and are left out.
_PRONOUNS = frozenset("i you we they it he she this that there".split())
_DIRECT = re.compile(
    r"^(?:(?P<wh>when|how|where|what|which|who)\s+)?"
    r"(?P<aux>can|could|will|would|should|is|are|was|were|have|has|am|do|does)\s+"
    r"(?P<subject>i|you|we|they|it|he|she|this|that|there|(?:my|our|the)\s+[^\s?]+)"
    r"(?:\s+(?P<rest>[^?]+))?\?",
    re.IGNORECASE,
)
_BE = frozenset({"is", "are", "was", "were", "am"})
# Where "be" goes back in after a noun subject: before a participle ("my order is arriving",
# "the train is due"), before a final preposition ("the £186 is for"), else at the end.
_PARTICIPLE = re.compile(
    r"^(?:[a-z]\w{2,}ing|[a-z]\w{2,}(?<!e)ed|given|taken|done|gone|seen|sent|paid|due|open"
    r"|closed|being)$"
)
_BEFORE_PARTICIPLE = frozenset("still already also now even ever yet".split())
# Words between "does it" and its verb, which keep their form: "whether it still works".
_ADVERBS = _BEFORE_PARTICIPLE | frozenset(
    "really actually only just usually normally always".split()
)
# Verbs that follow a noun after "does this/that" in customers' questions ("does this fee
# apply", "does that plan cover"): where one follows, the word before it is the noun.
_PLAIN_VERBS = frozenset(
    "apply cover include mean cost count need affect change matter come go take show charge "
    "renew expire qualify happen run get stay work".split()
)
_PREPOSITIONS = frozenset("for about from to with of on in at by".split())
# Where "be" goes in after a noun subject asked about: before what follows the noun ("what
# the quoted upload speed is for any of the plans", "what the team's email is so I can...").
# Not before "of", which is still the noun's ("the last date of my membership").
_AFTER_THE_NOUN = frozenset(
    "for about from to with on in at by so because as since if when while but".split()
)
# A second question run on after the first ("..., or do I have to phone?", "or not", "and if
# it didn't, can you...") is cut off, and so is an aside after a comma ("..., the one that
# ends in March"): what is left is the question itself.
_RUN_ON = re.compile(
    r"(?:^|,?\s+)(?:or|and)\s+(?:if|when|what|how|where|which|who|why|whether|do|does|did|is|are"
    r"|am|can|will|should|would|have|has|was|were|not|i|we"
    # A request run on after the question: "...what that payment is and get my card working
    # again" was given back whole (panel round 60).
    r"|get|make|send|sort|fix|put|stop|cancel|refund|give|tell|take|unblock|unfreeze|reset"
    r"|book|arrange|ring|call)\b.*$",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"^(?P<head>(?:\S+\s+){3,}?\S+?)[,:;]\s.*$")
_TRAILING = re.compile(r"\s+(?:exactly|then|now|again|please)$", re.IGNORECASE)
_PLEASE = re.compile(r"\s+(?:please|just|actually)(?=\s)", re.IGNORECASE)
# "Could I speak to a manager?" asks for a person, which the hand-over answers.
_ASKS_FOR_SOMEONE = re.compile(r"^(?:i|we)\s+(?:can|could|may)\s+(?:speak|talk)\b", re.I)
# Questions put to make a point, not to be answered.
_RHETORICAL = re.compile(
    r"\b(?:seriously|really|kidding|joking|thick|clueless|dense|how hard|how difficult"
    r"|is this how|is that how|what kind of|who does|what is wrong|what's wrong|worth it"
    r"|the point|fair|acceptable|too much to ask|allowed to|legal)\b",
    re.IGNORECASE,
)
# "Is this Ostlea Telecom?" asks whom they are speaking to, which the reply itself answers:
# "You asked whether this is Ostlea Telecom" (panel round 33).
_WHO_IS_THIS = re.compile(
    # The name is read case-sensitively: "is this the right number?" is a real question.
    r"^(?i:is\s+(?:this|that)|am\s+i\s+(?:speaking|talking)\s+(?:to|with)|have\s+i\s+(?:got|reached)"
    r"|are\s+you)\s+(?:the\s+)?(?:[A-Z][\w&'-]*\s*)+\??$"
    # ...or the line by what it is for: "Is this the council highways line?" (round 60).
    r"|^(?i:is\s+(?:this|that)\s+the\s+(?!right\b|correct\b)(?:[\w&'-]+\s+){0,3}(?:line|helpline"
    r"|number|department|office|desk))\??$"
)
# "Would that be all right?" gives back nothing the agent can answer on its own: "You asked
# whether that would be all right" (panel round 32). Its point is the ask before it.
_VACUOUS = re.compile(
    r"^(?:it|this|that)\s+(?:(?:would|will|could|should|might|is|was)\s+)?(?:be\s+)?"
    r"(?:all\s*right|alright|ok(?:ay)?|fine|possible|a\s+problem|an\s+option|correct|right"
    r"|true|normal|allowed|enough)$",
    re.IGNORECASE,
)
_THIRD_PERSON = {"have": "has", "do": "does", "go": "goes", "be": "is"}
_US_DOING = re.compile(
    r"\bus(?=\s+(?:hold|owe|need|have|had|do|did|use|used|charge|charged|keep|kept|want|mean"
    r"|meant|offer|provide|sell|send|sent|can|could|will|would|should|must|may)\b)"
)


def questions_asked(text: str) -> tuple[str, ...]:
    """The customer's questions in reported speech, in their order, at most MAX_QUESTIONS.

    >>> questions_asked("Can I book the second dose online, or do I have to phone?")
    ('whether you can book the second dose online',)
    >>> questions_asked("Why is nobody answering the phone?")
    ()
    """
    found: list[str] = []
    for match in SENTENCES.finditer(plain_message(text)):
        sentence = _LEAD_IN.sub("", " ".join(match.group().split()))
        reported = _reported(sentence)
        if reported and reported not in found:
            found.append(reported)
        if len(found) == MAX_QUESTIONS:
            break
    return tuple(found)


def asked_note(questions: tuple[str, ...]) -> str | None:
    """The sentence that gives the questions back: "You asked whether X, and when Y."

    >>> asked_note(("whether you can pay by card", "when the shop opens"))
    'You asked whether you can pay by card, and when the shop opens.'
    """
    if not questions:
        return None
    return f"You asked {', and '.join(questions)}."


def _reported(sentence: str) -> str | None:
    if _RHETORICAL.search(sentence) or _WHO_IS_THIS.match(sentence) or not sayable(sentence):
        return None
    embedded = _EMBEDDED.search(sentence)
    if embedded:
        word = embedded.group("wh").casefold()
        wh, clause = ("whether" if word == "if" else word), _trimmed(embedded.group("clause"))
    else:
        direct = _DIRECT.match(sentence)
        if direct is None:
            return None
        wh = (direct.group("wh") or "whether").casefold()
        reordered = _declarative(
            wh,
            direct.group("aux").casefold(),
            direct.group("subject"),
            _trimmed(direct.group("rest") or ""),
        )
        if reordered is None:
            return None
        clause = reordered
    clause = _PLEASE.sub("", f" {clause.strip()}").strip()
    words = len(clause.split()) + 1
    if not MIN_WORDS <= words <= MAX_WORDS:
        return None
    # A comma inside a word ("how that work,s") is typing nobody read back.
    if _ASKS_FOR_SOMEONE.match(clause) or _VACUOUS.match(clause) or re.search(r",\S", clause):
        return None
    # "what information you hold about me" -> "...we hold about you": the "you" after a noun
    # is the subject of what follows, which the person change reads as an object.
    return f"{wh} {_US_DOING.sub('we', shift_person(clause))}"


def _trimmed(words: str) -> str:
    """The question without what runs on after it, an aside after a comma, or "please"."""
    words = _RUN_ON.sub("", words.strip())
    words = _ASIDE.sub(r"\g<head>", words)
    return _TRAILING.sub("", POLITE_TAIL.sub("", words).rstrip(".!?,;: "))


def _declarative(wh: str, aux: str, subject: str, rest: str) -> str | None:
    """The question's words in statement order: "can I book" -> "I can book"."""
    if wh == "how" and aux in _BE:
        return None  # "how is this acceptable?", "how is that my problem?": a complaint
    pronoun = subject.casefold() in _PRONOUNS and not (
        subject.casefold() in {"this", "that"} and aux in _BE and wh in {"what", "which", "who"}
    )
    if subject.casefold() == "you" and aux in {"can", "could", "will", "would"}:
        return None  # "could you send me..." asks for something to be done: a request
    if pronoun:
        if not rest:
            return None
        if aux not in {"do", "does"}:
            return f"{subject} {aux} {rest}"
        if subject.casefold() in {"i", "you", "we", "they"}:
            return f"{subject} {rest}"
        words = rest.split()
        if (
            subject.casefold() in {"this", "that"}
            and len(words) > 1
            and words[0].casefold() not in _ADVERBS
            and words[1].casefold() in _ADVERBS | _PLAIN_VERBS
        ):
            # "Does this fee apply?": "this" is the fee's determiner (round 65's "whether
            # this fees apply"); "does this include VAT?" keeps "include" as the verb.
            subject, words = f"{subject} {words[0]}", words[1:]
        # "Does it still work?": the adverb stays as it is and the verb after it agrees.
        adverbs = []
        while len(words) > 1 and words[0].casefold() in _ADVERBS:
            adverbs.append(words.pop(0))
        return " ".join([subject, *adverbs, _third_person(words[0]), *words[1:]])
    # A noun subject ("my order", "the £186") is read only with "be", which goes back in
    # where it reads; elsewhere where the subject ends is a guess ("will the new router...").
    if aux not in _BE:
        return None
    words = rest.split()
    if subject.casefold() in {"this", "that"}:
        if wh not in {"what", "which", "who"} or not words or words[0] in _PREPOSITIONS:
            return None
        # "What is this charge for?": "this" is the charge's determiner.
        subject, words = f"{subject} {words[0]}", words[1:]
    # "What is the £186 for?", "where is my parcel?": in a question for something, the noun
    # runs up to what follows it; in a yes-or-no question, "be" goes before a participle.
    follows = _AFTER_THE_NOUN if wh != "whether" else frozenset()
    for index, word in enumerate(words):
        # A name is no participle: "is the pack for Wilfred Penhallow still coming?".
        participle = _PARTICIPLE.match(word) is not None
        if participle or word.casefold() in follows:
            # "Still" and its like stay after "be": "the pack is still coming".
            if participle and index and words[index - 1].casefold() in _BEFORE_PARTICIPLE:
                index -= 1
            return " ".join([subject, *words[:index], aux, *words[index:]])
    if wh == "whether":
        # "Is the excess different?": one word after a one-word subject; more is a guess.
        return f"{subject} {aux} {words[0]}" if len(words) == 1 else None
    return " ".join([subject, *words, aux])


def _third_person(verb: str) -> str:
    lower = verb.casefold()
    if lower in _THIRD_PERSON:
        return _THIRD_PERSON[lower]
    if re.search(r"(?:s|sh|ch|x|z|o)$", lower):
        return f"{verb}es"
    if re.search(r"[^aeiou]y$", lower):
        return f"{verb[:-1]}ies"
    return f"{verb}s"
