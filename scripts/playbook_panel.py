"""The playbook review panel: blind side-by-side packets, and the tables from the verdicts.

    python scripts/playbook_panel.py packets --data ../shared/data --out /tmp/panel
    python scripts/playbook_panel.py tables

`packets` draws the sample (the project's hand-written messages plus real customers'
messages from the frozen test split, seeded), builds each message's playbook with this
working tree and with an earlier release (a git worktree of --old), and writes review
packets in which the two versions appear as A and B in a seeded random order. The packets
quote real customers' text, so they go to --out, never into the repository; the sample ids
and the key (which letter is which version) are written to docs/evaluation/playbook_panel/.
Reviewers fill one verdict per message and version (see rubric.md), saved as
verdicts.jsonl; `tables` joins them with the key and prints the before / after tables.
A later round (`--round 2`) judges new messages: its own hand-written file
(handwritten_2.jsonl) and real messages no earlier round drew. Once the test split is drawn
out, real messages nobody labelled make up the rest; a reader labels their asks, blind to the
playbooks, and `asks` writes them into the round's sample:

    python scripts/playbook_panel.py asks --round 54 --labels /tmp/asks_54.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PANEL = ROOT / "docs" / "evaluation" / "playbook_panel"
LABELS = ROOT / "scripts" / "data" / "real_labels" / "labels.jsonl"
PREVIOUS_RELEASE = "d8ea178"  # the release the first panel judged
REAL_MESSAGES = 30
MAX_CHARS = 1500  # long complaint narratives are cut for reading; the engine sees them whole
SEED = 16
# Where each source's customers wrote: tweets are social, complaint forms read like email.
CHANNEL_OF_FILE = {
    "twcs_inbound.jsonl": "social",
    "twcs_ericsson_topic_labelled.jsonl": "social",
    "telecom_tweets_2015.jsonl": "social",
    "ibm_twitter_customer_care.jsonl": "social",
    "cfpb_complaint_narratives.jsonl": "email",
    "fcc_comcast_complaints_2015.jsonl": "email",
    "trustpilot_pet_insurance_reviews.jsonl": "email",
}
USES = ("as_is", "edits", "no")
SCORES = ("relevance", "order", "safety", "tone")

# Runs inside either checkout: the engine of that version, alone, on each message.
RUNNER = """
import json, sys, tempfile
from app.core.config import Settings
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine, TriageInput
from app.model.loading import load_classifier
from app.replies.bank import ResponseBank

settings = Settings(data_dir=tempfile.mkdtemp())
engine = TriageEngine.from_settings(
    load_classifier(settings), settings, bank=ResponseBank.default(),
    memory=ConversationMemory.from_settings(settings),
)
out = {}
for row in json.load(open(sys.argv[1])):
    [result] = engine.triage([TriageInput(text=row["text"], channel=row["channel"])])
    out[row["id"]] = {
        "steps": [[s.step, r.text] for s in result.playbook.steps for r in s.responses],
        "avoid": list(result.playbook.avoid),
        # What the answer says of the message's language, beside the playbook in a helpdesk.
        "language": getattr(getattr(result, "language", None), "code", None),
    }
