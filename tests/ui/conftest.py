"""A whole desktop app per test: real window, engine thread, NLU and recognizer; silent speaker.

The NLU models (the session `parser` and `speech_parser`) and the recognizer load once per
session. The speaker worker gets a fake synthesizer and player unless a test asks for the real
ones: it runs on its own thread as in the app, but records what it would say instead of
synthesising (speech output has its own tests in tests/tts; test_real_audio.py uses the real
voice and sound server).
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from ..conftest import ROOT


def speech_model() -> Path | None:
    """The shipped speech model, else $ASSISTANT_ASR_MODEL, else the latest training run."""
    for folder in (ROOT / "resources/models/asr", os.environ.get("ASSISTANT_ASR_MODEL"),
                   ROOT / "runs/asr/best"):
        if folder and (Path(folder) / "config.json").exists():
            return Path(folder)
    return None


@pytest.fixture(scope="session")
def recognizer():
    from asr import Recognizer

    folder = speech_model()
    if folder is None:
        pytest.skip("no speech model (resources/models/asr)")
    return Recognizer.from_pretrained(folder)


@pytest.fixture(scope="session")
def spoken_wav(tmp_path_factory) -> Path:
    """espeak-ng saying "what time is it", stored at 16 kHz like the microphone's audio."""
    import soundfile as sf

    from asr import load_audio

    folder = tmp_path_factory.mktemp("speech")
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(folder / "espeak.wav"), "what time is it"],
                   check=True)
    sf.write(folder / "what_time.wav", load_audio(folder / "espeak.wav"), 16000)
    return folder / "what_time.wav"


class FakeSynthesizer:
    def stream(self, text, options=None):
        from tts import Speech

        yield Speech(np.zeros(160, np.float32), 16000, text, "fake")


class FakePlayer:
    """Takes what would be played (on the speaker thread, as the real one would)."""

    def __init__(self) -> None:
        self.played: list[str] = []
        self.playing = False

    def play(self, speeches) -> None:
        self.played.extend(s.text or s.voice for s in speeches)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def one_microphone():
    from assistant_app.audio_input import InputDevice

    return [InputDevice(0, "test microphone", True)]


@pytest.fixture
def make_app(qtbot, parser, speech_parser, recognizer):
    """make_app(source=..., list_devices=...) -> a started App whose engine has loaded."""
    from assistant_app.engine import Assistant
    from assistant_app.ui.app import build_app
    from assistant_app.ui.backend import Backend
    from assistant_app.ui.devices import DeviceWatcher
    from assistant_app.ui.speaker import SpeakerWorker
    from assistant_app.ui.workers import EngineWorker

    apps = []

    def make(source=None, list_devices=one_microphone, server=None, poll_ms=3000, real_speaker=False):
        from assistant_app.audio_input import Microphone

        engine = EngineWorker(lambda: Assistant(parser=parser, seed=0, speech_parser=speech_parser),
                              lambda: recognizer, source or Microphone)
        if real_speaker:  # Piper and the sound device, as in the app
            speaker = SpeakerWorker()
        else:
            player = FakePlayer()
            speaker = SpeakerWorker(FakeSynthesizer, lambda: player)
            speaker.player = player
        backend = Backend(engine, speaker, DeviceWatcher(poll_ms, list_devices))
        app = build_app(backend, server=server)
        qtbot.addWidget(app.window)
        with qtbot.waitSignal(app.window.speech_shown, timeout=60000):
            backend.start()
            app.window.show()
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()
