"""The global wake shortcut (settings.hotkey, e.g. "<ctrl>+<alt>+space") through pynput.

Optional: without pynput, without an X display, or with a shortcut pynput cannot parse, it is
logged and skipped. On Wayland no program may listen to every key press; bind a desktop
shortcut to `assistant --wake` there instead.
"""
from __future__ import annotations

import logging
import os
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


def x11_available() -> bool:
    """An X server to listen on; pynput's X backend also sees only X clients under XWayland."""
    if not os.environ.get("DISPLAY"):
        return False
    if os.environ.get("WAYLAND_DISPLAY"):
        log.info("Wayland session: the global shortcut only works while an X window has focus; "
                 "bind a desktop shortcut to `assistant --wake`")
    return True


def pynput_combination(text: str) -> str:
    """Settings may say "<ctrl>+<alt>+space" or "ctrl+alt+space"; pynput wants named keys in
    angle brackets: "<ctrl>+<alt>+<space>". Single characters stay as they are."""
    parts = [part.strip() for part in text.lower().split("+")]
    return "+".join(p if len(p) == 1 or p.startswith("<") else f"<{p}>" for p in parts if p)


class Hotkey(QObject):
    """Emits `pressed` (on the GUI thread, through a queued signal) when the shortcut is hit."""

    pressed = Signal()

    def __init__(self, combination: str, accept_injected: bool = False) -> None:
        super().__init__()
        self.combination = combination
        self.accept_injected = accept_injected
        """Also react to keys other programs synthesise (XTest); off, as in GlobalHotKeys."""
        self._listener: Any = None

    @property
    def active(self) -> bool:
        return self._listener is not None

    def start(self) -> bool:
        """Start listening; False (logged, not raised) when the shortcut cannot be used."""
        if not self.combination.strip() or not x11_available():
            log.info("no global shortcut (no X display or none set)")
            return False
        try:
            self._listener = self._listen()
        except Exception as error:  # noqa: BLE001 - ImportError, ValueError (bad shortcut), Xlib
            log.warning("the wake shortcut %r can't be used: %s", self.combination, error)
            return False
        log.info("wake shortcut: %s", self.combination)
        return True

    def _listen(self) -> Any:
        """pynput's HotKey on a keyboard Listener (GlobalHotKeys, but with `accept_injected`)."""
        from pynput import keyboard

        keys = keyboard.HotKey.parse(pynput_combination(self.combination))
        combination = keyboard.HotKey(keys, self._fire)

        def on_press(key: Any, injected: bool) -> None:
            if key is not None and (self.accept_injected or not injected):
                combination.press(listener.canonical(key))

        def on_release(key: Any, injected: bool) -> None:
            if key is not None and (self.accept_injected or not injected):
                combination.release(listener.canonical(key))

        listener = keyboard.Listener(on_press=on_press, on_release=on_release)
        listener.daemon = True
        listener.start()
        listener.wait()  # until it listens: an X error shows up here, not later
        return listener

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
            listener.join(1.0)  # its X connection closes before the display might go away

    def set_combination(self, combination: str) -> bool:
        """Switch to another shortcut (from the settings dialog)."""
        if combination == self.combination and self.active:
            return True
        self.stop()
        self.combination = combination
        return self.start()

    def _fire(self) -> None:
        """Runs on pynput's thread: only emit, Qt queues it to the window."""
        self.pressed.emit()
