"""Seed demo conversations through the triage engine, so /dashboard has something to show.

    python scripts/demo_data.py [--conversations 150] [--days 30] [--seed 7]

Every message goes through the real engine (model, triggers, customer types, playbook,
conversation memory) at a time spread over the last `--days` days; the outcomes, which a
helpdesk would report, are simulated: each scenario resolves with its own probability and
reports the first suggested replies as used. It writes to the database the service's
settings name (TRIAGE_* variables), for the default tenant, replacing any earlier demo data.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run as a file from anywhere: `app` imports

from sqlalchemy import Connection, select  # noqa: E402

from app.core.config import Settings  # noqa: E402
from app.engine.memory import ConversationMemory  # noqa: E402
from app.engine.triage import TriageEngine, TriageInput, TriageResult  # noqa: E402
from app.store.conversations import ConversationStore, NewOutcome  # noqa: E402
from app.store.db import (  # noqa: E402
    DEFAULT_TENANT,
    ConversationRow,
)

PREFIX = "demo-"
CUSTOMERS = 90  # fewer customers than conversations: some come back, as real ones do


@dataclass(frozen=True)
class Scenario:
    """A kind of conversation: each turn is one of a few wordings, in order."""

    name: str
    turns: tuple[tuple[str, ...], ...]
    resolve_rate: float
    weight: int


SCENARIOS = (
    Scenario(
        "late parcel, asks for a manager",
        (
            (
                "My order was supposed to arrive on Monday and it's still not here.",
                "Where is my parcel? The tracking hasn't moved for five days.",
            ),
            (
                "This is ridiculous, nobody can tell me anything. I want to speak to your manager.",
                "Unacceptable! Put me through to a supervisor right now.",
            ),
        ),
        resolve_rate=0.55,
        weight=6,
    ),
    Scenario(
        "still broken after several contacts",
        (
            (
                "This is the third time I'm writing about the same fault and it is still not "
                "fixed.",
                "I've contacted you four times now and the app still crashes every morning.",
            ),
            ("Nothing you suggested worked. I'm really fed up with this.",),
        ),
        resolve_rate=0.35,
        weight=5,
    ),
    Scenario(
        "charged twice, threatens a chargeback",
        (
            (
                "You charged my card twice for the same order.",
                "There are two payments for one invoice on my statement.",
            ),
            (
                "If the money isn't back by Friday I will file a chargeback with my bank.",
                "Refund it now or my lawyer will be in touch.",
            ),
        ),
        resolve_rate=0.7,
        weight=4,
    ),
    Scenario(
        "wants to cancel",
        (
            (
                "I want to cancel my subscription and close my account.",
                "I'm switching to another provider, please cancel everything.",
            ),
        ),
        resolve_rate=0.4,
        weight=4,
    ),
    Scenario(
        "public complaint",
        (
            (
                "The product broke after a week. I'm going to post about this on Twitter and "
                "leave a one-star review.",
                "Everyone will hear about this, I'm writing a review on every site I can find.",
            ),
        ),
        resolve_rate=0.5,
        weight=3,
    ),
    Scenario(
        "refund beyond the agent's limit",
        (
            (
                "The sofa arrived damaged. I want a full refund of $850.",
                "I expect compensation of at least 300 euros for the ruined weekend.",
            ),
            ("Can you confirm the refund today please?",),
        ),
        resolve_rate=0.6,
        weight=3,
    ),
    Scenario(
        "disappointed",
        (
            (
                "Honestly I'm disappointed, the quality is not what I expected for the price.",
                "The headphones sound much worse than advertised. Not happy.",
            ),
            ("Okay, an exchange would be fine.",),
        ),
        resolve_rate=0.8,
        weight=5,
    ),
    Scenario(
        "confused by the bill",
        (
            (
                "I don't understand my bill, why is it higher this month? I thought the "
                "discount was included.",
                "I'm confused, your email said the upgrade was free but I was charged.",
            ),
            ("Oh I see, thanks for explaining.",),
        ),
        resolve_rate=0.9,
        weight=4,
    ),
    Scenario(
        "cannot choose a plan",
        (
            (
                "I can't decide between the basic and the pro plan. Which one would you recommend?",
                "Should I take the yearly or the monthly option? I keep going back and forth.",
            ),
            ("Hmm, but what if I need more users later?",),
        ),
        resolve_rate=0.85,
        weight=3,
    ),
    Scenario(
        "abusive",
        (("You are useless idiots, every single one of you.",),),
        resolve_rate=0.3,
        weight=1,
    ),
    Scenario(
        "hardship",
        (
            (
                "My husband passed away last month and I can't manage the payments right now.",
                "I lost my job and I can't afford this month's instalment.",
            ),
        ),
        resolve_rate=0.75,
        weight=2,
    ),
    Scenario(
        "happy",
        (
            (
                "Thank you so much, the replacement arrived and works perfectly!",
                "Great service, thanks for sorting it out so quickly.",
            ),
        ),
        resolve_rate=1.0,
        weight=5,
    ),
)


@dataclass(frozen=True)
class Seeded:
    conversations: int
    turns: int
    outcomes: int


def seed(
    engine: TriageEngine,
    *,
    conversations: int = 150,
    days: int = 30,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Seeded:
    """Replace the demo conversations with new ones triaged at times over the last `days`."""
    store = engine.memory.store
    if store is None:
        raise RuntimeError("the conversation store is not open")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = rng or random.Random(7)
    remove_demo_data(store)
    weights = [s.weight for s in SCENARIOS]
    # From the first of the last `days` UTC days, the dashboard's default period, until now.
    earliest = datetime.combine(now.date() - timedelta(days=days - 1), time(), tzinfo=UTC)
    starts = sorted(earliest + (now - earliest) * rng.random() for _ in range(conversations))
    turns = outcomes = 0
    # In time order, so each conversation sees the customer's earlier ones as a helpdesk would.
    for number, start in enumerate(starts):
        scenario = rng.choices(SCENARIOS, weights)[0]
        conversation_id = f"{PREFIX}{number:04d}"
        customer_id = f"{PREFIX}customer-{rng.randrange(CUSTOMERS):03d}"
        at, last = start, None
        for wordings in scenario.turns:
            item = TriageInput(
                text=rng.choice(wordings), conversation_id=conversation_id, customer_id=customer_id
            )
            [last] = engine.triage([item], now=min(at, now))
            turns += 1
            at += timedelta(minutes=rng.randint(3, 90))
        if last is not None and at < now and rng.random() < 0.85:  # some never get an outcome
            store_outcome(engine, conversation_id, last, scenario, at=at, rng=rng)
            outcomes += 1
    return Seeded(conversations, turns, outcomes)


def store_outcome(
    engine: TriageEngine,
    conversation_id: str,
    last: TriageResult,
    scenario: Scenario,
    *,
    at: datetime,
    rng: random.Random,
) -> None:
    resolved = rng.random() < scenario.resolve_rate
    used = [step.responses[0].id for step in last.playbook.steps[:2] if step.responses]
    engine.memory.record_outcome(
        conversation_id,
        NewOutcome(
            resolved=resolved,
            at=at,
            satisfaction=rng.randint(4, 5) if resolved else rng.randint(1, 3),
            responses_used=used,
        ),
    )


def remove_demo_data(store: ConversationStore) -> None:
    """Delete the earlier demo conversations with everything derived from them.

    Through the store's own deletion, so the report's roll-ups lose their turns too.
    """

    def demo_ids(conn: Connection) -> list[str]:
        demo = ConversationRow.id.startswith(PREFIX, autoescape=True)
        query = select(ConversationRow.id).where(ConversationRow.tenant_id == DEFAULT_TENANT, demo)
        return list(conn.execute(query).scalars())

    for conversation_id in store.transaction(demo_ids):
        store.delete(conversation_id, tenant_id=DEFAULT_TENANT)


def build_engine(settings: Settings) -> TriageEngine:
    """The engine `make serve` would build: the shipped model, the bank, the store."""
    from app.model.loading import load_classifier  # torch: only when run for real
    from app.replies.bank import load_bank

    store = ConversationStore.open(
        settings.database_url or "sqlite:///", data_dir=settings.data_dir
    )
    memory = ConversationMemory.from_settings(settings, store)
    return TriageEngine.from_settings(
        load_classifier(settings), settings, bank=load_bank(settings), memory=memory
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=150)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7, help="the same seed, the same demo")
    args = parser.parse_args(argv)
    settings = Settings()
    engine = build_engine(settings)
    try:
        seeded = seed(
            engine, conversations=args.conversations, days=args.days, rng=random.Random(args.seed)
        )
    finally:
        if engine.memory.store is not None:
            engine.memory.store.close()
    print(
        f"seeded {seeded.conversations} conversations, {seeded.turns} messages and "
        f"{seeded.outcomes} outcomes; open /dashboard and /demo on the running service"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
