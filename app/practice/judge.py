"""What an agent's practice reply does, skill by skill, judged with the reply reviewer's cues.

The judge reads a reply against the scenario and the moment (how upset the customer is,
whether they asked for a lead) and says, for each skill that applies, whether the reply shows
it (`good`), lacks it (`missed`) or breaks it (`broken`), with the words that decided and
better wording. The simulator turns these into the customer's mood; the score card and the
lead's report count them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.practice.scenarios import Scenario, Skill
from app.replies.restate import restate
from app.replies.review import find_issues, has_next_step
from app.replies.review_phrases import ACKNOWLEDGEMENT, APOLOGY, NEGATION

Outcome = Literal["good", "missed", "broken"]

# Acknowledgement the reviewer's cues miss: reading the situation back, or naming it.
READS_BACK = re.compile(
    r"\bi can tell\b|\bif i'?ve understood\b|\bto check i (?:have|'ve got) it\b|"
    r"\bi understand (?:that|you)\b|\bas i understand it\b",
    re.IGNORECASE,
)
# The slots whose words are a solution: a fix, an offer, an answer, a decision, a time.
SOLUTION_SLOTS = ("fix", "offer", "answer", "decision", "options", "eta")
EMPATHY = re.compile(
    r"\b(?:frustrat\w*|stressful|worr(?:ying|ied)|upsetting|disappointing|exhausting|"
    r"annoying|maddening|awful|difficult|worse|hard)\b|\bi (?:can )?(?:imagine|hear you|"
    r"understand how)\b|\bsorry to hear\b|\bmust (?:be|have been)\b|\bsounds\b|"
    r"\b(?:makes|made) (?:complete |total )?sense\b|\bno wonder\b|\bi'd feel the same\b",
    re.IGNORECASE,
)
ESCALATES = re.compile(
    r"\b(?:team lead|team leader|supervisor|manager|senior (?:colleague|agent|member)|"
    r"specialist team|our (?:\w+ )?team lead)\b.{0,80}?|\b(?:bring(?:ing)?|brought) in\b|"
    r"\bhand(?:ing)? (?:this|you|your case|it) (?:over|to)\b|\bescalat\w+\b|"
    r"\bpass(?:ing)? (?:this|your case|it) (?:on|to)\b",
    re.IGNORECASE,
)
# Absolute promises no agent can keep, whatever the case allows.
GUARANTEES = re.compile(
    r"\b(?:i|we) (?:guarantee|promise)\b|\bwill never happen again\b|\b100 ?%\b|"
    r"\bdefinitely (?:be|arrive|get)\b",
    re.IGNORECASE,
)
# Arguing with the customer: the reviewer's blame rules catch most; these are the rest.
ARGUING = re.compile(
    r"\byou (?:must|should) have\b|\bthat'?s not (?:true|what happened|our fault)\b|"
    r"\byou(?:'re| are) wrong\b|\bif you had\b|\bwhy didn'?t you\b|\bas i (?:already )?said\b",
    re.IGNORECASE,
)
WALLS = frozenset({"refusal", "policy_wall"})  # a bare no: a boundary without an alternative
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]{3,}", re.IGNORECASE)
_STOP = frozenset(
    "that this with have been your you're about what when will would could should there "
    "their they them then than from just only also still really because again time times "
    "into over more some much very here were want need know like make made does dont "
    "didn't don't it's i'm i've can't cannot please thanks thank sorry".split()
)
# What each skill moves the mood by: a reply that shows it (good), lacks it (missed) or
# breaks it (broken). Inflaming wording weighs most, a concrete next step most of the goods.
MOOD_EFFECT: dict[Skill, tuple[int, int, int]] = {
    "acknowledge": (8, -6, 0),
    "empathy": (6, -4, 0),
    "apology_timing": (2, 0, -8),
    "restate": (6, -2, 0),
    "next_step": (14, -6, 0),
    "positive_language": (3, 0, -14),
    "boundary": (4, 0, -10),
    "promise_safety": (0, 0, -12),
    "escalation": (10, -22, 0),
}


@dataclass(frozen=True, slots=True)
class SkillResult:
    skill: Skill
    outcome: Outcome
    note: str  # what decided, in a sentence an agent can act on
    start: int | None = None  # the span of the reply that decided, when one did
    end: int | None = None
    better: str | None = None  # wording that would do it


@dataclass(frozen=True, slots=True)
class Judgement:
    results: tuple[SkillResult, ...]
    escalates: bool  # the reply hands the case to a lead
    offers_solution: bool = False  # a concrete step with a time, or what the case allows

    def outcome(self, skill: Skill) -> Outcome | None:
        return next((r.outcome for r in self.results if r.skill == skill), None)

    @property
    def score(self) -> float:
        """The share of the applicable skills shown, a broken one counting against (0-1)."""
        if not self.results:
            return 1.0
        points = sum({"good": 1.0, "missed": 0.0, "broken": -0.5}[r.outcome] for r in self.results)
        return round(max(0.0, points / len(self.results)), 3)


def judge_reply(
    reply: str,
    scenario: Scenario,
    *,
    customer_text: str,
    upset: bool,
    lead_requested: bool,
) -> Judgement:
    """Every skill that applies to this reply at this moment, judged."""
    results: list[SkillResult] = []
    acknowledged = ACKNOWLEDGEMENT.search(reply) or READS_BACK.search(reply)
    results.append(
        _found("acknowledge", acknowledged, "You named what happened before anything else.")
        if acknowledged
        else SkillResult(
            "acknowledge",
            "missed",
            "Nothing in the reply shows you heard what went wrong.",
            better=restate(customer_text, scenario.channel)
            or "Thank you for telling me what happened; I can see how much this matters to you.",
        )
    )
    feeling = EMPATHY.search(reply)
    if upset:
        results.append(
            _found("empathy", feeling, "You recognised how this feels for them.")
            if feeling
            else SkillResult(
                "empathy",
                "missed",
                "The customer is upset and the reply does not say you see it.",
                better="That sounds really stressful, and I want to help put it right.",
            )
        )
    apology = APOLOGY.search(reply)
    if apology and upset:
        warmth = [m.start() for m in (acknowledged, feeling) if m is not None]
        if warmth and min(warmth) < apology.start():
            results.append(_found("apology_timing", apology, "The apology follows empathy."))
        else:
            results.append(
                SkillResult(
                    "apology_timing",
                    "broken",
                    "The apology comes before any acknowledgement: to an upset customer it "
                    "reads as a script.",
                    apology.start(),
                    apology.end(),
                    better="I can see how much trouble this has caused you, and I'm sorry.",
                )
            )
    results.append(_restatement(reply, scenario, customer_text))
    solution = _solution(reply, scenario)
    if has_next_step(reply):
        results.append(SkillResult("next_step", "good", "You gave a concrete step with a time."))
    elif solution is not None:
        results.append(
            SkillResult(
                "next_step",
                "good",
                "You offered what the case allows.",
                solution[0],
                solution[1],
            )
        )
    else:
        results.append(
            SkillResult(
                "next_step",
                "missed",
                "No concrete action with a time, and nothing the case allows is offered: "
                "the customer cannot tell what happens next.",
                better=f"What I can do is {scenario.facts.may_offer[0]}, and I'll confirm it "
                "by email before 5 pm today.",
            )
        )
    results += _language(reply)
    results += _promises(reply, scenario)
    escalates = ESCALATES.search(reply)
    if lead_requested or scenario.behaviour.needs_lead:
        results.append(
            _found("escalation", escalates, "You brought in a lead, as the case needs.")
            if escalates
            else SkillResult(
                "escalation",
                "missed",
                "The customer asked for a lead (or the case needs one) and the reply "
                "does not bring one in.",
                better="I'm bringing in my team lead now; they'll have everything you've told me.",
            )
        )
    return Judgement(
        tuple(results),
        escalates=escalates is not None,
        offers_solution=has_next_step(reply) or solution is not None,
    )


def mood_change(judgement: Judgement, scenario: Scenario) -> int:
    """How far the reply moves this customer's mood (0 lost, 100 calm)."""
    change = 0
    for result in judgement.results:
        good, missed, broken = MOOD_EFFECT[result.skill]
        effect = {"good": good, "missed": missed, "broken": broken}[result.outcome]
        if effect > 0 and result.skill in scenario.behaviour.calmed_by:
            effect *= 2
        if effect < 0 and result.skill in scenario.behaviour.worsened_by:
            effect *= 2
        change += effect
    return change


