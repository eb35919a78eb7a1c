"""Shared tts fixtures: one loaded Piper voice per session (PulseAudio: tests/conftest.py)."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest


@pytest.fixture(scope="session")
def synthesizer():
    """The default (Piper) voice, loaded once: loading takes about a second."""
    from tts import Synthesizer

    synth = Synthesizer()
    assert synth.preload() == "joe"
    return synth


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio)))) if len(audio) else 0.0


def sink_inputs() -> list[str]:
    """Streams currently playing into the sound server."""
    listing = subprocess.run(["pactl", "list", "short", "sink-inputs"], check=False,
                             capture_output=True, text=True)
    return [line for line in listing.stdout.splitlines() if line.strip()]
