"""The lead's practice report: per agent and per week how sessions ended and which skills
held, and which scenarios are lost most often."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.core.errors import InvalidRequestError
from app.practice.library import ScenarioLibrary
from app.practice.scenarios import SKILLS, ScenarioSet, Skill
from app.practice.store import PracticeRecord, list_sessions
from app.store.conversations import ConversationStore

DEFAULT_DAYS = 30
MAX_DAYS = 366
OUTCOMES = ("resolved", "escalated", "lost", "active")


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    first: date
    last: date  # included

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UTC)


def report_period(first: date | None, last: date | None, *, today: date) -> ReportPeriod:
    """The asked days (UTC), by default the last DEFAULT_DAYS; a 422 if backwards or too long."""
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidRequestError("from is after to (days, YYYY-MM-DD)")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidRequestError(f"a report covers {MAX_DAYS} days at most")
    return ReportPeriod(first, last)


@dataclass(frozen=True, slots=True)
class WeekStats:
    week: date  # its Monday
    sessions: int
    mean_score: float | None
    skills: dict[Skill, float]


@dataclass(frozen=True, slots=True)
class AgentStats:
    agent: str
    name: str | None
    sessions: int
    ended: int
    mean_score: float | None  # over ended sessions
    outcomes: dict[str, int]
    skills: dict[Skill, float]  # share of replies where the skill applied and held
    by_week: list[WeekStats]


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    id: str
    title: str | None  # None for a scenario no longer published
    sessions: int
    lost: int
    lost_rate: float


@dataclass(frozen=True, slots=True)
class PracticeReport:
    period: ReportPeriod
    agents: list[AgentStats]
    scenarios: list[ScenarioStats]


def read_practice_report(
    store: ConversationStore, library: ScenarioLibrary, tenant_id: str, period: ReportPeriod
) -> PracticeReport:
    """The tenant's report over the period (blocking: call it from a worker thread)."""
    records = list_sessions(store, tenant_id, start=period.start, end=period.end)
    return practice_report(records, period, [library.for_tenant(tenant_id), library.default])


def practice_report(
    records: Sequence[PracticeRecord], period: ReportPeriod, scenarios: Iterable[ScenarioSet]
) -> PracticeReport:
    """The report over the records; `scenarios`, in order, name the scenarios."""
    titles: dict[str, str] = {}
    for found in reversed(list(scenarios)):
        titles.update({s.id: s.title for s in found.scenarios})
    by_agent: dict[str, list[PracticeRecord]] = defaultdict(list)
    by_scenario: dict[str, list[PracticeRecord]] = defaultdict(list)
    for record in records:
        by_agent[record.agent].append(record)
        by_scenario[record.scenario_id].append(record)
    agents = [_agent(agent, found) for agent, found in sorted(by_agent.items())]
    played = [
        ScenarioStats(
            id=scenario_id,
            title=titles.get(scenario_id),
            sessions=len(found),
            lost=(lost := sum(r.status == "lost" for r in found)),
            lost_rate=round(lost / len(found), 4),
        )
        for scenario_id, found in by_scenario.items()
    ]
    played.sort(key=lambda s: (-s.lost_rate, -s.sessions, s.id))
    return PracticeReport(period, agents, played)


def _agent(agent: str, records: list[PracticeRecord]) -> AgentStats:
    weeks: dict[date, list[PracticeRecord]] = defaultdict(list)
    for record in records:
        day = record.started_at.astimezone(UTC).date()
        weeks[day - timedelta(days=day.weekday())].append(record)
    outcomes = Counter(r.status for r in records)
    return AgentStats(
        agent=agent,
        name=next((r.agent_name for r in reversed(records) if r.agent_name), None),
        sessions=len(records),
        ended=sum(r.status != "active" for r in records),
        mean_score=_mean_score(records),
        outcomes={outcome: outcomes.get(outcome, 0) for outcome in OUTCOMES},
        skills=skill_rates(records),
        by_week=[
            WeekStats(week, len(found), _mean_score(found), skill_rates(found))
            for week, found in sorted(weeks.items())
        ],
    )


def _mean_score(records: Iterable[PracticeRecord]) -> float | None:
    scores = [r.score for r in records if r.score is not None]
    return round(sum(scores) / len(scores), 1) if scores else None


def skill_rates(records: Iterable[PracticeRecord]) -> dict[Skill, float]:
    """Per skill that applied at least once: the share of replies where it held."""
    applied: Counter[str] = Counter()
    held: Counter[str] = Counter()
    for record in records:
        for turn in record.session.turns:
            for result in turn.feedback or ():
                applied[result["skill"]] += 1
                held[result["skill"]] += result["outcome"] == "good"
    return {skill: round(held[skill] / applied[skill], 2) for skill in SKILLS if applied[skill]}
