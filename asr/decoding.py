"""From CTC log-probabilities to text: greedy best path, or a lexicon beam search with an n-gram LM."""
from __future__ import annotations

import contextlib
import copy
import logging
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from .text import BLANK, WORD_SEPARATOR, plain_spoken_form

if TYPE_CHECKING:
    from .acoustic import Vocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hypothesis:
    text: str
    confidence: float
    """Mean per-frame probability of the chosen units on non-blank frames, 0-1."""
    alternatives: tuple[tuple[str, float], ...] = ()
    """Other word sequences the beam search found, best first, each with its score minus the
    best one's (log domain, <= 0): readings a downstream parser may prefer."""


def greedy(log_probs: torch.Tensor, vocab: Sequence[str]) -> Hypothesis:
    """[frames, vocab] -> best-path text: collapse repeats, drop blanks."""
    best = log_probs.argmax(dim=-1)
    chars: list[str] = []
    scores: list[float] = []
    previous = -1
    for frame, index in enumerate(best.tolist()):
        if index != previous and vocab[index] != BLANK:
            chars.append(vocab[index])
            scores.append(float(log_probs[frame, index]))
        previous = index
    text = " ".join("".join(chars).replace(WORD_SEPARATOR, " ").split())
    confidence = math.exp(sum(scores) / len(scores)) if scores else 0.0
    return Hypothesis(text, confidence)


@dataclass(frozen=True)
class BeamOptions:
    beam_size: int = 512
    """With the 20,000-word lexicon, wide beams keep finding better paths (dev, shipped model, with
    the second pass: beam 64 17.7 %, 256 16.0 %, 512 15.5 %, 1024 15.3 % at a threshold of 25);
    the tight threshold below keeps a beam of 512 cheap."""
    lm_weight: float = 0.8
    word_score: float = 0.5
    beam_size_token: int = 8
    """Only the frame's 8 likeliest units extend a hypothesis: with two spellings of every word
    the search took three times as long with all 29 (dev, real-time factor 0.014 against 0.006)
    for a tenth of a point of WER (14.2 against 14.3 % with the second pass)."""
    unk_score: float = -math.inf
    """Only words of the lexicon: a command recognizer should not invent spellings."""
    beam_threshold: float = 15.0
    """Hypotheses this far below the best are dropped: with a beam of 512, 15 gave the WER of 25
    (15.6 against 15.5 % on dev) in half the search time (real-time factor 0.004 against 0.0075,
    0.002 for the old beam of 64); 12 pruned too much (16.0 %)."""
    nbest: int = 32
    """How many of the final beams are read out as alternatives; beams that spell the same words
    are merged (32 beams give about 10 distinct readings of a command), at no search cost."""
    rescore_weight: float = 0.0
    """Weight of the second pass (`asr.rescoring`: Whisper's score of each reading) against the
    beam search's score; 0 leaves the readings in the beam search's order."""


BIAS_CARRIERS = ("{}", "add {}", "remove {}", "the {}", "my {}", "some {}", "and {}", "open {}", "play {}",
                 "about {}", "{} please", "{} list", "is {}")
"""The user's words in many short contexts: Kneser-Ney counts distinct neighbours, not repeats,
so variety (not copies) is what gives a word probability in new sentences."""


