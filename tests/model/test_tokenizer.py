"""The torch-free tokenizer gives exactly the ids transformers' tokenizer gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import AutoTokenizer

from app.core.errors import ModelLoadError
from app.model.tokenizer import WordPieceTokenizer, default_encoder_dir

TEXTS = [
    "I want to speak to your MANAGER!!!",
    "Café crème, naïve résumé — déjà vu?",
    "Order #A-1234 cost $1,299.99 (incl. VAT) on 03/04/2025.",
    "😡😡 still not fixed… 3rd time!",
    "日本語のテキストも来ます",
    "tabs\tand\nnewlines\r\n  spaces",
    "",
    "word " * 400,  # longer than any window: never truncated here
]


def test_the_ids_match_transformers() -> None:
    encoder_dir = default_encoder_dir()
    reference = AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True)
    tokenizer = WordPieceTokenizer(encoder_dir)
    want = reference(TEXTS, add_special_tokens=False, truncation=False)["input_ids"]
    assert tokenizer(TEXTS) == want
    assert len(tokenizer(["word " * 400])[0]) == 400
    assert (tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id) == (
        reference.cls_token_id,
        reference.sep_token_id,
        reference.pad_token_id,
    )


def test_no_texts_no_ids() -> None:
    assert WordPieceTokenizer(default_encoder_dir())([]) == []


def test_a_missing_tokenizer_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="cannot load the tokenizer"):
        WordPieceTokenizer(tmp_path)
