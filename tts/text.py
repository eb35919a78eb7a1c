"""Text clean-up before normalisation: markup, emoji, unspeakable scripts; sentence chunking."""
from __future__ import annotations

import html
import logging
import re
import unicodedata

log = logging.getLogger(__name__)

MAX_CHUNK_CHARS = 240
"""Longest piece handed to a voice at once: keeps first audio quick and memory flat."""

_MARKDOWN = [
    (re.compile(r"```.*?(?:```|$)", re.DOTALL), " "),  # fenced code: not worth reading out
    (re.compile(r"<br\s*/?>|</(?:p|div|li|h\d)>", re.IGNORECASE), ". "),
    (re.compile(r"<[^>\n]{1,200}>"), " "),                  # any other HTML tag
    # Bounded repeats keep every pattern linear on hostile input ("[[[[..." x 20,000).
    (re.compile(r"!\[([^\]\n]{0,300})\]\([^)\s]{0,2000}\)"), r"\1"),  # ![alt](src) -> alt
    (re.compile(r"\[([^\]\n]{1,300})\]\([^)\s]{0,2000}\)"), r"\1"),   # [text](url) -> text
    (re.compile(r"`([^`\n]{0,300})`"), r"\1"),                    # `code` -> code
    (re.compile(r"(\*\*|__)(?=\S)(.{1,300}?)(?<=\S)\1"), r"\2"),  # **bold**, __bold__
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{1,300}?)(?<=\S)\*(?!\w)"), r"\1"),  # *italic*
    (re.compile(r"(?<!\w)_(?=\S)([^_\n]{1,300}?)(?<=\S)_(?!\w)"), r"\1"),       # _italic_
    (re.compile(r"~~(.{1,300}?)~~"), r"\1"),
    # headings, quotes, bullets
    (re.compile(r"^[ \t]{0,3}(?:#{1,6}|>+|[-*+•]|\d+[.)])[ \t]+", re.MULTILINE), ""),
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), " "),  # horizontal rules
]
_URL = re.compile(r"\b(?:https?://|www\.)([\w.-]+)[^\s)]*", re.IGNORECASE)
_LINE_END = re.compile(r"(?<![.!?:;,])[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+")


def strip_markup(text: str) -> str:
    """HTML and markdown to the plain words a reader would say."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    text = html.unescape(text)
    # A link's address is noise spoken aloud; the site name is what a person would say.
    return _URL.sub(lambda m: m.group(1).removeprefix("www.").replace(".", " dot "), text)


_KEEP_SYMBOLS = set("\n\t%°+=<>&@#^~×÷−±")
"""Symbols the normaliser turns into words; every other symbol or emoji is dropped."""


def _speakable(char: str, latin_only: bool) -> bool:
    category = unicodedata.category(char)
    if category[0] in "CS" and char not in _KEEP_SYMBOLS:
        return category == "Sc"  # currency signs are read ("$5"); emoji and controls are not
    if category[0] == "M" and not unicodedata.name(char, "").startswith("COMBINING"):
        return False  # emoji variation selectors and marks of scripts we drop
    if latin_only and category[0] == "L":
        # An English voice spells CJK or Cyrillic as "Chinese letter ..." noise; skip them.
        return unicodedata.name(char, "").startswith("LATIN")
    return True


def clean(text: str, latin_only: bool = True) -> str:
    """Markup stripped, emoji and (for English voices) non-Latin letters dropped, spaces tidied."""
    text = unicodedata.normalize("NFKC", strip_markup(text))
    kept = "".join(char if _speakable(char, latin_only) else " " for char in text)
    if kept != text:
        log.debug("dropped unspeakable characters from %r", text[:80])
    kept = _LINE_END.sub(". ", kept.strip())  # a line break without punctuation is a pause
    kept = re.sub(r"\s+", " ", kept)
    kept = re.sub(r"\s+([,.!?;:])", r"\1", kept)
    kept = re.sub(r"([,.!?;:])(?:\s*[,.;:])+", r"\1", kept)  # ". ." left by removals
    kept = kept.lstrip(" ,.;:!?").rstrip(" ,;:")
    return kept if any(char.isalnum() for char in kept) else ""


def split_sentences(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    """Sentences, each cut at clauses and then words so that none is longer than max_chars."""
    chunks: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence) <= max_chars:
            chunks.append(sentence)
            continue
        for clause in _CLAUSE_END.split(sentence):
            chunks.extend(_cut(clause, max_chars))
    return [chunk for chunk in chunks if any(c.isalnum() for c in chunk)]


def _cut(text: str, max_chars: int) -> list[str]:
    """Greedy word packing; a single word longer than max_chars is cut hard."""
    pieces: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > max_chars:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:max_chars])
            word = word[max_chars:]
        if current and len(current) + 1 + len(word) > max_chars:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces
