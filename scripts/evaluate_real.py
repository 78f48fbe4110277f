"""The service's decisions on real customers' messages, against labels read by people.

    python scripts/evaluate_real.py --data ../shared/data            # the frozen test split
    python scripts/evaluate_real.py --data ../shared/data --split dev

Three systems on the same messages, each as served (the default ONNX int8 runtime):
- this release: the models in --models, with their trigger policy;
- the previous release: the model files of PREVIOUS_RELEASE (heads, adapter, n-gram models and
  trigger policy, those it had), read from git;
- a keyword baseline: a trigger wherever one of its words appears.

Per trigger: precision, recall and F1 with bootstrap 95% intervals over messages, ambiguous
labels left out; micro-averaged figures; the share of trigger-free messages escalated anyway
(false escalation); customer-type accuracy; intensity's Spearman correlation with the 0-3
labels; and how priority rises with intensity. Tune nothing on the test split: it is read
once per model version, and its figures go in models/MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.config import Settings
from app.core.labels import MESSAGE_TRIGGER_TYPES, REQUEST_LABELS
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine, TriageInput
from app.model.base import Classifier
from app.model.loading import load_classifier
from app.model.score_cache import CachedClassifier
from app.replies.bank import ResponseBank
from scripts.datasets import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "scripts" / "data" / "real_labels" / "labels.jsonl"
# 1.5.0: the pooled trigger head, its n-gram blend and policy (the release before the token
# head), read with today's engine and patterns.
PREVIOUS_RELEASE = "b6bf846"
REQUIRED_MODEL_FILES = ("heads.json", "heads.safetensors")
MODEL_FILES = (
    *REQUIRED_MODEL_FILES,
    "adapter.safetensors",
    "salience.safetensors",
    "lexical.json",
    "lexical.safetensors",
    "trigger_policy.json",
)
BOOTSTRAP = 1000
SEED = 7
# The keyword baseline: the words a first rule-writer would reach for, nothing more.
KEYWORDS = {
    "human_request": r"manager|supervisor|human|real person|representative|speak to|call me",
    "authority_exceeded": r"refund|compensat|reimburs|money back|voucher|credit",
    "repeated_contact": r"again|third time|second time|still|already|no reply|no response",
    "legal_threat": r"lawyer|attorney|sue|court|legal|regulator|ombudsman|bbb|chargeback",
    "churn_threat": r"cancel|switch|never again|leaving|close my account",
    "public_exposure": r"review|twitter|facebook|social media|news|press|viral",
    "abuse": r"idiot|stupid|moron|useless|incompetent|fuck|shit",
    "safety_risk": r"kill|die|danger|unsafe|fire|emergency|suicid|hurt",
    "vulnerable_customer": r"disab|cancer|passed away|died|pregnan|elderly|afford|medical",
}


@dataclass(frozen=True)
class Decision:
    triggers: frozenset[str]
    escalate: bool
    customer_type: str
    intensity: float
    priority: str
    asked: frozenset[str] = frozenset()  # the requests the playbook answers
    route: str | None = None


def engine_decisions(
    models_dir: Path, texts: Sequence[str], *, cache: Path, **thresholds: float
) -> list[Decision]:
    """The engine's decisions on each text, alone (no conversation), as the service serves it."""
    settings = Settings(models_dir=models_dir, data_dir=cache)
    if thresholds:
        changed = settings.thresholds.model_copy(update=thresholds)
        settings = settings.model_copy(update={"thresholds": changed})
    engine = TriageEngine.from_settings(
        classifier_for(models_dir, cache),
        settings,
        bank=ResponseBank.default(),
        memory=ConversationMemory.from_settings(settings),
    )
    decisions = []
    for start in range(0, len(texts), 32):
        batch = [TriageInput(t) for t in texts[start : start + 32]]
        for result in engine.triage(batch):
            decisions.append(
                Decision(
                    frozenset(t.type for t in result.escalation.triggers),
                    result.escalation.escalate,
                    result.customer.label,
                    result.customer.intensity,
                    result.escalation.priority,
                    frozenset(result.asked),
                    result.route,
                )
            )
    return decisions


@functools.cache
def classifier_for(models_dir: Path, cache: Path) -> Classifier:
    """One loaded model per models folder: a sweep of thresholds re-uses its scores."""
    settings = Settings(models_dir=models_dir, data_dir=cache)
    return CachedClassifier(load_classifier(settings), max_entries=100_000)


def keyword_decisions(texts: Sequence[str]) -> list[Decision]:
    patterns = {t: re.compile(rf"\b(?:{p})", re.IGNORECASE) for t, p in KEYWORDS.items()}
    out = []
    for text in texts:
        found = frozenset(t for t, p in patterns.items() if p.search(text))
        out.append(Decision(found, bool(found), "neutral", 0.0, "high" if found else "low"))
    return out