class LexiconDecoder:
    """Beam search over the words of a lexicon, scored by an n-gram LM (flashlight via torchaudio).

    The lexicon and LM come from the assistant's sentences plus `bias_phrases`: the user's
    own words (list items, application names), which the recognizer can then spell; and
    `background`, common English words with their frequencies, for the words in between."""

    def __init__(self, vocabulary: Vocabulary, sentences: Sequence[str], bias_phrases: Sequence[str] = (),
                 options: BeamOptions = BeamOptions(), background: Mapping[str, float] | None = None) -> None:
        from .lm import build_arpa

        self.vocabulary = vocabulary
        bias = [b for b in (plain_spoken_form(p) for p in bias_phrases) if b]
        corpus = list(sentences) + [carrier.format(b) for b in bias for carrier in BIAS_CARRIERS]
        background = background or {}
        words = sorted({w for s in corpus for w in s.split()} | set(background))
        self.words = frozenset(words)
        self._lexicon = "".join(self._lexicon_line(w) for w in words)
        self._arpa = build_arpa(corpus, background=background)
        self.options = options
        self._decoder = self._search(options)

    def with_options(self, options: BeamOptions) -> LexiconDecoder:
        """The same lexicon and language model with other search settings (the LM is not rebuilt)."""
        twin = copy.copy(self)
        twin.options = options
        twin._decoder = twin._search(options)
        return twin

    def _search(self, options: BeamOptions):
        from torchaudio.models.decoder import ctc_decoder

        with tempfile.TemporaryDirectory(prefix="asr-lm-") as folder:
            lexicon, tokens, arpa = (Path(folder) / name for name in ("lexicon.txt", "tokens.txt", "lm.arpa"))
            lexicon.write_text(self._lexicon, encoding="utf-8")
            tokens.write_text("\n".join(self.vocabulary.tokens) + "\n", encoding="utf-8")
            arpa.write_text(self._arpa, encoding="utf-8")
            with _quiet_stderr():  # KenLM prints a progress bar while it reads ARPA
                return ctc_decoder(
                    lexicon=str(lexicon), tokens=str(tokens), lm=str(arpa), beam_size=options.beam_size,
                    beam_size_token=options.beam_size_token, beam_threshold=options.beam_threshold,
                    lm_weight=options.lm_weight,
                    word_score=options.word_score, unk_score=options.unk_score, nbest=options.nbest,
                    blank_token=self.vocabulary.blank, sil_token=self.vocabulary.separator)

    def _lexicon_line(self, word: str) -> str:
        """Two spellings of `word`: its letters and a word separator, and its letters alone. The
        first lets the search hold a word's last letter over several frames (the search's
        silence is the separator, so a finished word held its last letter as silence); the
        second lets words meet with no separator between, as the model often runs quick words
        together ("usagod" for "use a good"). On dev, with the second pass: 15.2 % with the
        first spelling alone, 14.2 % with both, and 14.8 % with the second alone."""
        spelled = word.upper() if self.vocabulary.upper_case else word
        if not all(c in self.vocabulary.tokens for c in spelled):
            return ""
        letters = " ".join(spelled)
        return f"{word}\t{letters} {self.vocabulary.separator}\n{word}\t{letters}\n"

    def _closed(self, log_probs: torch.Tensor) -> torch.Tensor:
        """`log_probs` and one more frame that is certainly a word separator, so the search can
        close an utterance's last word by either spelling: the model learnt separators between
        words only, never after the last one. With only the separator spelling and no such
        frame, the search dropped last words ("make me giggle" -> "make me")."""
        close = torch.full((1, log_probs.shape[1]), -1e4)
        close[0, self.vocabulary.tokens.index(self.vocabulary.separator)] = 0.0
        return torch.cat([log_probs, close])

    def decode(self, log_probs: torch.Tensor) -> Hypothesis:
        """[frames, tokens] -> the best word sequence."""
        if log_probs.shape[0] == 0:
            return Hypothesis("", 0.0)
        emissions = self._closed(log_probs.float()).contiguous().unsqueeze(0)
        results = self._decoder(emissions, torch.tensor([emissions.shape[1]], dtype=torch.int32))
        if not results or not results[0]:
            return Hypothesis("", 0.0)
        readings: dict[str, float] = {}
        for beam in results[0]:  # best first; beams that spell the same words differ only in timing
            words = " ".join(w for w in beam.words if w and not w.startswith("<"))
            readings.setdefault(words, beam.score)
        (text, best), *others = readings.items()
        confidence = greedy(log_probs, self.vocabulary.tokens).confidence if text else 0.0
        return Hypothesis(text, confidence, tuple((t, score - best) for t, score in others if t))

    def score(self, log_probs: torch.Tensor, texts: Sequence[str]) -> list[float]:
        """The beam search's score of readings it need not have found (spoken form, as `decode`
        reads words out): the best CTC path through the lexicon's spellings, plus the LM weight
        times the LM's score and the word score per word, as the search adds them. -inf for a
        reading the acoustic model cannot spell. The second pass weighs Whisper's own readings
        by this (`asr.rescoring`); they are mostly one reading cut at each word, and a reading's
        best paths give all its first words' at once."""
        emissions = self._closed(log_probs.float()).numpy()
        index = {token: i for i, token in enumerate(self.vocabulary.tokens)}
        paths: dict[tuple[str, ...], float] = {}
        for words in sorted({tuple(text.split()) for text in texts}, key=len, reverse=True):
            if words and words not in paths:
                for count, score in enumerate(best_path_scores(emissions, words, index, self.vocabulary), 1):
                    paths.setdefault(words[:count], score)
        options = self.options
        return [paths.get(tuple(text.split()), -math.inf) + options.lm_weight * self._lm_score(text.split())
                + options.word_score * len(text.split()) for text in texts]

    def _lm_score(self, words: Sequence[str]) -> float:
        """log10 P(words, end of sentence) under the search's own LM, `<unk>` for unknown words."""
        lm, dictionary = self._decoder.lm, self._decoder.word_dict
        state, total = lm.start(False), 0.0
        for word in words:
            state, score = lm.score(state, dictionary.get_index(word if word in self.words else "<unk>"))
            total += score
        return total + lm.finish(state)[1]


