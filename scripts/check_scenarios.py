"""Read every practice scenario message with the real engine; print what it reads differently.

    python scripts/check_scenarios.py [--file app/resources/practice_scenarios.yaml]

Each customer message in a scenario says the customer type and the message triggers it is
written to show; this runs them through the shipped model and the engine (nothing stored) and
prints each message read otherwise, then the counts. The same check runs in
tests/practice/test_scenario_messages.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.config import Settings  # noqa: E402
from app.engine.memory import ConversationMemory  # noqa: E402
from app.engine.triage import TriageEngine  # noqa: E402
from app.model.loading import load_classifier  # noqa: E402
from app.practice.reading import misreadings  # noqa: E402
from app.practice.scenarios import ScenarioSet, coverage_gaps  # noqa: E402
from app.replies.bank import ResponseBank  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()
    scenarios = ScenarioSet.load(args.file) if args.file else ScenarioSet.default()
    settings = Settings(data_dir=Path(tempfile.mkdtemp()))
    engine = TriageEngine.from_settings(
        load_classifier(settings),
        settings,
        bank=ResponseBank.default(),
        memory=ConversationMemory.from_settings(settings),
    )
    wrong = misreadings(engine, scenarios)
    for line in wrong:
        print(line)
    total = sum(len(list(s.messages())) for s in scenarios.scenarios)
    print(f"{len(scenarios.scenarios)} scenarios, {total} messages, {len(wrong)} read otherwise")
    for gap in coverage_gaps(scenarios):
        print(gap)


if __name__ == "__main__":
    main()
