"""Dialogue state and the dataclasses that cross the policy's boundary."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Mapping

from nlu.types import Interpretation

# A question left open longer than this is forgotten (also across restarts).
PENDING_TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class Frame:
    """An intent being worked on, with the slot values gathered so far."""

    intent: str
    slots: Mapping[str, Any] = field(default_factory=dict)
    """slot name -> normalised value"""
    texts: Mapping[str, str] = field(default_factory=dict)
    """slot name -> the words the user said for it"""
    confirmed: bool = False

    def with_slot(self, name: str, value: Any, text: str) -> "Frame":
        return replace(self, slots={**self.slots, name: value}, texts={**self.texts, name: text})

    @classmethod
    def from_interpretation(cls, interpretation: Interpretation) -> "Frame":
        return cls(interpretation.intent,
                   {n: s.value for n, s in interpretation.slots.items()},
                   {n: s.text for n, s in interpretation.slots.items()})


@dataclass(frozen=True)
class Response:
    """What the assistant answers to one turn."""

    reply: str
    awaiting: str | None = None
    """The slot just asked for, "confirm" after a yes/no question, else None."""
    actions: tuple[dict[str, Any], ...] = ()
    """What was done, e.g. {"type": "timer.started", "id": 3, "seconds": 600}."""
    interpretation: Interpretation | None = None

    def to_json(self) -> dict[str, Any]:
        turn = self.interpretation.to_json() if self.interpretation else {
            "text": "", "intent": None, "confidence": 0.0, "slots": {}}
        for slot in turn["slots"].values():
            slot.pop("start", None)
            slot.pop("end", None)
        return {**turn, "reply": self.reply, "awaiting": self.awaiting, "actions": list(self.actions)}


@dataclass
class DialogueState:
    """What the conversation remembers between turns (saved after each turn)."""

    pending: Frame | None = None
    awaiting: str | None = None
    pending_since: float = 0.0
    last_reply: str = ""
    last_list: str | None = None
    last_event_id: int | None = None
    """The timer, alarm or reminder most recently set or mentioned: "cancel it"."""
    last_topic: str | None = None
    """The skill of the previous turn (e.g. "list"), for follow-ups like "and eggs"."""
    last_intent: str | None = None
    """The previous turn's intent, for "another one" after a joke."""
    last_result: float | None = None
    """The calculator's last answer: "and times 3", "divide that by 2"."""
    last_conversion: dict[str, Any] | None = None
    """The last conversion's amount and units: "and in liters?" after one."""

    def ask(self, frame: Frame, awaiting: str) -> None:
        self.pending, self.awaiting, self.pending_since = frame, awaiting, time.time()

    def clear_pending(self) -> None:
        self.pending, self.awaiting = None, None

    def expire(self, now: float | None = None) -> None:
        if self.pending and (now or time.time()) - self.pending_since > PENDING_TTL_SECONDS:
            self.clear_pending()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.pending:
            data["pending"] = {"intent": self.pending.intent, "slots": dict(self.pending.slots),
                               "texts": dict(self.pending.texts), "confirmed": self.pending.confirmed}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "DialogueState":
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        pending = known.pop("pending", None)
        state = cls(**known)
        if isinstance(pending, dict) and "intent" in pending:
            state.pending = Frame(pending["intent"], pending.get("slots", {}), pending.get("texts", {}),
                                  bool(pending.get("confirmed", False)))
        state.expire()
        return state
