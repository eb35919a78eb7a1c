"""The running app's end of the single-instance socket (protocol in single_instance.py)."""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from .messages import Turn
from .single_instance import app_running, socket_path

log = logging.getLogger(__name__)

MAX_LINE = 64 * 1024


class InstanceServer(QObject):
    """Listens for `assistant --wake` and `assistant ask`; lives on the GUI thread."""

    wake_requested = Signal()
    ask_requested = Signal(int, str)  # request id (never 0), text

    def __init__(self) -> None:
        super().__init__()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._pending: dict[int, QLocalSocket] = {}
        self._ids = itertools.count(1)

    @classmethod
    def acquire(cls) -> InstanceServer | None:
        """Become the instance; None when another one already answers."""
        if app_running():
            return None
        server = cls()
        path = str(socket_path())
        QLocalServer.removeServer(path)  # a socket file left by a crash: nobody answered it
        if not server._server.listen(path):
            log.warning("single-instance socket %s: %s", path, server._server.errorString())
            return None
        return server

    @property
    def path(self) -> str:
        return self._server.fullServerName()

    def close(self) -> None:
        self._server.close()

    def reply(self, turn: Turn) -> None:
        """Answer the `ask` this turn belongs to (turns of the window itself are ignored)."""
        connection = self._pending.pop(turn.request_id, None)
        if connection is not None:
            self._send(connection, {"ok": True, "turn": turn.response.to_json()})

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            if connection.bytesAvailable() > MAX_LINE:
                self._send(connection, {"ok": False, "error": "message too long"})
            return
        try:
            message = json.loads(bytes(connection.readLine()).decode("utf-8"))
            command = message.get("command")
        except (ValueError, AttributeError):
            self._send(connection, {"ok": False, "error": "not a JSON object"})
            return
        self._dispatch(connection, command, message)

    def _dispatch(self, connection: QLocalSocket, command: Any, message: dict) -> None:
        if command == "ping":
            self._send(connection, {"ok": True})
        elif command == "wake":
            self._send(connection, {"ok": True})
            self.wake_requested.emit()
        elif command == "ask" and isinstance(message.get("text"), str):
            request_id = next(self._ids)
            self._pending[request_id] = connection
            self.ask_requested.emit(request_id, message["text"])
        else:
            self._send(connection, {"ok": False, "error": f"unknown command {command!r}"})

    @staticmethod
    def _send(connection: QLocalSocket, answer: dict) -> None:
        connection.write(json.dumps(answer, ensure_ascii=False).encode("utf-8") + b"\n")
        connection.flush()
        connection.disconnectFromServer()  # one request per connection keeps the protocol tiny
