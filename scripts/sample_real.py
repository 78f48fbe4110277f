"""Draw the real-message labelling sample: seeded, stratified by brand, split by company.

    python scripts/sample_real.py --data ../shared/data --out scripts/data/real_labels/sample.jsonl
    python scripts/sample_real.py --data ../shared/data --batches /tmp/batches   # text to read
    python scripts/sample_real.py --data ../shared/data --train-round 3 \
        --out scripts/data/real_labels/sample.jsonl --batches /tmp/batches3   # train top-up

The sample file holds ids, source, group and split only, never the text (the sources'
licences do not all allow redistribution). `--batches` writes the texts, 50 to a file, for
the labellers; those files stay outside the project.

The split is drawn here, before any labelling, tuning or training: every company (brand,
creditor, insurer) falls wholly into one of train / dev / test, so the test split measures
wording from companies the models never saw. Rare triggers are enriched: a share of each
source's quota comes from rows that match a keyword hint. Hints pick candidates only; the
labels come from reading.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

SEED = 20261203
BATCH_SIZE = 50
# Long complaints are capped so a labeller can read each one whole, twice; the cap is a bias
# of the sample (the longest narratives are absent) that the model card states.
MAX_CHARS = 1500
HINT_SHARE = 0.4

# rows drawn per file; tweets first, since most helpdesk traffic is short.
QUOTAS = {
    "twcs_inbound.jsonl": 3100,
    "twcs_ericsson_topic_labelled.jsonl": 300,
    "ibm_twitter_customer_care.jsonl": 550,
    "telecom_tweets_2015.jsonl": 500,
    "cfpb_complaint_narratives.jsonl": 700,
    "fcc_comcast_complaints_2015.jsonl": 450,
    "trustpilot_pet_insurance_reviews.jsonl": 500,
}

# Keyword hints for triggers too rare to find by random draws. They only choose candidates.
HINTS = re.compile(
    r"\b(manager|supervisor|human|real person|representative|rep\b|call me|phone number|"
    r"refund|compensat|reimburs|voucher|credit back|waive|money back|"
    r"again|third time|second time|still no|no reply|no response|on hold|hung up|called|"
    r"lawyer|attorney|sue|suing|court|legal|ombudsman|regulator|fcc|bbb|better business|"
    r"chargeback|dispute|small claims|"
    r"cancel|switch|switching|never again|leaving|competitor|close my account|"
    r"review|twitter|facebook|news|press|media|viral|everyone know|"
    r"idiot|stupid|moron|useless|incompetent|liars?|scam|f+u+c+k|shit|"
    r"suicid|kill|die|danger|unsafe|fire|emergency|hospital|threat|hurt|injur|"
    r"disab|cancer|chemo|passed away|died|funeral|pregnan|elderly|my (?:mom|dad|mother|father)|"
    r"son|daughter|baby|unemploy|can't afford|cannot afford|hardship|disabled|wheelchair)",
    re.IGNORECASE,
)
HANDLE = re.compile(r"@([A-Za-z_][A-Za-z0-9_]+)")

# Round 2: the triggers too rare in round 1 for a test split with 30 positives each (2,550
# messages read twice held 27 human_request, 12 public_exposure, 24 abuse, 6 safety_risk).
# Narrower hints, drawn only from companies whose split round 1 already fixed.
RARE_HINTS = {
    "human_request": r"manager|supervisor|real person|a human|speak (?:to|with)|talk (?:to|with)|"
    r"call me|call back|phone number|number to call|representative|\bagent\b",
    "public_exposure": r"review|post(?:ing)? (?:this|it|about)|twitter|facebook|social media|"
    r"news|press|media|viral|tell (?:everyone|all)|youtube|reddit|instagram|tiktok|warn",
    "abuse": r"idiot|stupid|moron|incompetent|clowns?|liars?|scum|f+u+c+k+ (?:you|off)|dumb|"
    r"useless (?:people|staff|reps?|agents?)|morons|bastard|a\*\*|asshole",
    "safety_risk": r"suicid|kill|die\b|dying|danger|unsafe|fire|gas leak|hospital|emergency|"
    r"threat|hurt|injur|ambulance|police|weapon|carbon monoxide|electri|smoke|sparks",
    "vulnerable_customer": r"disab|cancer|chemo|passed away|died|funeral|pregnan|elderly|"
    r"wheelchair|blind|deaf|veteran|unemploy|can'?t afford|medical|surgery|autis|dementia|"
    r"my (?:mom|dad|mother|father|grand)",
    "legal_threat": r"lawyer|attorney|\bsue\b|suing|court|legal action|ombudsman|\bbbb\b|"
    r"better business|\bftc\b|\bfcc\b|chargeback|small claims|class action",
}
TWEET_FILES = {
    "twcs_inbound.jsonl",
    "twcs_ericsson_topic_labelled.jsonl",
    "ibm_twitter_customer_care.jsonl",
    "telecom_tweets_2015.jsonl",
}
ROUND2_PER_TRIGGER = {"test": 80, "dev": 30, "train": 55}
# Labelled for evaluation only (scripts/datasets.py, EVALUATION_ONLY_FILES): a train-only
# round has no use for them.
TRAIN_EXCLUDED = frozenset({"trustpilot_pet_insurance_reviews.jsonl"})

# Rounds 3 and 4: train only, after the frozen test split had measured 1.2.0. Recall was the gap
# (micro 0.47), worst for the triggers below, so the train split gets more candidates for
# them; dev and test are untouched, and no label or score of theirs chose these hints.
ROUND3_HINTS = {
    "repeated_contact": r"again|still (?:no|not|waiting|nothing)|third time|second time|"
    r"(?:on|kept on) hold|hung up|no (?:reply|response|answer)|(?:called|emailed|messaged|"
    r"chatted|wrote|spoke)|ticket|case number|weeks|days|follow(?:ed)? up|keep (?:asking|calling)",
    "churn_threat": r"cancel|switch|leaving|leave|never again|competitor|close (?:my|the) account|"
    r"done with|last time|moving to|go(?:ing)? elsewhere|unsubscrib",
    "authority_exceeded": r"refund|compensat|credit|waive|discount|voucher|reimburs|"
    r"money back|free month|make (?:it|this) right|goodwill",
    **{t: RARE_HINTS[t] for t in ("human_request", "vulnerable_customer", "abuse")},
}
# Candidates per trigger in round 3; round 4 draws twice as many, none drawn before.
ROUND3_PER_TRIGGER = {
    "repeated_contact": 200,
    "churn_threat": 150,
    "authority_exceeded": 150,
    "human_request": 120,
    "vulnerable_customer": 100,
    "abuse": 80,
}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def group_of(name: str, row: dict) -> str:
    """The company a row is about: the unit that never spans two splits."""
    if name.startswith("telecom"):
        handles = HANDLE.findall(row["text"])
        return "telecom:" + (handles[0].lower() if handles else "none")
    company = row.get("brand") or row.get("company")
    if company:
        return f"{name.split('_')[0]}:{str(company).lower()}"
    # TWCS rows whose brand was anonymised: the author is the unit, so one customer's
    # thread never spans two splits.
    return f"{name.split('_')[0]}:author:{row.get('author_id', row['id'])}"


def _digest(text: str) -> int:
    return int(hashlib.sha256(f"{SEED}:{text}".encode()).hexdigest(), 16)


def split_groups(sizes: dict[str, int], rng: random.Random) -> dict[str, str]:
    """Whole groups to test (~25%), dev (~15%), train; the biggest group always trains.

    Groups are dealt in a seeded order, each to the split furthest below its share, so one
    large brand cannot swallow the test split.
    """
    total = sum(sizes.values())
    targets = {"test": 0.25 * total, "dev": 0.15 * total, "train": 0.60 * total}
    filled = dict.fromkeys(targets, 0)
    order = sorted(sizes, key=lambda g: (-sizes[g], _digest(g)))
    out: dict[str, str] = {}
    for index, group in enumerate(order):
        if index == 0 and (len(order) > 3 or len(order) == 1):
            # The biggest group trains; a source with one company (FCC: Comcast) trains whole.
            split = "train"
        else:
            split = max(targets, key=lambda s: (targets[s] - filled[s]) / targets[s])
        out[group] = split
        filled[split] += sizes[group]
    return out


def quota_by_group(rows_by_group: dict[str, list[dict]], quota: int) -> dict[str, int]:
    """Per-group quota proportional to the square root of its size: big brands shrink."""
    weights = {g: math.sqrt(len(rows)) for g, rows in rows_by_group.items()}
    scale = quota / sum(weights.values())
    return {g: min(len(rows_by_group[g]), max(1, round(w * scale))) for g, w in weights.items()}


def sample_file(name: str, rows: list[dict], quota: int, rng: random.Random) -> list[dict]:
    rows = [r for r in rows if r.get("text", "").strip() and len(r["text"]) <= MAX_CHARS]
    by_group: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_group[group_of(name, row)].append(row)
    chosen: list[dict] = []
    for group, want in sorted(quota_by_group(by_group, quota).items()):
        members = sorted(by_group[group], key=lambda r: r["id"])
        rng.shuffle(members)
        hinted = [r for r in members if HINTS.search(r["text"])]
        take_hinted = hinted[: round(want * HINT_SHARE)]
        taken = {r["id"] for r in take_hinted}
        rest = [r for r in members if r["id"] not in taken][: want - len(take_hinted)]
        for row, picked_by in [(r, "hint") for r in take_hinted] + [(r, "random") for r in rest]:
            chosen.append(
                {"id": row["id"], "file": name, "group": group, "picked_by": picked_by, "row": row}
            )
    # Every group gets at least one row, so a file of many small companies overshoots.
    rng.shuffle(chosen)
    return chosen[:quota]


def draw(data: Path) -> list[dict]:
    rng = random.Random(SEED)
    folder = data / "real_support_text"
    sample: list[dict] = []
    for name, quota in QUOTAS.items():
        sample += sample_file(name, read_jsonl(folder / name), quota, rng)
    # Splits are dealt over the sampled groups of all files together.
    sizes: dict[str, int] = defaultdict(int)
    for item in sample:
        sizes[item["group"]] += 1
    splits: dict[str, str] = {}
    for prefix in sorted({g.split(":")[0] for g in sizes}):
        part = {g: n for g, n in sizes.items() if g.split(":")[0] == prefix}
        splits.update(split_groups(part, rng))
    for item in sample:
        item["split"] = splits[item["group"]]
    rng.shuffle(sample)
    return sample


def unread_pool(
    data: Path,
    names: Iterable[str],
    taken: set[str],
    wanted_group: Callable[[str], bool],
    rng: random.Random,
) -> list[dict]:
    """Rows of these files not drawn before, from the wanted companies, in a seeded order."""
    pool: list[dict] = []
    for name in names:
        for row in read_jsonl(data / "real_support_text" / name):
            group = group_of(name, row)
            if row["id"] in taken or not wanted_group(group):
                continue
            if not row.get("text", "").strip() or len(row["text"]) > MAX_CHARS:
                continue
            pool.append({"id": row["id"], "file": name, "group": group, "row": row})
    pool.sort(key=lambda item: item["id"])
    rng.shuffle(pool)
    return pool


def tweets_first(found: list[dict], want: int) -> list[dict]:
    """Up to `want` candidates, 60% tweets where there are enough: most traffic is short."""
    tweets = [item for item in found if item["file"] in TWEET_FILES]
    others = [item for item in found if item["file"] not in TWEET_FILES]
    chosen = tweets[: round(want * 0.6)]
    chosen += others[: want - len(chosen)]
    chosen += [item for item in tweets if item not in chosen][: want - len(chosen)]
    return chosen


def draw_round2(data: Path, first: list[dict]) -> list[dict]:
    """Candidates for the rare triggers, from the companies round 1 placed in each split."""
    rng = random.Random(SEED + 2)
    split_of_group = {item["group"]: item["split"] for item in first}
    taken = {item["id"] for item in first}
    pool = unread_pool(data, QUOTAS, taken, lambda group: group in split_of_group, rng)
    chosen: list[dict] = []
    for trigger, pattern in RARE_HINTS.items():
        hint = re.compile(pattern, re.IGNORECASE)
        for split, want in ROUND2_PER_TRIGGER.items():
            found = [
                item
                for item in pool
                if split_of_group[item["group"]] == split
                and item["id"] not in taken
                and hint.search(item["row"]["text"])
            ]
            # Tweets first: the hints over-match pet-insurance reviews ("died" about a pet).
            found = tweets_first(found, want)
            for item in found:
                taken.add(item["id"])
                chosen.append({**item, "split": split, "picked_by": f"hint2:{trigger}"})
    rng.shuffle(chosen)
    return chosen


def draw_train_round(data: Path, sampled: list[dict], number: int) -> list[dict]:
    """Train-split candidates for the triggers read worst, from companies already in train."""
    rng = random.Random(SEED + number)
    scale = number - 2  # round 3: the quotas as written; round 4: twice as many
    # Round 3 drew 165 Trustpilot rows, whose terms keep them out of training; later rounds
    # leave that file out.
    skipped = TRAIN_EXCLUDED if number > 3 else frozenset()
    split_of_group = {item["group"]: item["split"] for item in sampled}
    taken = {item["id"] for item in sampled}
    names = [n for n in QUOTAS if n not in skipped]
    pool = unread_pool(data, names, taken, lambda g: split_of_group.get(g) == "train", rng)
    chosen: list[dict] = []
    for trigger, quota in ROUND3_PER_TRIGGER.items():
        want = quota * scale
        hint = re.compile(ROUND3_HINTS[trigger], re.IGNORECASE)
        found = [i for i in pool if i["id"] not in taken and hint.search(i["row"]["text"])]
        found = tweets_first(found, want)
        for item in found:
            taken.add(item["id"])
            chosen.append({**item, "split": "train", "picked_by": f"hint{number}:{trigger}"})
    rng.shuffle(chosen)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=None, help="sample file (ids, no text)")
    parser.add_argument("--batches", type=Path, default=None, help="folder for texts to read")
    parser.add_argument("--round2", action="store_true", help="append the rare-trigger round")
    parser.add_argument(
        "--train-round",
        type=int,
        choices=(3, 4),
        default=None,
        help="append a train-only round (needs --out's file, holding the earlier rounds)",
    )
    args = parser.parse_args()
    first_batch = 0
    if args.train_round:
        if not args.out or not args.out.exists():
            parser.error("--train-round appends to the earlier rounds' sample: give it as --out")
        sampled = read_jsonl(args.out)
        # Its batches follow the earlier rounds', each of which began a batch of its own.
        rounds = Counter(i["picked_by"].split(":")[0] for i in sampled if ":" in i["picked_by"])
        rounds["1"] = sum(1 for i in sampled if ":" not in i["picked_by"])
        first_batch = sum(-(-n // BATCH_SIZE) for n in rounds.values())
        sample = draw_train_round(args.data, sampled, args.train_round)
    else:
        sample = draw(args.data)
    if args.round2:
        first_batch = -(-len(sample) // BATCH_SIZE)  # round 2's batches follow round 1's
        sample = draw_round2(args.data, sample)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        appending = args.round2 or bool(args.train_round)
        with args.out.open("a" if appending else "w", encoding="utf-8") as handle:
            for item in sample:
                kept = {k: item[k] for k in ("id", "file", "group", "split", "picked_by")}
                handle.write(json.dumps(kept) + "\n")
    if args.batches:
        args.batches.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(sample), BATCH_SIZE):
            path = args.batches / f"b{first_batch + start // BATCH_SIZE:03d}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for item in sample[start : start + BATCH_SIZE]:
                    handle.write(json.dumps({"id": item["id"], "text": item["row"]["text"]}) + "\n")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for item in sample:
        counts[(item["file"], item["split"])] += 1
    for (name, split), n in sorted(counts.items()):
        print(f"{name:42} {split:5} {n:5}")
    print("total", len(sample))


if __name__ == "__main__":
    main()
