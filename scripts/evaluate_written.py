"""The message triggers as served, on the project's own written messages: a regression view.

    python scripts/evaluate_written.py                  # this release and the previous one
    python scripts/evaluate_written.py --previous ''    # this release only

Three sets, none of them real customers' words, so none of these figures is a quality claim
(scripts/evaluate_real.py gives those):
- the held-out part of scripts/data/trigger_examples.jsonl (by id hash: the train part
  teaches the trigger head, see scripts/train_real_heads.py), mostly hard negatives;
- every customer message of the practice scenarios (app/resources/scenarios), with the
  triggers each is written to raise;
- the trigger case table (tests/trigger_cases.py), written with the patterns.
A model that reads a word rather than the sentence ("refund" in "ok, the refund is fine")
shows here first: as false escalations of messages written to raise nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.practice.scenarios import ScenarioSet
from scripts.datasets import by_hash, read_jsonl
from scripts.evaluate_real import PREVIOUS_RELEASE, ROOT, engine_decisions, previous_models
from scripts.train_real_heads import PROJECT_TRIGGERS
from tests.trigger_cases import CASES

Labelled = list[tuple[str, frozenset[str]]]


def written_sets() -> dict[str, Labelled]:
    held_out = [
        row for part in ("dev", "test") for row in by_hash(read_jsonl(PROJECT_TRIGGERS))[part]
    ]
    scenarios = [
        (message.text, frozenset(message.triggers))
        for scenario in ScenarioSet.default().scenarios
        for _, message in scenario.messages()
    ]
    return {
        "written trigger examples, held out": [
            (r["text"], frozenset(r["triggers"])) for r in held_out
        ],
        "practice scenarios' messages": scenarios,
        "trigger case table": [(text, frozenset(want)) for text, want in CASES],
    }


def scores(labelled: Labelled, found: Sequence[frozenset[str]]) -> str:
    tp = sum(len(got & want) for (_, want), got in zip(labelled, found, strict=True))
    fp = sum(len(got - want) for (_, want), got in zip(labelled, found, strict=True))
    fn = sum(len(want - got) for (_, want), got in zip(labelled, found, strict=True))
    quiet = [i for i, (_, want) in enumerate(labelled) if not want]
    raised = sum(bool(found[i]) for i in quiet)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:.2f} | {r:.2f} | {f1:.2f} | {raised} of {len(quiet)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--previous", default=PREVIOUS_RELEASE, help="git commit, or '' to skip")
    args = parser.parse_args()
    sets = written_sets()
    texts = [text for labelled in sets.values() for text, _ in labelled]
    with tempfile.TemporaryDirectory() as folder:
        systems = {"this release": args.models}
        if args.previous:
            systems[f"previous ({args.previous})"] = previous_models(
                args.previous, Path(folder) / "previous"
            )
        print("| set | messages | system | precision | recall | F1 | raised, of written quiet |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        found_by_system = {
            name: [
                frozenset(d.triggers - {"worsening_sentiment"})
                for d in engine_decisions(models, texts, cache=Path(folder) / name)
            ]
            for name, models in systems.items()
        }
        start = 0
        for set_name, labelled in sets.items():
            for name, found in found_by_system.items():
                part = found[start : start + len(labelled)]
                print(f"| {set_name} | {len(labelled)} | {name} | {scores(labelled, part)} |")
            start += len(labelled)


if __name__ == "__main__":
    main()
