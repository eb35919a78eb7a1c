"""Words -> word-piece tensors, with the index of each word's first piece."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerFast

IGNORE = -100  # label of pieces that are not a word's first piece


@dataclass
class Batch:
    input_ids: torch.Tensor  # [batch, pieces]
    attention_mask: torch.Tensor  # [batch, pieces]
    first_piece: list[list[int]]  # per sentence, piece index of each (kept) word


def encode(tokenizer: PreTrainedTokenizerFast, sentences: Sequence[Sequence[str]],
           max_words: int = 64) -> Batch:
    """Encode word lists; words past `max_words` are dropped (their tags are O)."""
    clipped = [list(words[:max_words]) or ["."] for words in sentences]
    encoded = tokenizer(clipped, is_split_into_words=True, padding=True, truncation=True,
                        max_length=4 * max_words, return_tensors="pt")
    first_piece = []
    for row in range(len(clipped)):
        seen: dict[int, int] = {}
        for piece, word in enumerate(encoded.word_ids(row)):
            if word is not None and word not in seen:
                seen[word] = piece
        first_piece.append([seen[w] for w in sorted(seen)])
    return Batch(encoded["input_ids"], encoded["attention_mask"], first_piece)


def piece_labels(batch: Batch, word_tags: Sequence[Sequence[int]]) -> torch.Tensor:
    """Per-word tag ids -> [batch, pieces] labels with IGNORE off first pieces."""
    labels = torch.full(batch.input_ids.shape, IGNORE, dtype=torch.long)
    for row, (pieces, tags) in enumerate(zip(batch.first_piece, word_tags)):
        for piece, tag in zip(pieces, tags):
            labels[row, piece] = tag
    return labels
