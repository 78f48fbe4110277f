"""Masks emails, payment cards and phone numbers in a message before it is stored.

Phone numbers are found twice: by shape (international, trunk-prefixed and North American
forms, written with their usual separators), then by libphonenumber's data for the national
forms a shape cannot tell from an order number ("7700 900123", "612345678"): those count
only when the words before them say it is a phone number, or when they carry a trunk prefix.
"""

from __future__ import annotations

import re

import phonenumbers

# Starting only where a token starts keeps the scan linear on long runs of word characters.
_EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run of digit groups joined by one separator each: the shape of cards and phone numbers.
# Possessive quantifiers: a run is found once and never re-split by backtracking.
_RUN = re.compile(r"\+?\(?[0-9]++(?:(?:[ .\-]?\(|\)[ .\-]?|[ .\-])[0-9]++)*+\)?")
_GROUP = re.compile(r"[0-9]+")
# What may follow a phone number: not a decimal, a time, a date part, or more of a word.
_BLOCKED_AFTER = re.compile(r"[\w@]|[.,:/][0-9]")
_DATE = re.compile(
    r"(?:[0-9]{4}([.\-])[0-9]{1,2}\1[0-9]{1,2}|[0-9]{1,2}([.\-])[0-9]{1,2}\2[0-9]{4})\b"
)
_NANP_SHAPES = frozenset({(3, 3, 4), (1, 3, 3, 4)})  # (555) 123-4567, 1-800-555-0199
_CARD_SEPARATORS = frozenset({" ", "-"})


def redact(text: str) -> str:
    """The text with emails, card numbers and phone numbers replaced by placeholders.

    >>> redact("Call me on +44 7700 900123 or mail sam@example.com")
    'Call me on [phone] or mail [email]'
    """
    text = _EMAIL.sub("[email]", text)
    # Cards first: a card number would otherwise pass for a long phone number.
    text = _RUN.sub(_mask_cards, text)
    text = _RUN.sub(_mask_phones, text)
    return _mask_national_numbers(text)


# The regions whose national numbering libphonenumber checks a number against: where the
# service's customers most often write from. A number valid in any of them can be masked.
PHONE_REGIONS = ("US", "GB", "IE", "FR", "DE", "ES", "IT", "NL", "IN", "AU", "CA", "BR")
# Seven or more digits in a row, allowing the usual separators: the only text worth the
# slower libphonenumber scan.
_LONG_DIGITS = re.compile(r"[0-9](?:[ ./\-]?[0-9]){6,}")
# Words that introduce a phone number; and those that introduce an id that merely looks like one.
_PHONE_CUE = re.compile(
    r"\b(?:call|calling|phone|tel|telephone|mobile|cell|cellphone|ring|whatsapp|text|sms|fax"
    r"|reach|contact|number|no|nr|num)\b[^0-9\n]{0,20}$",
    re.IGNORECASE,
)
_PHONE_AFTER = re.compile(
    r"\s*(?:is|was|:)?\s*(?:my|our|the)?\s*(?:mobile|cell|phone|number|tel|whatsapp)\b",
    re.IGNORECASE,
)
_ID_CUE = re.compile(
    r"\b(?:order|ticket|case|account|acct|reference|ref|invoice|booking|tracking|policy"
    r"|member|membership|customer|serial|claim|confirmation|transaction|id|iban|sort code)"
    r"\b[^0-9\n]{0,20}$",
    re.IGNORECASE,
)


def _mask_national_numbers(text: str) -> str:
    if not _LONG_DIGITS.search(text):
        return text
    spans: list[tuple[int, int]] = []
    for region in PHONE_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        )
        for match in matcher:
            start, end = match.start, match.end
            if any(start < e and s < end for s, e in spans):
                continue
            before = text[max(0, start - 40) : start]
            # An id, or a date followed by a count ("01.02.2024 5 days"), is not a phone.
            if _ID_CUE.search(before) or _DATE.search(match.raw_string):
                continue
            cued = _PHONE_CUE.search(before) or _PHONE_AFTER.match(text, end)
            if match.raw_string.startswith(("0", "+", "(0")) or cued:
                spans.append((start, end))
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "[phone]" + text[end:]
    return text


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_cards(match: re.Match[str]) -> str:
    run = match.group()
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
    # "+44 ..." is a phone number: its digits after the country code are never a card.
    if run.startswith("+") or sum(end - start for start, end in groups) < 13:
        return run
    spans = []
    i = 0
    while i < len(groups):
        last = _card_end(run, groups, i)
        if last is None:
            i += 1
        else:
            spans.append((groups[i][0], groups[last][1], "[card]"))
            i = last + 1
    return _replace(run, spans)


