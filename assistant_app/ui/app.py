"""`assistant` (no command): the desktop app. One instance per user; `--wake` starts listening."""
from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .. import paths
from ..settings import Settings
from .backend import Backend
from .hotkey import Hotkey
from .instance_server import InstanceServer
from .single_instance import wake_running_app
from .tray import Tray
from .window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything run_app builds, so tests and scripts can drive a whole app."""

    window: MainWindow
    backend: Backend
    server: InstanceServer | None
    tray: Tray | None
    hotkey: Hotkey

    def close(self) -> None:
        self.hotkey.stop()
        self.window.quitting = True
        self.window.close()
        if self.server is not None:
            self.server.close()
        self.backend.stop()


def build_app(backend: Backend | None = None, settings: Settings | None = None,
              server: InstanceServer | None = None) -> App:
    """Window, tray and single-instance server around a backend (not started yet)."""
    settings_path = paths.config_dir() / "settings.json"
    settings = settings or Settings.load(settings_path)[0]
    backend = backend or Backend()
    window = MainWindow(backend, settings, settings_path)
    tray = Tray(window) if Tray.available() else None
    if tray is not None:
        tray.show()
    if server is not None:
        server.wake_requested.connect(window.wake)
        server.ask_requested.connect(lambda request_id, text: window.send_text(text, request_id))
        window.turn_shown.connect(server.reply)
    hotkey = Hotkey(settings.hotkey)  # started by run_app: tests must not listen to keys
    hotkey.pressed.connect(window.wake)
    window.settings_applied.connect(lambda new: hotkey.set_combination(new.hotkey))
    return App(window, backend, server, tray, hotkey)


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl+C and `kill` close the app cleanly (database closed, threads ended)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: app.quit())
    # Python runs signal handlers only between bytecodes; a timer gives it the chance.
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)


def run_app(args: argparse.Namespace) -> int:
    """Start the desktop app (or wake the one already running); the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Assistant")
    app.setDesktopFileName("assistant")
    server = InstanceServer.acquire()
    if server is None:  # another instance is running (it may have started just now)
        if getattr(args, "wake", False):
            wake_running_app()
        log.info("the assistant is already running")
        return 0
    from . import theme

    theme.apply(app)
    parts = build_app(server=server)
    app.setQuitOnLastWindowClosed(parts.tray is None)
    parts.backend.start()
    parts.hotkey.start()
    _quit_on_signals(app)
    if getattr(args, "wake", False):
        parts.window.wake()
    elif not (parts.window.settings.start_minimized and parts.tray is not None):
        parts.window.show_window()
    try:
        return app.exec()
    finally:
        parts.close()
        # Everything is saved and closed. Without this the interpreter spends seconds at exit
        # garbage-collecting the models' object graphs while the process lingers.
        gc.freeze()
