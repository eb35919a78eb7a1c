"""Fires timers, alarms and reminders at their moment, on a background thread."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from .storage import ScheduledEvent, Store

log = logging.getLogger(__name__)

# An event found overdue by more than this at start-up was missed while the assistant was closed.
MISSED_AFTER_SECONDS = 60.0


class Scheduler:
    """Waits for the next due event and hands each one to `on_alert` exactly once."""

    def __init__(self, store: Store, on_alert: Callable[[ScheduledEvent, bool], None]) -> None:
        self.store = store
        self.on_alert = on_alert
        self._wake = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def start(self) -> list[ScheduledEvent]:
        """Report events missed while closed, then watch for due ones. Returns the missed ones."""
        now = time.time()
        overdue = self.store.take_due_events(now, missed_before=now - MISSED_AFTER_SECONDS)
        for event in overdue:
            self._deliver(event, missed=event.status == "missed")
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()
        return [e for e in overdue if e.status == "missed"]

    def changed(self) -> None:
        """Call after adding or cancelling an event so the wait is recomputed."""
        with self._wake:
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if self._thread:
            self._thread.join(timeout=2)

    def _deliver(self, event: ScheduledEvent, missed: bool) -> None:
        try:
            self.on_alert(event, missed)
        except Exception:  # a listener's bug must not stop the clock
            log.exception("alert listener failed for event %s", event.id)

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopped:
                    return
                next_due = self.store.next_due()
                delay = 3600.0 if next_due is None else max(0.0, next_due - time.time())
                if delay > 0:
                    # wake at most every 30 s so a suspended laptop's clock jump is noticed
                    self._wake.wait(timeout=min(delay, 30.0))
                if self._stopped:
                    return
            try:
                due = self.store.take_due_events(time.time())
            except Exception:
                log.exception("could not read due events")
                time.sleep(1.0)
                continue
            for event in due:
                self._deliver(event, missed=False)
