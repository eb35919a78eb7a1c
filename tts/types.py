"""The dataclasses that go into and come out of the synthesizer, and its errors."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class SynthesisOptions:
    """Per-call settings; the voice's fixed settings live in its `.onnx.json` sidecar."""

    voice: str = ""
    """Voice name as `python -m tts voices` lists it; "" means the default voice."""
    rate: float = 1.0
    """Speaking rate: 1.0 is the voice's own pace, 2.0 twice as fast (clamped to 0.25–4)."""
    volume: float = 1.0
    """Loudness multiplier applied to the samples (clipped to [-1, 1])."""


# eq=False: comparing numpy arrays element-wise has no single truth value.
@dataclass(frozen=True, eq=False)
class Speech:
    """Synthesised audio for some text: a whole reply or one sentence of it."""

    audio: np.ndarray = field(repr=False)
    """Mono float32 samples in [-1, 1]; shape [samples]. Empty when there was nothing to say."""
    sample_rate: int
    """Samples per second of `audio`."""
    text: str
    """The text as it was spoken, after normalisation ("ten minutes", not "10 min")."""
    voice: str
    """Name of the voice that actually spoke (the fallback's name when the chosen one failed)."""

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class VoiceInfo:
    """One voice the synthesizer can use."""

    name: str
    """What to pass as `SynthesisOptions.voice`."""
    engine: str
    """"piper" (neural, an .onnx file) or "espeak" (espeak-ng, the fallback)."""
    language: str
    """espeak-style language code, e.g. "en-us"; decides how text is normalised."""
    path: Path | None = None
    """The .onnx model for piper voices; None for espeak."""
    description: str = ""
    """One line for `python -m tts voices`."""


class TTSError(Exception):
    """Base class: every error the tts package raises carries a plain-language message."""


class VoiceError(TTSError):
    """No voice could be loaded, not even the espeak-ng fallback."""


class PlaybackError(TTSError):
    """Sound cannot be played: no PortAudio library, no output device, or the device refused."""
