"""`Recognizer`: speech to `Transcript`, whole files or live in a streaming session."""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .acoustic import AcousticModel, load_acoustic_model
from .audio import SAMPLE_RATE, AudioError, read_blocks, resample, to_mono
from .decoding import BeamOptions, Hypothesis, LexiconDecoder, greedy
from .lm import BACKGROUND_WORDS, LM_CORPUS, read_background_words
from .rescoring import Rescorer
from .text import written_form
from .vad import MAX_SEGMENT_SECONDS, speech_segments

if TYPE_CHECKING:
    import torch

    from .streaming import StreamingSession

log = logging.getLogger(__name__)

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "resources" / "models" / "asr"
DECODER_CONFIG = "decoder.json"
"""Beam-search settings tuned on the dev set (`python -m asr tune`), kept beside the model."""


@dataclass(frozen=True)
class Transcript:
    text: str
    """What was said, lower case, numbers as words ("set a timer for ten minutes"); empty for no speech."""
    is_final: bool
    """False for a partial result while the user is still speaking."""
    confidence: float
    """0-1; low for noise or mumbling."""
    start: float = 0.0
    """Seconds into the audio where the speech starts."""
    end: float = 0.0
    """Seconds into the audio where the speech ends."""
    audio_seconds: float = 0.0
    processing_seconds: float = 0.0
    alternatives: tuple[tuple[str, float], ...] = ()
    """Other readings of the same speech (final transcripts, beam search), best first, each with
    its decoder score minus `text`'s (log domain, <= 0); a parser may find one makes more sense."""


def model_dir(folder: str | Path | None = None) -> Path:
    """`folder`, else $ASSISTANT_ASR_MODEL, else the shipped model's folder."""
    return Path(folder or os.environ.get("ASSISTANT_ASR_MODEL") or DEFAULT_MODEL)


def second_pass(options: BeamOptions, int8: bool = True) -> Rescorer | None:
    """The Whisper rescorer where the decoder settings give it a weight and its package is installed."""
    return Rescorer.installed(int8) if options.rescore_weight > 0 else None


