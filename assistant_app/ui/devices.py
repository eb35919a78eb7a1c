"""Notices microphones coming and going: polls PortAudio every few seconds, off the GUI thread."""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..audio_input import InputDevice, input_devices

log = logging.getLogger(__name__)

POLL_MS = 3000


class DeviceWatcher(QObject):
    """Emits the input-device list at start and whenever it changes. Lives on a worker thread."""

    devices_changed = Signal(object)  # list[InputDevice]; [] means text only

    def __init__(self, interval_ms: int = POLL_MS,
                 list_devices: Callable[[], list[InputDevice]] = input_devices) -> None:
        super().__init__()
        self.list_devices = list_devices
        self._devices: list[InputDevice] | None = None
        self._timer = QTimer(self)  # a child: it moves to the worker thread with us
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def devices(self) -> list[InputDevice]:
        """The input devices at the latest check ([] before the first)."""
        return list(self._devices or [])

    @Slot()
    def start(self) -> None:
        self.check()
        self._timer.start()

    @Slot()
    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def check(self) -> None:
        devices = self.list_devices()
        if devices != self._devices:
            log.info("input devices: %s", [d.name for d in devices] or "none")
            self._devices = devices
            self.devices_changed.emit(devices)