def _found(skill: Skill, match: re.Match[str] | None, note: str) -> SkillResult:
    if match is None:
        return SkillResult(skill, "good", note)
    return SkillResult(skill, "good", note, match.start(), match.end())


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _solution(reply: str, scenario: Scenario) -> tuple[int, int] | None:
    """The span of the reply that offers what the case allows: its own words, or most of them."""
    lowered = reply.lower()
    for slot in SOLUTION_SLOTS:
        words = scenario.facts.slots.get(slot)
        if words and words.lower() in lowered:
            start = lowered.index(words.lower())
            return start, start + len(words)
    for allowed in scenario.facts.may_offer:
        wanted = _content_words(allowed)
        for sentence in re.finditer(r"[^.!?\n]+", reply):
            said = _content_words(sentence.group())
            enough = wanted and len(wanted & said) >= max(1, round(0.6 * len(wanted)))
            if enough and not NEGATION.search(reply, sentence.start(), sentence.end()):
                return sentence.start(), sentence.end()
    return None


def _restatement(reply: str, scenario: Scenario, customer_text: str) -> SkillResult:
    reference = scenario.facts.reference
    if reference and reference.lower() in reply.lower():
        start = reply.lower().index(reference.lower())
        return SkillResult(
            "restate", "good", "You used the case's own reference.", start, start + len(reference)
        )
    known = _content_words(customer_text) | _content_words(scenario.opening.text)
    shared = sorted(known & _content_words(reply))
    if len(shared) >= 2:
        return SkillResult(
            "restate", "good", f"You gave back their specifics ({', '.join(shared[:4])})."
        )
    return SkillResult(
        "restate",
        "missed",
        "The reply could be sent to anyone: it uses none of the customer's specifics.",
        better=f"So, to check I have it right: {_lower_first(scenario.facts.what_went_wrong)}",
    )


def _language(reply: str) -> Iterable[SkillResult]:
    issues = find_issues(reply)
    arguing = [m for m in ARGUING.finditer(reply) if not _negated(reply, m.start())]
    for issue in issues:
        skill: Skill = (
            "boundary" if issue.category in ("refusal", "policy_wall") else "positive_language"
        )
        yield SkillResult(
            skill,
            "broken",
            f'"{issue.phrase}" tends to inflame ({issue.category.replace("_", " ")}).',
            issue.start,
            issue.end,
            better=issue.rewrite,
        )
    for match in arguing:
        yield SkillResult(
            "positive_language",
            "broken",
            f'"{match.group()}" argues with the customer.',
            match.start(),
            match.end(),
            better="Let's look at what happened together and put it right.",
        )
    if not issues and not arguing:
        yield SkillResult("positive_language", "good", "No wording that tends to inflame.")


def _promises(reply: str, scenario: Scenario) -> Iterable[SkillResult]:
    for match in GUARANTEES.finditer(reply):
        if not _negated(reply, match.start()):
            yield SkillResult(
                "promise_safety",
                "broken",
                f'"{match.group()}" is a promise no one can keep.',
                match.start(),
                match.end(),
                better="I'll do all I can, and I'll tell you straight away if anything changes.",
            )
    for forbidden in scenario.facts.may_not_offer:
        words = _content_words(forbidden)
        for sentence in re.finditer(r"[^.!?\n]+", reply):
            said = _content_words(sentence.group())
            if len(words) >= 2 and len(words & said) >= max(2, round(0.6 * len(words))):
                if NEGATION.search(reply, sentence.start(), sentence.end()) or re.search(
                    r"\b(?:can'?t|cannot|unable|not able)\b", sentence.group(), re.IGNORECASE
                ):
                    continue
                yield SkillResult(
                    "promise_safety",
                    "broken",
                    f"This case does not allow {forbidden}.",
                    sentence.start(),
                    sentence.end(),
                    better=f"What I can offer is {scenario.facts.may_offer[0]}.",
                )
                break


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _negated(text: str, start: int) -> bool:
    sentence_start = max(text.rfind(mark, 0, start) for mark in ".!?\n") + 1
    return NEGATION.search(text, sentence_start, start) is not None
