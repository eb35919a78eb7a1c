"""Answers from the user's own FAQ files (plus shipped defaults), found by sentence similarity,
and from the notes the user dictated ("what was the wifi password").

Each `## ` heading of a `*.md` file is a question (alternatives separated by ` | `);
the text under it is the answer. Files are re-read when they change."""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import torch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    questions: tuple[str, ...]
    answer: str
    source: Path


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    score: float
    source: Path


def parse_markdown(path: Path) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        log.warning("cannot read knowledge file %s: %s", path, error)
        return []
    entries, questions, lines = [], None, []
    for line in text.splitlines() + ["## "]:
        if line.startswith("## "):
            answer = " ".join(" ".join(lines).split())
            if questions and answer:
                entries.append(Entry(questions, answer, path))
            questions = tuple(q.strip() for q in line[3:].split("|") if q.strip()) or None
            lines = []
        elif questions is not None and not line.startswith("# "):
            lines.append(re.sub(r"^[*\-] ", "", line.strip()))
    return entries


_FIRST_PERSON = re.compile(r"\b(?:i|my|me|mine|myself|i'm|i've|i'd)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|you're|you've)\b", re.I)


def about_the_asker(text: str) -> bool:
    """Whether the question speaks of the asker ("where did I park", "my wifi password")."""
    return bool(_FIRST_PERSON.search(text))


def person(text: str) -> str | None:
    """"first" for a question about the asker ("when is my birthday"), "second" for one about
    the assistant ("when is your birthday"), None for neither or both."""
    first, second = about_the_asker(text), bool(_SECOND_PERSON.search(text))
    return "first" if first and not second else "second" if second and not first else None


class KnowledgeBase:
    def __init__(self, folders: Sequence[Path], encode: Callable[[list[str]], torch.Tensor]) -> None:
        self.folders = list(folders)
        self.encode = encode
        self._lock = threading.Lock()
        self._signature: tuple = ()
        self._entries: list[Entry] = []
        self._owners: list[int] = []  # question row -> entry index
        self._questions: list[str] = []
        self._of_person: dict[str, torch.Tensor] = {}  # "first"/"second" -> which questions speak so
        self._vectors = torch.empty(0)

    def files(self) -> list[Path]:
        return [p for folder in self.folders if folder.is_dir() for p in sorted(folder.glob("*.md"))]

    def refresh(self) -> None:
        """Re-read the files if any was added, removed or changed."""
        files = self.files()
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())
        if signature == self._signature:
            return
        entries = [entry for path in files for entry in parse_markdown(path)]
        questions = [(i, q) for i, entry in enumerate(entries) for q in entry.questions]
        vectors = self.encode([q for _, q in questions]) if questions else torch.empty(0)
        self._entries, self._owners, self._vectors = entries, [i for i, _ in questions], vectors
        self._questions = [q for _, q in questions]
        persons = [person(q) for q in self._questions]
        self._of_person = {p: torch.tensor([q == p for q in persons], dtype=torch.bool) for p in ("first", "second")}
        self._signature = signature
        log.info("knowledge base: %d answers from %d files", len(entries), len(files))

    def answer(self, question: str, min_score: float) -> Answer | None:
        with self._lock:
            self.refresh()
            if not self._owners or not question.strip():
                return None
            scores = self._vectors @ self.encode([question])[0]  # [questions]
            asked = person(question)
            if asked:  # "when is my birthday" is not answered by "when is your birthday"
                scores = scores.masked_fill(self._of_person["second" if asked == "first" else "first"], -1.0)
            best = int(torch.argmax(scores))
            score = float(scores[best])
            if score < min_score:
                return None
            entry = self._entries[self._owners[best]]
            return Answer(self._questions[best], entry.answer, score, entry.source)


# Words that say nothing about what a question is about.
_FUNCTION_WORDS = frozenset("""a an the is are was were be been am do does did what whats what's when where who
which how why my me i i'm you your our to of for in on at and or it its it's that this these those there
again tell remind say said note noted notes wrote write down about can could would should have has had""".split())


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _FUNCTION_WORDS}


def _share_a_word(asked: set[str], note: set[str]) -> bool:
    """A word in common, or one that begins the other ("park" and "parking")."""
    return any(a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))
               for a in asked for b in note)


def find_note(question: str, notes: Sequence[str], encode: Callable[[list[str]], torch.Tensor],
              min_score: float) -> tuple[str, float] | None:
    """The note that answers the question, and how close it is: it shares a content word with
    it ("wifi") and is close in meaning; None if no note does."""
    asked = _content_words(question)
    candidates = [note for note in notes if _share_a_word(asked, _content_words(note))]
    if not candidates:
        return None
    vectors = encode([question] + candidates)
    scores = vectors[1:] @ vectors[0]
    best = int(torch.argmax(scores))
    return (candidates[best], float(scores[best])) if float(scores[best]) >= min_score else None
