"""What the trained heads are, read from models/heads.json without loading any weights.

Torch-free: the ONNX runtime serves from these names, and start-up checks the model
directory with them before the slow load.
"""

from __future__ import annotations

import json
from pathlib import Path

from safetensors import SafetensorError, safe_open

from app.core.errors import ModelLoadError
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

HEADS_FILE = "heads.safetensors"
META_FILE = "heads.json"
# Per trigger: the model's threshold and whether the patterns still raise it (chosen on dev).
POLICY_FILE = "trigger_policy.json"
HEAD_LABELS: dict[str, tuple[str, ...]] = {
    "sentiment": SENTIMENT_LABELS,
    "emotions": EMOTION_LABELS,
    "intents": INTENT_LABELS,
    "customer_type": CUSTOMER_TYPES,
    "root_cause": ROOT_CAUSES,
    # Learned from real customers' messages, read and labelled (scripts/train_real_heads.py).
    "triggers": MESSAGE_TRIGGER_TYPES,
    "requests": REQUEST_LABELS,
    "intensity": INTENSITY_LEVELS,
}
MULTILABEL_HEADS = frozenset({"emotions", "intents", "customer_type", "triggers", "requests"})
REQUIRED_HEADS = ("sentiment", "emotions")


def read_meta(models_dir: Path) -> dict:
    """heads.json, checked: the required heads are there, each with the labels it must have."""
    path = models_dir / META_FILE
    try:
        meta = json.loads(path.read_text())
        specs = meta["heads"]
        for name in REQUIRED_HEADS:
            if name not in specs:
                raise ModelLoadError(f"{path}: no {name} head")
        for name, spec in specs.items():
            if tuple(spec["labels"]) != HEAD_LABELS.get(name):
                raise ModelLoadError(f"{path}: labels of the {name} head do not match")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"cannot load the heads from {models_dir}: {exc!r}") from exc
    return meta


def check_models_dir(models_dir: Path) -> dict:
    """The cheap start-up check: heads.json is sound and every head has weights on disk."""
    meta = read_meta(models_dir)
    try:
        with safe_open(str(models_dir / HEADS_FILE), framework="numpy") as tensors:
            names = {key.split(".")[0] for key in tensors.keys()}  # noqa: SIM118
    except (OSError, ValueError, RuntimeError, SafetensorError) as exc:
        raise ModelLoadError(f"cannot load the heads from {models_dir}: {exc!r}") from exc
    missing = set(meta["heads"]) - names
    if missing:
        raise ModelLoadError(f"{models_dir / HEADS_FILE}: no weights for {sorted(missing)}")
    return meta


def read_trigger_policy(models_dir: Path) -> dict[str, dict]:
    """Each trigger's {"threshold", "pattern_threshold"} as trained; empty without a policy."""
    path = models_dir / POLICY_FILE
    if not path.exists():
        return {}
    try:
        triggers = json.loads(path.read_text())["triggers"]
        return {
            name: {
                "threshold": float(rule["threshold"]),
                "pattern_threshold": float(rule["pattern_threshold"]),
            }
            for name, rule in triggers.items()
            if name in HEAD_LABELS["triggers"]
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"cannot read {path}: {exc!r}") from exc
