"""Barge-in by voice: while the assistant speaks, notice the user talking over it.

The microphone also hears the assistant's own voice coming out of the speakers (without echo
cancellation in the sound system). So the first half second of the reply calibrates how loud
that echo is, and only sustained speech clearly louder than it counts as the user: a voice
near the microphone, not the loudspeaker across the desk. With headphones, or PulseAudio's or
PipeWire's echo-cancel module, the echo is silence and any speech counts.
No Qt here: the engine worker runs it on its thread."""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .audio_input import SAMPLE_RATE

if TYPE_CHECKING:
    from .audio_input import AudioSource


@dataclass(frozen=True)
class BargeInOptions:
    threshold: float = 0.6
    """Speech probability a frame needs (stricter than the endpointer: only act when sure)."""
    speech_seconds: float = 0.25
    """This much speech within `window_seconds` is the user talking (a cough is not)."""
    window_seconds: float = 0.5
    calibration_seconds: float = 0.5
    """At the start of a reply the microphone measures the echo; nobody can interrupt then.
    Counted in audio and in wall-clock time both: a sound server may hand over a burst of
    buffered silence when a stream opens, which must not pass for a quiet echo."""
    above_echo_db: float = 8.0
    """The user's voice must be this much louder than the loudest echo heard."""
    preroll_seconds: float = 0.6
    """Audio kept from before the decision, so the user's first words reach the recognizer."""


class BargeInDetector:
    """Feed microphone chunks while the assistant speaks; True once the user talks over it."""

    def __init__(self, options: BargeInOptions | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        from asr.vad import VoiceActivity

        self.options = options or BargeInOptions()
        self.clock = clock
        self._activity = VoiceActivity()
        self._elapsed = 0.0
        self._started: float | None = None
        self._echo = 0.0  # the loudest frame while calibrating
        self._frame_seconds = self._activity.frame_seconds
        self._voiced: deque[bool] = deque(maxlen=round(self.options.window_seconds / self._frame_seconds))
        self._recent: deque[np.ndarray] = deque()
        self._recent_seconds = 0.0

    def feed(self, chunk: np.ndarray) -> bool:
        self._keep(chunk)
        options = self.options
        now = self.clock()
        self._started = now if self._started is None else self._started
        for probability, rms in self._activity.feed(chunk):
            self._elapsed += self._frame_seconds
            if min(self._elapsed, now - self._started) <= options.calibration_seconds:
                self._echo = max(self._echo, rms)
                continue
            loud = rms >= self._echo * 10 ** (options.above_echo_db / 20)
            self._voiced.append(probability >= options.threshold and loud)
            if sum(self._voiced) * self._frame_seconds >= options.speech_seconds:
                return True
        return False

    @property
    def heard_seconds(self) -> float:
        return self._elapsed

    def preroll(self) -> list[np.ndarray]:
        """The audio just before (and including) the decision, oldest first."""
        return list(self._recent)

    def _keep(self, chunk: np.ndarray) -> None:
        self._recent.append(chunk)
        self._recent_seconds += len(chunk) / SAMPLE_RATE
        while self._recent and self._recent_seconds - len(self._recent[0]) / SAMPLE_RATE >= self.options.preroll_seconds:
            self._recent_seconds -= len(self._recent.popleft()) / SAMPLE_RATE


class PrerolledSource:
    """A started source whose first chunks are ones already read (the user's first words)."""

    def __init__(self, source: AudioSource, first: list[np.ndarray]) -> None:
        self._source = source
        self._first = deque(first)

    @property
    def level(self) -> float:
        return self._source.level

    @property
    def ended(self) -> bool:
        return self._source.ended

    def start(self) -> None:
        """Already started."""

    def stop(self) -> None:
        self._source.stop()

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        return self._first.popleft() if self._first else self._source.read(timeout)


def watch(source: AudioSource, detector: BargeInDetector, going_on: threading.Event,
          on_level: Callable[[float], None], read_timeout: float = 0.2) -> bool:
    """Read `source` while `going_on` is set: True once the user talks, False when it is
    cleared or the source ends. The source stays open: on True the caller listens on from
    the preroll."""
    while going_on.is_set():
        chunk = source.read(timeout=read_timeout)
        if chunk is None:
            if source.ended:
                return False
            continue
        on_level(source.level)
        if detector.feed(chunk):
            return True
    return False
