"""Practice results to /v1/practice response models: sessions, feedback, the report."""

from __future__ import annotations

from dataclasses import asdict

from app.api.practice_schemas import (
    AgentReportOut,
    CustomerMessageOut,
    FactsOut,
    FeedbackOut,
    OutcomesOut,
    PersonaOut,
    PracticeReplyResponse,
    PracticeReportOut,
    PracticeTurnOut,
    ScenarioOut,
    ScenarioReportOut,
    ScenarioSummaryOut,
    ScoreCardOut,
    SessionOut,
    SessionStarted,
    SkillFeedbackOut,
    WeekOut,
)
from app.practice.judge import Judgement
from app.practice.report import PracticeReport
from app.practice.scenarios import Scenario
from app.practice.sessions import Played
from app.practice.simulator import ENDED, Turn, score_card


def summary_out(scenario: Scenario) -> ScenarioSummaryOut:
    return ScenarioSummaryOut(
        id=scenario.id,
        title=scenario.title,
        customer_type=scenario.customer_type,
        root_cause=scenario.root_cause,
        triggers=list(scenario.triggers),
        difficulty=scenario.difficulty,
        channel=scenario.channel,
        persona_name=scenario.persona.name,
    )


def started_out(played: Played, request_id: str) -> SessionStarted:
    session = played.record.session
    return SessionStarted(
        id=played.record.id,
        status=session.status,
        mood=session.mood,
        agent=played.record.agent,
        scenario=scenario_out(played.scenario),
        turns=[turn_out(t) for t in session.turns],
        request_id=request_id,
    )


def reply_out(played: Played, request_id: str) -> PracticeReplyResponse:
    exchange = played.exchange
    assert exchange is not None  # sessions.answer always plays a reply
    return PracticeReplyResponse(
        customer=CustomerMessageOut(text=exchange.customer.text) if exchange.customer else None,
        mood=played.record.session.mood,
        mood_change=exchange.mood_change,
        status=exchange.status,
        ended=exchange.status in ENDED,
        feedback=feedback_out(exchange.judgement),
        request_id=request_id,
    )


def session_out(played: Played, request_id: str) -> SessionOut:
    """The transcript, with the score card so far."""
    record, session = played.record, played.record.session
    card = score_card(session)
    return SessionOut(
        id=record.id,
        status=session.status,
        mood=session.mood,
        agent=record.agent,
        agent_name=record.agent_name,
        scenario=scenario_out(played.scenario),
        turns=[turn_out(t) for t in session.turns],
        started_at=record.started_at,
        updated_at=record.updated_at,
        score_card=ScoreCardOut(
            status=card.status,
            score=card.score,
            replies=card.replies,
            final_mood=card.final_mood,
            skills=card.skills,
            strengths=list(card.strengths),
            to_practise=list(card.to_practise),
        ),
        request_id=request_id,
    )


def scenario_out(scenario: Scenario) -> ScenarioOut:
    facts = scenario.facts
    return ScenarioOut(
        id=scenario.id,
        title=scenario.title,
        customer_type=scenario.customer_type,
        root_cause=scenario.root_cause,
        triggers=list(scenario.triggers),
        difficulty=scenario.difficulty,
        channel=scenario.channel,
        persona=PersonaOut(name=scenario.persona.name, summary=scenario.persona.summary),
        facts=FactsOut(
            reference=facts.reference,
            what_went_wrong=facts.what_went_wrong,
            timeline=list(facts.timeline),
            may_offer=list(facts.may_offer),
            may_not_offer=list(facts.may_not_offer),
        ),
    )


def turn_out(turn: Turn) -> PracticeTurnOut:
    return PracticeTurnOut(
        role=turn.role,
        text=turn.text,
        mood=turn.mood,
        feedback=[SkillFeedbackOut(**r) for r in turn.feedback] if turn.feedback else None,
        score=turn.score,
    )


def feedback_out(judgement: Judgement) -> FeedbackOut:
    return FeedbackOut(
        score=judgement.score,
        skills=[SkillFeedbackOut(**asdict(r)) for r in judgement.results],
    )


def report_out(found: PracticeReport, request_id: str) -> PracticeReportOut:
    return PracticeReportOut(
        start=found.period.first,
        end=found.period.last,
        agents=[
            AgentReportOut(
                agent=a.agent,
                name=a.name,
                sessions=a.sessions,
                ended=a.ended,
                mean_score=a.mean_score,
                outcomes=OutcomesOut(**a.outcomes),
                skills=a.skills,
                by_week=[
                    WeekOut(
                        week=w.week, sessions=w.sessions, mean_score=w.mean_score, skills=w.skills
                    )
                    for w in a.by_week
                ],
            )
            for a in found.agents
        ],
        scenarios=[
            ScenarioReportOut(
                id=s.id, title=s.title, sessions=s.sessions, lost=s.lost, lost_rate=s.lost_rate
            )
            for s in found.scenarios
        ],
        request_id=request_id,
    )
