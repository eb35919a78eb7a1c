"""Voice activity with Silero VAD (its model ships in the `silero-vad` package): where speech is,
and, on the live path, when the user has stopped talking."""
from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .audio import SAMPLE_RATE

log = logging.getLogger(__name__)

FRAME = 512
"""Samples per VAD decision at 16 kHz (32 ms), the size Silero expects."""
QUIET_BELOW_LOUDEST = 10 ** (-35 / 20)
"""A frame 35 dB below the loudest speech frame so far is a pause, whatever the VAD says."""


CONTEXT = 64
"""Samples of the frame before that Silero hears with each frame (its own wrapper's context)."""
_RATE = np.array(SAMPLE_RATE, dtype=np.int64)


@lru_cache(maxsize=1)
def _model():
    """The model for whole recordings: its ONNX session is shared, the state is each caller's."""
    return _new_model()


def _new_model():
    """A model of one's own: live listeners carry its recurrent state from frame to frame."""
    from silero_vad import load_silero_vad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return load_silero_vad(onnx=True)
        except ImportError:  # onnxruntime missing: the TorchScript copy does the same job
            return load_silero_vad()


class SpeechProbability:
    """Silero's speech probability of one `FRAME` after another, with the recurrent state and
    context its wrapper keeps. The ONNX session is called directly, with no torch tensors on
    the way: a third less time a frame (0.19 against 0.27 ms here; a minute of audio is 1,875
    frames), the same probabilities, and callers on different threads share one session."""

    def __init__(self, model=None) -> None:
        self._model = model if model is not None else _new_model()
        self._session = getattr(self._model, "session", None)
        if self._session is None:  # the TorchScript copy keeps its state itself
            self._model.reset_states()
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def __call__(self, frame: np.ndarray) -> float:
        """The probability that this `FRAME` of float32 16 kHz samples is speech."""
        if self._session is None:
            with torch.no_grad():
                return float(self._model(torch.from_numpy(frame.copy()), SAMPLE_RATE))
        window = np.concatenate([self._context, frame])[None]
        probability, self._state = self._session.run(None, {"input": window, "state": self._state, "sr": _RATE})
        self._context = window[0, -CONTEXT:]
        return float(probability[0, 0])


