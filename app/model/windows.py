"""How texts become the encoder's input: token windows, and batches with little padding.

Torch-free, so that the ONNX runtime can serve without importing torch; the torch encoder
cuts texts the same way through the same class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

# all-MiniLM-L6-v2 was trained on 256-token inputs: a text that fits is read whole, and
# a longer one is split (see Windower.windows), never silently cut.
WINDOW_TOKENS = 256
# Longer texts are read in chunks of whole sentences up to this many tokens. A shorter
# chunk reads a complaint with fewer pleasantries around it, but gives chance more chunks
# to look negative: on emails built from TweetEval dev tweets (scripts/evaluate_long.py's
# recipe) 40 told hidden complaints from calm emails best of 24, 32, 40, 48 and 64.
LONG_TEXT_CHUNK_TOKENS = 40
# A padded position costs as much as a real token. Sorted by length, a batch of chat
# messages still padded to its one long message tripled the work on the bench's mix; a
# batch is cut where padding would exceed this share of the real tokens.
MAX_PADDING = 0.25
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

# Token ids of each text, without special tokens (no texts: no ids).
Tokenize = Callable[[list[str]], list[list[int]]]
# How much a passage deserves reading: higher first (app.model.salience.NegativityScorer).
Rank = Callable[[str], float]


@dataclass(frozen=True)
class Windower:
    """Cuts texts into [CLS] ... [SEP] windows and packs windows into padded batches.

    `max_windows` bounds what the model reads of a very long text (0: no bound). Such a
    text keeps its first and last chunks and, between them, those `rank` puts first (or
    the earliest, without one); the trigger rules and cues still read every word of it.
    """

    tokenize: Tokenize
    cls_id: int
    sep_id: int
    pad_id: int
    max_tokens: int = WINDOW_TOKENS
    max_windows: int = 0
    rank: Rank | None = None

    def windows(self, texts: Sequence[str]) -> list[list[list[int]]]:
        """For each text, token-id windows covering it (or its salient part), as [CLS] ... [SEP].

        A text that fits is one window. A longer one is cut at sentence ends into short
        chunks, so that a complaint in the last paragraph of a friendly email is read on its
        own rather than averaged into the pleasantries around it.
        """
        body = self.max_tokens - 2
        # Every token stands for at least one character, so a text this short fits: one
        # call tokenizes all of them. A longer one is tokenized by sentences only, once.
        short = [i for i, text in enumerate(texts) if len(text) <= body]
        short_ids = dict(zip(short, self.tokenize([texts[i] for i in short]), strict=True))
        out = []
        for i, text in enumerate(texts):
            chunks = [short_ids[i]] if i in short_ids else self._sentence_chunks(text, body)
            out.append([[self.cls_id, *chunk, self.sep_id] for chunk in chunks])
        return out

    def _sentence_chunks(self, text: str, body: int) -> list[list[int]]:
        size = min(LONG_TEXT_CHUNK_TOKENS, body)
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
        sentence_ids = self.tokenize(sentences)
        # Cut at white space, the sentences' tokens are the whole text's: if they fit, the
        # text is one window after all.
        if sum(map(len, sentence_ids)) <= body:
            return [[token for ids in sentence_ids for token in ids]]
        chunks: list[list[int]] = []
        sources: list[list[str]] = []  # the sentences each chunk holds, to rank by salience
        current: list[int] = []
        current_sources: list[str] = []
        for sentence, ids in zip(sentences, sentence_ids, strict=True):
            if current and len(current) + len(ids) > size:
                chunks.append(current)
                sources.append(current_sources)
                current, current_sources = [], []
            # A sentence longer than a chunk is cut into chunk-sized pieces; the last piece
            # (at most a chunk) carries on. By offsets: slicing off the front each time would
            # copy a megabyte-long sentence once per piece.
            if len(ids) > size:
                cut = len(ids) - (len(ids) % size or size)
                for begin in range(0, cut, size):
                    chunks.append(ids[begin : begin + size])
                    sources.append([sentence])
                ids = ids[cut:]
            current = current + ids
            current_sources.append(sentence)
        if current:
            chunks.append(current)
            sources.append(current_sources)
        return self._within_budget(chunks, sources)

    def _within_budget(self, chunks: list[list[int]], sources: list[list[str]]) -> list[list[int]]:
        if not self.max_windows or len(chunks) <= self.max_windows:
            return chunks
        first, last = 0, len(chunks) - 1
        if self.max_windows == 1:
            return [chunks[first]]
        rank = self.rank
        middle = list(range(1, last))
        if rank is not None:
            # A chunk ranks by its most troubled sentence: one complaint among pleasantries
            # would be averaged away if the chunk were scored as a whole.
            # The pieces of one over-long sentence share it as their source: rank it once,
            # or a megabyte without a full stop would be ranked once per chunk.
            ranked: dict[str, float] = {}

            def rank_once(sentence: str) -> float:
                if sentence not in ranked:
                    ranked[sentence] = rank(sentence)
                return ranked[sentence]

            score = {i: max(map(rank_once, sources[i])) for i in middle}
            middle.sort(key=lambda i: (-score[i], i))
        keep = sorted([first, last, *middle[: self.max_windows - 2]])
        return [chunks[i] for i in keep]

    def padded_batches(
        self, windows: Sequence[list[int]], batch_size: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """Windows sorted by length into padded batches: (positions, token ids, mask).

        A batch holds at most `batch_size` windows, and is cut early where the next, longer
        window would make padding more than MAX_PADDING of the batch's real tokens.
        """
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        for idx in _length_groups(order, [len(w) for w in windows], batch_size):
            width = len(windows[idx[-1]])
            input_ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                input_ids[row, : len(windows[i])] = windows[i]
                mask[row, : len(windows[i])] = 1
            yield idx, input_ids, mask


def _length_groups(order: list[int], lengths: list[int], batch_size: int) -> Iterator[list[int]]:
    group: list[int] = []
    tokens = 0
    for i in order:
        width = lengths[i]  # the longest so far: `order` is sorted by length
        padded = width * (len(group) + 1)
        if group and (
            len(group) == batch_size or padded - tokens - width > MAX_PADDING * (tokens + width)
        ):
            yield group
            group, tokens = [], 0
        group.append(i)
        tokens += width
    if group:
        yield group
