"""Heads learned from real customers' messages: triggers, requests, intensity, customer type.

    python scripts/train_real_heads.py --data ../shared/data --models models
    python scripts/train_real_heads.py --data ../shared/data --models models --only triggers

The shared encoder (with its adapter) stays as it is, so every other head keeps its scores;
the new heads read the same forward pass: the pooled embedding, and for the triggers the
token states too (a TokenAttentionHead: mean pooling averages away the few words that carry
a trigger). Trained on the train split of scripts/data/real_labels/labels.jsonl (plus the
project's own support messages for the customer type, its written requests for a person,
and its written trigger examples, mostly hard negatives), chosen on dev, never on test:

- each multi-label head reads a long message window by window and keeps a label's highest
  logit, as the service aggregates (multiple-instance learning), so training and serving
  agree;
- ambiguous triggers are left out of the loss and of every figure;
- confidences are calibrated on dev (a temperature folded into the last layer);
- each trigger gets two bars, both on dev, precision first: the model's own threshold, and
  how sure the model must be for one of the trigger's patterns to count (0: every match
  counts; the threshold itself: the patterns only give the evidence its span). Each
  trigger starts at its best F0.5 (precision weighs twice recall); then the bars move, one
  at a time, where they raise dev micro-F1 most, while no more than FALSE_ESCALATION_BUDGET
  of trigger-free dev messages would be escalated and no trigger's dev precision falls
  under RECALL_PRECISION_FLOOR. The policy is kept in models/trigger_policy.json, which the
  engine reads; the file says where precision stays under PRECISION_FLOOR.

`--only` retrains some heads and keeps the others' weights and thresholds as saved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.config import Settings
from app.core.labels import (
    CUSTOMER_TYPES,
    INTENSITY_LEVELS,
    MESSAGE_TRIGGER_TYPES,
    REQUEST_LABELS,
)
from app.engine.triggers import TriggerDetector
from app.model.base import ADAPTER_FILE
from app.model.head_specs import POLICY_FILE
from app.model.heads import Heads, TokenAttentionHead, build_head, mean_pool
from app.model.torch_model import MiniLMClassifier
from scripts.datasets import by_hash, read_jsonl, trainable
from scripts.metrics import tune_thresholds

LABELS = Path(__file__).resolve().parent / "data" / "real_labels" / "labels.jsonl"
PROJECT_TYPES = Path(__file__).resolve().parent / "data" / "support_messages.jsonl"
PROJECT_REQUESTS = Path(__file__).resolve().parent / "data" / "intent_examples.jsonl"
PROJECT_TRIGGERS = Path(__file__).resolve().parent / "data" / "trigger_examples.jsonl"
# A trigger with fewer positives than this on dev keeps every pattern match: too little
# evidence to let the model overrule the patterns (human_request had 8, abuse 16).
MIN_DEV_POSITIVES = 30
PRECISION_FLOOR = 0.8
# The most trigger-free dev messages the policy may escalate while it buys recall: under the
# 8% the service targets, with a margin for new wording.
FALSE_ESCALATION_BUDGET = 0.075
# No trigger's bar moves, while recall is bought, to where its dev precision falls under
# this: at 0.3, authority_exceeded read 0.66 on dev and raised every thanks for a refund
# already agreed ("fine, refund plus the credit works").
RECALL_PRECISION_FLOOR = 0.75
# The release these heads make; scripts/train_lexical.py, run next, names the blend's.
VERSION = "multitask-lora-1.7.0"
SEED = 13
HIDDEN = 256
# The heads that read the token states (TokenAttentionHead), and their size and schedule:
# on dev, 128 units read the triggers as well as 256, and past a dozen epochs they only
# learn the training messages by heart. The customer type read as tokens was tried and not
# kept: served on dev its accuracy rose from 0.692 to 0.705 (the pooled head retrained on
# the same messages: 0.689), but message by message that is 40 readings mended against 34
# broken, within chance, and 15 of the practice scenarios' lines were read otherwise
# (models/MODEL_CARD.md). The requests read as tokens did no better on dev.
NEW_HEADS = ("triggers", "requests", "intensity", "customer_type")
TOKEN_HEADS = ("triggers",)
TOKEN_HIDDEN = 128
TOKEN_EPOCHS = 12
TOKEN_BATCH = 32
# How much each written trigger example weighs in the trigger loss against a real message:
# a few hundred hard negatives against thousands of real messages where "refund" is asked for.
WRITTEN_TRIGGER_WEIGHT = 4.0


@dataclass
class Split:
    texts: list[str]
    embeddings: torch.Tensor  # one row per window
    owner: torch.Tensor  # each window's text index
    targets: dict[str, np.ndarray]
    masks: dict[str, np.ndarray]
    states: list[np.ndarray] = field(default_factory=list)  # each window's token states


def texts_by_id(data: Path, ids: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((data / "real_support_text").glob("*.jsonl")):
        for row in read_jsonl(path):
            if row["id"] in ids:
                found[row["id"]] = row["text"]
    return found


def written_trigger_rows(part: str) -> list[dict]:
    """The project's written messages labelled with every trigger, its `part` by id hash.

    Most are hard negatives: an accepted refund, an engineer asked to come back, a "manager"
    that is software. A head that reads the tokens otherwise learns a word ("refund",
    "someone") whatever the sentence around it says. Written blind by one helper, read again
    by another; only the messages both read alike are kept. The train part teaches the
    trigger head; the rest is held out (scripts/evaluate_written.py).
    """
    return [
        {
            "id": r["id"],
            "triggers": r["triggers"],
            "written_triggers": True,
            "split": "train",
            "text": r["text"],
        }
        for r in by_hash(read_jsonl(PROJECT_TRIGGERS))[part]
    ]


def targets_of(rows: list[dict]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Label matrices per head, and masks: 0 where a label must not count (ambiguous)."""
    n = len(rows)
    triggers = np.zeros((n, len(MESSAGE_TRIGGER_TYPES)), dtype=np.float32)
    trigger_mask = np.ones_like(triggers)
    requests = np.zeros((n, len(REQUEST_LABELS)), dtype=np.float32)
    types = np.zeros((n, len(CUSTOMER_TYPES)), dtype=np.float32)
    intensity = np.zeros((n, len(INTENSITY_LEVELS)), dtype=np.float32)
    has_real = np.zeros((n, 1), dtype=np.float32)
    has_type = np.zeros((n, 1), dtype=np.float32)
    human = MESSAGE_TRIGGER_TYPES.index("human_request")
    for i, row in enumerate(rows):
        if "asks_for_a_human" in row:
            # A project-written request (or hard negative): teaches human_request alone.
            triggers[i, human] = float(row["asks_for_a_human"])
            trigger_mask[i] = 0
            trigger_mask[i, human] = 1
            continue
        for t in row.get("triggers", []):
            triggers[i, MESSAGE_TRIGGER_TYPES.index(t)] = 1
        for t in row.get("ambiguous", []):
            trigger_mask[i, MESSAGE_TRIGGER_TYPES.index(t)] = 0
        for r in row.get("requests", []):
            requests[i, REQUEST_LABELS.index(r)] = 1
        for t in row.get("types", []):
            types[i, CUSTOMER_TYPES.index(t)] = 1
            has_type[i] = 1
        if "intensity" in row:
            # A mean of two readings (1.5) is half one level, half the next.
            low = int(np.floor(row["intensity"]))
            frac = row["intensity"] - low
            intensity[i, low] += 1 - frac
            if frac:
                intensity[i, low + 1] += frac
            has_real[i] = 1
    written = np.array(
        [
            [WRITTEN_TRIGGER_WEIGHT if "written_triggers" in row else "asks_for_a_human" in row]
            for row in rows
        ],
        dtype=np.float32,
    )
    masks = {
        "triggers": trigger_mask * np.maximum(has_real, written),
        "requests": np.repeat(has_real, len(REQUEST_LABELS), axis=1),
        "intensity": has_real,
        "customer_type": np.repeat(has_type, len(CUSTOMER_TYPES), axis=1),
    }
    targets = {
        "triggers": triggers,
        "requests": requests,
        "intensity": intensity,
        "customer_type": types,
    }
    return targets, masks


