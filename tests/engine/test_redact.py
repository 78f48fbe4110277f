"""Redaction: no email, card or phone number survives; order numbers, amounts, dates do."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail sam@example.com please", "mail [email] please"),
        ("<first.last+tag@mail.example.co.uk>", "<[email]>"),
        ("Write to o'neil_99@sub-domain.example.org.", "Write to [email]."),
        ("card 4111 1111 1111 1111 exp 12/26", "card [card] exp 12/26"),
        ("4111111111111111", "[card]"),
        ("4111-1111-1111-1111, cvv 123", "[card], cvv 123"),
        ("amex 3782 822463 10005", "amex [card]"),
        ("diners 3056 930902 5904", "diners [card]"),
        ("card 4111 1111 1111 1111 12/26 thanks", "card [card] 12/26 thanks"),
        ("call +44 7700 900123 now", "call [phone] now"),
        ("+1 (555) 123-4567", "[phone]"),
        ("+33 6 12 34 56 78", "[phone]"),
        ("+44 (0)20 7946 0958", "[phone]"),
        ("+4915112345678", "[phone]"),
        ("0049 30 12345678", "[phone]"),
        ("(555) 123-4567", "[phone]"),
        ("555-123-4567 or 555.123.4567", "[phone] or [phone]"),
        ("1-800-555-0199", "[phone]"),
        ("06 12 34 56 78", "[phone]"),
        ("0612345678", "[phone]"),
        ("020 7946 0958", "[phone]"),
        ("07700 900123", "[phone]"),
        ("tel:0612345678", "tel:[phone]"),
        ("call me (0612345678).", "call me [phone]."),
        ("0612345678 0698765432", "[phone] [phone]"),
        ("on 2024-01-15 0612345678", "on 2024-01-15 [phone]"),
        ("order #123456 0612345678", "order #123456 [phone]"),
        ("at 10:30 0612345678", "at 10:30 [phone]"),
        ("+33 6 12 34 56 78 (0612345678)", "[phone] [phone]"),
        ("555 123 4567 12.50", "[phone] 12.50"),
        # National numbers with no 0 or +, known from libphonenumber's data and the words
        # around them; and two numbers side by side with no space between.
        ("call 7700 900123 today", "call [phone] today"),
        ("my number is 612345678", "my number is [phone]"),
        ("call 2025550143 now", "call [phone] now"),
        ("ring me on 98765 43210", "ring me on [phone]"),
        ("9876543210 is my mobile", "[phone] is my mobile"),
        ("0612345678/0698765432", "[phone]/[phone]"),
        # A card is masked as a card, not as a long phone number.
        ("0049 4111 1111 1111 1111", "0049 [card]"),
    ],
)
def test_masks(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Where is order #123456?",
        "order 123456789 and ticket 4711",
        "order number 7700900123 and account 2025550143",
        "I paid $1,234.56, then €1.234,56 and 1 234,56 € and 1 234 567.89 EUR",
        "12 345 678 901,00 € is too much",
        "on 2024-01-15 at 10:30, or 15/01/2024, or 15.01.2024 10:30",
        "2024-01-15 99 items",
        "delivered 01.02.2024 5 days late",
        "reference 0612345678abc",
        "call 911 or ext 1234",
        "my IP is 192.168.100.200",
        "4111 1111 1111 1112 is not a valid card",  # fails the Luhn check
        "1 1 1 1 1 1 1 1 1 1 and 12 12 12 12 12",
        "someone at example dot com, @handle, a@b",
        "",
    ],
)
def test_leaves_alone(text: str) -> None:
    assert redact(text) == text


def _fill(template: str) -> st.SearchStrategy[str]:
    """`template` with each "#" a random digit and each "N" a non-zero one."""
    slots = [
        st.sampled_from("0123456789") if c == "#" else st.sampled_from("123456789")
        for c in template
        if c in "#N"
    ]

    def put(digits: tuple[str, ...]) -> str:
        it = iter(digits)
        return "".join(next(it) if c in "#N" else c for c in template)

    return st.tuples(*slots).map(put)


PHONE_TEMPLATES = [
    "+N# #### ######",
    "+N## ### ### ####",
    "+N ### ### ####",
    "+N (###) ###-####",
    "+NN N ## ## ## ##",
    "+NN (0)## #### ####",
    "+NN-##-########",
    "+NN##########",
    "00NN ## ########",
    "(N##) ###-####",
    "N##-###-####",
    "N##.###.####",
    "N## ### ####",
    "1-N##-###-####",
    "0N ## ## ## ##",
    "0N.##.##.##.##",
    "0N########",
    "0N### ######",
    "0N# #### ####",
    "0N## ########",
]
phones = st.sampled_from(PHONE_TEMPLATES).flatmap(_fill)


def _luhn_complete(body: str) -> str:
    """`body` plus the check digit that makes it pass the Luhn test."""
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


@st.composite
def cards(draw: st.DrawFn) -> str:
    length = draw(st.integers(13, 19))
    body = draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    number = _luhn_complete(draw(st.sampled_from("3456")) + body[1:])
    layout = draw(
        st.sampled_from(["plain", "fours", "amex"] if length == 15 else ["plain", "fours"])
    )
    if layout == "plain":
        return number
    separator = draw(st.sampled_from([" ", "-"]))
    if layout == "amex":
        return separator.join([number[:4], number[4:10], number[10:]])
    return separator.join(number[i : i + 4] for i in range(0, length, 4))


emails = st.builds(
    "{}@{}.{}".format,
    st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,14}[a-z0-9])?", fullmatch=True),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){0,2}", fullmatch=True),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
# Words with no digits, "@" or "[": any digit, email or placeholder in the output is from PII.
words = st.text(
    st.characters(exclude_categories=("Nd", "No", "Nl", "Cs", "Cc", "Zs", "Zl", "Zp")).filter(
        lambda c: c not in "@["
    ),
    min_size=1,
    max_size=12,
)
separators = st.sampled_from([" ", "\n", ", ", ". ", " (", ") ", ": ", " - "])


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A message of words with emails, phones and cards among them, and those secrets."""
    secrets = draw(st.lists(st.one_of(emails, phones, cards()), min_size=1, max_size=4))
    parts: list[str] = []
    for secret in secrets:
        parts += [*draw(st.lists(words, min_size=1, max_size=4)), secret]
    parts += draw(st.lists(words, max_size=3))
    text = parts[0]
    for part in parts[1:]:
        text += draw(separators) + part
    return text, secrets


