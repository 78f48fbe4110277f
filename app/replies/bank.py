"""The response bank: a validated, versioned set of replies and the phrases to avoid."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.core.config import Settings
from app.core.errors import BankInvalidError
from app.core.labels import (
    CauseTag,
    Channel,
    CustomerType,
    RequestLabel,
    Route,
    Step,
    TriggerType,
)
from app.replies.promises import keeps_ownership, unbacked_claims

# What a missing caller value becomes. An empty fallback drops the word and the tidy-up
# below removes the punctuation it leaves behind, so "Hi {customer_name}," reads "Hi,".
# Texts are written so each fallback reads naturally where its placeholder stands.
PLACEHOLDER_FALLBACKS: Mapping[str, str] = {
    "customer_name": "",
    "agent_name": "our support team",
    "lead_name": "a team lead",
    "company": "us",
    "order_id": "",
}
# Facts taken from the customer's own message (or the caller's values). An entry that uses
# one is offered only when the message has it: a reply about "the {amount} charge" makes no
# sense without an amount, and no fallback could stand in for it. {person}: someone the
# customer thanks by name ("thank you to Priya").
MESSAGE_FACTS: frozenset[str] = frozenset({"amount", "duration", "date", "person"})
# What only the agent can know: a cause, a decision, a status, a time. The service never
# fills these; the text keeps `{eta}` as a field and the response says the agent must fill
# it (or the caller passes it in `values`). See promises.py for the claims they carry.
# {follow_up_time} too: panels read a fixed "later today" as a promise the agent may not keep
# (round 12) and "in a couple of days" as too slow or soft for a same-day matter (rounds 6 to
# 13); only the agent knows when they will be back.
# {issue}: what went wrong, in a few words, so an empathy line names it. Reading it off the
# message named the wrong thing too often (see the bank's empathize section).
AGENT_SLOTS: frozenset[str] = frozenset(
    {
        "eta", "status", "cause", "fix", "decision", "answer", "options", "offer", "details",
        "follow_up_time", "issue",
    }
)  # fmt: skip
PLACEHOLDERS: frozenset[str] = frozenset(PLACEHOLDER_FALLBACKS) | MESSAGE_FACTS | AGENT_SLOTS

# A routed message is answered by the route's own reply before any other that fits.
ROUTE_WEIGHT = 32
# The language replies are written in unless an entry says otherwise (ISO 639-1).
DEFAULT_LANGUAGE = "en"

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ANY_BRACED = re.compile(r"\{[^{}]*\}")
# Marks an agent slot while stray braces are cleared, then becomes a brace again.
_SLOT_OPEN, _SLOT_CLOSE = "\x00", "\x01"
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")


class BankError(Exception):
    """The response bank file is missing, unreadable or invalid."""


class BankEntry(BaseModel):
    """One reply an agent can send or adapt, and the situations it suits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    step: Step
    customer_types: tuple[CustomerType, ...] = ()
    triggers: tuple[TriggerType, ...] = ()
    root_causes: tuple[CauseTag, ...] = ()
    # What the customer asked for that this reply answers; empty: it answers no request.
    requests: tuple[RequestLabel, ...] = ()
    # "agent": the reply keeps the case with the agent ("I'll see this through myself"), so
    # it never sits in a playbook that hands the case to a lead.
    owner: Literal["agent"] | None = None
    # A team that takes over whole kinds of request; such a reply is offered only on that
    # route, and a routed playbook carries no retention pitch.
    route: Route | None = None
    intensity: tuple[float, float] = (0.0, 1.0)
    channels: tuple[Channel, ...] = ()
    # The language the text is written in: a reply reaches only customers writing in it.
    language: str = Field(default=DEFAULT_LANGUAGE, pattern=r"^[a-z]{2}$")
    text: str = Field(min_length=1)

    @field_validator("intensity")
    @classmethod
    def _check_intensity(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"must be [min, max] with 0 <= min <= max <= 1, got {list(value)}")
        return value

    @field_validator("text")
    @classmethod
    def _check_placeholders(cls, text: str) -> str:
        unknown = sorted(set(_PLACEHOLDER.findall(text)) - PLACEHOLDERS)
        if unknown:
            names = ", ".join(f"{{{name}}}" for name in unknown)
            raise ValueError(f"unknown placeholder {names}; known: {sorted(PLACEHOLDERS)}")
        if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
            raise ValueError("stray brace: placeholders look like {customer_name}")
        return text

    @model_validator(mode="after")
    def _check_promises(self) -> BankEntry:
        # A reply that states what the agent cannot know is a promise someone else breaks.
        claims = unbacked_claims(self.text, AGENT_SLOTS)
        if claims:
            claim = claims[0]
            raise ValueError(
                f"text claims a {claim.kind} ({claim.words!r}) that the service cannot know: "
                f"put the fact in an agent slot such as {{status}}, {{cause}} or {{eta}}"
            )
        sole = keeps_ownership(self.text)
        if sole and self.owner != "agent":
            raise ValueError(
                f"text keeps the case with the agent ({sole!r}): mark it owner: agent so it "
                "never follows a hand-over to a lead"
            )
        if self.owner == "agent" and self.step == "escalate":
            raise ValueError("an escalate reply hands the case over: it cannot be owner: agent")
        return self

    @property
    def needs(self) -> frozenset[str]:
        """The message facts this reply cannot be sent without."""
        return frozenset(_PLACEHOLDER.findall(self.text)) & MESSAGE_FACTS


