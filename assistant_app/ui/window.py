"""The main window: chat panel, text box, microphone, state, banner and ringing alerts.

It only draws and forwards: work goes to the backend's workers by signals, results come back
by signals (see backend.py). Public methods (send_text, wake, toggle_listening, ...) are what
the tray, the single-instance server and the tests drive.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from .. import paths
from ..audio_input import Microphone
from ..settings import Settings
from .layout import build_layout
from .messages import IDLE, LISTENING, SPEAKING, Notice, Ready, Turn

if TYPE_CHECKING:
    from .backend import Backend

log = logging.getLogger(__name__)

TEXT_ONLY = "No microphone found, so it's text only for now. Plug one in and I'll notice."
MUTED = "The microphone is muted."


class MainWindow(QMainWindow):
    text_submitted = Signal(int, str)
    listen_requested = Signal()
    watch_requested = Signal()
    settings_applied = Signal(object)
    ringing_stop_requested = Signal()
    speak_requested = Signal(str)
    announce_requested = Signal(str, bool)
    voice_changed = Signal(str, float, float)
    output_device_changed = Signal(object)
    # What the window has just shown (GUI thread): for the tray, the socket and tests.
    state_shown = Signal(str)
    speech_shown = Signal(bool)      # speech recognition ready (or failed)
    turn_shown = Signal(object)      # Turn
    transcript_shown = Signal(object)  # asr.Transcript
    notice_shown = Signal(object)    # Notice
    alert_shown = Signal(object)     # engine.Alert

    def __init__(self, backend: Backend, settings: Settings | None = None,
                 settings_path: Path | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.settings_path = settings_path or paths.config_dir() / "settings.json"
        self.settings = settings or Settings.load(self.settings_path)[0]
        self.tray: QSystemTrayIcon | None = None
        self.muted = False
        self.has_microphone = True
        self.quitting = False
        self.engine_state, self.speaking, self.state = IDLE, False, IDLE
        self.devices = ("", "")  # (input, output) names; "" is the system default
        self.setWindowTitle("Assistant")
        self.resize(520, 720)
        self.ui = build_layout(self)
        self.chat, self.input, self.mic_button = self.ui.chat, self.ui.input, self.ui.mic
        self.banner, self.partial_label = self.ui.banner, self.ui.partial
        self._connect(backend)

    def _connect(self, backend: Backend) -> None:
        engine, speaker = backend.engine, backend.speaker
        self.text_submitted.connect(engine.submit_text)
        self.listen_requested.connect(engine.listen)
        self.watch_requested.connect(engine.watch_while_speaking)
        self.settings_applied.connect(engine.apply_settings)
        self.ringing_stop_requested.connect(engine.stop_ringing)
        self.speak_requested.connect(speaker.speak)
        self.announce_requested.connect(speaker.announce)
        self.voice_changed.connect(speaker.set_voice)
        self.output_device_changed.connect(speaker.set_output_device)
        # Bound methods of this QObject only (never lambdas): PySide6 then queues the call to
        # the GUI thread; a lambda would run on the worker thread and touch widgets there.
        engine.ready.connect(self.show_ready)
        engine.speech_ready.connect(self._on_speech_ready)
        engine.turn_finished.connect(self.show_turn)
        engine.partial_transcript.connect(self.show_transcript)
        engine.final_transcript.connect(self.show_transcript)
        engine.alert_fired.connect(self.show_alert)
        engine.ringing_changed.connect(self._on_ringing)
        engine.state_changed.connect(self._on_engine_state)
        engine.notice.connect(self.show_notice)
        engine.level.connect(self._on_level)
        engine.barged_in.connect(self._on_barged_in)
        speaker.speaking_changed.connect(self._on_speaking)
        speaker.notice.connect(self.show_notice)
        backend.watcher.devices_changed.connect(self._on_devices)
        self.input.returnPressed.connect(self._send_typed)
        self.ui.send.clicked.connect(self._send_typed)
        self.mic_button.toggle_requested.connect(self.toggle_listening)
        self.mic_button.hold_released.connect(self.stop_listening)
        self.ui.stop.clicked.connect(self.stop_ringing)
        self.ui.settings.clicked.connect(self.open_settings)
        self.voice_changed.emit(self.settings.voice, self.settings.speaking_rate, self.settings.volume)
        self._apply_devices((self.settings.input_device,
                             self.settings.output_device))

    # --- actions -------------------------------------------------------------------------
    def send_text(self, text: str, request_id: int = 0) -> None:
        """A typed turn: the bubble shows now, the reply when the engine has it."""
        if request_id == 0:
            self.chat.add(text, "user")
        self.backend.engine.stop_watching()  # frees the engine thread for this turn
        self.text_submitted.emit(request_id, text)

    def _send_typed(self) -> None:
        text = self.input.text().strip()
        if text:
            self.input.clear()
            self.send_text(text)

    def wake(self) -> None:
        """Start listening (tray, `assistant --wake`, the hotkey); shows the window. While an
        alert rings, the first press silences it instead."""
        self.show_window()
        if self.ui.ringing.isVisible():
            self.stop_ringing()
        elif self.state != LISTENING:
            self.start_listening()

    def toggle_listening(self) -> None:
        if self.state == LISTENING:
            self.stop_listening()
        else:
            self.start_listening()

    def start_listening(self) -> None:
        if self.muted or not self.has_microphone:
            self.show_notice(Notice(MUTED if self.muted else TEXT_ONLY, "microphone"))
            return
        self.backend.speaker.stop()  # barge-in: the user talks, the assistant is quiet
        self.backend.engine.stop_watching()
        self._show_state(LISTENING)  # at once, before the engine confirms
        self.listen_requested.emit()

    def stop_listening(self) -> None:
        self.backend.engine.request_stop_listening()

    def stop_ringing(self) -> None:
        self.backend.speaker.stop()
        self.ui.ringing.hide()
        self.ringing_stop_requested.emit()

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        if muted:
            self.stop_listening()
            self.backend.engine.stop_watching()
        self._update_mic()

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.settings_path, self)
        dialog.saved.connect(self.apply_settings)
        dialog.saved.connect(lambda _settings: self._apply_devices(dialog.chosen_devices()))
        dialog.open()
        self.settings_dialog = dialog  # tests reach it here

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings now (the dialog has already saved them)."""
        self.settings = settings
        self.settings_applied.emit(dataclasses.replace(settings))  # a copy for the engine thread
        self.voice_changed.emit(settings.voice, settings.speaking_rate, settings.volume)

    def _apply_devices(self, devices: tuple[str, str]) -> None:
        """Devices the user picked: the next listening session and reply use them."""
        if devices[0] != self.devices[0]:
            self.backend.engine.make_source = functools.partial(Microphone, devices[0] or None)
        if devices[1] != self.devices[1]:
            self.output_device_changed.emit(devices[1] or None)
        self.devices = devices

    def show_window(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    # --- results from the workers --------------------------------------------------------
    def show_ready(self, ready: Ready) -> None:
        for entry in ready.history:
            self.chat.add(entry.text, "user", entry.at)
            self.chat.add(entry.reply, "assistant", entry.at)
        if ready.missed_summary:
            self.chat.add(ready.missed_summary, "alert")
        for notice in ready.notices:
            self.show_notice(Notice(notice, "warning"))

    def show_turn(self, turn: Turn) -> None:
        if turn.spoken or turn.request_id:
            self.chat.add(turn.text, "user", turn.at)
        self.chat.add(turn.response.reply, "assistant", turn.at)
        self.set_partial("")
        if turn.spoken:
            self.speak_requested.emit(turn.response.reply)
        self.turn_shown.emit(turn)

    def show_transcript(self, transcript: Any) -> None:
        self.set_partial(transcript.text)
        self.transcript_shown.emit(transcript)

    def show_alert(self, alert: Any) -> None:
        self.chat.add(alert.message, "alert")
        self.ui.ringing_label.setText(alert.message)
        if not alert.missed:
            self.ui.ringing.show()
            self.announce_requested.emit(alert.message, self.settings.sounds)
        if self.tray is not None:
            self.tray.showMessage("Assistant", alert.message, QSystemTrayIcon.MessageIcon.Information)
        self.alert_shown.emit(alert)

    def show_notice(self, notice: Notice) -> None:
        log.info("notice (%s): %s", notice.kind, notice.text)
        if notice.kind == "info":
            self.set_partial(notice.text)  # a passing remark, not a problem
        else:
            self.banner.show_message(notice.text, notice.kind)
        self.notice_shown.emit(notice)

    def _on_speech_ready(self, ok: bool) -> None:
        if not ok:
            self.mic_button.setToolTip("Speech recognition is unavailable")
        self.speech_shown.emit(ok)

    def _on_ringing(self, count: int) -> None:
        self.ui.ringing.setVisible(count > 0)

    def _on_barged_in(self) -> None:
        self.backend.speaker.stop()
        self._show_state(LISTENING)

    def _on_level(self, level: float) -> None:
        self.ui.meter.setValue(int(level * 100))

    def _on_devices(self, devices: list) -> None:
        self.has_microphone = bool(devices)
        if devices:
            self.banner.clear("microphone")
        else:
            self.banner.show_message(TEXT_ONLY, "microphone")
        self._update_mic()

    def _on_engine_state(self, state: str) -> None:
        self.engine_state = state
        self._show_state(SPEAKING if self.speaking and state == IDLE else state)

    def _on_speaking(self, speaking: bool) -> None:
        self.speaking = speaking
        self.backend.engine.reply_playing(speaking)
        if speaking and not self.muted and self.has_microphone:
            self.watch_requested.emit()
        self._show_state(SPEAKING if speaking and self.engine_state == IDLE else self.engine_state)

    def _show_state(self, state: str) -> None:
        self.state = state
        self.ui.state_label.setText(state.capitalize())
        self.ui.state_dot.setProperty("state", state)
        self.ui.state_dot.style().polish(self.ui.state_dot)
        self.mic_button.set_listening(state == LISTENING)
        self.ui.meter.setVisible(state == LISTENING)
        if state == LISTENING:
            self.set_partial("Listening…")
        self.state_shown.emit(state)

    def set_partial(self, text: str) -> None:
        """The line above the text box: what is being heard, or a passing remark."""
        self.partial_label.setText(text)
        self.partial_label.setVisible(bool(text))

    def _update_mic(self) -> None:
        self.mic_button.setEnabled(self.has_microphone and not self.muted)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.tray is not None and not self.quitting and self.settings.close_to_tray:
            event.ignore()
            self.hide()  # keeps running in the tray: alerts still ring
            return
        event.accept()
