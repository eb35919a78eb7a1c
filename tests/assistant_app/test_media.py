"""Media control reaches a real MPRIS player over a real D-Bus session bus."""
import shutil
import subprocess
import threading

import pytest


class FakePlayer(threading.Thread):
    """A minimal MPRIS player: owns its bus name and records the Player methods called on it."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.calls: list[str] = []
        self.connection = open_dbus_connection(bus=address)
        self.connection.send_and_get_reply(message_bus.RequestName("org.mpris.MediaPlayer2.fakeplayer"))
        self.running = True

    def run(self) -> None:
        from jeepney import MessageType, new_method_return

        while self.running:
            try:
                message = self.connection.receive(timeout=0.2)
            except TimeoutError:
                continue
            except Exception:
                return
            if message.header.message_type == MessageType.method_call:
                self.calls.append(message.header.fields.get(3))  # 3 = member
                self.connection.send(new_method_return(message))


@pytest.fixture
def session_bus(monkeypatch):
    if not shutil.which("dbus-daemon"):
        pytest.skip("dbus-daemon is not installed (setup.sh installs it)")
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, text=True)
    address = daemon.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    daemon.terminate()
    daemon.wait(timeout=5)


def test_media_commands_reach_the_player(assistant, session_bus):
    player = FakePlayer(session_bus)
    player.start()
    try:
        for text in ["pause the music", "next song", "previous track", "resume the music"]:
            reply = assistant.handle_text(text)
            assert reply.actions and reply.actions[0]["player"] == "fakeplayer", reply
    finally:
        player.running = False
        player.join(timeout=2)
    assert player.calls == ["Pause", "Next", "Previous", "Play"]


def test_no_player_on_the_bus_says_so(assistant, session_bus):
    reply = assistant.handle_text("skip this song")
    assert "media player" in reply.reply and not reply.actions
