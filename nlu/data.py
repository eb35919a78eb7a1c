"""Readers for the two training-data layouts: the project's markup and BIO folders."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .tokens import tokenize

_SLOT = re.compile(r"\[([^\[\]]+)\]\(([A-Za-z0-9_.\-]+)\)")


@dataclass(frozen=True)
class Example:
    """One labelled utterance at word level."""

    words: tuple[str, ...]
    tags: tuple[str, ...]  # one BIO tag per word
    intent: str

    @property
    def text(self) -> str:
        return " ".join(self.words)


def parse_markup_line(line: str) -> tuple[str, str, list[tuple[int, int, str]]]:
    """`intent<TAB>text with [span](slot)` -> (intent, plain text, char spans)."""
    intent, _, marked = line.rstrip("\n").partition("\t")
    if not marked:
        raise ValueError(f"expected 'intent<TAB>text', got {line!r}")
    plain, spans, pos = [], [], 0
    length = 0
    for match in _SLOT.finditer(marked):
        before = marked[pos:match.start()]
        plain.append(before)
        length += len(before)
        span_text = match.group(1)
        spans.append((length, length + len(span_text), match.group(2)))
        plain.append(span_text)
        length += len(span_text)
        pos = match.end()
    plain.append(marked[pos:])
    text = "".join(plain)
    if "[" in text and "](" in text:
        raise ValueError(f"unbalanced slot markup in {line!r}")
    return intent.strip(), text, spans


def bio_tags(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[str], list[str]]:
    """Tokenise `text` and tag each word B-/I-slot or O from character spans."""
    words, tags = [], []
    previous_span = None
    for token in tokenize(text):
        tag, current = "O", None
        for index, (start, end, slot) in enumerate(spans):
            if token.start >= start and token.end <= end:
                tag = ("I-" if previous_span == index else "B-") + slot
                current = index
                break
        words.append(token.text)
        tags.append(tag)
        previous_span = current
    return words, tags


def read_markup_lines(path: str | Path) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """(intent, plain text, char spans) of every line of a markup TSV file, or of every *.tsv
    file of a folder; blank lines and # comments skipped."""
    path = Path(path)
    files = sorted(path.rglob("*.tsv")) if path.is_dir() else [path]
    rows = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                rows.append(parse_markup_line(line))
            except ValueError as error:
                raise ValueError(f"{file}:{number}: {error}") from None
    return rows


def read_markup(path: str | Path) -> list[Example]:
    """Read a markup TSV file, or every *.tsv file of a folder."""
    examples = []
    for intent, text, spans in read_markup_lines(path):
        words, tags = bio_tags(text, spans)
        if words:
            examples.append(Example(tuple(words), tuple(tags), intent))
    return examples


def read_bio(path: str | Path) -> list[Example]:
    """Read one BIO split folder (`seq.in`, `seq.out`, `label`)."""
    path = Path(path)
    lines = [(path / name).read_text(encoding="utf-8").splitlines()
             for name in ("seq.in", "seq.out", "label")]
    if not len(lines[0]) == len(lines[1]) == len(lines[2]):
        raise ValueError(f"{path}: seq.in, seq.out and label differ in length")
    examples = []
    for words, tags, intent in zip(*lines):
        words_, tags_ = words.split(), tags.split()
        if len(words_) != len(tags_):
            raise ValueError(f"{path}: {len(words_)} words but {len(tags_)} tags in {words!r}")
        examples.append(Example(tuple(words_), tuple(tags_), intent.strip()))
    return examples


def read_clinc(path: str | Path, split: str) -> list[Example]:
    """CLINC150 JSON (`data_full.json`): split is train, val or test; oos -> out_of_scope."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = data[split] + data[f"oos_{split}"]
    examples = []
    for text, intent in rows:
        words = [t.text for t in tokenize(text)]
        intent = "out_of_scope" if intent == "oos" else intent
        examples.append(Example(tuple(words), ("O",) * len(words), intent))
    return examples


def read_examples(path: str | Path, data_format: str = "markup", split: str = "train") -> list[Example]:
    """Read examples in `markup`, `bio` or `clinc` format.

    For `bio`, `path` may be the benchmark folder (then `split` picks the
    sub-folder) or a split folder itself."""
    path = Path(path)
    if data_format == "markup":
        return read_markup(path)
    if data_format == "bio":
        return read_bio(path / split if (path / split / "seq.in").exists() else path)
    if data_format == "clinc":
        return read_clinc(path if path.is_file() else path / "data_full.json",
                          {"dev": "val"}.get(split, split))
    raise ValueError(f"unknown data format {data_format!r}")


def spans_from_tags(tags: Iterable[str]) -> list[tuple[int, int, str]]:
    """BIO tags -> (first word, last word + 1, slot) spans; a stray I- starts a span."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    tags = list(tags)
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix != "I" or name != label):
            spans.append((start, i, label))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and label is None):
            start, label = i, name
    return spans
