"""Review an agent's draft reply: inflaming phrases, their rewrites, and what a good reply lacks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.core.labels import CHANNELS
from app.replies.review_phrases import (
    ACKNOWLEDGEMENT,
    ALTERNATIVE,
    APOLOGY,
    NEGATION,
    NEXT_STEP_ACTION,
    NEXT_STEP_TIME,
    QUOTES,
    RULES,
    UPSET,
    IssueCategory,
    PhraseRule,
)

Missing = Literal["acknowledgement", "apology", "next_step"]

# How much each finding costs the score. Telling someone to calm down or blaming them does
# more damage than a stock apology; a missing element costs less than an inflaming phrase.
ISSUE_WEIGHTS: dict[IssueCategory, float] = {
    "dismissive": 0.3,
    "blame": 0.3,
    "condescending": 0.25,
    "policy_wall": 0.25,
    "deflection": 0.25,
    "refusal": 0.2,
    "passive_aggressive": 0.2,
    "generic_apology": 0.15,
}
MISSING_WEIGHTS: dict[Missing, float] = {
    "acknowledgement": 0.15,
    "apology": 0.15,
    "next_step": 0.15,
}

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")


@dataclass(frozen=True, slots=True)
class PhraseIssue:
    """One inflaming phrase in the draft (`draft[start:end] == phrase`) and what to say instead."""

    phrase: str
    start: int
    end: int
    category: IssueCategory
    rewrite: str


@dataclass(frozen=True, slots=True)
class ReplyReview:
    """How good a draft is (1 = excellent), the phrases to change, and the elements it lacks."""

    score: float
    issues: tuple[PhraseIssue, ...]
    missing: tuple[Missing, ...]


def review_reply(
    draft: str,
    *,
    customer_text: str | None = None,
    channel: str = "chat",
    apology_warranted: bool | None = None,
) -> ReplyReview:
    """Score a draft reply before it is sent.

    >>> review_reply("Calm down, it's company policy.").issues[0].category
    'dismissive'
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; known: {list(CHANNELS)}")
    issues = find_issues(draft)
    if apology_warranted is None:
        apology_warranted = customer_text is not None and UPSET.search(customer_text) is not None
    missing: list[Missing] = []
    if not ACKNOWLEDGEMENT.search(draft):
        missing.append("acknowledgement")
    if apology_warranted and not _has_apology(draft, issues):
        missing.append("apology")
    if not has_next_step(draft):
        missing.append("next_step")
    penalty = sum(ISSUE_WEIGHTS[issue.category] for issue in issues)
    penalty += sum(MISSING_WEIGHTS[name] for name in missing)
    score = round(min(1.0, max(0.0, 1.0 - penalty)), 3)
    return ReplyReview(score=score, issues=issues, missing=tuple(missing))


def find_issues(draft: str) -> tuple[PhraseIssue, ...]:
    """Inflaming phrases in draft, in reading order, overlapping matches kept once."""
    found: list[PhraseIssue] = []
    for rule in RULES:
        for match in rule.pattern.finditer(draft):
            start, end = _trim(draft, match.start(), match.end())
            if start >= end or _excused(draft, start, end, rule):
                continue
            found.append(PhraseIssue(draft[start:end], start, end, rule.category, rule.rewrite))
    found.sort(key=lambda issue: (issue.start, -issue.end))
    kept: list[PhraseIssue] = []
    for issue in found:
        if not kept or issue.start >= kept[-1].end:
            kept.append(issue)
    return tuple(kept)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    # Optional leading words and spaces in a pattern should not widen the reported span.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _excused(draft: str, start: int, end: int, rule: PhraseRule) -> bool:
    """Whether a match is quoted, negated, or a refusal that comes with an alternative."""
    before = draft[max(0, start - 2) : start].strip()
    after = draft[end : end + 2].strip(" .,!?")
    if before and after and before[-1] in QUOTES and after[0] in QUOTES:
        return True
    sentence_start = max(draft.rfind(mark, 0, start) for mark in ".!?\n") + 1
    if rule.negatable and NEGATION.search(draft, sentence_start, start):
        return True
    if rule.bare_only:
        sentences = _SENTENCE.finditer(draft, end)
        window_end = end
        for _, sentence in zip(range(2), sentences, strict=False):
            window_end = sentence.end()
        return ALTERNATIVE.search(draft, end, window_end) is not None
    return False


def _has_apology(draft: str, issues: tuple[PhraseIssue, ...]) -> bool:
    # An apology inside a flagged phrase ("I'm sorry you feel that way") does not count.
    return any(
        not any(issue.start <= match.start() < issue.end for issue in issues)
        for match in APOLOGY.finditer(draft)
    )


def has_next_step(draft: str) -> bool:
    """A commitment and a time in the same sentence: "I'll call you by 4pm"."""
    return any(
        NEXT_STEP_ACTION.search(sentence.group()) and NEXT_STEP_TIME.search(sentence.group())
        for sentence in _SENTENCE.finditer(draft)
    )
