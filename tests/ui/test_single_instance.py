"""A second `assistant` reaches the running one: `--wake` starts listening, `ask` gets a reply."""
from __future__ import annotations

import threading

from assistant_app.audio_input import FileSource
from assistant_app.ui import single_instance
from assistant_app.ui.instance_server import InstanceServer


def in_background(function, *args):
    """The client blocks on its socket; the server answers on this (GUI) thread meanwhile."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function(*args)))
    thread.start()
    return result, thread


def test_wake_and_ask_reach_the_running_app(make_app, qtbot, spoken_wav):
    assert not single_instance.app_running()
    server = InstanceServer.acquire()
    assert server is not None
    app = make_app(source=lambda: FileSource(spoken_wav), server=server)
    assert single_instance.app_running()  # a second instance would step back
    pinged, thread = in_background(single_instance.request, {"command": "ping"})
    qtbot.waitUntil(lambda: "value" in pinged)
    assert pinged["value"] == {"ok": True}

    with qtbot.waitSignal(app.window.state_shown, check_params_cb=lambda s: s == "listening"):
        woken, thread = in_background(single_instance.wake_running_app)
    thread.join(5)
    assert woken["value"] is True
    app.window.stop_listening()
    qtbot.waitUntil(lambda: app.window.state == "idle", timeout=60000)

    asked, thread = in_background(single_instance.ask_running_app, "add eggs to my shopping list")
    qtbot.waitUntil(lambda: "value" in asked, timeout=30000)
    turn = asked["value"]
    assert turn["intent"] == "list.add" and "eggs" in turn["reply"]
    assert "add eggs to my shopping list" in [b.text for b in app.window.chat.bubbles()]

    answer, thread = in_background(single_instance.request, {"command": "dance"})
    qtbot.waitUntil(lambda: "value" in answer)
    assert answer["value"]["ok"] is False


def test_cli_falls_back_when_no_app_runs(capsys):
    from assistant_app.cli import _ask_running_app, build_parser

    assert _ask_running_app(build_parser().parse_args(["ask", "hello"])) is False
    assert not single_instance.wake_running_app()
