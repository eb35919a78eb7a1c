"""User data is never lost: transactions, corrupt files, a process killed mid-write."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant_app.storage import StorageError, Store


def test_data_persists_across_reopen(tmp_path):
    store = Store(tmp_path / "a.db")
    store.add_items("shopping", ["milk", "eggs"])
    store.add_note("parking spot B12")
    store.close()
    again = Store(tmp_path / "a.db")
    assert again.list_items("shopping") == ["milk", "eggs"]
    assert again.notes()[0][0] == "parking spot B12"


def test_corrupt_database_is_kept_aside_with_a_notice(tmp_path):
    path = tmp_path / "assistant.db"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(path)
    assert store.notices and "damaged" in store.notices[0]
    kept = list(tmp_path.glob("assistant.db.corrupt-*"))
    assert kept and kept[0].read_bytes().startswith(b"this is not a database")
    store.add_items("todo", ["call the bank"])
    assert store.list_items("todo") == ["call the bank"]


def test_locked_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "assistant.db"
    Store(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked|busy"):
            store = Store(path)
            store._db.execute("PRAGMA busy_timeout=200")
            store.add_note("hello")
    finally:
        locker.close()


WRITER = """
import sys
from assistant_app.storage import Store
store = Store(sys.argv[1])
i = 0
while True:
    store.add_items("log", [f"item {i}"])
    print(i, flush=True)
    i += 1
"""


def test_killing_the_process_mid_write_loses_nothing_committed(tmp_path):
    path = tmp_path / "assistant.db"
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    committed = -1
    deadline = time.time() + 30
    while committed < 200 and time.time() < deadline:
        committed = int(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    items = Store(path).list_items("log")
    assert len(items) >= committed + 1  # everything reported committed is there
    assert items == [f"item {i}" for i in range(len(items))]  # and nothing half-written
