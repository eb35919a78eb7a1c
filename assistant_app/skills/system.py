"""Battery, CPU, memory and disk figures via psutil."""
from __future__ import annotations

from pathlib import Path

import psutil

from ..dialogue.state import Frame
from ..formatting import format_duration
from .base import Outcome, Skill, SkillContext

_RESOURCES = {"battery": "battery", "power": "battery", "charge": "battery", "plugged": "battery", "cpu": "cpu",
              "processor": "cpu", "memory": "memory", "ram": "memory", "disk": "disk",
              "storage": "disk", "space": "disk", "drive": "disk", "hard drive": "disk"}


def resource_kind(text: str | None) -> str | None:
    text = (text or "").lower()
    return next((kind for word, kind in _RESOURCES.items() if word in text), None)


def battery(ctx: SkillContext) -> str:
    state = psutil.sensors_battery() if hasattr(psutil, "sensors_battery") else None
    if state is None:
        return ctx.say("system.no_battery")
    if state.power_plugged:
        return ctx.say("system.battery_charging", percent=round(state.percent))
    left = state.secsleft if isinstance(state.secsleft, int) and state.secsleft > 0 else None
    return ctx.say("system.battery", percent=round(state.percent),
                   left=f", about {format_duration(left - left % 60)} left" if left else "")


def cpu(ctx: SkillContext) -> str:
    return ctx.say("system.cpu", percent=round(psutil.cpu_percent(interval=0.2)),
                   cores=psutil.cpu_count() or 1)


def memory(ctx: SkillContext) -> str:
    info = psutil.virtual_memory()
    return ctx.say("system.memory", percent=round(info.percent),
                   free=f"{info.available / 2**30:.1f}", total=f"{info.total / 2**30:.0f}")


def disk(ctx: SkillContext) -> str:
    info = psutil.disk_usage(str(Path.home()))
    return ctx.say("system.disk", percent=round(info.percent), free=f"{info.free / 2**30:.0f}")


class SystemSkill(Skill):
    name = "system status"
    summary = "tell you about the battery, CPU, memory and disk"
    example = "how much battery is left"
    intents = ("system.status",)

    def system_status(self, frame: Frame, ctx: SkillContext) -> Outcome:
        kind = resource_kind(frame.slots.get("resource")) or resource_kind(ctx.utterance)
        readers = {"battery": battery, "cpu": cpu, "memory": memory, "disk": disk}
        if kind:
            return Outcome(readers[kind](ctx), ({"type": "system.status", "resource": kind},))
        parts = [cpu(ctx), memory(ctx), disk(ctx)]
        return Outcome(" ".join(parts), ({"type": "system.status", "resource": "all"},))
