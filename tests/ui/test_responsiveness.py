"""The GUI thread keeps drawing while the models work: a 10 ms timer never stalls for long."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from assistant_app.audio_input import FileSource

MAX_STALL_MS = 50


class StallMeter:
    """Ticks every 10 ms on the GUI thread and keeps the longest gap between two ticks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.ticks = 0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1


def test_the_window_stays_responsive_during_typed_and_spoken_turns(make_app, qtbot, spoken_wav):
    app = make_app(source=lambda: FileSource(spoken_wav))  # returns once all models are loaded
    window = app.window
    # Warm-up: the first typed and spoken turns pay one-off costs (caches, first allocations).
    with qtbot.waitSignal(window.turn_shown, timeout=30000):
        window.send_text("what time is it")
    with qtbot.waitSignal(window.turn_shown, timeout=60000):
        window.toggle_listening()
    meter = StallMeter()
    meter.start()
    with qtbot.waitSignal(window.turn_shown, timeout=30000):
        window.send_text("set a timer for ten minutes")
    with qtbot.waitSignal(window.turn_shown, timeout=60000):
        window.toggle_listening()
    meter.timer.stop()
    assert meter.ticks > 20
    assert meter.longest * 1000 < MAX_STALL_MS, f"the GUI stalled {meter.longest * 1000:.0f} ms"
