"""The global wake shortcut: optional, and it wakes the window when pressed on an X display."""
from __future__ import annotations

import gc
import os
import shutil
import subprocess
import threading

import pytest

from assistant_app.ui.hotkey import Hotkey, pynput_combination


def test_shortcuts_are_spelled_the_way_pynput_reads_them():
    assert pynput_combination("<ctrl>+<alt>+space") == "<ctrl>+<alt>+<space>"
    assert pynput_combination("Ctrl + Shift + a") == "<ctrl>+<shift>+a"


def test_without_an_x_display_the_shortcut_is_skipped(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    hotkey = Hotkey("<ctrl>+<alt>+space")
    assert hotkey.start() is False and not hotkey.active


@pytest.fixture
def x_display(monkeypatch):
    """A private Xvfb (it has the XTEST and RECORD extensions pynput needs)."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed")
    display = f":{90 + os.getpid() % 9}"
    server = subprocess.Popen(["Xvfb", display, "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    for _ in range(50):
        if subprocess.run(["xdpyinfo", "-display", display], check=False,
                          capture_output=True).returncode == 0:
            break
        try:
            server.wait(0.1)
            pytest.skip("Xvfb would not start")
        except subprocess.TimeoutExpired:
            pass
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    yield display
    for thread in threading.enumerate():  # pynput's threads flush their X connections as they end
        if type(thread).__module__.startswith("pynput"):
            thread.join(10)
    server.terminate()
    server.wait(5)


# pynput's record thread may fail to flush its X connection as it stops (seen even with the
# display still up); the fixture waits for the thread, so that happens within this test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_shortcut_fires_and_a_bad_one_is_refused(qtbot, x_display):
    from pynput.keyboard import Controller, Key

    assert Hotkey("<ctrl>+<bogus>").start() is False
    hotkey = Hotkey("ctrl+alt+h", accept_injected=True)  # the test's keys are synthetic
    assert hotkey.start()
    keys = Controller()
    try:
        with qtbot.waitSignal(hotkey.pressed, timeout=5000), keys.pressed(Key.ctrl, Key.alt):
            keys.tap("h")
    finally:
        hotkey.stop()
        del keys  # closes its X connection while the display still exists
        gc.collect()


def test_the_shortcut_wakes_the_window(make_app, qtbot, spoken_wav):
    from assistant_app.audio_input import FileSource

    app = make_app(source=lambda: FileSource(spoken_wav))
    app.window.hide()
    with qtbot.waitSignal(app.window.state_shown, check_params_cb=lambda s: s == "listening"):
        app.hotkey.pressed.emit()
    assert app.window.isVisible()
    app.window.stop_listening()
    qtbot.waitUntil(lambda: app.window.state == "idle", timeout=60000)
