"""The real window, driven like a user: typing, the microphone, settings, no microphone."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from assistant_app.audio_input import FileSource
from assistant_app.settings import Settings


def texts(window, who):
    return [b.text for b in window.chat.bubbles() if b.who == who]


def test_a_typed_command_shows_both_bubbles(make_app, qtbot):
    window = make_app().window
    qtbot.keyClicks(window.input, "set a timer for ten minutes")
    with qtbot.waitSignal(window.turn_shown, timeout=30000) as turn:
        qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert texts(window, "user") == ["set a timer for ten minutes"]
    assert window.input.text() == ""
    qtbot.waitUntil(lambda: len(texts(window, "assistant")) == 1)
    reply = texts(window, "assistant")[0]
    assert reply == turn.args[0].response.reply and "10 minutes" in reply
    assert [a["type"] for a in turn.args[0].response.actions] == ["timer.started"]
    bubble = window.chat.bubbles()[-1]
    assert bubble.text_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert ":" in bubble.time_label.text()
    qtbot.waitUntil(lambda: window.state == "idle")


def test_history_comes_back_at_start(make_app, qtbot):
    first = make_app()
    with qtbot.waitSignal(first.window.turn_shown, timeout=30000):
        first.window.send_text("add milk to my shopping list")
    first.close()
    window = make_app().window  # same XDG dirs: the same database
    qtbot.waitUntil(lambda: len(window.chat.bubbles()) >= 2)
    assert texts(window, "user") == ["add milk to my shopping list"]


def test_the_microphone_button_hears_a_question_and_answers(make_app, qtbot, spoken_wav):
    app = make_app(source=lambda: FileSource(spoken_wav))
    window = app.window
    with qtbot.waitSignal(window.transcript_shown, timeout=60000,
                          check_params_cb=lambda t: t.is_final) as final:
        qtbot.mouseClick(window.mic_button, Qt.MouseButton.LeftButton)
        assert window.state == "listening"
    assert final.args[0].text.strip()  # the model is still training: no exact words asked
    qtbot.waitUntil(lambda: bool(texts(window, "assistant")), timeout=30000)
    assert texts(window, "user") == [final.args[0].text]
    qtbot.waitUntil(lambda: window.state == "idle")
    speaker = app.backend.speaker
    qtbot.waitUntil(lambda: speaker.player.played == texts(window, "assistant"))  # spoken turn


def test_settings_are_saved_and_applied(make_app, qtbot, isolated_user_dirs):
    window = make_app().window
    window.open_settings()
    dialog = window.settings_dialog
    dialog.rate.setValue(1.4)
    dialog.volume.setValue(60)
    dialog.sounds.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    saved, warning = Settings.load(isolated_user_dirs / "config/assistant/settings.json")
    assert warning is None
    assert (saved.speaking_rate, saved.volume, saved.sounds) == (1.4, 0.6, False)
    assert window.settings == saved
    qtbot.waitUntil(lambda: (window.backend.speaker.rate, window.backend.speaker.volume) == (1.4, 0.6))


def test_without_a_microphone_it_says_so_and_typing_still_works(make_app, qtbot, monkeypatch):
    import sounddevice

    present = {"mic": False}
    usb = {"name": "USB microphone", "max_input_channels": 1, "max_output_channels": 0}

    def query_devices(*args, **kwargs):
        return [usb] if present["mic"] else []

    def no_stream(*args, **kwargs):
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "query_devices", query_devices)
    monkeypatch.setattr(sounddevice, "InputStream", no_stream)
    monkeypatch.setattr(sounddevice, "_terminate", lambda: None)
    monkeypatch.setattr(sounddevice, "_initialize", lambda: None)
    from assistant_app.audio_input import input_devices

    window = make_app(list_devices=input_devices, poll_ms=100).window
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert "text only" in window.banner.label.text()
    assert not window.mic_button.isEnabled()
    with qtbot.waitSignal(window.turn_shown, timeout=30000):
        window.send_text("what's two plus two")
    qtbot.waitUntil(lambda: bool(texts(window, "assistant")))
    assert "4" in texts(window, "assistant")[0] or "four" in texts(window, "assistant")[0]

    # A device that appears but cannot be opened: the banner tells, in plain words.
    window.has_microphone = True
    with qtbot.waitSignal(window.notice_shown, timeout=30000) as notice:
        window.start_listening()
    assert notice.args[0].kind == "microphone"
    assert "microphone" in window.banner.label.text().lower()

    present["mic"] = True  # plugged in: the next poll notices
    qtbot.waitUntil(lambda: window.mic_button.isEnabled() and not window.banner.isVisible())


def test_a_ringing_alert_shows_a_stop_button(make_app, qtbot):
    app = make_app()
    window = app.window
    with qtbot.waitSignal(window.alert_shown, timeout=10000):
        window.send_text("set a timer for 1 second")
    qtbot.waitUntil(lambda: window.ui.ringing.isVisible())
    assert [b.who for b in window.chat.bubbles()][-1] == "alert"
    qtbot.waitUntil(lambda: app.backend.speaker.player.played[:1] == ["chime"])
    qtbot.mouseClick(window.ui.stop, Qt.MouseButton.LeftButton)
    assert not window.ui.ringing.isVisible()


def _ring(app, qtbot):
    with qtbot.waitSignal(app.window.alert_shown, timeout=10000):
        app.window.send_text("set a timer for 1 second")
    qtbot.waitUntil(lambda: app.window.ui.ringing.isVisible())
    qtbot.waitUntil(lambda: app.backend.engine.assistant.ringing() != [])


def test_the_wake_shortcut_silences_a_ringing_alert_first(make_app, qtbot):
    app = make_app()
    _ring(app, qtbot)
    app.window.wake()  # what the hotkey and `assistant --wake` call
    assert not app.window.ui.ringing.isVisible() and app.window.state != "listening"
    qtbot.waitUntil(lambda: app.backend.engine.assistant.ringing() == [])


def test_clicking_the_alert_notification_stops_it(make_app, qtbot):
    from assistant_app.ui.tray import Tray

    app = make_app()
    tray = app.tray or Tray(app.window)  # offscreen there may be no tray area; the icon still works
    _ring(app, qtbot)
    tray._relabel()
    assert tray.stop_action.isVisible()
    tray.messageClicked.emit()
    qtbot.waitUntil(lambda: app.backend.engine.assistant.ringing() == [])
    assert not app.window.ui.ringing.isVisible()
