"""Every labelled source the models learn from, as train/dev/test lists of examples.

Public sets come from the data folder (never committed); the project's own labelled
messages live in scripts/data/. Each source says which heads it supervises.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from app.core.labels import (
    CUSTOMER_TYPES,
    EMOTION_LABELS,
    INTENSITY_LEVELS,
    INTENT_LABELS,
    MESSAGE_TRIGGER_TYPES,
    REQUEST_LABELS,
    ROOT_CAUSES,
    SENTIMENT_LABELS,
)

PROJECT_DATA = Path(__file__).resolve().parent / "data"
SPLITS = ("train", "dev", "test")

# Bitext intents that mean one of ours; the rest are plain requests with no such intent.
BITEXT_INTENTS = {
    "contact_human_agent": ["human_request"],
    "get_refund": ["refund_request"],
    "cancel_order": ["cancel_request"],
    "delete_account": ["cancel_request"],
}
# Too close to call either way ("how do I reach customer service?"): left out of training.
BITEXT_AMBIGUOUS = {"contact_customer_service"}


@dataclass
class Example:
    text: str
    targets: dict[str, list[int] | int] = field(default_factory=dict)


@dataclass
class Source:
    name: str
    heads: tuple[str, ...]
    splits: dict[str, list[Example]]


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split_of(key: str) -> str:
    """A fixed 60/20/20 split by a hash of the key, so adding rows never reshuffles it."""
    bucket = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 5
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


def by_hash(rows: list[dict], key: str = "id") -> dict[str, list[dict]]:
    parts: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for row in rows:
        parts[split_of(str(row[key]))].append(row)
    return parts


def multi_hot(values: list[str], labels: tuple[str, ...]) -> list[int]:
    unknown = set(values) - set(labels)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    return [int(label in values) for label in labels]


def tweets(data: Path) -> Source:
    folder = data / "tweeteval_sentiment"
    files = {"train": "train_reconstructed.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"}
    return Source(
        "tweeteval_sentiment",
        ("sentiment",),
        {
            split: [
                Example(r["text"], {"sentiment": SENTIMENT_LABELS.index(r["label"])})
                for r in read_jsonl(folder / name)
            ]
            for split, name in files.items()
        },
    )


def goemotions(data: Path) -> Source:
    folder = data / "goemotions"
    return Source(
        "goemotions",
        ("emotions",),
        {
            split: [
                Example(r["text"], {"emotions": multi_hot(r["labels"], EMOTION_LABELS)})
                for r in read_jsonl(folder / f"{split}.jsonl")
            ]
            for split in SPLITS
        },
    )


def support_messages(path: Path) -> Source:
    parts = by_hash(read_jsonl(path))
    return Source(
        "support_messages",
        ("sentiment", "customer_type"),
        {
            split: [
                Example(
                    r["text"],
                    {
                        "sentiment": SENTIMENT_LABELS.index(r["sentiment"]),
                        "customer_type": multi_hot(r["customer_types"], CUSTOMER_TYPES),
                    },
                )
                for r in rows
            ]
            for split, rows in parts.items()
        },
    )


def intents(data: Path, path: Path) -> Source:
    """Bitext's machine-generated requests plus the project's own, with hard negatives."""
    rows = [
        {
            "key": f"bitext:{r['text']}",
            "text": r["text"],
            "intents": BITEXT_INTENTS.get(r["label"], []),
        }
        for r in read_jsonl(data / "bitext_customer_support" / "train.jsonl")
        if r["label"] not in BITEXT_AMBIGUOUS
    ]
    rows += [{"key": r["id"], "text": r["text"], "intents": r["intents"]} for r in read_jsonl(path)]
    parts = by_hash(rows, key="key")
    return Source(
        "intents",
        ("intents",),
        {
            split: [
                Example(r["text"], {"intents": multi_hot(r["intents"], INTENT_LABELS)})
                for r in rows
            ]
            for split, rows in parts.items()
        },
    )


def root_causes(path: Path) -> Source:
    parts = by_hash(read_jsonl(path))
    return Source(
        "root_causes",
        ("root_cause",),
        {
            split: [
                Example(r["text"], {"root_cause": ROOT_CAUSES.index(r["root_cause"])}) for r in rows
            ]
            for split, rows in parts.items()
        },
    )


# Labelled for evaluation only: Trustpilot's terms allow no reuse beyond internal labelling,
# so no shipped weight learns from these reviews (models/MODEL_CARD.md, "Data and licences").
EVALUATION_ONLY_FILES = frozenset({"trustpilot_pet_insurance_reviews.jsonl"})


def trainable(row: dict) -> bool:
    """Whether a labelled real message may teach a shipped weight (its split aside)."""
    return row["split"] != "train" or row["file"] not in EVALUATION_ONLY_FILES


def real_support(data: Path, labels: Path) -> Source:
    """Real customers' messages, read and labelled twice (scripts/data/real_labels/).

    The split is the frozen one drawn by scripts/sample_real.py (by company). A trigger
    the readers found ambiguous is a 0.5 target: the loss then pulls it neither way.
    """
    rows = [row for row in read_jsonl(labels) if trainable(row)]
    wanted = {r["id"] for r in rows}
    texts: dict[str, str] = {}
    for path in sorted((data / "real_support_text").glob("*.jsonl")):
        for row in read_jsonl(path):
            if row["id"] in wanted:
                texts[row["id"]] = row["text"]

    def example(row: dict) -> Example:
        triggers = [
            1.0 if t in row["triggers"] else 0.5 if t in row["ambiguous"] else 0.0
            for t in MESSAGE_TRIGGER_TYPES
        ]
        return Example(
            texts[row["id"]],
            {
                "triggers": triggers,  # type: ignore[dict-item]
                "requests": multi_hot(row["requests"], REQUEST_LABELS),
                "intensity": min(round(row["intensity"] + 1e-9), len(INTENSITY_LEVELS) - 1),
                "customer_type": multi_hot(row["types"], CUSTOMER_TYPES),
            },
        )

    return Source(
        "real_support",
        ("triggers", "requests", "intensity", "customer_type"),
        {split: [example(r) for r in rows if r["split"] == split] for split in SPLITS},
    )


def support_phrasing(project: Path = PROJECT_DATA) -> list[dict]:
    """The project's hard support-phrasing cases: evaluation only, never trained on."""
    return read_jsonl(project / "support_phrasing_test.jsonl")


def all_sources(data: Path, project: Path = PROJECT_DATA) -> list[Source]:
    """Public sets from `data`, the project's own labelled messages from `project`."""
    return [
        tweets(data),
        goemotions(data),
        support_messages(project / "support_messages.jsonl"),
        intents(data, project / "intent_examples.jsonl"),
        root_causes(project / "root_cause_messages.jsonl"),
        real_support(data, project / "real_labels" / "labels.jsonl"),
    ]
