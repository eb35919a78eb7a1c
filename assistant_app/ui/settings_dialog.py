"""The settings dialog: devices (listed live), voice, speaking rate, hotkey, start-up, sounds.

Save writes settings.json (Settings.save) and emits `saved`; the window applies what it can
at once (voice, rate, sounds, devices).
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..audio_input import input_devices, output_devices
from ..settings import Settings

log = logging.getLogger(__name__)

SYSTEM_DEFAULT = "System default"


def _voices() -> list[tuple[str, str]]:
    """(name, description) of every voice tts can use; [] when tts cannot list them."""
    try:
        from tts import list_voices

        return [(v.name, v.description or v.name) for v in list_voices()]
    except Exception as error:  # noqa: BLE001 - a broken voice folder must not hide the dialog
        log.warning("could not list voices: %s", error)
        return []


def _device_box(names: list[str], current: str) -> QComboBox:
    box = QComboBox()
    box.addItem(SYSTEM_DEFAULT, "")
    for name in names:
        box.addItem(name, name)
    index = box.findData(current)
    box.setCurrentIndex(max(0, index))
    return box


class SettingsDialog(QDialog):
    saved = Signal(object)  # the new Settings, already written to disk

    def __init__(self, settings: Settings, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings, self.path = settings, path
        self.input_device = _device_box([d.name for d in input_devices(rescan=False)],
                                        settings.input_device)
        self.output_device = _device_box([d.name for d in output_devices()],
                                         settings.output_device)
        self.voice = QComboBox()
        self.voice.addItem("Default voice", "")
        for name, description in _voices():
            self.voice.addItem(description, name)
        self.voice.setCurrentIndex(max(0, self.voice.findData(settings.voice)))
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.5, 2.0)
        self.rate.setSingleStep(0.1)
        self.rate.setDecimals(2)
        self.rate.setSuffix(" ×")
        self.rate.setValue(settings.speaking_rate)
        self.volume = QSpinBox()
        self.volume.setRange(0, 100)
        self.volume.setSuffix(" %")
        self.volume.setValue(round(100 * settings.volume))
        self.hotkey = QLineEdit(settings.hotkey)
        self.hotkey.setPlaceholderText("<ctrl>+<alt>+space")
        self.start_minimized = QCheckBox("Start minimised (in the tray)")
        self.start_minimized.setChecked(settings.start_minimized)
        self.sounds = QCheckBox("Play a sound when a timer, alarm or reminder goes off")
        self.sounds.setChecked(settings.sounds)
        self.barge_in = QCheckBox("Interrupt the assistant by talking while it speaks")
        self.barge_in.setChecked(settings.voice_barge_in)
        self._build()

    def _build(self) -> None:
        form = QFormLayout()
        form.setSpacing(10)
        form.addRow("Microphone", self.input_device)
        form.addRow("Speaker", self.output_device)
        form.addRow("Voice", self.voice)
        form.addRow("Speaking rate", self.rate)
        form.addRow("Volume", self.volume)
        form.addRow("Wake shortcut", self.hotkey)
        form.addRow("", self.start_minimized)
        form.addRow("", self.sounds)
        form.addRow("", self.barge_in)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 20, 20, 16)
        column.addLayout(form)
        column.addWidget(buttons)

    def values(self) -> Settings:
        """The settings as the dialog shows them."""
        changes: dict[str, Any] = {
            "voice": self.voice.currentData() or "", "speaking_rate": round(self.rate.value(), 2),
            "volume": self.volume.value() / 100,
            "hotkey": self.hotkey.text().strip() or self.settings.hotkey,
            "start_minimized": self.start_minimized.isChecked(), "sounds": self.sounds.isChecked(),
            "voice_barge_in": self.barge_in.isChecked(),
            "input_device": self.input_device.currentData() or "",
            "output_device": self.output_device.currentData() or ""}
        return dataclasses.replace(self.settings, **changes)

    def save(self) -> None:
        settings = self.values()
        try:
            settings.save(self.path)
        except OSError as error:
            QMessageBox.warning(self, "Settings", f"Your settings could not be saved: {error}")
            return
        self.saved.emit(settings)
        self.accept()

    def chosen_devices(self) -> tuple[str, str]:
        """(input, output) device names; "" for the system default."""
        return self.input_device.currentData() or "", self.output_device.currentData() or ""