json.dump(out, open(sys.argv[2], "w"))
"""


def read_jsonl(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def suffix(round_number: int) -> str:
    """File names of a panel round: the first has none, later ones `_2`, `_3`..."""
    return "" if round_number == 1 else f"_{round_number}"


def judged_before(round_number: int) -> set[str]:
    """Ids judged in other rounds: a message is judged once."""
    seen: set[str] = set()
    for path in PANEL.glob("sample*.json"):
        if path.name != f"sample{suffix(round_number)}.json":
            seen |= {m["id"] for m in json.loads(path.read_text(encoding="utf-8"))}
    return seen


def draw_real(
    data: Path,
    count: int,
    rng: random.Random,
    exclude: Collection[str] = (),
) -> list[dict]:
    """Real test-split messages, a few per request so every request type is judged."""
    rows = [
        r
        for r in read_jsonl(LABELS)
        if r["split"] == "test" and not r.get("not_customer") and r["id"] not in exclude
    ]
    rng.shuffle(rows)
    picked: list[dict] = []
    for request in sorted({q for r in rows for q in r["requests"]}):
        picked += [r for r in rows if request in r["requests"] and r not in picked][:2]
    picked += [r for r in rows if r not in picked][: max(0, count - len(picked))]
    picked = picked[:count]
    wanted = {r["id"]: r for r in picked}
    texts: dict[str, str] = {}
    for path in sorted((data / "real_support_text").glob("*.jsonl")):
        for row in read_jsonl(path):
            if row["id"] in wanted:
                texts[row["id"]] = row["text"]
    return [
        {
            "id": r["id"],
            "channel": CHANNEL_OF_FILE.get(r["file"], "email"),
            "text": texts[r["id"]],
            "asks": r["requests"],
        }
        for r in picked
        if r["id"] in texts
    ]


def draw_unlabelled(
    data: Path,
    count: int,
    rng: random.Random,
    exclude: Collection[str] = (),
) -> list[dict]:
    """Real messages outside the labelled data, taken in turn from each source, seeded.

    The frozen test split is drawn out after 53 rounds; messages nobody labelled were never
    read, tuned on or scored either, so they stand in for it. Their asks are not known when
    they are drawn: `asks` is None until a reader labels them (the `asks` command).
    """
    labelled = {r["id"] for r in read_jsonl(LABELS)}
    pools: dict[str, list[dict]] = {}
    for path in sorted((data / "real_support_text").glob("*.jsonl")):
        rows = [
            row
            for row in read_jsonl(path)
            if row["id"] not in labelled and row["id"] not in exclude and len(row["text"]) >= 20
        ]
        rng.shuffle(rows)
        pools[path.name] = rows
    picked: list[dict] = []
    names = [name for name in sorted(pools) if pools[name]]
    while len(picked) < count and names:
        for name in list(names):
            if len(picked) == count:
                break
            row = pools[name].pop()
            picked.append(
                {
                    "id": row["id"],
                    "channel": CHANNEL_OF_FILE.get(name, "email"),
                    "text": row["text"],
                    "asks": None,
                }
            )
            if not pools[name]:
                names.remove(name)
    return picked


def playbooks(checkout: Path, messages: Sequence[dict], work: Path) -> dict[str, dict]:
    """Each message's playbook as that checkout's engine builds it."""
    given, taken = work / f"in-{checkout.name}.json", work / f"out-{checkout.name}.json"
    given.write_text(json.dumps(list(messages)), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-c", RUNNER, str(given), str(taken)],
        cwd=checkout,
        env={
            "PYTHONPATH": str(checkout),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PATH": "/usr/bin:/bin",
        },
        check=True,
    )
    return json.loads(taken.read_text(encoding="utf-8"))


def render(playbook: dict) -> str:
    lines = [f"{n}. [{step}] {text}" for n, (step, text) in enumerate(playbook["steps"], 1)]
    lines.append(f"Phrases to avoid: {', '.join(playbook['avoid']) or '(none)'}")
    language = playbook.get("language")
    if language and language != "en":
        # The answer's `language` field: the agent replies in the customer's language.
        lines.append(f"Customer's language: {language}")
    return "\n".join(lines)


def packets(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed + args.round - 1)
    tag = suffix(args.round)
    written = list(read_jsonl(PANEL / f"handwritten{tag}.jsonl"))
    judged = judged_before(args.round)
    real = draw_real(args.data, args.real, rng, judged)
    if len(real) < args.real:
        real += draw_unlabelled(args.data, args.real - len(real), rng, judged)
    messages = written + real
    rng.shuffle(messages)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        old = work / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old), args.old],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            before = playbooks(old, messages, work)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
        after = playbooks(ROOT, messages, work)
    key: dict[str, dict[str, str]] = {}
    batches: dict[int, list[str]] = defaultdict(list)
    for number, message in enumerate(messages):
        versions = {"old": before[message["id"]], "new": after[message["id"]]}
        order = ["old", "new"]
        rng.shuffle(order)
        key[message["id"]] = {"A": order[0], "B": order[1]}
        text = message["text"]
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS] + " [...]"
        batches[number % args.batches].append(
            f"## Message {message['id']} (channel: {message['channel']})\n\n{text}\n\n"
            f"### Playbook A\n{render(versions[order[0]])}\n\n"
            f"### Playbook B\n{render(versions[order[1]])}\n"
        )
    for batch, parts in batches.items():
        (args.out / f"batch_{batch + 1}.md").write_text("\n\n".join(parts), encoding="utf-8")
    sample = [{"id": m["id"], "channel": m["channel"], "asks": m["asks"]} for m in messages]
    (PANEL / f"sample{tag}.json").write_text(json.dumps(sample, indent=1) + "\n", "utf-8")
    (PANEL / f"key{tag}.json").write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(messages)} messages ({len(written)} hand-written) in {args.batches} batches "
        f"under {args.out}; sample and key in {PANEL.relative_to(ROOT)}"
    )


def tables(args: argparse.Namespace) -> None:
    tag = suffix(args.round)
    key = json.loads((PANEL / f"key{tag}.json").read_text(encoding="utf-8"))
    sample = {m["id"]: m for m in json.loads((PANEL / f"sample{tag}.json").read_text("utf-8"))}
    by_version: dict[str, list[dict]] = defaultdict(list)
    for verdict in read_jsonl(args.verdicts or PANEL / f"verdicts{tag}.jsonl"):
        version = key[verdict["id"]][verdict["playbook"]]
        by_version[version].append(verdict)
    labelled = {r["id"] for r in read_jsonl(LABELS)}
    written = sum(m["id"].startswith("hw") for m in sample.values())
    unlabelled = sum(1 for m in sample if not m.startswith("hw") and m not in labelled)
    lines = [
        f"Messages judged: {len({v['id'] for vs in by_version.values() for v in vs})} "
        f"({written} hand-written, {len(sample) - written - unlabelled} real customers' "
        f"messages from the frozen test split, {unlabelled} real ones nobody labelled)",
        "",
        "| | before | after |",
        "| --- | --- | --- |",
    ]

    def row(name: str, value: callable) -> None:  # type: ignore[valid-type]
        cells = [value(by_version[v]) if by_version[v] else "-" for v in ("old", "new")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    def share(verdicts: list[dict], test: callable) -> str:  # type: ignore[valid-type]
        hits = sum(1 for v in verdicts if test(v))
        return f"{100 * hits / len(verdicts):.0f}% ({hits}/{len(verdicts)})"

    row("usable: as is or with light edits", lambda vs: share(vs, lambda v: v["use"] != "no"))
    for use in USES:
        row(
            f"would send: {use.replace('_', ' ')}",
            lambda vs, u=use: share(vs, lambda v: v["use"] == u),
        )
    for score in SCORES:
        row(f"{score} (mean, 0-2)", lambda vs, s=score: f"{sum(v[s] for v in vs) / len(vs):.2f}")
    row("safety of promises 2", lambda vs: share(vs, lambda v: v["safety"] == 2))
    row("the request answered", lambda vs: share(vs, lambda v: v["request_answered"]))
    lines += [
        "",
        "Request answered, by the request the message makes (after):",
        "",
        "| request | messages | answered |",
        "| --- | --- | --- |",
    ]
    answered: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for verdict in by_version["new"]:
        for ask in sample[verdict["id"]]["asks"] or ():
            seen[ask] += 1
            answered[ask] += bool(verdict["request_answered"])
    for ask in sorted(seen):
        lines.append(f"| {ask} | {seen[ask]} | {answered[ask]} |")
    print("\n".join(lines))


def asks(args: argparse.Namespace) -> None:
    """Fill the asks of a round's unlabelled real messages from a reader's labels."""
    path = PANEL / f"sample{suffix(args.round)}.json"
    sample = json.loads(path.read_text(encoding="utf-8"))
    read = {row["id"]: row["asks"] for row in read_jsonl(args.labels)}
    filled = 0
    for message in sample:
        if message["asks"] is None and message["id"] in read:
            message["asks"] = read[message["id"]]
            filled += 1
    path.write_text(json.dumps(sample, indent=1) + "\n", encoding="utf-8")
    missing = sum(1 for m in sample if m["asks"] is None)
    print(f"{filled} messages' asks filled; {missing} still unlabelled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("packets", help="draw the sample and write blind packets")
    make.add_argument("--data", type=Path, default=Path("../shared/data"))
    make.add_argument("--out", type=Path, required=True, help="outside the repository")
    make.add_argument("--old", default=PREVIOUS_RELEASE, help="git commit of the 'before'")
    make.add_argument("--real", type=int, default=REAL_MESSAGES)
    make.add_argument("--batches", type=int, default=4)
    make.add_argument("--seed", type=int, default=SEED)
    make.add_argument("--round", type=int, default=1, help="a later round judges new messages")
    label = commands.add_parser("asks", help="fill unlabelled real messages' asks")
    label.add_argument("--round", type=int, required=True)
    label.add_argument(
        "--labels", type=Path, required=True, help="JSON lines of id and asks, read blind"
    )
    judge = commands.add_parser("tables", help="before / after tables from the verdicts")
    judge.add_argument("--round", type=int, default=1)
    judge.add_argument("--verdicts", type=Path, default=None, help="default: the round's file")
    args = parser.parse_args()
    if args.command == "packets":
        if ROOT in args.out.resolve().parents or args.out.resolve() == ROOT:
            parser.error("--out quotes real customers' text: keep it outside the repository")
        packets(args)
    elif args.command == "asks":
        asks(args)
    else:
        tables(args)


if __name__ == "__main__":
    main()
