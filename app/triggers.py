"""Escalation triggers one message raises on its words alone: `TriggerDetector`."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from app.domain import Trigger
from app.labels import TriggerType
from app.trigger_patterns import AMOUNT, MONEY_CUE, PERCENT, RULES, Rule

# One character in, one character out, so offsets in the folded text are offsets in the original.
_FOLD = str.maketrans(
    {
        **{c: " " for c in "\u00a0\u2002\u2003\u2007\u2009\u202f\u3000\t\x7f"},
        **{chr(c): " " for c in range(0x20) if chr(c) not in "\n\r\x0b\x0c"},
        **{c: "\n" for c in "\r\x0b\x0c\u2028\u2029\x85"},
        **{c: "'" for c in "\u2018\u2019\u201b\u02bc\u00b4\uff07"},
        **{c: '"' for c in "\u201c\u201d\u201e\u00ab\u00bb\uff02"},
        **{c: "-" for c in "\u2010\u2011"},
    }
)
# Invisible characters are dropped, not folded, so "kill\u200bmyself" still reads as two words
# only where it had a space; an index map then leads back to the original offsets.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

_NEGATION_FILLER = (
    r"(?:want|wanna|need|needing|going|gonna|planning|plan|intend|intending|trying|looking|"
    r"thinking|asking|asked|ask|about|to|for|of|a|an|the|any|be|really|actually|yet|ever|even|"
    r"have|having|get|getting|my|this|that|it|at all|just|seeking|considering|threatening|wish|"
    r"like|mean|i|am|was)"
)
# "I don't want to cancel", "no need for a manager"; but not "if you don't get me a manager".
_NEGATION = re.compile(
    r"(?<!\byou\s)(?<!\bu\s)(?<!\bthey\s)(?<!\bit\s)\b"
    + (
        r"(?:don't|dont|do not|does not|doesn't|didn't|did not|not|never|won't|wont|will not|"
        r"wouldn't|no need (?:to|for)|no intention (?:of|to)|no plans? (?:to|of)|no desire to|"
        rf"no reason to|without) (?:{_NEGATION_FILLER} ){{0,3}}$"
    ).replace(" ", r"\s+"),
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.,;:!?\n()\"\u2013\u2014]|\b(?:but|however|and)\b", re.IGNORECASE)
_NEGATION_WINDOW = 80
_QUOTED = re.compile(r"(?<!\w)([\"'])([^\"'\n]{1,60}?)\1(?!\w)")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
# "still waiting for the invoice? no, it arrived": an agent's question, echoed and answered.
_ANSWERED = re.compile(r"\?+\s*(?:no|nope|nah|yes|yep|yeah)\s*(?:[,.!]|$)", re.IGNORECASE)
_STRONG_MONEY_CUE = re.compile(r"refund|reimburs|compensat|money", re.IGNORECASE)
_MAX_MONEY_GAP = 150


def _expand(pattern: str) -> str:
    return r"(?<!\w)(?:" + pattern.replace(" ", r"\s+") + r")(?!\w)"


def _parse_number(raw: str) -> float:
    """Read "1,200.50", "1.200,50", "99,50" or "1.5"; a 3-digit group after a mark is thousands."""
    last = max(raw.rfind(","), raw.rfind("."))
    if last == -1:
        return float(raw)
    whole, fraction = raw[:last], raw[last + 1 :]
    if len(fraction) == 3 and ("," in raw) != ("." in raw):
        return float(raw.replace(",", "").replace(".", ""))
    return float(f"{whole.replace(',', '').replace('.', '')}.{fraction}")


class TriggerDetector:
    """Find the escalation triggers a message raises from its wording, with their evidence.

    >>> [t.type for t in TriggerDetector().detect("Refund my $450 or get me a manager")]
    ['authority_exceeded', 'human_request']
    """

    def __init__(self, *, refund_limit: float = 100.0, discount_limit: float = 20.0) -> None:
        """`refund_limit`: money an agent may give back alone; `discount_limit`: in percent."""
        if refund_limit < 0 or discount_limit < 0:
            raise ValueError("refund_limit and discount_limit must not be negative")
        self.refund_limit = refund_limit
        self.discount_limit = discount_limit
        self._by_type: list[tuple[re.Pattern[str], list[Rule]]] = []
        for type_ in dict.fromkeys(rule.type for rule in RULES):
            rules = [rule for rule in RULES if rule.type == type_]
            alternatives = "|".join(f"(?P<r{i}>{_expand(r.pattern)})" for i, r in enumerate(rules))
            regex = re.compile(alternatives, re.IGNORECASE)
            if regex.groups != len(rules):
                raise ValueError(f"a {type_} pattern has a capturing group; use (?:...)")
            self._by_type.append((regex, rules))
        self._amount = re.compile(AMOUNT.replace(" ", r"\s"), re.IGNORECASE)
        self._money_cue = re.compile(_expand(MONEY_CUE), re.IGNORECASE)
        self._percent = re.compile(_expand(PERCENT), re.IGNORECASE)

    def detect(self, text: str) -> list[Trigger]:
        """Return at most one trigger per type (the most confident, then the first), by offset."""
        folded = text.translate(_FOLD)
        origin: list[int] | None = None
        if _INVISIBLE.search(folded):
            origin = [i for i, char in enumerate(folded) if not _INVISIBLE.match(char)]
            folded = _INVISIBLE.sub("", folded)
        sentence_ends = [m.end() for m in _SENTENCE_END.finditer(folded)]
        over, within = self._money(folded, sentence_ends)

        found: list[tuple[TriggerType, int, int, float]] = list(over)
        for regex, rules in self._by_type:
            for match in regex.finditer(folded):
                rule = rules[int(str(match.lastgroup)[1:])]
                start, end = match.span()
                if rule.guarded and self._ruled_out(folded, start, end):
                    continue
                if rule.type == "authority_exceeded" and (
                    bisect.bisect_right(sentence_ends, start) in within
                ):
                    continue  # the money asked for in this sentence is within the agent's reach
                found.append((rule.type, start, end, rule.confidence))
        return self._strongest(text, origin, found)

    def _money(
        self, folded: str, sentence_ends: list[int]
    ) -> tuple[list[tuple[TriggerType, int, int, float]], set[int]]:
        """Money asked back above the limits, and the sentences whose amounts are within them."""
        over: list[tuple[TriggerType, int, int, float]] = []
        within: set[int] = set()
        for match in self._percent.finditer(folded):
            if _parse_number(match["p"]) > self.discount_limit:
                over.append(("authority_exceeded", *match.span(), 0.8))
            else:
                within.add(bisect.bisect_right(sentence_ends, match.start()))
        amounts = [(m.start(), m.end(), self._value(m)) for m in self._amount.finditer(folded)]
        if not amounts:
            return over, within

        def sentence(position: int) -> int:
            return bisect.bisect_right(sentence_ends, position)

        for cue in self._money_cue.finditer(folded):
            if self._ruled_out(folded, cue.start(), cue.end()):
                continue
            here = sentence(cue.start())
            near = [a for a in amounts if sentence(a[0]) == here]
            if not near and _STRONG_MONEY_CUE.search(cue.group()):
                near = [a for a in amounts if sentence(a[0]) == here - 1]  # "I paid $300. Refund"
            gaps = [(max(a[0] - cue.end(), cue.start() - a[1]), a) for a in near]
            if not gaps or min(gaps)[0] > _MAX_MONEY_GAP:
                continue
            _, (start, end, value) = min(gaps)
            if value > self.refund_limit:
                confidence = 0.9 if value >= 2 * self.refund_limit else 0.8
                span = (min(start, cue.start()), max(end, cue.end()))
                over.append(("authority_exceeded", *span, confidence))
            else:
                within.add(here)
        return over, within

    @staticmethod
    def _value(match: re.Match[str]) -> float:
        number = _parse_number(match["a"] or match["b"])
        return number * 1000 if (match["ak"] or match["bk"]) else number

    @staticmethod
    def _ruled_out(folded: str, start: int, end: int) -> bool:
        """Negated, quoted as a title, or an agent's question echoed and answered."""
        window = folded[max(0, start - _NEGATION_WINDOW) : start]
        breaks = list(_CLAUSE_BREAK.finditer(window))
        if _NEGATION.search(window[breaks[-1].end() :] if breaks else window):
            return True
        line_start = folded.rfind("\n", 0, start) + 1
        line_end = folded.find("\n", end)
        line = folded[line_start : len(folded) if line_end == -1 else line_end]
        for quoted in _QUOTED.finditer(line):
            inside = quoted.start(2) <= start - line_start and end - line_start <= quoted.end(2)
            if inside and _is_title(quoted.group(2)):
                return True
        sentence_end = _SENTENCE_END.search(folded, end)
        if sentence_end and sentence_end.group().startswith("?"):
            return bool(_ANSWERED.match(folded, sentence_end.start()))
        return False

    @staticmethod
    def _strongest(
        text: str, origin: list[int] | None, found: Iterable[tuple[TriggerType, int, int, float]]
    ) -> list[Trigger]:
        best: dict[TriggerType, tuple[TriggerType, int, int, float]] = {}
        for candidate in found:
            type_, start, _, confidence = candidate
            kept = best.get(type_)
            if kept is None or (-confidence, start) < (-kept[3], kept[1]):
                best[type_] = candidate
        triggers = []
        for type_, start, end, confidence in best.values():
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            triggers.append(Trigger(type_, text[start:end], start, end, "pattern", confidence))
        return sorted(triggers, key=lambda t: (t.start, t.end, t.type))


def _is_title(quoted: str) -> bool:
    """A product, button or menu name: "Cancel Account", not a shouted "I WANT A MANAGER"."""
    words = re.findall(r"[^\W\d_]+", quoted)
    return bool(words) and not quoted.isupper() and all(w[0].isupper() for w in words)
