"""One app per user: the first instance listens on a local socket; later commands talk to it.

Protocol: a Unix socket (QLocalServer at a full path, so the client needs no Qt). The client
sends one line of UTF-8 JSON and reads one line back, then the connection closes:

    {"command": "ping"}                    -> {"ok": true}
    {"command": "wake"}                    -> {"ok": true}        the app starts listening
    {"command": "ask", "text": "..."}      -> {"ok": true, "turn": {...}}   interfaces.md's turn
    anything else                          -> {"ok": false, "error": "..."}

The socket's name depends on the user and on $XDG_DATA_HOME (the database it serves), so an
isolated run (tests, benchmarks) never talks to the user's own running app.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

from .. import paths

log = logging.getLogger(__name__)

ASK_TIMEOUT = 60.0
"""An `ask` may have to wait for the app to finish loading its models."""


def socket_path() -> Path:
    """$XDG_RUNTIME_DIR/assistant-<hash>.sock (a short name: Unix socket paths max ~107 bytes)."""
    key = f"{os.getuid()}:{paths.data_dir()}".encode()
    folder = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(folder) / f"assistant-{hashlib.sha1(key).hexdigest()[:12]}.sock"


def app_running() -> bool:
    """Someone accepts connections on the socket (even an app too busy to answer right now)."""
    path = socket_path()
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        try:
            client.connect(str(path))
        except OSError:  # refused: a socket file left behind by a crash
            return False
    return True


def request(message: dict[str, Any], timeout: float = 2.0) -> dict[str, Any] | None:
    """Send one message to the running app; its answer, or None when no app is running."""
    path = socket_path()
    if not path.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            client.connect(str(path))
            client.sendall(json.dumps(message).encode() + b"\n")
            answer = client.makefile("rb").readline()
    except OSError as error:  # refused: a stale socket left by a crash; timeout: app hung
        log.info("no running app at %s: %s", path, error)
        return None
    try:
        return json.loads(answer) if answer else None
    except json.JSONDecodeError:
        return None


def wake_running_app() -> bool:
    answer = request({"command": "wake"})
    return bool(answer and answer.get("ok"))


def ask_running_app(text: str) -> dict[str, Any] | None:
    """The turn JSON from the running app, or None when none runs."""
    answer = request({"command": "ask", "text": text}, timeout=ASK_TIMEOUT)
    return answer.get("turn") if answer and answer.get("ok") else None
