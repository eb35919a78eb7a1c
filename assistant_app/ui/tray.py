"""The system tray icon: Stop the alert, Wake, Mute microphone, Show/Hide, Quit; notifications
for alerts (clicking one stops the alert)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from .theme import icon

if TYPE_CHECKING:
    from .window import MainWindow

log = logging.getLogger(__name__)


class Tray(QSystemTrayIcon):
    """Drives the window through its public methods; the window shows our notifications."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(icon("assistant"), window)
        self.window = window
        self.setToolTip("Assistant")
        menu = QMenu()
        self.stop_action = menu.addAction("Stop the alert", window.stop_ringing)
        self.wake_action = menu.addAction("Wake (start listening)", window.wake)
        self.mute_action = QAction("Mute microphone", menu, checkable=True)
        self.mute_action.toggled.connect(window.set_muted)
        menu.addAction(self.mute_action)
        self.show_action = menu.addAction("Hide window", self.toggle_window)
        menu.addSeparator()
        self.quit_action = menu.addAction("Quit", self.quit)
        menu.aboutToShow.connect(self._relabel)
        self.menu = menu  # keep a reference: the tray does not own its menu
        self.setContextMenu(menu)
        self.activated.connect(self._on_activated)
        self.messageClicked.connect(window.stop_ringing)  # the alert's notification
        window.tray = self

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def toggle_window(self) -> None:
        if self.window.isVisible():
            self.window.hide()
        else:
            self.window.show_window()

    def quit(self) -> None:
        self.window.quitting = True
        self.window.close()
        QApplication.quit()

    def _relabel(self) -> None:
        self.show_action.setText("Hide window" if self.window.isVisible() else "Show window")
        self.stop_action.setVisible(self.window.ui.ringing.isVisible())

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a left click
            self.toggle_window()
