"""Two independent readings in, agreement (Cohen's kappa) and the settled labels out.

    python scripts/merge_labels.py                     # agreement; what a third reading must settle
    python scripts/merge_labels.py --queue /tmp/third  # the disagreements, 50 to a file, with text
    python scripts/merge_labels.py --write             # labels.jsonl from passes A, B (and C)

Reads scripts/data/real_labels/passes/{A,B,C}/*.jsonl (one line per message, the schema of
LABELLING.md as the labellers' instructions give it) and sample.jsonl (ids, split, source).
A message is settled by agreement when both readings give the same triggers, ambiguous
triggers, customer type, sentiment and requests, and intensities at most one apart (then
their mean); otherwise a third reader, who sees the text and both readings, settles it
(pass C). The text never enters the project: the third reader's batches are written with
the text from the data folder, outside it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.labels import (
    CUSTOMER_TYPES,
    MESSAGE_TRIGGER_TYPES,
    REQUEST_LABELS,
    SENTIMENT_LABELS,
)

LABELS_DIR = Path(__file__).resolve().parent / "data" / "real_labels"
TRIGGERS = MESSAGE_TRIGGER_TYPES
TYPES = CUSTOMER_TYPES
SENTIMENTS = SENTIMENT_LABELS
REQUESTS = REQUEST_LABELS


def read_pass(folder: Path) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row["id"]] = row
    return rows


def validate(row: dict) -> list[str]:
    """What is wrong with one labelled line; empty when it follows the schema."""
    problems = []
    for key in ("triggers", "ambiguous", "types", "requests"):
        if not isinstance(row.get(key), list):
            problems.append(f"{key} is not a list")
    problems += [f"unknown trigger {t}" for t in row.get("triggers", []) if t not in TRIGGERS]
    problems += [f"unknown ambiguous {t}" for t in row.get("ambiguous", []) if t not in TRIGGERS]
    problems += [f"unknown type {t}" for t in row.get("types", []) if t not in TYPES]
    problems += [f"unknown request {r}" for r in row.get("requests", []) if r not in REQUESTS]
    if not row.get("types"):
        problems.append("no type")
    if row.get("sentiment") not in SENTIMENTS:
        problems.append(f"sentiment {row.get('sentiment')!r}")
    if not isinstance(row.get("intensity"), int | float) or not 0 <= row["intensity"] <= 3:
        problems.append(f"intensity {row.get('intensity')!r}")
    if set(row.get("triggers", [])) & set(row.get("ambiguous", [])):
        problems.append("a trigger both raised and ambiguous")
    return problems


def kappa(a: list, b: list) -> float:
    """Cohen's kappa of two readers' labels over the same items."""
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[k] * count_b[k] for k in set(a) | set(b)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def agreement(first: dict[str, dict], second: dict[str, dict]) -> list[tuple[str, float, int]]:
    """(label, kappa, positives in either reading) per label, over messages read twice."""
    ids = sorted(set(first) & set(second))
    a, b = [first[i] for i in ids], [second[i] for i in ids]
    rows = []
    for trigger in TRIGGERS:
        x = [trigger in r["triggers"] for r in a]
        y = [trigger in r["triggers"] for r in b]
        rows.append(
            (f"trigger {trigger}", kappa(x, y), sum(p or q for p, q in zip(x, y, strict=True)))
        )
    x = [bool(r["triggers"]) for r in a]
    y = [bool(r["triggers"]) for r in b]
    rows.append(
        ("any trigger (escalate)", kappa(x, y), sum(p or q for p, q in zip(x, y, strict=True)))
    )
    for label, key in (("customer type", "types"), ("sentiment", "sentiment")):
        x, y = [_first(r[key]) for r in a], [_first(r[key]) for r in b]
        rows.append((label, kappa(x, y), 0))
    rows.append(
        ("intensity 0-3", kappa([r["intensity"] for r in a], [r["intensity"] for r in b]), 0)
    )
    for request in REQUESTS:
        x = [request in r["requests"] for r in a]
        y = [request in r["requests"] for r in b]
        rows.append(
            (f"request {request}", kappa(x, y), sum(p or q for p, q in zip(x, y, strict=True)))
        )
    return rows


def _first(value: list | str) -> str:
    return value[0] if isinstance(value, list) else value


def settled_by_agreement(a: dict, b: dict) -> dict | None:
    """The merged labels when two readings agree closely enough, else None."""
    same = (
        set(a["triggers"]) == set(b["triggers"])
        and set(a["ambiguous"]) == set(b["ambiguous"])
        and a["types"][0] == b["types"][0]
        and a["sentiment"] == b["sentiment"]
        and set(a["requests"]) == set(b["requests"])
        and abs(a["intensity"] - b["intensity"]) <= 1
    )
    if not same:
        return None
    types = [a["types"][0]] + [t for t in a["types"][1:] if t in b["types"]]
    return {
        "triggers": sorted(a["triggers"]),
        "ambiguous": sorted(a["ambiguous"]),
        "types": types,
        "sentiment": a["sentiment"],
        "intensity": (a["intensity"] + b["intensity"]) / 2,
        "requests": sorted(a["requests"]),
        "not_customer": bool(a.get("not_customer")) and bool(b.get("not_customer")),
        "settled_by": "agreement",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS_DIR)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--queue", type=Path, default=None, help="write third-reading batches")
    parser.add_argument("--write", action="store_true", help="write labels.jsonl")
    args = parser.parse_args()
    sample = {
        row["id"]: row
        for row in map(json.loads, (args.labels / "sample.jsonl").read_text().splitlines())
    }
    passes = {name: read_pass(args.labels / "passes" / name) for name in ("A", "B", "C")}
    for name, rows in passes.items():
        bad = {i: p for i, r in rows.items() if (p := validate(r)) or i not in sample}
        if bad:
            example = next(iter(bad.items()))
            raise SystemExit(f"pass {name}: {len(bad)} invalid rows, e.g. {example}")
    first, second, third = passes["A"], passes["B"], passes["C"]
    both = sorted(set(first) & set(second))
    print(f"read once: {len(set(first) ^ set(second))}, read twice: {len(both)}")
    print("\n| label | Cohen's kappa | positive in either reading |\n| --- | ---: | ---: |")
    for label, value, positives in agreement(first, second):
        print(f"| {label} | {value:.2f} | {positives or ''} |")
    settled: dict[str, dict] = {}
    disputed: list[str] = []
    for message_id in both:
        merged = settled_by_agreement(first[message_id], second[message_id])
        if merged is not None:
            settled[message_id] = merged
        elif message_id in third:
            settled[message_id] = {**_labels(third[message_id]), "settled_by": "third_reading"}
        else:
            disputed.append(message_id)
    print(
        f"\nsettled by agreement {sum(r['settled_by'] == 'agreement' for r in settled.values())}, "
        f"by a third reading {sum(r['settled_by'] == 'third_reading' for r in settled.values())}, "
        f"still disputed {len(disputed)}"
    )
    if args.queue:
        write_queue(args.queue, disputed, first, second, sample, args.data)
    if args.write:
        write_labels(args.labels / "labels.jsonl", settled, sample)


def _labels(row: dict) -> dict:
    keys = ("triggers", "ambiguous", "types", "sentiment", "intensity", "requests", "not_customer")
    return {k: row[k] for k in keys}


def write_queue(
    folder: Path, ids: list[str], first: dict, second: dict, sample: dict, data: Path
) -> None:
    texts: dict[str, str] = {}
    for name in sorted({sample[i]["file"] for i in ids}):
        with (data / "real_support_text" / name).open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                texts[row["id"]] = row["text"]
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(ids), 50):
        with (folder / f"c{start // 50:03d}.jsonl").open("w", encoding="utf-8") as handle:
            for message_id in ids[start : start + 50]:
                item = {
                    "id": message_id,
                    "text": texts[message_id],
                    "reading_1": _labels(first[message_id]),
                    "reading_2": _labels(second[message_id]),
                }
                handle.write(json.dumps(item) + "\n")
    print(f"wrote {len(ids)} disputed messages to {folder}")


def write_labels(path: Path, settled: dict[str, dict], sample: dict) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for message_id in sorted(settled):
            meta = {k: sample[message_id][k] for k in ("split", "file", "group")}
            handle.write(json.dumps({"id": message_id, **meta, **settled[message_id]}) + "\n")
    print(f"wrote {len(settled)} labelled messages to {path}")


if __name__ == "__main__":
    main()
