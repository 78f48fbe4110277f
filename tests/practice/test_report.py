"""The lead's practice report: periods, per-agent and per-week figures, scenarios lost most."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.errors import InvalidRequestError
from app.practice.report import ReportPeriod, practice_report, report_period, skill_rates
from app.practice.scenarios import ScenarioSet
from app.practice.simulator import open_session, reply
from app.practice.store import PracticeRecord, final_score
from tests.data_scenarios import CARELESS_REPLY, GOOD_REPLY, SCENARIOS

TEST_SET = ScenarioSet.parse(SCENARIOS)
PARCEL, PLAN = TEST_SET.scenarios
MONDAY = datetime(2030, 3, 4, 9, tzinfo=UTC)  # 2030-03-04 is a Monday


def played(scenario_index: int, replies: list[str], *, agent: str, at: datetime) -> PracticeRecord:
    scenario = TEST_SET.scenarios[scenario_index]
    session = open_session(scenario)
    for text in replies:
        if session.status == "active":
            reply(session, scenario, text)
    return PracticeRecord(
        id=f"s{at.timestamp():.0f}{agent}",
        tenant_id="acme",
        agent=agent,
        agent_name=f"name of {agent}",
        session=session,
        score=final_score(session),
        version=1,
        started_at=at,
        updated_at=at,
    )


def test_the_period_defaults_to_the_last_30_days() -> None:
    today = date(2030, 3, 31)
    assert report_period(None, None, today=today) == ReportPeriod(date(2030, 3, 2), today)
    assert report_period(date(2030, 3, 1), None, today=today).last == today
    period = report_period(date(2030, 3, 1), date(2030, 3, 1), today=today)
    assert (period.start, period.end) == (
        datetime(2030, 3, 1, tzinfo=UTC),
        datetime(2030, 3, 2, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("first", "last"), [(date(2030, 3, 2), date(2030, 3, 1)), (date(2028, 1, 1), date(2030, 1, 1))]
)
def test_a_backwards_or_too_long_period_is_a_422(first: date, last: date) -> None:
    with pytest.raises(InvalidRequestError):
        report_period(first, last, today=date(2030, 3, 31))


def test_agents_weeks_and_scenarios_are_counted() -> None:
    lost = [CARELESS_REPLY] * 8
    records = [
        played(0, [GOOD_REPLY, GOOD_REPLY, GOOD_REPLY], agent="ana", at=MONDAY),
        played(0, lost, agent="ana", at=MONDAY + timedelta(days=8)),
        played(1, [GOOD_REPLY], agent="ana", at=MONDAY + timedelta(days=9)),
        played(0, lost, agent="ben", at=MONDAY + timedelta(days=2)),
    ]
    period = ReportPeriod(date(2030, 3, 1), date(2030, 3, 31))
    found = practice_report(records, period, [TEST_SET])
    ana, ben = found.agents
    assert (ana.agent, ana.name, ana.sessions) == ("ana", "name of ana", 3)
    assert ana.outcomes["lost"] == 1 and ben.outcomes == {
        "resolved": 0,
        "escalated": 0,
        "lost": 1,
        "active": 0,
    }
    assert ana.ended == sum(ana.outcomes[o] for o in ("resolved", "escalated", "lost"))
    ended_scores = [r.score for r in records[:3] if r.score is not None]
    assert ana.mean_score == round(sum(ended_scores) / len(ended_scores), 1)
    assert [w.week for w in ana.by_week] == [date(2030, 3, 4), date(2030, 3, 11)]
    assert [w.sessions for w in ana.by_week] == [1, 2]
    assert ben.skills["positive_language"] == 0.0
    assert 0 < ana.skills["positive_language"] < 1
    # The parcel is lost in 2 of 3 sessions, the plan in none of its 1.
    assert [(s.id, s.sessions, s.lost, s.lost_rate) for s in found.scenarios] == [
        ("parcel-late", 3, 2, 0.6667),
        ("plan-choice", 1, 0, 0.0),
    ]
    assert found.scenarios[0].title == PARCEL.title


def test_a_scenario_no_longer_published_has_no_title() -> None:
    record = played(0, [GOOD_REPLY], agent="ana", at=MONDAY)
    period = ReportPeriod(date(2030, 3, 1), date(2030, 3, 31))
    found = practice_report([record], period, [ScenarioSet.default()])
    assert found.scenarios[0].title is None


def test_skill_rates_count_only_the_skills_that_applied() -> None:
    record = played(0, [GOOD_REPLY], agent="ana", at=MONDAY)
    rates = skill_rates([record])
    assert "escalation" not in rates
    assert rates["acknowledge"] == 1.0