@given(messages())
def test_no_email_phone_or_card_survives(message: tuple[str, list[str]]) -> None:
    text, secrets = message
    redacted = redact(text)
    for secret in secrets:
        assert secret not in redacted
    assert not re.search(r"[0-9]", redacted), redacted
    assert "@" not in redacted
    placeholders = re.findall(r"\[(?:email|phone|card)\]", redacted)
    assert len(placeholders) == len(secrets)


@given(cards())
def test_a_card_is_masked_as_a_card(card: str) -> None:
    assert redact(f"my card is {card} thanks") == "my card is [card] thanks"


@given(phones)
def test_a_phone_number_is_masked_as_a_phone_number(phone: str) -> None:
    assert redact(f"call me on {phone} today") == "call me on [phone] today"


_FRENCH = str.maketrans(",.", " ,")  # 1 234 567,89
_GERMAN = str.maketrans(",.", ".,")  # 1.234.567,89
order_numbers = st.integers(1, 10**8).map("#{}".format)
amounts = st.one_of(
    st.decimals(0, 9_999_999, places=2).map("${:,}".format),
    st.decimals(0, 9_999_999, places=2).map(lambda d: f"{d:,} €".translate(_FRENCH)),
    st.decimals(0, 9_999_999, places=2).map(lambda d: f"EUR {d:,}".translate(_GERMAN)),
    st.integers(0, 10**6).map("{} USD".format),
    st.integers(1, 100).map("{}%".format),
)
dates = st.dates(date(1900, 1, 1), date(2100, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y"), d.strftime("%d.%m.%Y")])
)
short_numbers = st.integers(0, 99_999).map(str)


@given(
    st.lists(
        st.one_of(words, order_numbers, amounts, dates, short_numbers),
        min_size=1,
        max_size=12,
    ).map(lambda parts: " and ".join(parts))
)
def test_plain_text_order_numbers_amounts_and_dates_are_left_alone(text: str) -> None:
    assert redact(text) == text
