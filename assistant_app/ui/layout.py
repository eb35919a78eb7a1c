"""Builds the main window's widgets; the window itself only wires and reacts."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .theme import icon
from .widgets import Banner, ChatView, MicButton


@dataclass
class Parts:
    """The widgets the window talks to."""

    chat: ChatView
    input: QLineEdit
    send: QPushButton
    mic: MicButton
    meter: QProgressBar
    partial: QLabel
    banner: Banner
    state_dot: QLabel
    state_label: QLabel
    settings: QPushButton
    ringing: QFrame
    ringing_label: QLabel
    stop: QPushButton


def _header() -> tuple[QFrame, QLabel, QLabel, QPushButton]:
    header = QFrame()
    header.setObjectName("header")
    logo = QLabel()
    logo.setPixmap(icon("assistant").pixmap(28, 28))
    title = QLabel("Assistant")
    title.setObjectName("title")
    dot = QLabel("●")
    dot.setObjectName("stateDot")
    state = QLabel("Idle")
    state.setObjectName("stateLabel")
    settings = QPushButton()
    settings.setObjectName("iconButton")
    settings.setIcon(icon("settings"))
    settings.setIconSize(QSize(20, 20))
    settings.setToolTip("Settings")
    row = QHBoxLayout(header)
    row.setContentsMargins(16, 10, 10, 10)
    row.setSpacing(8)
    for widget in (logo, title):
        row.addWidget(widget)
    row.addStretch(1)
    for widget in (dot, state, settings):
        row.addWidget(widget)
    return header, dot, state, settings


def _ringing() -> tuple[QFrame, QLabel, QPushButton]:
    bar = QFrame()
    bar.setObjectName("ringing")
    label = QLabel()
    label.setWordWrap(True)
    stop = QPushButton("Stop")
    stop.setObjectName("stopButton")
    row = QHBoxLayout(bar)
    row.setContentsMargins(16, 8, 12, 8)
    row.addWidget(label, 1)
    row.addWidget(stop)
    bar.hide()
    return bar, label, stop


def _composer() -> tuple[QFrame, QLineEdit, MicButton, QPushButton]:
    composer = QFrame()
    composer.setObjectName("composer")
    text = QLineEdit()
    text.setPlaceholderText("Type a message…")
    text.setClearButtonEnabled(True)
    mic = MicButton()
    send = QPushButton()
    send.setObjectName("sendButton")
    send.setIcon(icon("send"))
    send.setIconSize(QSize(20, 20))
    send.setFixedSize(44, 44)
    send.setToolTip("Send (Enter)")
    row = QHBoxLayout(composer)
    row.setContentsMargins(12, 10, 12, 12)
    row.setSpacing(8)
    row.addWidget(text, 1)
    row.addWidget(send)
    row.addWidget(mic)
    return composer, text, mic, send


def build_layout(window: QMainWindow) -> Parts:
    header, dot, state, settings = _header()
    banner = Banner()
    chat = ChatView()
    partial = QLabel()
    partial.setObjectName("partial")
    partial.setWordWrap(True)
    partial.hide()
    meter = QProgressBar()
    meter.setObjectName("meter")
    meter.setRange(0, 100)
    meter.setTextVisible(False)
    meter.setFixedHeight(4)
    meter.hide()
    ringing, ringing_label, stop = _ringing()
    composer, text, mic, send = _composer()
    body = QWidget()
    column = QVBoxLayout(body)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    for widget in (header, banner, chat, ringing, partial, meter, composer):
        column.addWidget(widget, 1 if widget is chat else 0)
    window.setCentralWidget(body)
    text.setFocus()
    return Parts(chat, text, send, mic, meter, partial, banner, dot, state, settings, ringing,
                 ringing_label, stop)
