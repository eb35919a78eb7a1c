"""User settings in $XDG_CONFIG_HOME/assistant/settings.json; a broken file falls back to defaults."""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class Settings:
    search_url: str = "https://duckduckgo.com/?q={query}"
    """Web search address; {query} is replaced by the URL-encoded words."""
    default_list: str = "shopping"
    confirm_below: float = 0.75
    """Actions understood with less confidence than this are confirmed first."""
    reject_below: float = 0.45
    """Interpretations less confident than this are treated as out of scope."""
    knowledge_min_score: float = 0.55
    """Cosine similarity a knowledge-base question needs to be answered."""
    voice: str = ""
    speaking_rate: float = 1.0
    volume: float = 1.0
    """Loudness of spoken replies, 0-1."""
    hotkey: str = "<ctrl>+<alt>+space"
    start_minimized: bool = False
    sounds: bool = True
    voice_barge_in: bool = True
    """Talking while the assistant speaks stops it and starts listening."""
    close_to_tray: bool = True
    """Closing the window keeps the assistant running in the system tray."""
    input_device: str = ""
    """Microphone by name; empty means the system default."""
    output_device: str = ""
    """Speaker by name; empty means the system default."""

    @classmethod
    def load(cls, path: Path) -> tuple["Settings", str | None]:
        """Settings and, when the file was unusable, a plain-language warning."""
        if not path.exists():
            return cls(), None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as error:
            message = f"Your settings file {path} could not be read ({error}); using defaults."
            log.warning(message)
            return cls(), message
        known = {f.name: f.type for f in fields(cls)}
        defaults = cls()
        values = {}
        for key, value in data.items():
            default = getattr(defaults, key, None)
            if key in known and isinstance(value, type(default)) or (
                    isinstance(default, float) and isinstance(value, int)):
                values[key] = value
            else:
                log.warning("ignoring setting %r=%r", key, value)
        return cls(**values), None

    def save(self, path: Path) -> None:
        """Atomic write: a crash leaves the old file or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(self), out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