def _card_end(run: str, groups: list[tuple[int, int]], first: int) -> int | None:
    """The last group of the longest Luhn-valid card starting at group `first`, if any.

    Cards are written in one piece, in fours, or 4-6-5 / 4-6-4 (Amex, Diners): a date
    followed by a number is no card even when its digits pass the Luhn check.
    """
    digits = ""
    best = None
    for last in range(first, len(groups)):
        lengths = [end - start for start, end in groups[first : last + 1]]
        if last > first:
            if run[groups[last - 1][1] : groups[last][0]] not in _CARD_SEPARATORS:
                break
            fours = all(n == 4 for n in lengths[:-1]) and lengths[-1] <= 4
            if not (fours or lengths in ([4, 6], [4, 6, 5], [4, 6, 4])):
                break
        digits += run[groups[last][0] : groups[last][1]]
        if len(digits) > 19:
            break
        if len(digits) >= 13 and _luhn_valid(digits):
            best = last
    return best


def _mask_phones(match: re.Match[str]) -> str:
    run, text = match.group(), match.string
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
    if sum(end - start for start, end in groups) < 8:
        return run
    start_ok = not _blocked_before(text[max(0, match.start() - 2) : match.start()])
    end_ok = not _BLOCKED_AFTER.match(text, match.end())
    spans = []
    i = 0
    while i < len(groups):
        span = _phone_at(run, groups, i, start_ok=start_ok, end_ok=end_ok)
        if span is None:
            i += 1
        else:
            spans.append((span[0], span[1], "[phone]"))
            i = span[2] + 1
    return _replace(run, spans)


def _blocked_before(before: str) -> bool:
    """Glued to a word, an order number ("#123456"), a decimal or a time: not a phone."""
    if not before:
        return False
    last = before[-1]
    return last.isalnum() or last in "#_.,/" or (last == ":" and before[-2:-1].isdigit())


def _phone_at(
    run: str, groups: list[tuple[int, int]], first: int, *, start_ok: bool, end_ok: bool
) -> tuple[int, int, int] | None:
    """(start, end, last group) of the longest phone number from group `first`, if any.

    Inside a run a phone number starts and ends only at a space: "2024-01-15 0612345678"
    holds one, "15" of the date does not start one.
    """
    if first == 0:
        if not start_ok:
            return None
        start = 0
    else:
        before = run[groups[first - 1][1] : groups[first][0]]
        if " " not in before:
            return None
        start = groups[first - 1][1] + before.index(" ") + 1
    if _DATE.match(run, start):
        return None
    lead = "+" if run.startswith("+", start) else run[groups[first][0] : groups[first][0] + 2]
    digits = singles = 0
    best = None
    for last in range(first, len(groups)):
        size = groups[last][1] - groups[last][0]
        digits += size
        singles += size == 1
        # Phone numbers have at most one one-digit group ("+33 6 ...", "1-800-..."); a list
        # of small numbers is not one.
        if digits > 17 or singles > 1:
            break
        if last == len(groups) - 1:
            end, ok = len(run), end_ok
        else:
            after = run[groups[last][1] : groups[last + 1][0]]
            end, ok = groups[last][1] + after.find(" "), " " in after
        if ok and _is_phone_number(lead, digits, groups[first : last + 1]):
            best = (start, end, last)
    return best


def _is_phone_number(lead: str, digits: int, groups: list[tuple[int, int]]) -> bool:
    if lead == "+":
        return 8 <= digits <= 15
    if lead == "00":  # the international prefix dialled out in Europe
        return 10 <= digits <= 17
    if lead.startswith("0"):  # a national number with its trunk prefix
        return 9 <= digits <= 12
    # Without either, only the North American shapes: a bare run of digits is more often an
    # order or account number.
    return digits in (10, 11) and tuple(e - s for s, e in groups) in _NANP_SHAPES


def _replace(run: str, spans: list[tuple[int, int, str]]) -> str:
    pieces = []
    kept_to = 0
    for start, end, placeholder in spans:
        pieces += [run[kept_to:start], placeholder]
        kept_to = end
    return "".join([*pieces, run[kept_to:]])