def after_words(words: Sequence[str],
                readings: Sequence[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    """Readings of the last stretch of speech, each preceded by the words heard before it: the
    other readings of a whole transcript (that is where a command's words are, and combining
    the readings of every stretch would multiply them)."""
    return tuple((" ".join([*words, text]), score) for text, score in readings)


def written_hypothesis(hypothesis: Hypothesis) -> Hypothesis:
    """The decoder's words, each reading as people write it (`written_form`)."""
    return Hypothesis(written_form(hypothesis.text), hypothesis.confidence,
                      tuple((written_form(t), score) for t, score in hypothesis.alternatives))


class Recognizer:
    """An acoustic model plus a decoder: greedy, or lexicon + n-gram LM beam search."""

    def __init__(self, acoustic: AcousticModel, lm_sentences: Sequence[str] = (), beam: bool = True,
                 options: BeamOptions | None = None, background_words: Mapping[str, float] | None = None,
                 rescorer: Rescorer | None = None) -> None:
        self.acoustic = acoustic
        self.rescorer = rescorer
        self.options = options or BeamOptions()
        self._sentences = list(lm_sentences)
        self.background_words = dict(background_words or {})
        self._lock = threading.Lock()
        self._reader: ThreadPoolExecutor | None = None
        self._decoder = LexiconDecoder(acoustic.vocabulary, self._sentences, (), self.options,
                                       self.background_words) if beam and self._sentences else None

    @classmethod
    def from_pretrained(cls, folder: str | Path | None = None, beam: bool = True,
                        rescore: bool = True, int8: bool = True) -> Recognizer:
        """Load a model folder (default: $ASSISTANT_ASR_MODEL or the shipped model). With `rescore`
        and a second-pass weight in its decoder settings, Whisper rescores the beam's readings
        (`asr.rescoring`) where its package is installed; with `int8` that second pass runs in int8
        (`asr.int8`: a fifth less time for the whole recognizer, the same WER within noise)."""
        folder = model_dir(folder)
        if not (folder / "config.json").exists():
            raise FileNotFoundError(f"no speech model in {folder} (config.json missing)")
        corpus = folder / LM_CORPUS
        sentences = corpus.read_text(encoding="utf-8").splitlines() if corpus.exists() else []
        tuned = folder / DECODER_CONFIG
        options = BeamOptions(**json.loads(tuned.read_text(encoding="utf-8"))) if tuned.exists() else BeamOptions()
        rescorer = second_pass(options, int8) if beam and rescore else None
        return cls(load_acoustic_model(folder), sentences, beam=beam, options=options,
                   background_words=read_background_words(folder / BACKGROUND_WORDS), rescorer=rescorer)

    def set_context(self, phrases: Sequence[str]) -> None:
        """Bias recognition toward the user's own words (list items, app names, ...).

        Builds the new decoder first and swaps it in, so recognition never waits on it."""
        if not self._sentences:
            return
        decoder = LexiconDecoder(self.acoustic.vocabulary, self._sentences, phrases, self.options,
                                 self.background_words)
        with self._lock:
            self._decoder = decoder

    def search(self, options: BeamOptions) -> LexiconDecoder:
        """This recognizer's lexicon and LM (with the user's words, after `set_context`) under
        other search settings; the LM is built anew only for a greedy recognizer, which has none."""
        with self._lock:
            decoder = self._decoder
        if decoder is not None:
            return decoder.with_options(options)
        return LexiconDecoder(self.acoustic.vocabulary, self._sentences, (), options, self.background_words)

    @property
    def sentences(self) -> list[str]:
        """The sentences the language model is built from (before the user's own words)."""
        return list(self._sentences)

    @property
    def vocabulary_words(self) -> frozenset[str]:
        return self._decoder.words if self._decoder else frozenset()

    def decode(self, audio: np.ndarray, final: bool = True, log_probs: torch.Tensor | None = None) -> Hypothesis:
        """16 kHz mono speech -> words (beam search when `final`, greedy for partials);
        `log_probs`: the acoustic model's reading of this very audio, where it has one already."""
        if log_probs is None:
            log_probs = self.acoustic.log_probs(audio)
        with self._lock:
            decoder = self._decoder
        if final and decoder is not None:
            hypothesis = decoder.decode(log_probs)
        else:
            hypothesis = greedy(log_probs, self.acoustic.vocabulary.tokens)
            hypothesis = Hypothesis(hypothesis.text.lower(), hypothesis.confidence)
        hypothesis = written_hypothesis(hypothesis)
        if final and self.rescorer is not None:
            first_pass = partial(decoder.score, log_probs) if decoder is not None else None
            hypothesis = self.rescorer.rescore(audio, hypothesis, self.options.rescore_weight, first_pass)
        return hypothesis

    def transcribe(self, audio: np.ndarray | str | Path, sample_rate: int = SAMPLE_RATE,
                   speech_probabilities: Sequence[float] | None = None) -> Transcript:
        """Audio samples (any rate, mono or [samples, channels]) or a file path -> final Transcript.

        `speech_probabilities`: the VAD's judgement of 16 kHz samples already, as
        `asr.vad.speech_segments` takes it (a live listener's), so it does not run again."""
        started = time.perf_counter()
        if isinstance(audio, (str, Path)):
            blocks, speech_probabilities = read_blocks(audio), None
        else:
            blocks = iter([self._prepare(np.asarray(audio), sample_rate)])
        texts, confidences, start, end, offset = [], [], None, 0.0, 0
        last_readings: tuple[tuple[str, float], ...] = ()
        for block in blocks:
            ahead = self._read_ahead(block) if speech_probabilities is None else None
            for first, last in speech_segments(block, probabilities=speech_probabilities):
                whole = ahead is not None and (first, last) == (0, len(block))
                hypothesis = self.decode(block[first:last], log_probs=ahead.result() if whole else None)
                if hypothesis.text:
                    last_readings = hypothesis.alternatives
                    texts.append(hypothesis.text)
                    confidences.append(hypothesis.confidence)
                    start = (offset + first) / SAMPLE_RATE if start is None else start
                    end = (offset + last) / SAMPLE_RATE
            offset += len(block)
        return Transcript(" ".join(texts), True, float(np.mean(confidences)) if confidences else 1.0,
                          start or 0.0, end, offset / SAMPLE_RATE, time.perf_counter() - started,
                          after_words(texts[:-1], last_readings))

    def _read_ahead(self, block: np.ndarray) -> Future | None:
        """The acoustic model's reading of the whole `block`, begun on another thread while the
        VAD looks for speech in it: a spoken command usually fills its recording, so the VAD's
        one segment is then the block and its reading is ready sooner (with the traced models,
        0.84-0.87 of the recognizer's time on 2 cores, clip by clip in one process). None for a
        block too long to be one segment."""
        if len(block) > MAX_SEGMENT_SECONDS * SAMPLE_RATE:
            return None
        with self._lock:
            if self._reader is None:
                self._reader = ThreadPoolExecutor(1, thread_name_prefix="asr-read-ahead")
        return self._reader.submit(self.acoustic.log_probs, block)

    @staticmethod
    def _prepare(audio: np.ndarray, sample_rate: int) -> np.ndarray:
        if audio.size and not np.all(np.isfinite(audio)):
            raise AudioError("the audio contains invalid samples (NaN or infinity)")
        if np.issubdtype(audio.dtype, np.integer):
            audio = audio.astype(np.float32) / np.iinfo(audio.dtype).max
        return resample(to_mono(audio.astype(np.float32)), sample_rate)

    def stream(self, sample_rate: int = SAMPLE_RATE) -> StreamingSession:
        from .streaming import StreamingSession

        return StreamingSession(self, sample_rate)

