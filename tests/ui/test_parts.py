"""The small parts on their own: audio input, the microphone button, the chime, the tray."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from assistant_app import audio_input
from assistant_app.audio_input import FileSource, Microphone, MicrophoneError


def test_a_file_source_gives_100_ms_chunks_then_ends(tmp_path):
    path = tmp_path / "tone.wav"
    sf.write(path, np.full(8000, 0.1, np.float32), 8000)  # 1 s at 8 kHz: resampled to 16 kHz
    source = FileSource(path, realtime=False, tail_seconds=0.5)
    source.start()
    chunks = []
    while (chunk := source.read(0.1)) is not None:
        chunks.append(chunk)
    assert source.ended
    assert [len(c) for c in chunks] == [1600] * 15
    assert chunks[0].dtype == np.float32
    assert source.level == 0.0  # the silent tail


def test_a_missing_microphone_raises_a_plain_message(monkeypatch):
    import sounddevice

    def refuse(*args, **kwargs):
        raise sounddevice.PortAudioError("Invalid device")

    monkeypatch.setattr(sounddevice, "InputStream", refuse)
    with pytest.raises(MicrophoneError, match="No microphone could be opened.*still type"):
        Microphone().start()


def test_no_portaudio_means_no_devices_not_a_crash(monkeypatch):
    def missing():
        raise MicrophoneError("no PortAudio")

    monkeypatch.setattr(audio_input, "_sounddevice", missing)
    assert audio_input.input_devices() == []
    assert audio_input.output_devices() == []


def test_the_microphone_callback_only_queues(monkeypatch):
    microphone = Microphone()
    block = np.full((1600, 1), 0.5, np.float32)
    microphone._callback(block, 1600, None, None)
    block[:] = 0  # PortAudio reuses its buffer: the queued copy must not change
    assert microphone.read(0.1)[0] == pytest.approx(0.5)
    assert 0.85 < microphone.level < 0.95  # -6 dB
    assert microphone.read(0.01) is None


def test_holding_the_microphone_button_is_hold_to_talk(qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from assistant_app.ui import widgets

    button = widgets.MicButton()
    qtbot.addWidget(button)
    with qtbot.waitSignal(button.toggle_requested):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a click: no release signal
    monkeypatch.setattr(widgets, "HOLD_MS", -1)  # every press now counts as held
    with qtbot.waitSignal(button.hold_released):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_chime_is_short_and_soft():
    from assistant_app.ui.speaker import CHIME_RATE, chime

    tone = chime()
    assert 0.2 < len(tone) / CHIME_RATE < 0.4
    assert np.abs(tone).max() <= 0.3 and tone.dtype == np.float32


def test_the_tray_menu_drives_the_window(make_app, qtbot):
    from assistant_app.ui.tray import Tray

    window = make_app().window
    tray = window.tray or Tray(window)  # offscreen has no tray area; the menu still works
    tray.mute_action.trigger()
    assert window.muted and not window.mic_button.isEnabled()
    tray.toggle_window()
    assert not window.isVisible()
    tray.toggle_window()
    assert window.isVisible()


def test_a_microphone_that_vanishes_mid_stream_is_reported():
    from types import SimpleNamespace

    microphone = Microphone()
    microphone._stream = SimpleNamespace(active=False)  # what PortAudio shows once it is unplugged
    with pytest.raises(MicrophoneError, match="stopped working"):
        microphone.read(0.01)
