"""Media players over MPRIS (D-Bus) and the output volume via PulseAudio/PipeWire's pactl."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess

from ..dialogue.state import Frame
from .base import Outcome, Skill, SkillContext

log = logging.getLogger(__name__)
MPRIS_PREFIX = "org.mpris.MediaPlayer2."
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"
VOLUME_STEP = 10


class Unavailable(RuntimeError):
    """The desktop lacks what this needs (no session bus, no player, no sound server)."""


def _session_bus():
    from jeepney.io.blocking import open_dbus_connection

    try:
        return open_dbus_connection(bus="SESSION", enable_fds=False)
    except Exception as error:  # no DBUS_SESSION_BUS_ADDRESS, or the bus is gone
        raise Unavailable(f"no D-Bus session bus: {error}") from error


def mpris_players(connection) -> list[str]:
    from jeepney import DBusAddress, new_method_call

    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                      interface="org.freedesktop.DBus")
    names = connection.send_and_get_reply(new_method_call(bus, "ListNames"), timeout=2).body[0]
    return sorted(n for n in names if n.startswith(MPRIS_PREFIX))


def mpris_command(method: str) -> str:
    """Send a Player method (Play, Pause, Next, Previous) to the first player; return its name."""
    from jeepney import DBusAddress, new_method_call

    connection = _session_bus()
    try:
        players = mpris_players(connection)
        if not players:
            raise Unavailable("no MPRIS media player is running")
        player = DBusAddress("/org/mpris/MediaPlayer2", bus_name=players[0], interface=PLAYER_INTERFACE)
        reply = connection.send_and_get_reply(new_method_call(player, method), timeout=2)
        if reply.header.message_type.name == "error":
            raise Unavailable(f"{players[0]} refused {method}: {reply.body}")
        return players[0][len(MPRIS_PREFIX):].split(".")[0]
    finally:
        connection.close()


def pactl(*args: str) -> str:
    if not shutil.which("pactl"):
        raise Unavailable("pactl is not installed")
    try:
        result = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"pactl failed: {error}") from error
    if result.returncode != 0:
        raise Unavailable(f"pactl {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def current_volume() -> int:
    match = re.search(r"(\d+)%", pactl("get-sink-volume", "@DEFAULT_SINK@"))
    if not match:
        raise Unavailable("could not read the volume")
    return int(match.group(1))


def set_volume(percent: int) -> int:
    percent = max(0, min(100, percent))
    pactl("set-sink-mute", "@DEFAULT_SINK@", "0")
    pactl("set-sink-volume", "@DEFAULT_SINK@", f"{percent}%")
    return current_volume()


class MediaSkill(Skill):
    name = "music"
    summary = "play, pause and skip in your media player"
    example = "next song"
    intents = ("media.play", "media.pause", "media.next", "media.previous")
    _methods = {"media.play": "Play", "media.pause": "Pause", "media.next": "Next",
                "media.previous": "Previous"}

    def handle(self, frame: Frame, ctx: SkillContext) -> Outcome:
        try:
            player = mpris_command(self._methods[frame.intent])
        except Unavailable as reason:
            log.info("media: %s", reason)
            return Outcome(ctx.say("media.unavailable"))
        reply = ctx.say(frame.intent, player=player)
        query = frame.slots.get("query")
        if frame.intent == "media.play" and query:
            reply += " " + ctx.say("media.no_search", query=query)
        return Outcome(reply, ({"type": frame.intent, "player": player},))


class VolumeSkill(Skill):
    name = "volume"
    summary = "set, raise, lower and mute the sound"
    example = "set the volume to 40 percent"
    intents = ("volume.set", "volume.up", "volume.down", "volume.mute")

    def handle(self, frame: Frame, ctx: SkillContext) -> Outcome:
        try:
            if frame.intent == "volume.mute":
                pactl("set-sink-mute", "@DEFAULT_SINK@", "1")
                return Outcome(ctx.say("volume.muted"), ({"type": "volume.muted"},))
            if frame.intent == "volume.set":
                level = frame.slots.get("level")
                if not isinstance(level, (int, float)):
                    return Outcome(ctx.say("volume.ask_level"), ask="level", frame=frame)
                target = int(level)
            else:
                step = VOLUME_STEP if frame.intent == "volume.up" else -VOLUME_STEP
                target = current_volume() + step
            level = set_volume(target)
        except Unavailable as reason:
            log.info("volume: %s", reason)
            return Outcome(ctx.say("volume.unavailable"))
        return Outcome(ctx.say("volume.level", level=level), ({"type": "volume.set", "level": level},))
