"""Rare slot values the training data names, as a prior for the tagger's decoding.

A tagger fine-tuned for a few epochs keeps the values it saw often, not the rare ones: a
playlist named twice in training ("the refugee playlist") comes back as "refugee", another
("jazz brasileiro") as an artist. Where the exact words of a rarely seen training value
stand in a sentence, the decoder is told how often those words, wherever they stood in
training, were that slot, whole. A value that was always the slot gets a strong nudge, one
that was usually ordinary words ("rock", "far") next to none; the model still decides.
Values seen more often than `MAX_SEEN` times are left to the model, which knows them and
their contexts better than a count does ("this", "near")."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from .data import Example, spans_from_tags

MAX_VALUE_WORDS = 12  # longer values do not recur
MAX_SEEN = 30
"""Values whose words stand in training more often than this are the model's own business
(on SNIPS dev: 30 beat 3, 10 and 100)."""
MIN_SHARE = 0.05  # a value that was the slot less often than this is ordinary words
FILE = "gazetteer.json"


def _key(words: Sequence[str]) -> str:
    return " ".join(w.lower() for w in words)


@dataclass(frozen=True)
class Gazetteer:
    """value (lower-case words, space-joined) -> {slot: share of its occurrences that were that slot}."""

    values: dict[str, dict[str, float]]

    @classmethod
    def from_examples(cls, examples: Sequence[Example]) -> Gazetteer:
        as_slot: dict[str, Counter] = defaultdict(Counter)
        for example in examples:
            for first, last, name in spans_from_tags(list(example.tags)):
                if last - first <= MAX_VALUE_WORDS:
                    as_slot[_key(example.words[first:last])][name] += 1
        lengths = {len(value.split()) for value in as_slot}
        seen: Counter = Counter()  # how often each value's words stand anywhere in training
        for example in examples:
            words = [w.lower() for w in example.words]
            for length in lengths:
                for start in range(len(words) - length + 1):
                    key = " ".join(words[start:start + length])
                    if key in as_slot:
                        seen[key] += 1
        values = {}
        for value, counts in as_slot.items():
            shares = {name: round(count / seen[value], 4) for name, count in counts.items()
                      if count / seen[value] >= MIN_SHARE}
            if shares and seen[value] <= MAX_SEEN:
                values[value] = shares
        return cls(values)

    def matches(self, words: Sequence[str]) -> list[tuple[int, int, str, float]]:
        """(first, end, slot, share) for every training value standing in `words`."""
        lowered = [w.lower() for w in words]
        found = []
        for start in range(len(lowered)):
            for end in range(start + 1, min(len(lowered), start + MAX_VALUE_WORDS) + 1):
                for name, share in self.values.get(" ".join(lowered[start:end]), {}).items():
                    found.append((start, end, name, share))
        return found

    def bias(self, words: Sequence[str], tags: Sequence[str], weight: float) -> torch.Tensor:
        """[words, tags] log-score bonus: a matched value's B- and I- tags up by weight × share,
        and its slot running on past the value's end down by as much."""
        index = {tag: i for i, tag in enumerate(tags)}
        bonus = torch.zeros(len(words), len(tags))
        if weight == 0:
            return bonus
        for start, end, name, share in self.matches(words):
            begin, inside = index.get(f"B-{name}"), index.get(f"I-{name}")
            if begin is None or inside is None:
                continue
            bonus[start, begin] += weight * share
            bonus[start + 1:end, inside] += weight * share
            if end < len(words):
                bonus[end, inside] -= weight * share
        return bonus

    def __bool__(self) -> bool:
        return bool(self.values)

    def save(self, folder: str | Path) -> None:
        text = json.dumps(self.values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        Path(folder, FILE).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> Gazetteer | None:
        """The folder's gazetteer; None where it has none (models trained before it existed)."""
        path = Path(folder, FILE)
        if not path.exists():
            return None
        return cls(json.loads(path.read_text(encoding="utf-8")))
