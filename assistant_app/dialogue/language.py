"""Is an out-of-scope request in another language? Then say so, rather than list what I can do.

Only asked once the NLU and the knowledge base have both given up, so a wrong "yes" costs one
honest sentence; it is still kept strict: text mostly in a non-Latin script, or at least two
common words of the big European languages that English does not use."""
from __future__ import annotations

import re
import unicodedata

_FOREIGN_WORDS = frozenset("""
qué que cómo dónde cuándo cuánto está estás hola gracias por hora tiempo hoy mañana es una
wie spät ist bitte danke ich nicht und heute morgen wetter wann warum kannst du mir
quelle quel heure est bonjour merci s'il vous plaît ça aujourd'hui je suis
sono grazie oggi che ora è piacere
obrigado obrigada você não olá hoje
laat het een alsjeblieft bedankt
""".split())
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)?")


def _latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def other_language(text: str) -> bool:
    """Whether `text` is plainly not English ("今日は何曜日ですか", "wie spät ist es")."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    if sum(not _latin(ch) for ch in letters) > len(letters) / 2:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    return sum(w in _FOREIGN_WORDS for w in words) >= 2
