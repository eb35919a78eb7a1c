"""Live recognition: `feed(chunk)` returns partial text while the user speaks, `finish()` the final.

The acoustic model looks at the whole utterance so far (it is bidirectional), so a partial
is recomputed from the buffered audio at most every `PARTIAL_EVERY` seconds of new audio;
a short command costs a few tens of milliseconds per partial. Utterances longer than
`MAX_SEGMENT` seconds are committed in pieces so that memory and work stay bounded."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from .audio import SAMPLE_RATE, resample, to_mono

if TYPE_CHECKING:
    from .recognizer import Recognizer, Transcript

PARTIAL_EVERY = 0.2
MAX_SEGMENT = 20.0


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

    def feed(self, chunk: np.ndarray) -> Transcript | None:
        """Add audio; returns a partial Transcript when there is new text to show, else None."""
        from .recognizer import Transcript

        samples = resample(to_mono(np.asarray(chunk, dtype=np.float32)), self.sample_rate)
        self._buffer.append(samples)
        self._buffered += len(samples)
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

    def finish(self) -> Transcript:
        """The final transcript of everything fed (beam search with the language model)."""
        from .recognizer import Transcript

        started = time.perf_counter()
        self._commit()
        confidence = float(np.mean(self._confidences)) if self._confidences else 1.0
        return Transcript(" ".join(self._committed), True, confidence, 0.0, self._seconds(), self._seconds(),
                          time.perf_counter() - started)

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
