"""SQLite storage of all user data: timers, alarms, reminders, lists, notes, history, state.

Every write is one transaction (WAL journal, synchronous=FULL), so a process killed
mid-write loses nothing that was committed. A corrupt database is moved aside,
never deleted, and a fresh one is started with a notice for the user."""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('timer', 'alarm', 'reminder')),
    label TEXT NOT NULL DEFAULT '',
    due_at REAL NOT NULL,
    seconds INTEGER,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'fired', 'missed', 'cancelled')),
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_due ON events (status, due_at);
CREATE TABLE IF NOT EXISTS list_items (
    id INTEGER PRIMARY KEY,
    list TEXT NOT NULL,
    item TEXT NOT NULL,
    added_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS list_items_list ON list_items (list);
CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, text TEXT NOT NULL, reply TEXT NOT NULL,
    intent TEXT, turn TEXT
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class StorageError(RuntimeError):
    """The database cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class ScheduledEvent:
    id: int
    kind: str  # timer | alarm | reminder
    label: str
    due_at: float  # epoch seconds
    seconds: int | None  # a timer's length
    status: str
    created_at: float


class Store:
    """All user data in one SQLite file. Thread-safe: one connection behind a lock."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.notices: list[str] = []
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = self._open()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            db = self._connect()
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            return db
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StorageError(
                    f"The database {self.path} is locked by another program; "
                    "close the other assistant window or process and try again.") from error
            raise StorageError(f"The database {self.path} cannot be opened: {error}") from error
        except sqlite3.DatabaseError as error:
            return self._recover(error)

    def _recover(self, error: Exception) -> sqlite3.Connection:
        """Move a corrupt file (and its journal) aside and start a fresh database."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.rename(Path(str(aside) + suffix))
        message = (f"Your data file was damaged ({error}). I kept it as {aside.name} "
                   "and started a new one.")
        log.error(message)
        self.notices.append(message)
        db = self._connect()
        db.executescript(SCHEMA)
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StorageError(f"The database is busy ({error}); nothing was changed.") from error
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- timers, alarms, reminders -------------------------------------------------
    def add_event(self, kind: str, label: str, due_at: float, seconds: int | None = None) -> ScheduledEvent:
        with self.transaction() as db:
            now = time.time()
            cursor = db.execute(
                "INSERT INTO events (kind, label, due_at, seconds, created_at) VALUES (?, ?, ?, ?, ?)",
                (kind, label, due_at, seconds, now))
            return ScheduledEvent(cursor.lastrowid, kind, label, due_at, seconds, "active", now)

    def active_events(self, kind: str | None = None) -> list[ScheduledEvent]:
        sql = "SELECT * FROM events WHERE status = 'active'"
        params: tuple = ()
        if kind:
            sql, params = sql + " AND kind = ?", (kind,)
        return [ScheduledEvent(**dict(row)) for row in self.query(sql + " ORDER BY due_at", params)]

    def event(self, event_id: int) -> ScheduledEvent | None:
        rows = self.query("SELECT * FROM events WHERE id = ?", (event_id,))
        return ScheduledEvent(**dict(rows[0])) if rows else None

    def set_event_status(self, event_ids: list[int], status: str) -> int:
        if not event_ids:
            return 0
        with self.transaction() as db:
            marks = ",".join("?" * len(event_ids))
            return db.execute(f"UPDATE events SET status = ? WHERE status = 'active' AND id IN ({marks})",
                              (status, *event_ids)).rowcount

    def restore_event(self, event_id: int) -> None:
        """Make a cancelled event active again (a change to it that could not be made)."""
        with self.transaction() as db:
            db.execute("UPDATE events SET status = 'active' WHERE id = ? AND status = 'cancelled'", (event_id,))

    def extend_event(self, event_id: int, seconds: int) -> ScheduledEvent | None:
        """Push an active event `seconds` later (a timer's length grows with it); None if it is
        no longer active."""
        with self.transaction() as db:
            db.execute("UPDATE events SET due_at = due_at + ?, seconds = seconds + ? "
                       "WHERE id = ? AND status = 'active'", (seconds, seconds, event_id))
            row = db.execute("SELECT * FROM events WHERE id = ? AND status = 'active'", (event_id,)).fetchone()
            return ScheduledEvent(**dict(row)) if row else None

    def take_due_events(self, now: float, missed_before: float | None = None) -> list[ScheduledEvent]:
        """Mark every active event due by `now` fired (or missed, if due before
        `missed_before`) and return them, in one transaction."""
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM events WHERE status = 'active' AND due_at <= ? ORDER BY due_at",
                              (now,)).fetchall()
            taken = []
            for row in rows:
                status = "missed" if missed_before is not None and row["due_at"] < missed_before else "fired"
                db.execute("UPDATE events SET status = ? WHERE id = ?", (status, row["id"]))
                taken.append(ScheduledEvent(**{**dict(row), "status": status}))
            return taken

    def next_due(self) -> float | None:
        row = self.query("SELECT MIN(due_at) FROM events WHERE status = 'active'")[0]
        return row[0]

    # --- lists ---------------------------------------------------------------------
    def add_items(self, list_name: str, items: list[str]) -> list[str]:
        """Add items not already on the list; return those added."""
        with self.transaction() as db:
            present = {r["item"].lower() for r in db.execute(
                "SELECT item FROM list_items WHERE list = ?", (list_name,))}
            added = []
            for item in items:
                if item.lower() not in present:
                    db.execute("INSERT INTO list_items (list, item, added_at) VALUES (?, ?, ?)",
                               (list_name, item, time.time()))
                    present.add(item.lower())
                    added.append(item)
            return added

    def remove_items(self, list_name: str, items: list[str]) -> list[str]:
        with self.transaction() as db:
            removed = []
            for item in items:
                if db.execute("DELETE FROM list_items WHERE list = ? AND lower(item) = lower(?)",
                              (list_name, item)).rowcount:
                    removed.append(item)
            return removed

    def list_items(self, list_name: str) -> list[str]:
        return [r["item"] for r in self.query(
            "SELECT item FROM list_items WHERE list = ? ORDER BY id", (list_name,))]

    def list_names(self) -> list[str]:
        return [r["list"] for r in self.query(
            "SELECT list, MAX(added_at) AS last FROM list_items GROUP BY list ORDER BY last DESC")]

    # --- notes ---------------------------------------------------------------------
    def add_note(self, text: str) -> int:
        with self.transaction() as db:
            return db.execute("INSERT INTO notes (text, created_at) VALUES (?, ?)",
                              (text, time.time())).lastrowid

    def notes(self, limit: int = 20) -> list[tuple[str, float]]:
        return [(r["text"], r["created_at"]) for r in self.query(
            "SELECT text, created_at FROM notes ORDER BY id DESC LIMIT ?", (limit,))]

    # --- history and dialogue state ---------------------------------------------------
    def record_turn(self, text: str, reply: str, intent: str | None, turn: dict[str, Any],
                    state_key: str, state: dict[str, Any]) -> None:
        """Log a turn and save the dialogue state after it, in one transaction."""
        with self.transaction() as db:
            db.execute("INSERT INTO history (at, text, reply, intent, turn) VALUES (?, ?, ?, ?, ?)",
                       (time.time(), text, reply, intent, json.dumps(turn, ensure_ascii=False)))
            db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
                       (state_key, json.dumps(state, ensure_ascii=False)))

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.query("SELECT at, text, reply, intent FROM history ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(r) for r in reversed(rows)]

    def load_state(self, key: str) -> dict[str, Any] | None:
        rows = self.query("SELECT value FROM state WHERE key = ?", (key,))
        if not rows:
            return None
        try:
            return json.loads(rows[0]["value"])
        except json.JSONDecodeError:
            log.warning("ignoring unreadable saved state %r", key)
            return None
