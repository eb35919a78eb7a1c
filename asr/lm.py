"""A word n-gram language model with interpolated Kneser-Ney smoothing, written as ARPA text.

The decoder (flashlight's KenLM wrapper) reads ARPA directly. The model is small (the
assistant's sentences plus general English), so it is built in seconds and can be rebuilt
when the user's own words change (list items, application names)."""
from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
LM_CORPUS = "lm_corpus.txt"
"""The LM's sentences, one a line, in a model folder."""
BACKGROUND_WORDS = "words.tsv"
"""Common English words and their frequencies (`word<TAB>frequency`): the decoder's wider vocabulary."""
BACKGROUND_SHARE = 0.5
"""How much of the mass held back for unseen words follows background frequency (the rest is even)."""


def _counts(sentences: Iterable[list[str]], order: int) -> list[Counter]:
    counts = [Counter() for _ in range(order + 1)]
    for words in sentences:
        padded = [BOS] + words + [EOS]
        for n in range(1, order + 1):
            for i in range(max(0, 1 if n == 1 else 0), len(padded) - n + 1):
                counts[n][tuple(padded[i:i + n])] += 1
    return counts


def _continuation_counts(counts: list[Counter], order: int) -> list[Counter]:
    """Lower orders count distinct left contexts (Kneser-Ney), the top order raw counts."""
    adjusted = [Counter() for _ in range(order + 1)]
    adjusted[order] = counts[order]
    for n in range(1, order):
        for gram in counts[n + 1]:
            adjusted[n][gram[1:]] += 1
        for gram, count in counts[n].items():
            if gram[0] == BOS:  # nothing precedes <s>: keep its raw count
                adjusted[n][gram] = count
    return adjusted


def _discount(counts: Counter) -> float:
    n1 = sum(1 for c in counts.values() if c == 1)
    n2 = sum(1 for c in counts.values() if c == 2)
    return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5


def build_arpa(sentences: Iterable[str], order: int = 3, background: Mapping[str, float] | None = None) -> str:
    """ARPA text of an interpolated Kneser-Ney `order`-gram model of `sentences`.

    `background` (word -> relative frequency in general English) widens the vocabulary: the
    unigram mass Kneser-Ney holds back for unseen words is shared out partly in proportion to
    it (`BACKGROUND_SHARE`), partly evenly, so a common word the sentences lack ("denver") is
    possible, and a frequent one more so."""
    counts = _counts((s.split() for s in sentences if s.strip()), order)
    adjusted = _continuation_counts(counts, order)
    background = {w: f for w, f in (background or {}).items() if not w.startswith("<")}
    vocabulary = sorted(({g[0] for g in adjusted[1]} | set(background) | {UNK}) - {BOS})
    probs: list[dict[tuple, float]] = [{} for _ in range(order + 1)]
    backoffs: list[dict[tuple, float]] = [{} for _ in range(order + 1)]
    unigram_total = sum(c for g, c in adjusted[1].items() if g != (BOS,))
    discount = _discount(adjusted[1])
    unseen_mass = discount * sum(1 for g in adjusted[1] if g != (BOS,)) / unigram_total
    share = _background_share(vocabulary, background)
    for word in vocabulary:
        count = adjusted[1].get((word,), 0)
        probs[1][(word,)] = max(count - discount, 0) / unigram_total + unseen_mass * share[word]
    probs[1][(BOS,)] = 0.0  # never predicted; listed for its back-off weight
    for n in range(2, order + 1):
        discount = _discount(adjusted[n])
        context_totals: dict[tuple, int] = defaultdict(int)
        context_types: dict[tuple, int] = defaultdict(int)
        for gram, count in adjusted[n].items():
            context_totals[gram[:-1]] += count
            context_types[gram[:-1]] += 1
        for context, total in context_totals.items():
            backoffs[n - 1][context] = discount * context_types[context] / total
        for gram, count in adjusted[n].items():
            context = gram[:-1]
            lower = _lookup(probs, backoffs, gram[1:])
            probs[n][gram] = (count - discount) / context_totals[context] + backoffs[n - 1][context] * lower
    return _format(probs, backoffs, order)


def _background_share(vocabulary: list[str], background: Mapping[str, float]) -> dict[str, float]:
    """Each word's share of the held-back mass: partly even, partly by background frequency."""
    even = 1.0 / len(vocabulary)
    total = sum(background.get(word, 0.0) for word in vocabulary)
    if not total:
        return dict.fromkeys(vocabulary, even)
    return {word: (1 - BACKGROUND_SHARE) * even + BACKGROUND_SHARE * background.get(word, 0.0) / total
            for word in vocabulary}


def read_background_words(path: Path) -> dict[str, float]:
    """`word<TAB>frequency` lines -> {word: frequency}; no file, no words; a bad line is skipped."""
    if not path.exists():
        return {}
    words = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        word, _, frequency = line.partition("\t")
        try:
            words[word] = float(frequency)
        except ValueError:
            log.warning("%s:%d: not `word<TAB>frequency`, skipped", path, number)
    return {w: f for w, f in words.items() if w and f > 0}


def _lookup(probs: list[dict], backoffs: list[dict], gram: tuple) -> float:
    """p(last word | rest) with back-off, from the orders built so far."""
    if gram in probs[len(gram)]:
        return probs[len(gram)][gram]
    if len(gram) == 1:
        return probs[1][(UNK,)]
    return backoffs[len(gram) - 1].get(gram[:-1], 1.0) * _lookup(probs, backoffs, gram[1:])


def _format(probs: list[dict], backoffs: list[dict], order: int) -> str:
    lines = ["\\data\\"] + [f"ngram {n}={len(probs[n])}" for n in range(1, order + 1)]
    for n in range(1, order + 1):
        lines += ["", f"\\{n}-grams:"]
        for gram, prob in sorted(probs[n].items()):
            log_prob = -99.0 if gram == (BOS,) else math.log10(max(prob, 1e-99))
            line = f"{log_prob:.6f}\t{' '.join(gram)}"
            if n < order and gram in backoffs[n]:
                line += f"\t{math.log10(max(backoffs[n][gram], 1e-99)):.6f}"
            lines.append(line)
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)