def previous_models(commit: str, into: Path) -> Path:
    """The previous release's model files, from git (those it had: an older release has no
    n-gram models or trigger policy)."""
    into.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        found = subprocess.run(
            ["git", "show", f"{commit}:models/{name}"], cwd=ROOT, capture_output=True
        )
        if found.returncode == 0:
            (into / name).write_bytes(found.stdout)
        elif name in REQUIRED_MODEL_FILES:
            raise SystemExit(f"{commit} has no models/{name}: {found.stderr.decode().strip()}")
    return into


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def counts(rows: Sequence[dict], decisions: Sequence[Decision], trigger: str | None) -> np.ndarray:
    """Per message: (tp, fp, fn) for one trigger, or summed over every trigger (None)."""
    names = MESSAGE_TRIGGER_TYPES if trigger is None else (trigger,)
    out = np.zeros((len(rows), 3))
    for i, (row, decision) in enumerate(zip(rows, decisions, strict=True)):
        for name in names:
            if name in row["ambiguous"]:
                continue
            truth, said = name in row["triggers"], name in decision.triggers
            out[i] += (truth and said, said and not truth, truth and not said)
    return out


def with_interval(per_message: np.ndarray, rng: np.random.Generator) -> list[str]:
    """P, R, F1, each with its bootstrap 95% interval over messages."""
    point = prf(*per_message.sum(0))
    samples = np.array(
        [
            prf(*per_message[rng.integers(0, len(per_message), len(per_message))].sum(0))
            for _ in range(BOOTSTRAP)
        ]
    )
    low, high = np.percentile(samples, 2.5, axis=0), np.percentile(samples, 97.5, axis=0)
    return [f"{point[k]:.2f} [{low[k]:.2f}, {high[k]:.2f}]" for k in range(3)]


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    def ranks(values: Sequence[float]) -> np.ndarray:
        array = np.asarray(values, dtype=float)
        order = array.argsort(kind="mergesort")
        ranked = np.empty(len(array))
        ranked[order] = np.arange(len(array))
        for value in np.unique(array):  # ties share their mean rank
            tied = array == value
            ranked[tied] = ranked[tied].mean()
        return ranked

    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def report(
    name: str, rows: list[dict], decisions: list[Decision], out: Callable[[str], None]
) -> None:
    rng = np.random.default_rng(SEED)
    out(f"\n### {name}\n")
    out("| trigger | positives | precision [95% CI] | recall [95% CI] | F1 [95% CI] |")
    out("| --- | ---: | --- | --- | --- |")
    for trigger in MESSAGE_TRIGGER_TYPES:
        per = counts(rows, decisions, trigger)
        positives = int(per[:, 0].sum() + per[:, 2].sum())
        out(f"| {trigger} | {positives} | " + " | ".join(with_interval(per, rng)) + " |")
    per = counts(rows, decisions, None)
    out(
        f"| **micro, all triggers** | {int(per[:, 0].sum() + per[:, 2].sum())} | "
        + " | ".join(with_interval(per, rng))
        + " |"
    )
    free = [i for i, r in enumerate(rows) if not r["triggers"] and not r["ambiguous"]]
    carrying = [i for i, r in enumerate(rows) if r["triggers"]]
    false_escalations = sum(decisions[i].escalate for i in free)
    escalated = sum(decisions[i].escalate for i in carrying)
    typed = [i for i, r in enumerate(rows) if not r.get("not_customer")]
    correct = sum(decisions[i].customer_type == rows[i]["types"][0] for i in typed)
    out("")
    out(
        f"- false escalation: {false_escalations} of {len(free)} trigger-free messages "
        f"({false_escalations / max(len(free), 1):.1%})"
    )
    out(
        f"- messages carrying a trigger that were escalated: {escalated} of {len(carrying)} "
        f"({escalated / max(len(carrying), 1):.1%})"
    )
    out(f"- customer-type accuracy: {correct / max(len(typed), 1):.3f} ({len(typed)} messages)")
    said = [decisions[i].intensity for i in typed]
    if len(set(said)) > 1:
        rho = spearman(said, [rows[i]["intensity"] for i in typed])
        out(f"- intensity, Spearman with the 0-3 labels: {rho:.3f}")
    else:
        out("- intensity: none given")
    for level in (0, 1, 2, 3):
        at = [i for i in typed if round(rows[i]["intensity"] + 1e-9) == level]
        urgent = sum(decisions[i].priority in ("high", "urgent") for i in at)
        out(
            f"  - labelled intensity {level}: {urgent / max(len(at), 1):.1%} high or urgent "
            f"priority ({len(at)} messages)"
        )
    if any(d.asked for d in decisions):
        requests_report(rows, decisions, typed, out)


