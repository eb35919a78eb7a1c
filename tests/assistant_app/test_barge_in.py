"""Barge-in by voice: the user talking over a reply is noticed; the reply's own echo is not."""
import subprocess

import numpy as np
import pytest

from asr import load_audio
from assistant_app.barge_in import BargeInDetector, PrerolledSource

from .test_speech_input import _speak

CHUNK = 1600


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    """(the user saying a command, the assistant's reply as the microphone hears it), 16 kHz."""
    folder = tmp_path_factory.mktemp("voices")
    _speak("what time is it", folder / "user.wav")
    reply = ("I can set timers, alarms and reminders, keep lists and notes, calculate, "
             "convert units, open apps and search the web.")
    subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(folder / "reply.wav"), reply], check=True)
    user, reply = load_audio(folder / "user.wav"), load_audio(folder / "reply.wav")
    return user / np.abs(user).max() * 0.5, reply / np.abs(reply).max() * 0.5


def _first_trigger(audio, burst_seconds=0.0):
    """When (seconds into `audio`) the detector fires, fed as a microphone would: in real time,
    after a burst of `burst_seconds` of silence handed over at once."""
    position = [0]
    detector = BargeInDetector(clock=lambda: max(0, position[0] - burst_seconds * 16000) / 16000)
    audio = np.concatenate([np.zeros(int(burst_seconds * 16000), np.float32), audio])
    for start in range(0, len(audio), CHUNK):
        position[0] = start
        if detector.feed(audio[start:start + CHUNK]):
            return start / 16000 - burst_seconds, detector
    return None, detector


def _mix(echo, user, user_at, user_gain):
    out = echo.copy()
    start = int(user_at * 16000)
    end = min(len(out), start + len(user))
    out[start:end] += user[: end - start] * user_gain
    return out


def test_the_user_talking_over_a_silent_echo_path_is_heard(voices):
    user, _ = voices
    audio = _mix(np.zeros(16000 * 4, np.float32), user, 1.5, 1.0)
    at, detector = _first_trigger(audio)
    assert at is not None and 1.5 <= at <= 2.3
    # The user's first words are kept for the recognizer.
    heard = np.concatenate(detector.preroll())
    assert np.abs(heard).max() > 0.2


def test_the_replys_own_echo_does_not_interrupt_it(voices):
    _, reply = voices
    for level in (0.05, 0.3, 1.0):  # quiet to loud speakers
        at, _ = _first_trigger(reply * level)
        assert at is None, level


def test_a_voice_clearly_louder_than_the_echo_interrupts(voices):
    user, reply = voices
    echo = reply * 0.1
    assert _first_trigger(_mix(echo, user, 2.0, 1.0))[0] is not None
    assert _first_trigger(_mix(echo, user, 2.0, 0.12))[0] is None  # no louder than the echo


def test_a_burst_of_silence_when_the_microphone_opens_is_not_the_echo(voices):
    _, reply = voices
    assert _first_trigger(reply * 0.3, burst_seconds=2.0)[0] is None


def test_nobody_interrupts_while_the_echo_is_measured(voices):
    user, _ = voices
    at, _ = _first_trigger(_mix(np.zeros(16000 * 3, np.float32), user, 0.0, 1.0))
    assert at is None or at >= 0.5


def test_the_listener_gets_the_preroll_first():
    class Source:
        level, ended = 0.5, False

        def read(self, timeout=None):
            return np.ones(4, np.float32)

        def stop(self):
            self.stopped = True

    source = Source()
    prerolled = PrerolledSource(source, [np.zeros(4, np.float32)])
    assert prerolled.read().sum() == 0 and prerolled.read().sum() == 4
    prerolled.stop()
    assert source.stopped