class AvoidPhrase(BaseModel):
    """A phrase that inflames; empty customer_types and triggers mean it applies to everyone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str = Field(min_length=1)
    customer_types: tuple[CustomerType, ...] = ()
    triggers: tuple[TriggerType, ...] = ()
    reason: str = ""

    def applies_to(self, customer_types: Collection[str], triggers: Collection[str]) -> bool:
        """Whether an agent talking to this customer should steer clear of the phrase."""
        if not self.customer_types and not self.triggers:
            return True
        return bool(set(self.customer_types) & set(customer_types)) or bool(
            set(self.triggers) & set(triggers)
        )

    def found_in(self, text: str) -> bool:
        """Whether the phrase occurs in text as whole words, ignoring case and curly quotes."""
        pattern = r"\b" + re.escape(_plain(self.phrase)) + r"\b"
        return re.search(pattern, _plain(text)) is not None


class ResponseBank(BaseModel):
    """The whole bank: its version, its entries in file order, and the phrases to avoid."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    entries: tuple[BankEntry, ...] = Field(min_length=1)
    avoid: tuple[AvoidPhrase, ...] = ()

    @model_validator(mode="after")
    def _check_bank(self) -> ResponseBank:
        problems: list[str] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            where = f"entries[{index}] (id {entry.id!r})"
            if entry.id in seen:
                problems.append(f"{where}: duplicate id, first used by entries[{seen[entry.id]}]")
            seen.setdefault(entry.id, index)
            # A team extending the bank should not ship a reply its own avoid list forbids.
            for rule in self.avoid:
                scope_types = entry.customer_types or rule.customer_types
                scope_triggers = entry.triggers or rule.triggers
                if rule.applies_to(scope_types, scope_triggers) and rule.found_in(entry.text):
                    problems.append(f"{where} field 'text': uses the avoided {rule.phrase!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @classmethod
    def load(cls, path: str | Path) -> ResponseBank:
        """Read and validate a bank file; raise BankError naming the bad entry and field."""
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise BankError(f"response bank {path}: cannot read: {exc}") from exc
        if not isinstance(raw, dict):
            raise BankError(f"response bank {path}: expected a mapping at the top level")
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(_describe(error, raw) for error in exc.errors())
            raise BankError(f"response bank {path}: {problems}") from exc

    def extended(self, other: ResponseBank, *, source: str) -> ResponseBank:
        """This bank plus a team's own entries and avoid phrases, validated together.

        Ids must stay unique: a team changes a packaged reply by replacing the whole bank.
        """
        try:
            return ResponseBank(
                version=f"{self.version}+{other.version}",
                entries=(*self.entries, *other.entries),
                avoid=(*self.avoid, *(a for a in other.avoid if a not in self.avoid)),
            )
        except ValidationError as exc:
            problems = "; ".join(str(error["msg"]) for error in exc.errors())
            raise BankError(f"response bank {source}: {problems}") from exc

    @classmethod
    def default(cls) -> ResponseBank:
        """The bank packaged with the service."""
        source = resources.files("app") / "resources" / "response_bank.yaml"
        with resources.as_file(source) as path:
            return cls.load(path)

    def candidates(
        self,
        step: Step,
        *,
        customer_types: Collection[CustomerType] | None = None,
        triggers: Collection[TriggerType] | None = None,
        intensity: float | None = None,
        channel: Channel | None = None,
        root_causes: Collection[str] | None = None,
        requests: Collection[str] | None = None,
        route: str | None = None,
        facts: Collection[str] | None = None,
        handed_over: bool = False,
        language: str = DEFAULT_LANGUAGE,
    ) -> tuple[BankEntry, ...]:
        """Entries for step that suit the situation, most specific first; None ignores a criterion.

        An empty collection means the customer has none: entries tagged for one do not suit.
        `route` offers that team's replies first (another route's never); `facts` names the
        message facts at hand (an entry needing another is skipped); `handed_over` skips
        replies that keep the case with the agent; only replies written in `language` suit.

        >>> bank.candidates("acknowledge", customer_types=["angry"], intensity=0.9, channel="chat")
        """
        scored: list[tuple[int, float, int, BankEntry]] = []
        for index, entry in enumerate(self.entries):
            if entry.step != step or entry.language != language:
                continue
            if handed_over and entry.owner == "agent":
                continue
            if entry.route is not None and entry.route != route:
                continue
            if facts is not None and not entry.needs <= set(facts):
                continue
            score = _match(entry, customer_types, triggers, channel, root_causes, requests)
            if score is None:
                continue
            if route is not None and entry.route == route:
                score += ROUTE_WEIGHT
            low, high = entry.intensity
            if intensity is not None and not low <= intensity <= high:
                continue
            scored.append((-score, high - low, index, entry))
        return tuple(entry for *_, entry in sorted(scored, key=lambda item: item[:3]))

    def speaks(self, language: str) -> bool:
        """Whether the bank holds replies written in this language."""
        return any(entry.language == language for entry in self.entries)

    def avoid_for(self, customer_types: Iterable[str], triggers: Iterable[str]) -> tuple[str, ...]:
        """Avoided phrases that apply to this customer, deduplicated, in bank order."""
        types, fired = set(customer_types), set(triggers)
        phrases: dict[str, str] = {}
        for rule in self.avoid:
            if rule.applies_to(types, fired):
                phrases.setdefault(_plain(rule.phrase), rule.phrase)
        return tuple(phrases.values())


def fill(text: str, values: Mapping[str, str]) -> str:
    """Put values into known placeholders, fall back where missing, and never leave a brace
    except an agent slot with no value, which stays as the field `{eta}` for the agent.

    Only `{name}` for a known name is replaced; format specs, attribute access and unknown
    names are dropped, never evaluated.

    >>> fill("Hi {customer_name}, this is {agent_name}.", {})
    'Hi, this is our support team.'
    >>> fill("It will be with you {eta}.", {})
    'It will be with you {eta}.'
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return ""
        value = _clean_value(values.get(name, "")) or PLACEHOLDER_FALLBACKS.get(name, "")
        if not value and name in AGENT_SLOTS:
            return f"{_SLOT_OPEN}{name}{_SLOT_CLOSE}"
        if value and _SENTENCE_START.search(match.string, 0, match.start()):
            value = value[0].upper() + value[1:]
        return value

    filled = _PLACEHOLDER.sub(replace, text)
    # Whatever is still braced was never a placeholder (e.g. {x.__class__}): drop it whole.
    filled = _ANY_BRACED.sub("", filled).replace("{", "").replace("}", "")
    filled = filled.replace(_SLOT_OPEN, "{").replace(_SLOT_CLOSE, "}")
    return _tidy(filled)


def open_slots(text: str) -> tuple[str, ...]:
    """The agent slots a filled reply still shows, in order: what the agent must add.

    >>> open_slots("It will be with you {eta}.")
    ('eta',)
    """
    return tuple(dict.fromkeys(n for n in _PLACEHOLDER.findall(text) if n in AGENT_SLOTS))


def _match(
    entry: BankEntry,
    customer_types: Collection[str] | None,
    triggers: Collection[str] | None,
    channel: str | None,
    root_causes: Collection[str] | None,
    requests: Collection[str] | None,
) -> int | None:
    """Specificity of a suitable entry (higher is closer), or None when it does not suit."""
    if requests is not None and "praise" in entry.requests and "praise" not in requests:
        # A reply that thanks for kind words fits only a customer who gave them, whatever
        # else it also answers.
        return None
    score = 0
    # Weights rank what matters most to the customer: the trigger they raised (a reply
    # written for it answers the moment), what they asked for, then what went wrong
    # (empathy and fixes should name it), then who they are, then where they wrote.
    for wanted, have, weight in (
        (triggers, entry.triggers, 16),
        (requests, entry.requests, 8),
        (root_causes, entry.root_causes, 4),
        (customer_types, entry.customer_types, 3),
        (None if channel is None else (channel,), entry.channels, 1),
    ):
        if wanted is None or not have:
            continue
        shared = set(have) & set(wanted)
        if not shared:
            return None
        score += weight
        if have is entry.requests:
            # A reply that answers two of the customer's asks at once beats one that
            # answers one ("close the account and delete my data").
            score += 2 * (len(shared) - 1)
    return score


def _clean_value(value: object) -> str:
    # A brace in a value could be re-read as a template by a helpdesk macro downstream.
    text = str(value).replace("{", "").replace("}", "")
    text = text.replace(_SLOT_OPEN, "").replace(_SLOT_CLOSE, "")
    return " ".join(text.split())


def _tidy(text: str) -> str:
    """Mend the punctuation a dropped value leaves behind."""
    text = re.sub(r"\([ \t]*\)", "", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" +([,.!?;:])", r"\1", text)
    text = re.sub(r",(?=[,.!?;:])", "", text)
    text = re.sub(r"(?m)^[ \t,;:]+|[ \t]+$", "", text)
    text = text.strip()
    return text[:1].upper() + text[1:]


def _plain(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").casefold()


def _describe(error: Any, raw: Mapping[str, Any]) -> str:
    """One validation error as 'entries[3] (id 'x') field 'step': message'."""
    loc = list(error["loc"])
    where = ".".join(str(part) for part in loc)
    if len(loc) >= 2 and loc[0] in ("entries", "avoid") and isinstance(loc[1], int):
        section, index, field = loc[0], loc[1], loc[2:]
        items = raw.get(section)
        item = items[index] if isinstance(items, list) and index < len(items) else None
        key = "id" if section == "entries" else "phrase"
        label = f" ({key} {item.get(key)!r})" if isinstance(item, dict) and key in item else ""
        where = f"{section}[{index}]{label}"
        if field:
            where += f" field {field[0]!r}" + "".join(f"[{part}]" for part in field[1:])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def load_bank(settings: Settings) -> ResponseBank:
    """The packaged bank, or the team's own, plus any extension files, in name order."""
    extensions = sorted(settings.bank_extensions.glob("*.yaml")) if settings.bank_extensions else []
    try:
        if settings.bank_path:
            bank = ResponseBank.load(settings.bank_path)
        else:
            bank = ResponseBank.default()
        for path in extensions:
            bank = bank.extended(ResponseBank.load(path), source=str(path))
    except BankError as exc:
        raise BankInvalidError(str(exc)) from exc
    return bank
