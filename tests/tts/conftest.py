"""Shared tts fixtures: one loaded Piper voice per session, a PulseAudio null sink."""
from __future__ import annotations

import re
import shutil
import subprocess
import time

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


@pytest.fixture
def pulse_server(monkeypatch):
    """A real PulseAudio server with a null sink as the default output (as in
    tests/assistant_app/test_skills.py): audio plays in real time, to nowhere."""
    if not shutil.which("pulseaudio") or not shutil.which("pactl"):
        pytest.skip("PulseAudio is not installed (setup.sh installs it)")
    if subprocess.run(["pactl", "info"], check=False, capture_output=True).returncode != 0:
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1"], check=False,
                       capture_output=True)
        for _ in range(50):
            if subprocess.run(["pactl", "info"], check=False, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    info = subprocess.run(["pactl", "info"], check=False, capture_output=True, text=True)
    if info.returncode != 0:
        pytest.skip("PulseAudio would not start here")
    server = re.search(r"Server String: (\S+)", info.stdout).group(1)
    monkeypatch.setenv("PULSE_SERVER", server)
    sinks = subprocess.run(["pactl", "list", "short", "sinks"], check=False, capture_output=True,
                           text=True).stdout
    if "assistant_test" not in sinks:
        subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=assistant_test"],
                       check=True, capture_output=True)
    subprocess.run(["pactl", "set-default-sink", "assistant_test"], check=True)
    return server


def sink_inputs() -> list[str]:
    """Streams currently playing into the sound server."""
    listing = subprocess.run(["pactl", "list", "short", "sink-inputs"], check=False,
                             capture_output=True, text=True)
    return [line for line in listing.stdout.splitlines() if line.strip()]
