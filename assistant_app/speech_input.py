"""Speech into the engine: transcribe, then handle the words as a turn; and keep the recognizer
biased toward the user's own words (list names and items, application names, knowledge-base
questions), rebuilt in the background whenever they change."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .knowledge import parse_markdown
from .skills.apps import installed_apps

if TYPE_CHECKING:
    from asr import Recognizer, Transcript

    from .dialogue.state import Response
    from .engine import Assistant

log = logging.getLogger(__name__)


def user_phrases(assistant: Assistant) -> list[str]:
    """The words this user says that the assistant's own sentences may not contain."""
    store = assistant.store
    phrases = list(store.list_names())
    for name in phrases[:]:
        phrases += store.list_items(name)
    phrases += [app.name for app in installed_apps()]
    for path in assistant.knowledge.files():
        phrases += [question for entry in parse_markdown(path) for question in entry.questions]
    return sorted({p for p in phrases if p.strip()})


@dataclass(frozen=True)
class SpokenTurn:
    transcript: Transcript
    response: Response | None
    """None when nothing was said (silence or noise)."""


class SpeechInput:
    """Recognizer + Assistant: audio in, transcript and reply out."""

    def __init__(self, assistant: Assistant, recognizer: Recognizer) -> None:
        self.assistant = assistant
        self.recognizer = recognizer
        self._phrases: list[str] | None = None
        self._refreshing = threading.Lock()
        self.refresh_context(wait=True)

    def handle_audio(self, audio: np.ndarray, sample_rate: int = 16000) -> SpokenTurn:
        transcript = self.recognizer.transcribe(audio, sample_rate)
        return self.handle_transcript(transcript)

    def handle_transcript(self, transcript: Transcript) -> SpokenTurn:
        """A final transcript (from `transcribe` or a streaming session) as a turn."""
        if not transcript.text.strip():
            return SpokenTurn(transcript, None)
        response = self.assistant.handle_text(transcript.text)
        self.refresh_context()
        return SpokenTurn(transcript, response)

    def refresh_context(self, wait: bool = False) -> None:
        """Rebuild the recognizer's vocabulary if the user's words changed (in the background)."""
        try:
            phrases = user_phrases(self.assistant)
        except Exception:  # a broken knowledge file must not stop speech input
            log.exception("could not collect the user's words")
            return
        if phrases == self._phrases:
            return
        self._phrases = phrases
        worker = threading.Thread(target=self._rebuild, args=(phrases,), name="asr-context", daemon=True)
        worker.start()
        if wait:
            worker.join()

    def _rebuild(self, phrases: list[str]) -> None:
        with self._refreshing:
            if phrases is not self._phrases:
                return  # a newer set is on its way
            try:
                self.recognizer.set_context(phrases)
            except Exception:
                log.exception("could not rebuild the speech vocabulary")