def frame_probabilities(audio: np.ndarray) -> list[float]:
    """The speech probability of each `FRAME` of 16 kHz audio from its first sample, the last
    frame made whole with silence (as silero's `get_speech_timestamps` judges a recording)."""
    frames = -(-audio.size // FRAME)
    padded = np.zeros(frames * FRAME, dtype=np.float32)
    padded[: audio.size] = audio
    probability = SpeechProbability(_model())
    return [probability(frame) for frame in padded.reshape(frames, FRAME)]


SEGMENT_PAD_SECONDS = 0.6
"""Audio kept either side of the speech the VAD found. Silero marks speech late and ends it early
on soft onsets and trailing consonants ("remove ..." was heard as "ive ..."): with 0.2 s the shipped
recognizer's WER was 21.8 % on its dev set and 35.7 % on real voices, with 0.6 s 20.0 and 33.3 %."""


MAX_SEGMENT_SECONDS = 20.0
"""Speech longer than this is cut into several segments (a command is far shorter)."""


def speech_segments(audio: np.ndarray, threshold: float = 0.5, pad_seconds: float = SEGMENT_PAD_SECONDS,
                    max_seconds: float = MAX_SEGMENT_SECONDS, min_gap_seconds: float = 0.6, min_speech_seconds: float = 0.1,
                    probabilities: Sequence[float] | None = None) -> list[tuple[int, int]]:
    """(start, end) sample ranges of speech in 16 kHz audio, padded, none longer than `max_seconds`;
    pauses shorter than `min_gap_seconds` stay inside a segment, so a command is decoded whole.
    Speech counts from `min_speech_seconds`: a quick "one" lasts about 0.2 s, and Silero's own
    minimum (0.25 s) dropped it.

    `probabilities` are the audio's speech probabilities, one per `FRAME` samples from its
    first sample, when a live listener has them already (`Endpointer.probabilities`): the VAD
    then does not run over the audio again. Frames they do not reach count as silence."""
    from silero_vad import get_speech_timestamps_from_probs

    if audio.size < FRAME:
        return []
    options = dict(threshold=threshold, sampling_rate=SAMPLE_RATE,
                   speech_pad_ms=int(pad_seconds * 1000), max_speech_duration_s=max_seconds,
                   min_silence_duration_ms=int(min_gap_seconds * 1000),
                   min_speech_duration_ms=int(min_speech_seconds * 1000))
    frames = -(-audio.size // FRAME)
    known = list(probabilities[:frames]) if probabilities is not None else frame_probabilities(audio)
    stamps = get_speech_timestamps_from_probs(known + [0.0] * (frames - len(known)),
                                              audio_length_samples=int(audio.size), **options)
    return [(int(s["start"]), int(s["end"])) for s in stamps]


@dataclass(frozen=True)
class EndpointerOptions:
    threshold: float = 0.5
    """Speech probability above which a frame counts as speech."""
    start_seconds: float = 0.1
    """Speech needed before the user counts as talking (a click is not speech)."""
    end_silence_seconds: float = 0.8
    """Silence after speech that ends the utterance."""
    no_speech_timeout: float = 6.0
    """Give up when nobody speaks for this long after listening starts."""
    max_seconds: float = 20.0
    """A single utterance never runs longer than this."""


@dataclass(frozen=True)
class EndpointState:
    speaking: bool
    """The user is talking now (after at least `start_seconds` of speech)."""
    ended: bool
    """Listening should stop: the user finished, or nobody spoke, or time ran out."""
    heard_speech: bool
    probability: float
    """Speech probability of the latest frame, for a level meter or debugging."""
    silence_seconds: float = 0.0
    """How long it has been quiet since the user last spoke (0 while talking or before): no
    speech by the VAD, or far quieter than the user's voice (the VAD notices a pause only a
    few frames late, the level at once)."""


class VoiceActivity:
    """Live 16 kHz audio in, (speech probability, RMS level) per 32 ms frame out."""

    frame_seconds = FRAME / SAMPLE_RATE

    def __init__(self) -> None:
        self._probability = SpeechProbability()
        self._pending = np.zeros(0, dtype=np.float32)

    def feed(self, chunk: np.ndarray) -> list[tuple[float, float]]:
        self._pending = np.concatenate([self._pending, chunk.astype(np.float32)])
        count = len(self._pending) // FRAME
        frames, self._pending = self._pending[: count * FRAME].reshape(count, FRAME), self._pending[count * FRAME:]
        return [(self._probability(frame), float(np.sqrt(np.mean(np.square(frame))))) for frame in frames]


class Endpointer:
    """Feed live 16 kHz audio; it says when the user starts and stops talking."""

    def __init__(self, options: EndpointerOptions = EndpointerOptions()) -> None:
        self.options = options
        self._activity = VoiceActivity()
        self._frames = self._speech_run = self._silence_run = self._quiet_run = 0
        self._loudest = 0.0
        self._heard = False
        self._state = EndpointState(False, False, False, 0.0)
        self._probabilities: list[float] = []

    @property
    def probabilities(self) -> list[float]:
        """Speech probability of every whole frame judged so far, from the first sample fed (a
        final decoding can cut the same audio into speech with them, without the VAD again)."""
        return list(self._probabilities)

    def feed(self, chunk: np.ndarray) -> EndpointState:
        if not self._state.ended:
            for probability, rms in self._activity.feed(chunk):
                self._probabilities.append(probability)
                self._state = self._step(probability, rms)
                if self._state.ended:
                    break
        return self._state

    def _step(self, probability: float, rms: float) -> EndpointState:
        seconds = VoiceActivity.frame_seconds
        self._frames += 1
        speech = probability >= self.options.threshold
        if speech:
            self._loudest = max(self._loudest, rms)
        quiet = not speech or rms < self._loudest * QUIET_BELOW_LOUDEST
        self._quiet_run = self._quiet_run + 1 if quiet else 0
        if speech:
            self._speech_run += 1
            self._silence_run = 0
        else:
            self._silence_run += 1
            if not self._heard:
                self._speech_run = 0
        if self._speech_run * seconds >= self.options.start_seconds:
            self._heard = True
        elapsed = self._frames * seconds
        ended = (self._heard and self._silence_run * seconds >= self.options.end_silence_seconds) or (
            not self._heard and elapsed >= self.options.no_speech_timeout) or elapsed >= self.options.max_seconds
        silence = self._quiet_run * seconds if self._heard else 0.0
        return EndpointState(self._heard and self._silence_run == 0, ended, self._heard, probability, silence)
