"""Lint response banks: schema errors, and gaps in what the playbook can ask of them."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run as a file from anywhere: `app` must import

from app.core.domain import CustomerProfile, Escalation, Trigger  # noqa: E402
from app.core.labels import (  # noqa: E402
    CAUSE_TAGS,
    CUSTOMER_TYPES,
    REQUEST_LABELS,
    ROUTES,
    STEPS,
    TRIGGER_TYPES,
    CustomerType,
    RequestLabel,
    Route,
    Step,
)
from app.replies.bank import DEFAULT_LANGUAGE, BankEntry, BankError, ResponseBank  # noqa: E402
from app.replies.playbook import plan_steps  # noqa: E402

MIN_ENTRIES = 200
# The channels every playbook step must read well in: short chat lines and email paragraphs.
CHANNELS: tuple[str, ...] = ("chat", "email")
# Below, at and above the playbook's peak-anger threshold (0.7) and the banks' 0.5 split.
INTENSITIES: tuple[float, ...] = (0.2, 0.5, 0.9)
# Every root cause needs a fix that names it and an empathy line that names it, except a
# crisis (gas smelled now): the crisis script solves nothing itself, a person takes over.
ROOT_CAUSE_STEPS: tuple[Step, ...] = ("solve", "empathize")
CRISIS_CAUSES: frozenset[str] = frozenset({"gas"})
# A loss is answered by the condolence; the fix is the request's own.
CONDOLENCE_CAUSES: frozenset[str] = frozenset({"bereavement"})
# Causes one step alone answers, no fix or empathy naming them: a call asked for (the
# hand-over says who rings), a need the message does not state (the question asks it), a
# problem that went away (the thanks say it), a repeat contact the message states (the
# acknowledgement says it unhedged), a private message already sent (the move to private
# messages picks it up), an ultimatum (the hand-over says it comes if the answer does not
# settle it), a number given to be rung on (the hand-over says it is rung), a hard moment
# told beside thanks or thanks to be passed on (the thanks say it).
ONE_STEP_CAUSES: dict[str, Step] = {
    "callback": "escalate",
    "ultimatum": "escalate",
    "number_given": "escalate",
    "unstated": "clarify",
    "resolved": "acknowledge",
    "repeat_stated": "acknowledge",
    "dm_sent": "clarify",
    "gripe": "solve",
    "waiting": "apologize",
    "hard_time": "solve",
    "pass_on": "solve",
}
# Replies that act on the situation must say which one: a line with no tag would reach a
# customer it was not written for (a courier line for a missed technician).
TAGGED_STEPS: tuple[Step, ...] = ("solve", "clarify", "recommend", "set_boundary")
# The requests another team owns are answered on that team's route.
REQUEST_ROUTE: dict[RequestLabel, Route] = {"delete_data": "privacy"}


@dataclass(frozen=True)
class Situation:
    """One representative customer the playbook plans for, and a step it asked for."""

    customer_type: CustomerType
    intensity: float
    triggers: tuple[str, ...]
    step: Step


def situations() -> Iterator[Situation]:
    """Every (type, intensity, fired trigger) case and each step plan_steps gives it."""
    contexts: list[tuple[tuple[str, ...], bool]] = [((), False)]
    # A trigger can fire with or without an escalation (the threshold decides); both plan.
    contexts += [((t,), escalate) for t in TRIGGER_TYPES for escalate in (True, False)]
    for customer_type in CUSTOMER_TYPES:
        for intensity in INTENSITIES:
            profile = CustomerProfile(customer_type, {customer_type: 0.9}, intensity)
            for fired, escalate in contexts:
                escalation = Escalation(
                    escalate,
                    "high" if escalate else "normal",
                    tuple(Trigger(t, t, 0, len(t), "pattern", 0.9) for t in fired),  # type: ignore[arg-type]
                )
                for step in plan_steps(profile, escalation):
                    yield Situation(customer_type, intensity, fired, step)


def matches(entry: BankEntry, situation: Situation, channel: str) -> bool:
    """Whether the entry is written for this situation: no relaxing, unlike the playbook."""
    low, high = entry.intensity
    # Root causes are often unknown; an entry that names one cannot stand in for the rest.
    return (
        entry.step == situation.step
        and not entry.root_causes
        and (not entry.customer_types or situation.customer_type in entry.customer_types)
        and (not entry.channels or channel in entry.channels)
        and (not entry.triggers or bool(set(entry.triggers) & set(situation.triggers)))
        and low <= situation.intensity <= high
    )


def lint(bank: ResponseBank) -> list[str]:
    """The coverage gaps in a (schema-valid) bank, one readable line each; empty when complete."""
    gaps: list[str] = []
    # Collect the uncovered contexts per cell so one missing entry reads as one gap.
    missing: dict[tuple[CustomerType, Step, str], set[tuple[float, tuple[str, ...]]]] = {}
    for situation in dict.fromkeys(situations()):
        for channel in CHANNELS:
            if not any(matches(entry, situation, channel) for entry in bank.entries):
                cell = (situation.customer_type, situation.step, channel)
                missing.setdefault(cell, set()).add((situation.intensity, situation.triggers))
    order = {step: i for i, step in enumerate(STEPS)}
    for (customer_type, step, channel), contexts in sorted(
        missing.items(), key=lambda item: (CUSTOMER_TYPES.index(item[0][0]), order[item[0][1]])
    ):
        intensities = ", ".join(str(i) for i in sorted({i for i, _ in contexts}))
        triggers = ", ".join(sorted({"/".join(t) or "no trigger" for _, t in contexts}))
        gaps.append(
            f"no {channel} entry for step {step!r}, customer type {customer_type!r} "
            f"(intensity {intensities}; {triggers})"
        )
    for trigger in TRIGGER_TYPES:
        if not any(trigger in entry.triggers for entry in bank.entries):
            gaps.append(f"no entry for trigger {trigger!r}")
    for cause in CAUSE_TAGS:
        if cause in ONE_STEP_CAUSES:
            own = ONE_STEP_CAUSES[cause]
            if not any(e.step == own and cause in e.root_causes for e in bank.entries):
                gaps.append(f"no {own!r} entry for root cause {cause!r}")
            continue
        for step in ROOT_CAUSE_STEPS:
            if step == "solve" and cause in CRISIS_CAUSES | CONDOLENCE_CAUSES:
                continue
            if not any(e.step == step and cause in e.root_causes for e in bank.entries):
                gaps.append(f"no {step!r} entry for root cause {cause!r}")
    gaps += situation_gaps(bank)
    if len(bank.entries) < MIN_ENTRIES:
        gaps.append(f"only {len(bank.entries)} entries; a complete bank has at least {MIN_ENTRIES}")
    return gaps


def situation_gaps(bank: ResponseBank) -> list[str]:
    """Untagged situational replies, and requests or routes no solve reply answers."""
    gaps = [
        f"entry {e.id!r} ({e.step}) has no situation tag: give it the requests, triggers, "
        "root causes or customer types it is written for"
        for e in bank.entries
        if e.step in TAGGED_STEPS
        # A line in another language is for a message nothing could be read from: untagged.
        and e.language == DEFAULT_LANGUAGE
        and not (e.requests or e.triggers or e.root_causes or e.customer_types)
    ]
    for request in REQUEST_LABELS:
        route = REQUEST_ROUTE.get(request)
        for channel in CHANNELS:
            if not any(
                e.step == "solve"
                and request in e.requests
                and e.route == route
                and (not e.channels or channel in e.channels)
                for e in bank.entries
            ):
                where = f" on the {route} route" if route else ""
                gaps.append(f"no {channel} 'solve' entry answers request {request!r}{where}")
    for route in ROUTES:
        if not any(e.step == "solve" and e.route == route for e in bank.entries):
            gaps.append(f"no 'solve' entry for the {route} route")
    return gaps


def summary(bank: ResponseBank) -> str:
    """Entries per step, customer type, trigger and channel; 'any' counts open entries."""
    entries = bank.entries
    rows = [f"version {bank.version}: {len(entries)} entries"]
    sections: list[tuple[str, Sequence[str], Counter[str]]] = [
        ("step", STEPS, Counter(e.step for e in entries)),
        (
            "type",
            (*CUSTOMER_TYPES, "any"),
            Counter(t for e in entries for t in e.customer_types or ("any",)),
        ),
        ("trigger", TRIGGER_TYPES, Counter(t for e in entries for t in e.triggers)),
        (
            "channel",
            ("chat", "email", "phone", "social", "other", "any"),
            Counter(c for e in entries for c in e.channels or ("any",)),
        ),
        ("root cause", CAUSE_TAGS, Counter(c for e in entries for c in e.root_causes)),
    ]
    for title, keys, counts in sections:
        rows.append(f"  {title + ':':12}" + "  ".join(f"{key}={counts[key]}" for key in keys))
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Lint each bank given (default: the packaged one); 1 on any error or gap, else 0."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="bank YAML files (default: packaged)")
    args = parser.parse_args(argv)
    failed = False
    for path in args.paths or [None]:
        label = str(path) if path is not None else "packaged bank"
        try:
            bank = ResponseBank.default() if path is None else ResponseBank.load(path)
        except BankError as exc:
            # The loader joins its problems with "; ": one line per entry reads better.
            print(f"{label}: INVALID")
            for problem in re.split(r"; (?=(?:entries|avoid)\[)", str(exc)):
                print(f"ERROR: {problem}")
            failed = True
            continue
        print(f"{label}: {summary(bank)}")
        gaps = lint(bank)
        for gap in gaps:
            print(f"GAP: {gap}")
        print(f"{label}: {len(gaps)} gap(s)")
        failed = failed or bool(gaps)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
