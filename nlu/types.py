"""Dataclasses that leave the NLU: what the parser understood of one utterance."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Slot:
    """One filled slot."""

    text: str
    """The verbatim span of the utterance."""
    value: Any
    """Normalised value: seconds for a duration, ISO local date-time for a time,
    ISO date for a date, a number for amounts and levels, else the text."""
    start: int
    """Character offset of the span in the utterance."""
    end: int
    """Character offset one past the span."""

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Interpretation:
    """The intent and slots found in one utterance."""

    text: str
    intent: str
    confidence: float
    """Calibrated probability of `intent` (0..1)."""
    slots: Mapping[str, Slot] = field(default_factory=dict)
    alternatives: tuple[tuple[str, float], ...] = ()
    """The next most likely intents with their probabilities, best first."""

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "slots": {name: slot.to_json() for name, slot in self.slots.items()},
        }
