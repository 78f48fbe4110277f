"""Play every practice scenario with two scripted agents and print how each fares.

    python scripts/practice_proof.py [--transcripts]

One agent sends what the service recommends (its playbook, filled with the case's facts);
the other is careless (phrases to avoid, arguing, ignoring a request for a lead). Prints,
per agent, the endings and the mean score; with --transcripts, one session of each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.config import Settings  # noqa: E402
from app.engine.memory import ConversationMemory  # noqa: E402
from app.engine.triage import TriageEngine  # noqa: E402
from app.model.loading import load_classifier  # noqa: E402
from app.practice.rehearsal import careless_agent, play, service_agent  # noqa: E402
from app.practice.scenarios import ScenarioSet  # noqa: E402
from app.practice.simulator import Session, score_card  # noqa: E402
from app.replies.bank import ResponseBank  # noqa: E402


def transcript(session: Session) -> str:
    lines = []
    for turn in session.turns:
        lines.append(f"  {turn.role:8} (mood {turn.mood:3}) {turn.text}")
        for result in turn.feedback or ():
            if result["outcome"] != "good":
                lines.append(f"           {result['skill']}: {result['outcome']}: {result['note']}")
    card = score_card(session)
    lines.append(f"  ended {session.status}, score {card.score}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", action="store_true")
    args = parser.parse_args()
    settings = Settings(data_dir=Path(tempfile.mkdtemp()))
    engine = TriageEngine.from_settings(
        load_classifier(settings),
        settings,
        bank=ResponseBank.default(),
        memory=ConversationMemory.from_settings(settings),
    )
    scenarios = ScenarioSet.default().scenarios
    for name, agent in (("service playbook", service_agent(engine)), ("careless", careless_agent)):
        sessions = [play(s, agent) for s in scenarios]
        endings = Counter(s.status for s in sessions)
        well = endings["resolved"] + endings["escalated"]
        mean = sum(score_card(s).score for s in sessions) / len(sessions)
        print(
            f"{name}: {len(sessions)} scenarios; ended well {well} ({well / len(sessions):.0%}: "
            f"resolved {endings['resolved']}, escalated {endings['escalated']}), "
            f"lost {endings['lost']} ({endings['lost'] / len(sessions):.0%}); "
            f"mean score {mean:.0f}"
        )
        failures = [
            (sc.id, se.status)
            for sc, se in zip(scenarios, sessions, strict=True)
            if (se.status == "lost") == (name == "service playbook")
        ]
        if failures:
            print("  not as expected:", ", ".join(f"{i} ({s})" for i, s in failures))
        if args.transcripts:
            print(f"\n{scenarios[0].id}, {name}:\n{transcript(sessions[0])}\n")


if __name__ == "__main__":
    main()