def embed(
    model: MiniLMClassifier, texts: list[str], cache: Path, encoder_key: str
) -> tuple[torch.Tensor, torch.Tensor, list[np.ndarray]]:
    """Every window's embedding, owner and token states (float16, to halve the memory);
    cached by the texts and `encoder_key` (the adapter's digest: the heads do not change
    them, so retraining a head re-uses the cache)."""
    key = hashlib.sha256(("\0".join(texts) + encoder_key).encode()).hexdigest()[:16]
    path = cache / f"real-states-{key}.pt"
    if path.exists():
        saved = torch.load(path, weights_only=False)
        return saved["embeddings"], saved["owner"], saved["states"]
    windows, owner = model.encoder.flat_windows(texts)
    embeddings = torch.empty(len(windows), model.encoder.dim)
    states: list[np.ndarray] = [np.empty(0)] * len(windows)
    for idx, hidden, mask in model.encoder.states(windows, batch_size=64):
        embeddings[idx] = mean_pool(hidden, mask)
        for row, window in enumerate(idx):
            states[window] = hidden[row, : int(mask[row].sum())].numpy().astype(np.float16)
    owner_tensor = torch.as_tensor(owner, dtype=torch.long)
    cache.mkdir(parents=True, exist_ok=True)
    torch.save({"embeddings": embeddings, "owner": owner_tensor, "states": states}, path)
    return embeddings, owner_tensor, states