def requests_report(
    rows: list[dict], decisions: list[Decision], typed: list[int], out: Callable[[str], None]
) -> None:
    """What the playbook answers (`asked`) against what the customer asked for, by reading."""
    out("")
    out("| request (the playbook's `asked`) | labelled | precision | recall | F1 |")
    out("| --- | ---: | ---: | ---: | ---: |")
    for request in REQUEST_LABELS:
        tp = sum(request in decisions[i].asked and request in rows[i]["requests"] for i in typed)
        fp = sum(
            request in decisions[i].asked and request not in rows[i]["requests"] for i in typed
        )
        fn = sum(
            request not in decisions[i].asked and request in rows[i]["requests"] for i in typed
        )
        p, r, f = prf(tp, fp, fn)
        out(f"| {request} | {tp + fn} | {p:.2f} | {r:.2f} | {f:.2f} |")
    hit = sum(bool(decisions[i].asked & set(rows[i]["requests"])) for i in typed)
    out(f"- messages where `asked` holds at least one labelled request: {hit} of {len(typed)}")
    erasure = [i for i in typed if "delete_data" in rows[i]["requests"]]
    routed = sum(decisions[i].route == "privacy" for i in erasure)
    wrongly = sum(decisions[i].route == "privacy" for i in typed if i not in erasure)
    out(
        f"- erasure requests routed to privacy: {routed} of {len(erasure)}; other messages "
        f"routed there: {wrongly} of {len(typed) - len(erasure)}"
    )


SWEEP = {
    "customer_type_model_weight": (0.4, 0.6, 0.8, 1.0),
    "customer_type_min_score": (0.25, 0.35, 0.45),
    "customer_type_angry_lead": (0.0, 0.05, 0.1, 0.15),
    "intensity_model_weight": (0.5, 0.8, 1.0),
    "escalate_intensity": (0.75, 0.85, 0.95),
}


def sweep(
    rows: list[dict], texts: list[str], models: Path, cache: Path, out: Callable[[str], None]
) -> None:
    """One threshold at a time over its grid, the others at their defaults: dev figures."""
    typed = [i for i, r in enumerate(rows) if not r.get("not_customer")]
    free = [i for i, r in enumerate(rows) if not r["triggers"] and not r["ambiguous"]]
    out("| threshold | value | type accuracy | intensity Spearman | false escalation |")
    out("| --- | ---: | ---: | ---: | ---: |")
    for name, values in SWEEP.items():
        for value in values:
            found = engine_decisions(models, texts, cache=cache, **{name: value})
            accuracy = np.mean([found[i].customer_type == rows[i]["types"][0] for i in typed])
            rho = spearman(
                [found[i].intensity for i in typed], [rows[i]["intensity"] for i in typed]
            )
            false = np.mean([found[i].escalate for i in free])
            out(f"| {name} | {value} | {accuracy:.3f} | {rho:.3f} | {false:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--previous", default=PREVIOUS_RELEASE, help="git commit, or '' to skip")
    parser.add_argument("--out", type=Path, default=None, help="also write the tables here")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "evaluate")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="dev only: the decision thresholds' figures over a grid (how the defaults were set)",
    )
    args = parser.parse_args()
    if args.sweep and args.split != "dev":
        parser.error("--sweep tunes: it runs on dev only")
    rows = [r for r in read_jsonl(args.labels) if r["split"] == args.split]
    wanted = {r["id"] for r in rows}
    texts: dict[str, str] = {}
    for path in sorted((args.data / "real_support_text").glob("*.jsonl")):
        for row in read_jsonl(path):
            if row["id"] in wanted:
                texts[row["id"]] = row["text"]
    message_texts = [texts[r["id"]] for r in rows]
    lines: list[str] = []

    def out(line: str) -> None:
        print(line)
        lines.append(line)

    out(f"## Real customers' messages, {args.split} split: {len(rows)} messages")
    if args.sweep:
        sweep(rows, message_texts, args.models, args.cache, out)
        return
    decisions = engine_decisions(args.models, message_texts, cache=args.cache)
    report("this release", rows, decisions, out)
    if args.previous:
        with tempfile.TemporaryDirectory() as folder:
            before = previous_models(args.previous, Path(folder))
            report(
                f"previous release ({args.previous})",
                rows,
                engine_decisions(before, message_texts, cache=Path(folder) / "data"),
                out,
            )
    report("keyword baseline", rows, keyword_decisions(message_texts), out)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    print(json.dumps({"split": args.split, "messages": len(rows)}))


if __name__ == "__main__":
    main()
