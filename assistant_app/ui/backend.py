"""The worker threads: one for the engine (NLU, skills, recognition), one for sound out and
device watching. The window talks to them only through signals and two thread-safe stops."""
from __future__ import annotations

import logging

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread

from .devices import DeviceWatcher
from .speaker import SpeakerWorker
from .workers import EngineWorker

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 15000


class Backend(QObject):
    """Owns the threads; start() moves the workers there and starts them."""

    def __init__(self, engine: EngineWorker | None = None, speaker: SpeakerWorker | None = None,
                 watcher: DeviceWatcher | None = None) -> None:
        super().__init__()
        self.engine = engine or EngineWorker()
        self.speaker = speaker or SpeakerWorker()
        self.watcher = watcher or DeviceWatcher()
        self.engine_thread = QThread()
        self.engine_thread.setObjectName("engine")
        self.audio_thread = QThread()
        self.audio_thread.setObjectName("audio")
        self._running = False

    def start(self) -> None:
        self.engine.moveToThread(self.engine_thread)
        self.speaker.moveToThread(self.audio_thread)
        self.watcher.moveToThread(self.audio_thread)
        # Started by the threads' own signal, so loading runs there, never on the GUI thread.
        self.engine_thread.started.connect(self.engine.start)
        self.audio_thread.started.connect(self.watcher.start)
        self.engine_thread.start()
        self.audio_thread.start()
        self._running = True

    def stop(self) -> None:
        """Stop listening and speaking, close the engine (its database), end the threads."""
        if not self._running:
            return
        self._running = False
        self.engine.request_stop_listening()
        self.engine.stop_watching()
        self.speaker.stop()
        blocking = Qt.ConnectionType.BlockingQueuedConnection
        # Blocking: the slots must have run before the threads' event loops are told to quit.
        QMetaObject.invokeMethod(self.watcher, "stop", blocking)
        QMetaObject.invokeMethod(self.speaker, "shutdown", blocking)
        QMetaObject.invokeMethod(self.engine, "shutdown", blocking)
        for thread in (self.engine_thread, self.audio_thread):
            thread.quit()
            if not thread.wait(SHUTDOWN_WAIT_MS):
                log.warning("the %s thread did not stop in time", thread.objectName())
