"""Playback through a real sound server (a PulseAudio null sink): plays, and stops at once."""
from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from tts import PlaybackError, Player, Speech
from tts.playback import resample

from .conftest import sink_inputs

LONG_REPLY = ("Here is a long answer. It has several sentences, so that playback lasts a while. "
              "The third sentence is still being synthesised while the first one plays. "
              "Nobody should have to hear all of this once they say stop. "
              "And a fifth sentence, to be sure.")


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_resample_keeps_duration_and_shape():
    tone = np.sin(np.arange(22050) * 2 * np.pi * 440 / 22050).astype(np.float32)  # 1 s
    up = resample(tone, 22050, 48000)
    assert up.dtype == np.float32 and len(up) == 48000
    assert np.abs(up).max() == pytest.approx(1.0, abs=0.01)
    assert resample(tone, 22050, 22050) is tone


def test_plays_to_the_end(pulse_server):
    tone = Speech(np.full(11025, 0.1, np.float32), 22050, "tone", "test")  # 0.5 s
    with Player() as player:
        started = time.monotonic()
        player.play(tone)
        assert player.playing
        # No upper bound on time: on a CPU-starved machine the sound server runs slow.
        assert player.wait(30.0)
        assert time.monotonic() - started > 0.4  # played in real time, not dumped
        assert player.elapsed == pytest.approx(0.5, abs=0.05)
        assert not player.playing
    assert wait_for(lambda: not sink_inputs(), 1.0)


def test_stop_silences_a_long_reply_at_once(pulse_server, synthesizer):
    with Player() as player:
        player.play(synthesizer.stream(LONG_REPLY))
        assert wait_for(lambda: player.elapsed > 0.1, 30.0), "playback never started"
        assert sink_inputs()
        started = time.perf_counter()
        player.stop()
        stop_call = time.perf_counter() - started
        assert stop_call < 0.05
        assert player.wait(0.3)  # the stream is aborted and closed, long before the reply's end
        assert not player.playing
        heard = player.elapsed
        assert heard < 5.0
        time.sleep(0.1)
        assert player.elapsed == heard  # nothing more reaches the device
    assert wait_for(lambda: not sink_inputs(), 1.0)


def test_a_new_reply_interrupts_the_old_one(pulse_server):
    long_tone = Speech(np.full(22050 * 10, 0.1, np.float32), 22050, "long", "test")
    short_tone = Speech(np.full(2205, 0.1, np.float32), 22050, "short", "test")
    with Player() as player:
        player.play(long_tone)
        assert wait_for(lambda: player.elapsed > 0.05, 30.0)
        player.play(short_tone)
        assert player.wait(30.0)
        assert player.elapsed == pytest.approx(0.1, abs=0.02)  # the short one, not the long one
    assert wait_for(lambda: len(sink_inputs()) == 0, 1.0)


def test_empty_speech_plays_nothing_and_ends(pulse_server):
    with Player() as player:
        player.play(Speech(np.zeros(0, np.float32), 22050, "", "joe"))
        assert player.wait(30.0)
        assert player.elapsed == 0


def test_no_sound_server_is_a_plain_error(monkeypatch):
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/socket")
    with pytest.raises(PlaybackError, match="Sound can't be played"):
        Player().play(Speech(np.zeros(100, np.float32), 22050, "x", "test"))


def test_missing_portaudio_is_a_plain_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(PlaybackError, match="PortAudio"):
        Player().play(Speech(np.zeros(100, np.float32), 22050, "x", "test"))