def select(
    embeddings: torch.Tensor, owner: torch.Tensor, states: list[np.ndarray], indices: list[int]
) -> tuple[torch.Tensor, torch.Tensor, list[np.ndarray]]:
    """The windows of the texts at `indices`, their owners renumbered in that order."""
    position = torch.full((int(owner.max()) + 1,), -1, dtype=torch.long)
    position[torch.as_tensor(indices, dtype=torch.long)] = torch.arange(len(indices))
    kept = position[owner] >= 0
    kept_states = [states[w] for w in kept.nonzero().flatten().tolist()]
    return embeddings[kept], position[owner[kept]], kept_states


def padded(states: list[np.ndarray], windows: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Token states of some windows, zero-padded to the longest, and their attention mask."""
    longest = max(len(states[w]) for w in windows)
    tokens = torch.zeros(len(windows), longest, states[windows[0]].shape[1])
    mask = torch.zeros(len(windows), longest, dtype=torch.long)
    for row, window in enumerate(windows):
        n = len(states[window])
        tokens[row, :n] = torch.from_numpy(states[window].astype(np.float32))
        mask[row, :n] = 1
    return tokens, mask


def window_logits(head: torch.nn.Module, split: Split, batch_size: int = 64) -> torch.Tensor:
    """A head's logits for every window of a split; a token head reads them in batches of
    windows of similar length."""
    if not isinstance(head, TokenAttentionHead):
        return head(split.embeddings)
    order = sorted(range(len(split.states)), key=lambda w: len(split.states[w]))
    out = torch.empty(len(order), head.bias.shape[0])
    for start in range(0, len(order), batch_size):
        windows = order[start : start + batch_size]
        tokens, mask = padded(split.states, windows)
        out[windows] = head(tokens, mask, split.embeddings[windows])
    return out


def per_text(
    window_logits: torch.Tensor, owner: torch.Tensor, n: int, multilabel: bool
) -> torch.Tensor:
    """A text's logits from its windows': the highest per label, or the mean (single-label)."""
    size = (n, window_logits.shape[1])
    index = owner.unsqueeze(1).expand_as(window_logits)
    if multilabel:
        empty = torch.full(size, -1e4, dtype=window_logits.dtype)
        return empty.scatter_reduce(0, index, window_logits, reduce="amax", include_self=True)
    total = torch.zeros(size, dtype=window_logits.dtype).scatter_add(0, index, window_logits)
    count = torch.zeros(n, dtype=window_logits.dtype).scatter_add(
        0, owner, torch.ones_like(owner, dtype=window_logits.dtype)
    )
    return total / count.clamp(min=1).unsqueeze(1)


def loss_of(
    logits: torch.Tensor, y: torch.Tensor, mask: torch.Tensor, multilabel: bool
) -> torch.Tensor:
    if multilabel:
        positives = (y * mask).sum(0)
        negatives = ((1 - y) * mask).sum(0)
        # Rare labels weigh more, within reason: precision still matters most.
        pos_weight = (negatives / positives.clamp(min=1)).sqrt().clamp(1, 8)
        losses = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, y, pos_weight=pos_weight, reduction="none"
        )
        return (losses * mask).sum() / mask.sum().clamp(min=1)
    log_p = torch.log_softmax(logits, dim=1)
    return -((y * log_p).sum(1) * mask[:, 0]).sum() / mask[:, 0].sum().clamp(min=1)


def fit_tokens(head_name: str, train: Split, dev: Split) -> TokenAttentionHead:
    """A token head (multi-label): AdamW on mini-batches of texts of similar length, dropout
    on the token states, kept at the epoch with the best dev loss."""
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    y = torch.from_numpy(train.targets[head_name])
    mask = torch.from_numpy(train.masks[head_name])
    dev_y = torch.from_numpy(dev.targets[head_name])
    dev_mask = torch.from_numpy(dev.masks[head_name])
    windows_of: list[list[int]] = [[] for _ in train.texts]
    for window, text in enumerate(train.owner.tolist()):
        windows_of[text].append(window)
    longest = [max(len(train.states[w]) for w in windows) for windows in windows_of]
    taught = [i for i in range(len(train.texts)) if mask[i].sum() > 0]
    head = TokenAttentionHead(train.embeddings.shape[1], y.shape[1], TOKEN_HIDDEN)
    optimiser = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=1e-2)
    dropout = torch.nn.Dropout(0.1)
    best, best_state = float("inf"), None
    for _ in range(TOKEN_EPOCHS):
        head.train()
        # Similar lengths together (a little jitter so the batches change), in random order.
        ordered = sorted(taught, key=lambda i: longest[i] + 20 * rng.random())
        batches = [ordered[k : k + TOKEN_BATCH] for k in range(0, len(ordered), TOKEN_BATCH)]
        for k in rng.permutation(len(batches)):
            texts = batches[k]
            windows = [w for i in texts for w in windows_of[i]]
            owner = torch.as_tensor([n for n, i in enumerate(texts) for _ in windows_of[i]])
            tokens, token_mask = padded(train.states, windows)
            logits = head(dropout(tokens), token_mask, dropout(train.embeddings[windows]))
            loss = loss_of(per_text(logits, owner, len(texts), True), y[texts], mask[texts], True)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        head.eval()
        with torch.no_grad():
            dev_logits = per_text(window_logits(head, dev), dev.owner, len(dev.texts), True)
            dev_loss = float(loss_of(dev_logits, dev_y, dev_mask, True))
        if dev_loss < best - 1e-4:
            best = dev_loss
            best_state = {k: v.clone() for k, v in head.state_dict().items()}
    assert best_state is not None
    head.load_state_dict(best_state)
    return head.eval()


def fit(
    head_name: str, train: Split, dev: Split, *, multilabel: bool, epochs: int = 400
) -> torch.nn.Sequential:
    """Full-batch AdamW with dropout on the input, kept at the epoch with the best dev loss."""
    torch.manual_seed(SEED)
    y = torch.from_numpy(train.targets[head_name])
    mask = torch.from_numpy(train.masks[head_name])
    dev_y = torch.from_numpy(dev.targets[head_name])
    dev_mask = torch.from_numpy(dev.masks[head_name])
    head = build_head(train.embeddings.shape[1], y.shape[1], hidden=HIDDEN)
    optimiser = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=1e-2)
    dropout = torch.nn.Dropout(0.1)
    best, best_state, since = float("inf"), None, 0
    for _ in range(epochs):
        head.train()
        optimiser.zero_grad()
        logits = per_text(
            head(dropout(train.embeddings)), train.owner, len(train.texts), multilabel
        )
        loss_of(logits, y, mask, multilabel).backward()
        optimiser.step()
        head.eval()
        with torch.no_grad():
            dev_logits = per_text(head(dev.embeddings), dev.owner, len(dev.texts), multilabel)
            dev_loss = float(loss_of(dev_logits, dev_y, dev_mask, multilabel))
        if dev_loss < best - 1e-4:
            best, since = dev_loss, 0
            best_state = {k: v.clone() for k, v in head.state_dict().items()}
        else:
            since += 1
            if since >= 40:
                break
    assert best_state is not None
    head.load_state_dict(best_state)
    return head.eval()


def calibrate(head: torch.nn.Module, dev: Split, name: str, multilabel: bool) -> float:
    """The temperature that best fits dev, folded into the head's last layer; returned."""
    with torch.no_grad():
        logits = per_text(window_logits(head, dev), dev.owner, len(dev.texts), multilabel)
    y = torch.from_numpy(dev.targets[name])
    mask = torch.from_numpy(dev.masks[name])
    best_t, best_loss = 1.0, float("inf")
    for t in np.arange(0.5, 3.01, 0.05):
        if multilabel:
            value = torch.nn.functional.binary_cross_entropy_with_logits(
                logits / t, y, reduction="none"
            )
            loss = float((value * mask).sum() / mask.sum())
        else:
            loss = float(loss_of(logits / t, y, mask, multilabel=False))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    if isinstance(head, TokenAttentionHead):
        head.fold_temperature(best_t)
        return best_t
    last = head[-1]
    assert isinstance(last, torch.nn.Linear)
    with torch.no_grad():
        last.weight /= best_t
        last.bias /= best_t
    return best_t


def probabilities(head: torch.nn.Module, split: Split, multilabel: bool) -> np.ndarray:
    with torch.no_grad():
        logits = per_text(window_logits(head, split), split.owner, len(split.texts), multilabel)
    return (torch.sigmoid(logits) if multilabel else torch.softmax(logits, 1)).numpy()


def prf(predicted: np.ndarray, truth: np.ndarray, keep: np.ndarray) -> tuple[float, float, float]:
    tp = float((predicted & truth & keep).sum())
    fp = float((predicted & ~truth & keep).sum())
    fn = float((~predicted & truth & keep).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def trigger_policy(probs: np.ndarray, dev: Split, rows: list[dict]) -> dict[str, dict]:
    """Per trigger, on dev: the model's threshold and whether the patterns stay.

    Precision first: each trigger starts at its best F0.5 (precision weighs twice recall).
    Then recall is bought where it pays most: one trigger at a time moves to the bar that
    raises dev micro-F1 the most, as long as the share of trigger-free dev messages that
    would be escalated stays within FALSE_ESCALATION_BUDGET.
    """
    detector = TriggerDetector(
        refund_limit=Settings().refund_limit, discount_limit=Settings().discount_limit
    )
    found = [{t.type for t in detector.detect(text)} for text in dev.texts]
    truths = dev.targets["triggers"].astype(bool)
    keeps = dev.masks["triggers"].astype(bool)
    options: list[list[tuple[tuple, np.ndarray]]] = []
    chosen: list[int] = []
    for j, trigger in enumerate(MESSAGE_TRIGGER_TYPES):
        truth, keep = truths[:, j], keeps[:, j]
        pattern = np.array([trigger in f for f in found])
        candidates = []
        for t in np.arange(0.3, 0.96, 0.025):
            model = probs[:, j] >= t
            for u in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 1.0):
                if (truth & keep).sum() < MIN_DEV_POSITIVES and u != 0.0:
                    continue  # too few to let the model overrule a pattern: every match counts
                predicted = model | (pattern & (probs[:, j] >= u))
                p, r, f = prf(predicted, truth, keep)
                f_half = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
                candidates.append(((round(f_half, 3), -u, float(t), p, r, f), predicted))
        options.append(candidates)
        # On a tie, the patterns that need the least of the model (exact spans), then the
        # higher bar.
        chosen.append(max(range(len(candidates)), key=lambda k: candidates[k][0]))
    chosen = _buy_recall(options, chosen, truths, keeps)
    policy: dict[str, dict] = {}
    for j, trigger in enumerate(MESSAGE_TRIGGER_TYPES):
        (_, minus_u, threshold, p, r, f1), _ = options[j][chosen[j]]
        policy[trigger] = {
            "threshold": round(threshold, 3),
            "pattern_threshold": round(min(-minus_u, threshold), 3),
            "dev": {
                "precision": round(p, 3),
                "recall": round(r, 3),
                "f1": round(f1, 3),
                "positives": int((truths[:, j] & keeps[:, j]).sum()),
                "precision_floor_met": p >= PRECISION_FLOOR,
            },
        }
    return policy


def _buy_recall(
    options: list[list[tuple[tuple, np.ndarray]]],
    chosen: list[int],
    truths: np.ndarray,
    keeps: np.ndarray,
) -> list[int]:
    """Greedy: the single change of one trigger's bar that most raises micro-F1, repeated,
    never past the false-escalation budget on dev's trigger-free messages."""
    trigger_free = ~(truths & keeps).any(axis=1)

    def score(picks: list[int]) -> tuple[float, float]:
        predicted = np.stack([options[j][k][1] for j, k in enumerate(picks)], axis=1)
        tp = int((predicted & truths & keeps).sum())
        fp = int((predicted & ~truths & keeps).sum())
        fn = int((~predicted & truths & keeps).sum())
        escalated = float(predicted[trigger_free].any(axis=1).mean())
        return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), escalated

    picks = list(chosen)
    best, _ = score(picks)
    while True:
        move: tuple[float, int, int] | None = None
        for j, candidates in enumerate(options):
            for k in range(len(candidates)):
                if candidates[k][0][3] < RECALL_PRECISION_FLOOR:
                    continue  # recall bought below this precision pages leads for nothing
                trial = [*picks[:j], k, *picks[j + 1 :]]
                f1, escalated = score(trial)
                within = escalated <= FALSE_ESCALATION_BUDGET and f1 > best + 1e-9
                if within and (move is None or f1 > move[0]):
                    move = (f1, j, k)
        if move is None:
            return picks
        best, picks[move[1]] = move[0], move[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--cache", type=Path, default=Path("data/cache"))
    parser.add_argument(
        "--only",
        nargs="+",
        choices=NEW_HEADS,
        default=list(NEW_HEADS),
        help="retrain only these heads; the others keep their weights and thresholds",
    )
    args = parser.parse_args()
    rows = [row for row in read_jsonl(args.labels) if trainable(row)]
    texts = texts_by_id(args.data, {r["id"] for r in rows})
    # Their train split only: scripts/evaluate.py scores the type head on their test split.
    project = [
        {"id": r["id"], "types": r["customer_types"], "split": "train", "text": r["text"]}
        for r in by_hash(read_jsonl(PROJECT_TYPES))["train"]
    ]
    # The project's written requests for a person, with hard negatives ("the term
    # 'manager' in your settings"): real messages held only 46 human_request positives.
    project += [
        {
            "id": r["id"],
            "asks_for_a_human": "human_request" in r["intents"],
            "split": "train",
            "text": r["text"],
        }
        for r in by_hash(read_jsonl(PROJECT_REQUESTS))["train"]
    ]
    project += written_trigger_rows("train")
    settings = Settings()
    model = MiniLMClassifier.load(args.models, max_windows=settings.long_text_max_windows)
    # Every sampled message embedded once, in the sample's order: relabelling re-uses it.
    sample = read_jsonl(args.labels.parent / "sample.jsonl")
    all_texts = texts_by_id(args.data, {r["id"] for r in sample})
    order = [r["id"] for r in sample]
    adapter = args.models / ADAPTER_FILE
    encoder_key = hashlib.sha256(adapter.read_bytes() if adapter.exists() else b"").hexdigest()
    sample_embeddings, sample_owner, sample_states = embed(
        model, [all_texts[i] for i in order], args.cache, encoder_key
    )
    project_embeddings, project_owner, project_states = embed(
        model, [r["text"] for r in project], args.cache, encoder_key
    )
    index_of = {message_id: i for i, message_id in enumerate(order)}
    splits: dict[str, Split] = {}
    for split in ("train", "dev"):
        chosen = [r for r in rows if r["split"] == split]
        embeddings, owner, states = select(
            sample_embeddings, sample_owner, sample_states, [index_of[r["id"]] for r in chosen]
        )
        split_texts = [texts[r["id"]] for r in chosen]
        if split == "train":
            # The project's own messages teach the customer type only (the other heads'
            # masks leave them out).
            embeddings = torch.cat([embeddings, project_embeddings])
            owner = torch.cat([owner, project_owner + len(chosen)])
            states = states + project_states
            split_texts += [r["text"] for r in project]
            chosen = chosen + project
        targets, masks = targets_of(chosen)
        splits[split] = Split(split_texts, embeddings, owner, targets, masks, states)
        print(f"{split}: {len(chosen)} messages, {len(owner)} windows")
    heads = Heads.load(args.models)
    report: dict[str, dict] = dict(heads.meta.get("real_heads", {}).get("heads", {}))
    for name in args.only:
        multilabel = name != "intensity"
        head: torch.nn.Module
        if name in TOKEN_HEADS:
            head = fit_tokens(name, splits["train"], splits["dev"])
        else:
            head = fit(name, splits["train"], splits["dev"], multilabel=multilabel)
        temperature = calibrate(head, splits["dev"], name, multilabel)
        heads.modules[name] = head
        heads.temperatures.pop(name, None)
        heads.thresholds.pop(name, None)
        report[name] = {
            "temperature_folded": round(temperature, 2),
            "train_messages": len(splits["train"].texts),
        }
        if name in TOKEN_HEADS:
            report[name]["reads"] = "tokens"
        print(f"{name}: calibrated with T={temperature:.2f}")
    # Multi-label heads carry per-label thresholds: the triggers' from the policy below, the
    # others' the best F1 on dev (what the int8 agreement in scripts/evaluate.py is read at).
    for name in ("requests", "customer_type"):
        if name not in args.only:
            continue
        found = probabilities(heads.modules[name], splits["dev"], True)
        keep = splits["dev"].masks[name][:, 0].astype(bool)
        heads.thresholds[name] = [
            float(t) for t in tune_thresholds(found[keep], splits["dev"].targets[name][keep])
        ]
    if "triggers" in args.only:
        dev_rows = [r for r in rows if r["split"] == "dev"]
        policy = trigger_policy(
            probabilities(heads.modules["triggers"], splits["dev"], True), splits["dev"], dev_rows
        )
        for trigger, chosen in policy.items():
            print(f"  {trigger:20} {chosen}")
        heads.thresholds["triggers"] = [policy[t]["threshold"] for t in MESSAGE_TRIGGER_TYPES]
        (args.models / POLICY_FILE).write_text(
            json.dumps(
                {"chosen_on": "dev", "precision_floor": PRECISION_FLOOR, "triggers": policy},
                indent=2,
            )
            + "\n"
        )
    version = str(heads.meta.get("version", "unversioned"))
    heads.meta["version"] = VERSION
    heads.meta["real_heads"] = {
        "from": version,
        "labels": str(args.labels.relative_to(Path(__file__).resolve().parent.parent)),
        "dev_messages": len(splits["dev"].texts),
        "hidden": HIDDEN,
        "token_hidden": TOKEN_HIDDEN,
        "heads": report,
    }
    heads.save(args.models)
    # Without the triggers retrained, their thresholds and policy stay as saved: chosen again
    # here, on the head alone, they would move every trigger reading this run does not touch.
    kept = "" if "triggers" in args.only else f" ({POLICY_FILE} kept as saved)"
    print(f"saved heads to {args.models}{kept}")


if __name__ == "__main__":
    main()
