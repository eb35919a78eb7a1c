"""Live recognition: `feed(chunk)` returns partial text while the user speaks, `finish()` the final.

The acoustic model looks at the whole utterance so far (it is bidirectional), so a partial
is recomputed from the buffered audio at most every `PARTIAL_EVERY` seconds of new audio;
a short command costs a few tens of milliseconds per partial. Utterances longer than
`MAX_SEGMENT` seconds are committed in pieces so that memory and work stay bounded."""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .audio import SAMPLE_RATE, resample, to_mono

if TYPE_CHECKING:
    from .recognizer import Recognizer, Transcript

PARTIAL_EVERY = 0.2
MAX_SEGMENT = 20.0
END_PADDING = 0.2
"""Silence added after the last audio before the final decoding. A listener that ends at a
short pause hands over the last word with almost nothing after it, and CTC emits a word's last
letters a little late: on held-out commands cut 50 ms after the speech, WER was 53.9 % bare
and 49.3 % padded (48.4 % with the whole recording)."""


class StreamingSession:
    def __init__(self, recognizer: Recognizer, sample_rate: int = SAMPLE_RATE) -> None:
        self.recognizer = recognizer
        self.sample_rate = sample_rate
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self._since_partial = 0
        self._committed: list[str] = []
        self._confidences: list[float] = []
        self._offset = 0
        self._last_partial = ""
        self._fed = 0
        self._preview: tuple[int, Transcript] | None = None

    def feed(self, chunk: np.ndarray) -> Transcript | None:
        """Add audio; returns a partial Transcript when there is new text to show, else None."""
        from .recognizer import Transcript

        samples = resample(to_mono(np.asarray(chunk, dtype=np.float32)), self.sample_rate)
        self._buffer.append(samples)
        self._buffered += len(samples)
        self._fed += len(samples)
        self._since_partial += len(samples)
        if self._buffered >= MAX_SEGMENT * SAMPLE_RATE:
            self._commit()
        if self._since_partial < PARTIAL_EVERY * SAMPLE_RATE or not self._buffered:
            return None
        self._since_partial = 0
        started = time.perf_counter()
        hypothesis = self.recognizer.decode(np.concatenate(self._buffer), final=False)
        text = " ".join(self._committed + ([hypothesis.text] if hypothesis.text else []))
        if text == self._last_partial:
            return None
        self._last_partial = text
        return Transcript(text, False, hypothesis.confidence, 0.0, self._seconds(),
                          self._seconds(), time.perf_counter() - started)

    def preview_final(self, speech_probabilities: Sequence[float] | None = None) -> Transcript:
        """What `finish()` would return now, without ending the session. A listener can judge
        the words at a pause; if no audio follows, `finish()` returns this at no extra cost."""
        if self._preview is None or self._preview[0] != self._fed:
            self._preview = (self._fed, self._final(speech_probabilities))
        return self._preview[1]

    def finish(self, speech_probabilities: Sequence[float] | None = None) -> Transcript:
        """The final transcript of everything fed (beam search with the language model).

        `speech_probabilities`: the VAD's judgement of everything fed, one per `asr.vad.FRAME`
        samples (`Endpointer.probabilities`, when it heard the same 16 kHz audio), so that
        finding where the speech is costs nothing at the end of an utterance."""
        if self._preview is not None and self._preview[0] == self._fed:
            return self._preview[1]
        return self._final(speech_probabilities)

    def _final(self, speech_probabilities: Sequence[float] | None) -> Transcript:
        from .recognizer import Transcript, after_words

        started = time.perf_counter()
        texts, confidences = list(self._committed), list(self._confidences)
        alternatives: tuple[tuple[str, float], ...] = ()
        if self._buffer:
            padding = np.zeros(round(END_PADDING * SAMPLE_RATE), np.float32)
            # After a commit the buffer no longer starts where the probabilities do.
            aligned = self._offset == 0 and self.sample_rate == SAMPLE_RATE
            usable = speech_probabilities if aligned else None
            last = self.recognizer.transcribe(np.concatenate([*self._buffer, padding]),
                                              speech_probabilities=usable)
            if last.text:
                alternatives = after_words(texts, last.alternatives)
                texts.append(last.text)
                confidences.append(last.confidence)
        confidence = float(np.mean(confidences)) if confidences else 1.0
        return Transcript(" ".join(texts), True, confidence, 0.0, self._seconds(), self._seconds(),
                          time.perf_counter() - started, alternatives)

    def _commit(self) -> None:
        if not self._buffer:
            return
        audio = np.concatenate(self._buffer)
        self._buffer, self._buffered = [], 0
        self._offset += len(audio)
        transcript = self.recognizer.transcribe(audio)
        if transcript.text:
            self._committed.append(transcript.text)
            self._confidences.append(transcript.confidence)

    def _seconds(self) -> float:
        return (self._offset + self._buffered) / SAMPLE_RATE
