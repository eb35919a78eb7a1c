"""Does what the user has said so far sound like a whole request? (Semantic endpointing.)

Waiting for a long pause after every command makes a voice assistant feel slow; ending at a
short pause cuts people off mid-sentence. The listener ends early only when the words so far
are a confident, complete request that does not end in open free text: "what time is it"
ends at a short pause, "remind me to ..." or "take a note ..." waits for the long one."""
from __future__ import annotations

from nlu.normalize.numbers import words_to_digits
from nlu.types import Interpretation

SURE = 0.9
"""NLU confidence a partial transcript needs before listening may end early."""

# What a request needs before it can be done without a follow-up question.
NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "timer.set": (("duration",),),
    "alarm.set": (("time",),),
    "reminder.set": (("task",), ("time", "date", "duration")),
    "list.add": (("item",),),
    "list.remove": (("item",),),
    "note.create": (("text",),),
    "calc.compute": (("expression",),),
    "convert.units": (("amount",), ("from_unit",), ("to_unit",)),
    "app.open": (("app",),),
    "web.search": (("query",),),
    "volume.set": (("level",),),
}
# Slots of free words: a request ending in one may well go on ("take a note buy bread and...").
OPEN_ENDED = {"task", "item", "text", "query", "expression", "app", "label", "list"}
# Slots the NLU turns into numbers or dates: one it could not (only "for ten" so far) is unfinished.
TYPED = {"duration", "time", "date", "level", "amount"}
# Slots one bare number may not finish: "at six" may go on "thirty", "march twenty" "first".
CONTINUABLE = {"time", "date"}
# Short answers that are whole on their own when the assistant has just asked yes or no.
ANSWERS = {"dialog.confirm", "dialog.deny", "dialog.cancel"}


def sounds_complete(interpretation: Interpretation, awaiting: str | None = None) -> bool:
    """True when listening may stop at a short pause after these words."""
    intent = interpretation.intent
    if interpretation.confidence < SURE or intent == "out_of_scope" or not interpretation.text.strip():
        return False
    if awaiting == "confirm":
        return intent in ANSWERS
    if awaiting is not None:
        return False  # an answer to "what should I call it?" may be any length
    slots = {name: slot for name, slot in interpretation.slots.items()
             if name not in TYPED or slot.value not in (None, slot.text)}
    if any(not any(name in slots for name in choice) for choice in NEEDS.get(intent, ())):
        return False
    words = interpretation.text.rstrip(" .!?").lower()
    return not any(words.endswith(slot.text.lower()) and (
        name in OPEN_ENDED or name in CONTINUABLE and _one_bare_number(slot.text))
        for name, slot in slots.items())


def _one_bare_number(text: str) -> bool:
    """"six" or "at 5", not "six thirty", "5 pm", "half past six" or "the twenty first"."""
    words = ["", *words_to_digits(text).split()]
    return words[-1].isdigit() and sum(word.isdigit() for word in words) == 1 and words[-2] not in ("past", "to")
