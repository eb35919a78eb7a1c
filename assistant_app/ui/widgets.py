"""The window's parts: chat bubbles, the chat panel, the microphone button, the banner."""
from __future__ import annotations

import datetime as dt
import logging
import time

from PySide6.QtCore import QElapsedTimer, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .theme import icon

log = logging.getLogger(__name__)

BUBBLE_WIDTH = 0.72
"""A bubble takes at most this share of the chat panel's width."""
HOLD_MS = 300
"""Pressing the microphone longer than this is hold-to-talk; shorter is a click (toggle)."""


def clock(at: float) -> str:
    """'14:05' today, 'Mon 14:05' this week, else '3 Mar 14:05'."""
    moment, now = dt.datetime.fromtimestamp(at), dt.datetime.now()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if (now - moment).days < 7:
        return moment.strftime("%a %H:%M")
    return f"{moment.day} {moment.strftime('%b %H:%M')}"


class Bubble(QFrame):
    """One message: the text (selectable, copyable) and the time under it."""

    def __init__(self, text: str, who: str, at: float | None = None) -> None:
        super().__init__()
        self.who = who  # "user", "assistant" or "alert"
        self.setObjectName(f"{who}Bubble")
        self.text_label = QLabel(text)
        self.text_label.setObjectName("bubbleText")
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)  # user words are never markup
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.time_label = QLabel(clock(at or time.time()))
        self.time_label.setObjectName("bubbleTime")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 9, 14, 7)
        layout.setSpacing(3)
        layout.addWidget(self.text_label)
        align = Qt.AlignmentFlag.AlignRight if who == "user" else Qt.AlignmentFlag.AlignLeft
        layout.addWidget(self.time_label, alignment=align)

    @property
    def text(self) -> str:
        return self.text_label.text()

    def fit(self, max_width: int) -> None:
        """As wide as the text needs, up to max_width; QLabel alone wraps far too early."""
        self.ensurePolished()
        self.text_label.ensurePolished()  # the stylesheet's font, before measuring
        metrics = self.text_label.fontMetrics()
        natural = max((metrics.horizontalAdvance(line) for line in self.text.splitlines()),
                      default=0) + 4
        margins = self.layout().contentsMargins()
        self.text_label.setFixedWidth(min(natural, max_width - margins.left() - margins.right()))


class ChatView(QScrollArea):
    """Bubbles top to bottom, the user's on the right; follows the newest one."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("chat")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("chatBody")
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(16, 16, 16, 16)
        self._layout.setSpacing(10)
        self._layout.addStretch(1)
        self.setWidget(body)
        self._bubbles: list[Bubble] = []
        self.verticalScrollBar().rangeChanged.connect(lambda _lo, hi: self.verticalScrollBar().setValue(hi))

    def add(self, text: str, who: str, at: float | None = None) -> Bubble:
        bubble = Bubble(text, who, at)
        bubble.fit(self._bubble_width())
        row = QHBoxLayout()
        if who == "user":
            row.addStretch(1)
        row.addWidget(bubble)
        if who != "user":
            row.addStretch(1)
        self._layout.insertLayout(self._layout.count() - 1, row)
        self._bubbles.append(bubble)
        return bubble

    def bubbles(self) -> list[Bubble]:
        return list(self._bubbles)

    def _bubble_width(self) -> int:
        return max(220, int(self.viewport().width() * BUBBLE_WIDTH))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = self._bubble_width()
        for bubble in self._bubbles:
            bubble.fit(width)


class MicButton(QPushButton):
    """Click: start or stop listening. Hold longer than HOLD_MS: talk while held."""

    toggle_requested = Signal()
    hold_released = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("micButton")
        self.setIcon(icon("mic"))
        self.setIconSize(QSize(22, 22))
        self.setFixedSize(44, 44)
        self.setToolTip("Talk: click to start and stop, or hold while you speak")
        self.setCheckable(False)
        self._held = QElapsedTimer()
        self.pressed.connect(self._on_press)
        self.released.connect(self._on_release)

    def _on_press(self) -> None:
        self._held.start()
        self.toggle_requested.emit()

    def _on_release(self) -> None:
        if self._held.isValid() and self._held.elapsed() > HOLD_MS:
            self.hold_released.emit()
        self._held.invalidate()

    def set_listening(self, listening: bool) -> None:
        self.setProperty("listening", listening)
        self.style().unpolish(self)  # re-read the stylesheet for the new property
        self.style().polish(self)


class Banner(QFrame):
    """A plain-language message across the top; problems stay until fixed or dismissed."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.kind = ""
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        close = QPushButton("Dismiss")
        close.setObjectName("bannerButton")
        close.clicked.connect(lambda: self.clear())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.addWidget(self.label)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str, kind: str) -> None:
        self.kind = kind
        self.label.setText(text)
        self.show()

    def clear(self, kind: str | None = None) -> None:
        """Hide the banner (only when it shows a message of `kind`, if given)."""
        if kind is None or kind == self.kind:
            self.kind = ""
            self.hide()
