"""Which timers, alarms or reminders a cancel request means, shared by those skills."""
from __future__ import annotations

from typing import Callable

from ..dialogue.state import Frame
from ..storage import ScheduledEvent
from .base import Outcome, SkillContext

CHOSEN = "_chosen_ids"  # frame slot holding the events picked before a confirmation
Events = list[ScheduledEvent]


def confirm_first(frame: Frame, chosen: Events, question: str) -> Outcome:
    """Ask yes/no, keeping exactly the events chosen now for when the user says yes."""
    return Outcome(question, ask="confirm", frame=frame.with_slot(CHOSEN, [e.id for e in chosen], ""))


def choose_events(frame: Frame, ctx: SkillContext, events: Events,
                  named: Callable[[Events], Events] | None) -> tuple[Events, str]:
    """The events meant: those kept for a confirmation, those the user named (`named`
    filters by what was said), "all", the only one, or the one just set ("it").
    The second value says which; "ambiguous" means the skill must ask."""
    if CHOSEN in frame.slots:
        return [e for e in events if e.id in frame.slots[CHOSEN]], "chosen"
    if named is not None:
        return named(events), "named"
    if ctx.mentions_all() or len(events) == 1:
        return events, "all"
    recent = [e for e in events if e.id == ctx.state.last_event_id]
    return (recent, "context") if recent else ([], "ambiguous")
