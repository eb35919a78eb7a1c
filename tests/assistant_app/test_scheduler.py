"""Timers, alarms and reminders fire in real time and survive restarts."""
import threading
import time

from assistant_app.engine import Assistant


def test_short_timer_fires_while_running(assistant):
    fired = threading.Event()
    alerts = []
    assistant.add_listener(lambda alert: (alerts.append(alert), fired.set()))
    assistant.handle_text("set a timer for 2 seconds")
    assert fired.wait(timeout=6), "the timer never went off"
    assert alerts[0].kind == "timer" and not alerts[0].missed
    assert assistant.store.active_events() == []
    assert [a.id for a in assistant.ringing()] == [alerts[0].id]
    stopped = assistant.handle_text("stop")
    assert {"type": "alert.stopped", "id": alerts[0].id} in stopped.actions
    assert assistant.ringing() == []


def test_several_timers_fire_in_order(assistant):
    order = []
    done = threading.Event()
    assistant.add_listener(lambda alert: (order.append(alert.label), len(order) == 2 and done.set()))
    assistant.handle_text("set a tea timer for 3 seconds")
    assistant.handle_text("set an egg timer for 1 second")
    assert done.wait(timeout=8)
    assert order == ["egg", "tea"]


def test_timer_missed_while_closed_is_reported_at_start(parser, monkeypatch):
    import assistant_app.scheduler as scheduler

    with Assistant(parser=parser) as first:
        first.handle_text("set a timer for 1 second")
        first.scheduler.stop()  # closed before it fires
    time.sleep(1.5)
    monkeypatch.setattr(scheduler, "MISSED_AFTER_SECONDS", 0.1)
    with Assistant(parser=parser) as second:
        assert [(a.kind, a.missed) for a in second.missed] == [("timer", True)]
        assert "while I was closed" in second.missed_summary()
        assert second.store.active_events() == []


def test_remind_me_again_after_a_reminder_rang(assistant):
    fired = threading.Event()
    assistant.add_listener(lambda alert: fired.set())
    assistant.handle_text("remind me in 2 seconds to stretch my legs")
    assert fired.wait(timeout=6), "the reminder never went off"
    assistant.handle_text("stop")
    assistant.handle_text("remind me again in 10 minutes")
    (again,) = assistant.store.active_events("reminder")
    assert again.label == "stretch your legs"
    assert 9 * 60 < again.due_at - time.time() <= 10 * 60
