"""Natural-language understanding: intent and slots of an utterance.

    from nlu import Parser
    Parser.from_pretrained().parse("set a timer for ten minutes")
"""
from .parser import Parser
from .types import Interpretation, Slot

__all__ = ["Interpretation", "Parser", "Slot"]
