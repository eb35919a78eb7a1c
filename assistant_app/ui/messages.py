"""What the workers send to the window: plain frozen dataclasses, no Qt (architecture.md)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..dialogue.state import Response
    from ..engine import Alert

IDLE, LISTENING, THINKING, SPEAKING = "idle", "listening", "thinking", "speaking"
"""The states the window shows."""


@dataclass(frozen=True)
class Turn:
    """One finished turn, typed or spoken."""

    request_id: int
    """Who asked: 0 for the window itself, else the id of a single-instance `ask` request."""
    text: str
    """What the user typed, or the final transcript of what they said."""
    response: Response
    spoken: bool = False
    """The turn came from the microphone (so the reply is spoken aloud)."""
    at: float = 0.0
    """When the turn finished (Unix time)."""


@dataclass(frozen=True)
class HistoryEntry:
    """One past turn from the database, for the chat panel at start-up."""

    at: float
    text: str
    reply: str


@dataclass(frozen=True)
class Ready:
    """The engine has loaded; what the window shows first."""

    history: tuple[HistoryEntry, ...] = ()
    notices: tuple[str, ...] = ()
    """Plain-language messages from start-up (e.g. an unreadable settings file)."""
    missed: tuple[Alert, ...] = ()
    """Alerts that went off while the assistant was closed."""
    missed_summary: str | None = None


@dataclass(frozen=True)
class Notice:
    """Something the user should know about, in plain language."""

    text: str
    kind: str = "info"
    """"info" (in passing), "warning", "microphone" (none usable: text only), "speech", "sound", "error"."""
    details: dict[str, Any] = field(default_factory=dict)