def best_path_scores(emissions: np.ndarray, words: Sequence[str], index: Mapping[str, int],
                     vocabulary: Vocabulary) -> list[float]:
    """log P of the likeliest CTC path that spells `words[:n]`, for each n from 1, through
    [frames, tokens] `emissions` (which end on a separator frame, `LexiconDecoder._closed`), as
    the lexicon's two spellings allow it: a separator between two words or none, and silence
    (separators) before the first. -inf where a letter is not in `index` or frames are too few."""
    spelled = [word.upper() if vocabulary.upper_case else word for word in words]
    if not spelled or not all(c in index for word in spelled for c in word):
        return [-math.inf] * len(words)
    blank, separator = index[vocabulary.blank], index[vocabulary.separator]
    labels, skippable, ends = [separator], [True], []
    for word in spelled:
        labels += [index[c] for c in word] + [separator]
        skippable += [False] * len(word) + [True]  # between words; each word's own end, read below
        ends.append(2 * len(labels) - 1)  # the state of the separator after it
    states = np.full(2 * len(labels) + 1, blank)
    states[1::2] = labels
    skip = np.zeros(len(states), dtype=bool)
    skip[1::2] = skippable
    # CTC's moves, plus moves over a skippable separator (from the blank or letter before it)
    position = np.arange(len(states))
    label = position % 2 == 1
    over_blank = label & (position >= 2) & (states != np.roll(states, 2))
    over_separator = label & np.roll(skip, 2) & (position >= 3)
    over_both = over_separator & (position >= 4) & (states != np.roll(states, 4))
    scores = np.full(len(states), -np.inf)
    scores[:2] = emissions[0, states[:2]]
    scores[3] = emissions[0, states[3]]
    for frame in emissions[1:]:
        best = scores.copy()
        best[1:] = np.maximum(best[1:], scores[:-1])
        best[2:] = np.where(over_blank[2:], np.maximum(best[2:], scores[:-2]), best[2:])
        best[3:] = np.where(over_separator[3:], np.maximum(best[3:], scores[:-3]), best[3:])
        best[4:] = np.where(over_both[4:], np.maximum(best[4:], scores[:-4]), best[4:])
        scores = best + frame[states]
    # a reading of n words ends on the separator after its n-th word, or on the blank after that
    return [float(max(scores[end], scores[end + 1])) for end in ends]


@contextlib.contextmanager
def _quiet_stderr():
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
