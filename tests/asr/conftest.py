"""Speech for the recognizer's tests, synthesised on the fly with a voice it never trained on."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT_VOICE = "en-us+Andrea"  # asr.voices.HELD_OUT_ESPEAK_VARIANTS: never in training


def speak(text: str, path: Path, voice: str = HELD_OUT_VOICE, rate: int = 150) -> tuple[np.ndarray, int]:
    """espeak-ng speech for `text`, written to `path` and returned as (float32 samples, rate)."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    audio, sample_rate = sf.read(path, dtype="float32")
    return audio, sample_rate


SAID = "set a timer for ten minutes"
"""A command several test modules hear: `said_audio` speaks it."""


@pytest.fixture(scope="session")
def said_audio(tmp_path_factory) -> np.ndarray:
    """`SAID` spoken by the held-out voice, as 16 kHz float32."""
    from asr.audio import load_audio

    path = tmp_path_factory.mktemp("said") / "said.wav"
    speak(SAID, path)
    return load_audio(path)


@pytest.fixture(scope="session")
def recognizer():
    from asr import Recognizer

    return Recognizer.from_pretrained(ROOT / "resources/models/asr")
