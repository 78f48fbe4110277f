"""The long-text tools: the emails evaluate_long builds and the salience training matrix."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from app.core.domain import Scores
from scripts.datasets import Example
from scripts.evaluate_long import EMAIL_CHARS, auc, build_emails
from scripts.train_salience import matrix
from tests.conftest import make_scores


class WordModel:
    """Reads "bad" as negative and anything else as positive."""

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        return [
            make_scores(negative=0.9, positive=0.05)
            if "bad" in t
            else make_scores(negative=0.05, positive=0.9)
            for t in texts
        ]


def test_emails_hide_one_complaint_the_model_reads_alone(tmp_path: Path) -> None:
    rows = [
        *({"text": f"lovely day number {i}", "label": "positive"} for i in range(50)),
        {"text": "a bad day", "label": "negative"},
        {"text": "a misread one", "label": "negative"},  # the model reads it as positive
        {"text": "bad but labelled positive", "label": "positive"},  # read as negative
    ]
    folder = tmp_path / "tweeteval_sentiment"
    folder.mkdir()
    (folder / "test.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    emails = build_emails(WordModel(), tmp_path, count=6)  # type: ignore[arg-type]
    assert [e.complaint for e in emails] == [True, False] * 3
    for email in emails:
        assert EMAIL_CHARS - 300 <= len(email.text) <= EMAIL_CHARS + 300  # give or take a tweet
        assert email.text.count("a bad day") == int(email.complaint)
        assert "misread" not in email.text and "labelled positive" not in email.text


def test_the_salience_matrix_is_binary_words_and_pairs() -> None:
    x, y = matrix(
        [Example("not good not good", {"sentiment": 0}), Example("fine", {"sentiment": 1})]
    )
    assert x.shape[0] == 2 and y.tolist() == [1, 0]  # negative against the rest
    assert x[0].sum() == 4  # "not", "good", "not good", "good not": each counted once


def test_auc_counts_complaints_read_more_negative_than_calm_emails() -> None:
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auc([0.1], [0.9]) == 0.0
    assert auc([0.5, 0.9], [0.5]) == 0.75  # a tie counts half
