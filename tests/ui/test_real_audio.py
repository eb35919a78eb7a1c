"""The whole app on a real sound server: a spoken command goes into the default microphone,
the app hears it, acts, and says its reply out of the default speaker.

PulseAudio with two null sinks stands in for the hardware: the test plays the command into
`assistant_mic`, whose monitor is the default input; the app's voice goes to the default
output `assistant_speaker`, whose monitor the test records."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from ..conftest import null_sink, pactl

RATE = 16000


@pytest.fixture
def sound_card(pulse_server, tmp_path):
    """(play into the microphone, what the speaker played so far) on null sinks, the defaults."""
    microphone, speaker = null_sink("assistant_mic"), null_sink("assistant_speaker")
    pactl("set-default-sink", speaker)
    pactl("set-default-source", f"{microphone}.monitor")
    recording = tmp_path / "speaker.raw"
    with recording.open("wb") as sink:
        recorder = subprocess.Popen(
            ["parec", "-d", f"{speaker}.monitor", "--format=s16le", f"--rate={RATE}", "--channels=1"],
            stdout=sink, stderr=subprocess.DEVNULL)

    def heard() -> np.ndarray:
        return np.frombuffer(recording.read_bytes(), np.int16).astype(np.float32) / 32768

    yield (lambda wav: subprocess.run(["paplay", "-d", microphone, str(wav)], check=True)), heard
    recorder.kill()
    recorder.wait()


def _loud_seconds(audio: np.ndarray) -> float:
    """How long the recording holds sound (20 ms frames above -40 dBFS)."""
    frames = audio[: len(audio) // 320 * 320].reshape(-1, 320)
    return float(np.sum(np.sqrt(np.mean(np.square(frames), axis=1)) > 0.01) * 0.02)


def test_a_spoken_command_is_heard_acted_on_and_answered_aloud(make_app, qtbot, sound_card, spoken_wav):
    play_into_microphone, speaker_output = sound_card
    from assistant_app.audio_input import input_devices

    # The real Microphone, Player and device watcher, on the default devices. The watcher finds
    # the sound server even if PortAudio started before it (as after a plug-in in the app).
    app = make_app(real_speaker=True, list_devices=input_devices)
    window = app.window
    qtbot.waitUntil(lambda: bool(app.backend.watcher.devices), timeout=10000)
    with qtbot.waitSignal(app.backend.engine.level, timeout=10000):  # the microphone delivers
        window.start_listening()
    with qtbot.waitSignal(window.turn_shown, timeout=30000) as shown:
        play_into_microphone(spoken_wav)  # "what time is it", in real time
    turn = shown.args[0]
    assert turn.spoken and turn.response.interpretation.intent == "time.now"
    assert window.chat.bubbles()[-1].text == turn.response.reply
    with qtbot.waitSignal(window.state_shown, timeout=20000, check_params_cb=lambda s: s == "speaking"):
        pass
    with qtbot.waitSignal(window.state_shown, timeout=30000, check_params_cb=lambda s: s == "idle"):
        pass
    # The reply ("The time is ...") lasts well over a second; the speaker sounded it.
    assert _loud_seconds(speaker_output()) > 0.8


def test_talking_over_the_reply_stops_it_and_is_answered(make_app, qtbot, sound_card, spoken_wav):
    from assistant_app.audio_input import input_devices

    play_into_microphone, _ = sound_card
    app = make_app(real_speaker=True, list_devices=input_devices)
    window = app.window
    qtbot.waitUntil(lambda: bool(app.backend.watcher.devices), timeout=10000)
    turns, states = [], []
    window.turn_shown.connect(turns.append)
    window.state_shown.connect(states.append)
    window.send_text("what can you do")
    qtbot.waitUntil(lambda: len(turns) == 1, timeout=20000)
    # Typed answers are not read aloud; this long one is, as a spoken one would be.
    window.speak_requested.emit(turns[0].response.reply)
    with qtbot.waitSignal(app.backend.engine.level, timeout=20000):  # the microphone is open
        pass
    qtbot.wait(1000)  # its first half second measures the echo: no interrupting yet
    play_into_microphone(spoken_wav)  # "what time is it", over the reply
    qtbot.waitUntil(lambda: len(turns) == 2, timeout=30000)
    spoke = states.index("speaking")
    interrupted = states.index("listening", spoke)
    assert "idle" not in states[spoke:interrupted]  # cut off, not finished: the reply is ~10 s
    assert turns[1].spoken and turns[1].response.interpretation.intent == "time.now"
