"""Light and dark looks (following the system's), the accent colour, and the app's icons."""
from __future__ import annotations

import logging
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from .. import paths

log = logging.getLogger(__name__)

LIGHT = {"window": "#f4f5fa", "surface": "#ffffff", "text": "#1d2030", "muted": "#7a7f93",
         "border": "#e1e3ee", "accent": "#4f5bd5", "accent_hover": "#4350c4",
         "accent_text": "#ffffff", "assistant": "#ffffff", "alert": "#fff4d6",
         "alert_border": "#f0c14b", "banner": "#fff1e0", "banner_text": "#6b3d00",
         "listening": "#e5484d", "meter": "#30a46c"}
DARK = {"window": "#16171d", "surface": "#1f2029", "text": "#e8e9f0", "muted": "#9095a8",
        "border": "#2e303c", "accent": "#6c78ff", "accent_hover": "#7f89ff",
        "accent_text": "#ffffff", "assistant": "#262834", "alert": "#3a3117",
        "alert_border": "#b8932e", "banner": "#3b2a14", "banner_text": "#ffd8a8",
        "listening": "#ff6369", "meter": "#3dd68c"}

STYLE = Template("""
QMainWindow, QDialog { background: $window; }
QWidget { color: $text; font-size: 10.5pt; }
#header { background: $surface; border-bottom: 1px solid $border; }
#title { font-size: 13pt; font-weight: 600; }
#stateLabel { color: $muted; }
#stateDot { color: $meter; font-size: 9pt; }
#stateDot[state="listening"] { color: $listening; }
#stateDot[state="thinking"] { color: #f0a020; }
#stateDot[state="speaking"] { color: $accent; }
#chat, #chatBody { background: $window; border: none; }
#userBubble { background: $accent; border-radius: 16px; border-bottom-right-radius: 4px; }
#userBubble QLabel { color: $accent_text; background: transparent; }
#userBubble #bubbleTime { color: rgba(255, 255, 255, 170); }
#assistantBubble { background: $assistant; border: 1px solid $border; border-radius: 16px;
                   border-bottom-left-radius: 4px; }
#alertBubble { background: $alert; border: 1px solid $alert_border; border-radius: 16px; }
#bubbleText { font-size: 11pt; background: transparent; }
#bubbleTime { color: $muted; font-size: 8pt; background: transparent; }
#banner { background: $banner; border-bottom: 1px solid $border; }
#banner QLabel { color: $banner_text; }
#ringing { background: $alert; border-top: 1px solid $alert_border; }
#partial { color: $muted; font-style: italic; padding: 6px 18px 0 18px; background: $surface;
           border-top: 1px solid $border; }
#composer { background: $surface; border-top: 1px solid $border; }
#composer QLineEdit { background: $window; border: 1px solid $border; border-radius: 14px;
                      padding: 8px 14px; selection-background-color: $accent; }
#composer QLineEdit:focus { border: 1px solid $accent; }
QPushButton { background: $surface; border: 1px solid $border; border-radius: 8px;
              padding: 6px 14px; }
QPushButton:hover { border-color: $accent; }
#micButton, #sendButton { background: $accent; border: none; border-radius: 22px; padding: 0; }
#micButton:hover, #sendButton:hover { background: $accent_hover; }
#micButton[listening="true"] { background: $listening; }
#micButton:disabled { background: $border; }
#iconButton { background: transparent; border: none; padding: 4px; }
#stopButton { background: $listening; color: #ffffff; border: none; font-weight: 600; }
QProgressBar#meter { background: $border; border: none; border-radius: 2px; }
QProgressBar#meter::chunk { background: $meter; border-radius: 2px; }
QScrollBar:vertical { background: transparent; width: 10px; margin: 2px; }
QScrollBar::handle:vertical { background: $border; border-radius: 4px; min-height: 30px; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }
QComboBox, QDoubleSpinBox, QDialog QLineEdit { min-height: 24px; }
""")


def is_dark(app: QGuiApplication) -> bool:
    """The desktop's colour scheme when it says, else the palette's window lightness."""
    scheme = app.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colours(dark: bool) -> dict[str, str]:
    return DARK if dark else LIGHT


def apply(app: QApplication, scheme: str | None = None) -> dict[str, str]:
    """Style the whole app; scheme "light"/"dark" forces one, None follows the system."""
    app.setStyle("Fusion")  # the same rounded look everywhere; native styles fight stylesheets
    dark = is_dark(app) if scheme is None else scheme == "dark"
    palette = colours(dark)
    app.setStyleSheet(STYLE.substitute(palette))
    app.setWindowIcon(icon("assistant"))
    log.debug("theme: %s", "dark" if dark else "light")
    return palette


def icon(name: str) -> QIcon:
    """resources/icons/NAME.svg."""
    return QIcon(str(paths.resources_dir() / "icons" / f"{name}.svg"))
