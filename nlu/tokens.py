"""Word tokenisation with character offsets, shared by training and parsing."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Numbers keep their separators ("6:30", "3.5", "1,000", "15%"), words keep
# apostrophes ("what's"); any other symbol or emoji is a token of its own.
_WORD = re.compile(r"\w+(?:[.:,'’]\w+)*%?|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def joined_tokens(words: Sequence[str]) -> list[Token]:
    """Tokens of words already split, with their offsets in `" ".join(words)`."""
    tokens, position = [], 0
    for word in words:
        tokens.append(Token(word, position, position + len(word)))
        position += len(word) + 1
    return tokens
