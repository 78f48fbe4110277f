"""Cutting texts into windows and packing windows into batches with little padding."""

from __future__ import annotations

import numpy as np
import pytest

from app.model.windows import LONG_TEXT_CHUNK_TOKENS, MAX_PADDING, Windower

CLS, SEP, PAD = 101, 102, 0


def words(texts: list[str]) -> list[list[int]]:
    """One id per word: 1000 + its length, so a test can tell the words apart by size."""
    return [[1000 + len(w) for w in text.split()] for text in texts]


def windower(**kwargs: object) -> Windower:
    return Windower(words, cls_id=CLS, sep_id=SEP, pad_id=PAD, **kwargs)  # type: ignore[arg-type]


def trouble(text: str) -> float:
    return text.count("unacceptable") + text.count("refund")


def test_a_short_text_is_one_window() -> None:
    [[window]] = windower().windows(["the order is late"])
    assert window == [CLS, 1003, 1005, 1002, 1004, SEP]


def test_a_long_text_is_read_whole_in_sentence_chunks() -> None:
    sentence = "this is fine. "
    text = sentence * 100  # 300 words: past one 256-token window
    [windows] = windower().windows([text])
    assert sum(len(w) - 2 for w in windows) == 300
    assert all(len(w) - 2 <= LONG_TEXT_CHUNK_TOKENS for w in windows)


def test_the_budget_keeps_the_ends_and_the_trouble() -> None:
    pleasantries = "hope you are well and the weather is lovely. " * 8
    complaint = "still not refunded and nobody answers, this is unacceptable. "
    text = pleasantries * 4 + complaint + pleasantries * 4
    everything = windower().windows([text])[0]
    budget = windower(max_windows=3, rank=trouble).windows([text])[0]
    assert len(everything) > 3 and len(budget) == 3
    assert budget[0] == everything[0] and budget[-1] == everything[-1]
    [troubled] = [w for w in everything if 1013 in w]  # "unacceptable." has 13 characters
    assert budget[1] == troubled


def test_one_endless_sentence_is_ranked_once() -> None:
    calls: list[str] = []

    def counting(text: str) -> float:
        calls.append(text)
        return 0.0

    text = "word " * 5000  # no full stop: cut into ~80 pieces of one sentence
    [windows] = windower(max_windows=4, rank=counting).windows([text])
    assert len(windows) == 4
    assert len(calls) == 1


def test_without_a_ranker_the_budget_reads_from_the_start() -> None:
    text = " ".join(f"sentence {'x' * (i % 9 + 1)} number one two three." for i in range(200))
    everything = windower().windows([text])[0]
    budget = windower(max_windows=4).windows([text])[0]
    assert budget == [*everything[:3], everything[-1]]


def test_the_budget_leaves_texts_within_it_alone() -> None:
    text = "a short sentence here. " * 80
    assert windower(max_windows=50).windows([text]) == windower().windows([text])
    assert len(windower(max_windows=1).windows([text])[0]) == 1


def test_batches_cover_every_window_once_in_length_order() -> None:
    rng = np.random.default_rng(0)
    windows = [[CLS, *[7] * int(n), SEP] for n in rng.integers(1, 80, size=200)]
    seen: list[int] = []
    for idx, ids, mask in windower().padded_batches(windows, batch_size=32):
        assert len(idx) <= 32
        assert ids.shape == mask.shape == (len(idx), max(len(windows[i]) for i in idx))
        for row, i in enumerate(idx):
            assert ids[row, : len(windows[i])].tolist() == windows[i]
            assert mask[row].sum() == len(windows[i])
            assert (ids[row, len(windows[i]) :] == PAD).all()
        seen.extend(idx)
    assert sorted(seen) == list(range(200))


@pytest.mark.parametrize("batch_size", [4, 32])
def test_padding_stays_within_its_share(batch_size: int) -> None:
    # Chat messages and one long ticket: the ticket no longer pads every message to its size.
    lengths = [12, 13, 18, 19, 20, 20, 21, 21, 22, 22, 25, 54] * 3
    windows = [[CLS, *[7] * (n - 2), SEP] for n in lengths]
    batches = list(windower().padded_batches(windows, batch_size=batch_size))
    for idx, _, mask in batches:
        assert len(idx) <= batch_size
        assert mask.size - mask.sum() <= MAX_PADDING * mask.sum()
    # Sorted but not cut, the 32 shortest would all have padded to the long ticket's 54.
    assert len(batches) >= 3


def test_a_medium_text_read_by_sentences_is_the_whole_text_tokenized() -> None:
    # Past 254 characters a text is tokenized sentence by sentence; where it fits one
    # window, the window must be exactly what tokenizing it whole would give.
    from app.model.tokenizer import WordPieceTokenizer, default_encoder_dir

    tokenizer = WordPieceTokenizer(default_encoder_dir())
    real = Windower(tokenizer, cls_id=tokenizer.cls_id, sep_id=tokenizer.sep_id, pad_id=0)
    texts = [
        "Hello!  I ordered the desk on 03/04.\n\nIt never came... Why?! " * 5,
        "Café crème, naïve résumé — déjà vu? 😡 still not fixed… 3rd time!\r\n" * 5,
        "no full stop anywhere just words and more words " * 6,
        " \n\t " * 100,
    ]
    assert all(len(text) > 254 for text in texts)
    for text, windows in zip(texts, real.windows(texts), strict=True):
        assert windows == [[tokenizer.cls_id, *tokenizer([text])[0], tokenizer.sep_id]]
