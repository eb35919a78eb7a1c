"""Speech into the engine: transcribe, then handle the words as a turn; and keep the recognizer
biased toward the user's own words (list names and items, application names, knowledge-base
questions), rebuilt in the background whenever they change."""
from __future__ import annotations

import dataclasses
import logging
import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from .knowledge import parse_markdown
from .skills.apps import installed_apps

if TYPE_CHECKING:
    from asr import Recognizer, Transcript
    from nlu import Interpretation

    from .dialogue.state import Response
    from .engine import Assistant

log = logging.getLogger(__name__)

READING_WEIGHT = 40.0
"""How much the parser's confidence counts against the recognizer's score when choosing among
its readings: score + weight * ln(intent confidence). Chosen on the 235 dev/ commands that
the recognizer's language model never saw, spoken by held-out voices: intent accuracy 87.3 %
with the recognizer's best reading, 92.0 % with the choice (flat from about 20 to 100), with
the LM before its refresh. With the refreshed LM the best reading already reaches 90.2 % there
and the choice keeps that; on the 508 test/ commands it lifts 73.0 to 74.6 %."""
OUT_OF_SCOPE_PENALTY = 1.0
"""A reading the parser finds out of scope must beat the others by this much: a misheard
request often parses as nothing, and the user did ask for something."""
READINGS = 8
"""How many readings are weighed, the recognizer's best included."""
SURE = 0.95
"""A best reading the parser is this sure of (and not out of scope) is kept without weighing
the others: on the dev/ and test/ speech that changed no answer and skipped 55-72 % of the
weighing (one batched parse of the readings, about 45 ms on 2 cores)."""


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


ParseBatch = Callable[[Sequence[str]], "list[Interpretation]"]


def choose_reading(transcript: Transcript, parse_batch: ParseBatch,
                   best: Interpretation | None = None) -> Transcript:
    """The transcript with the reading that makes the most sense as a request as its text.

    The recognizer's best-scoring words are often a near miss ("our it please") where a
    slightly lower-scoring reading is a clear request ("lower it please"); the parser's intent
    confidence tells them apart (`parse_batch` parses texts). `best` is the parse of
    `transcript.text`, where the caller has it. The returned transcript has no alternatives
    left to weigh."""
    if not transcript.alternatives or not transcript.text.strip():
        return transcript
    best = best or parse_batch([transcript.text])[0]
    if best.intent != "out_of_scope" and best.confidence >= SURE:
        return dataclasses.replace(transcript, alternatives=())
    readings = [(transcript.text, 0.0), *transcript.alternatives[:READINGS - 1]]
    parses = [best, *parse_batch([text for text, _ in readings[1:]])]

    def sense(index: int) -> float:
        parse, score = parses[index], readings[index][1]
        penalty = OUT_OF_SCOPE_PENALTY if parse.intent == "out_of_scope" else 0.0
        return score + READING_WEIGHT * math.log(max(parse.confidence, 1e-6)) - penalty

    intent = parses[max(range(len(readings)), key=sense)].intent
    # of the readings with that intent, the recognizer's best: the intent decides, the
    # acoustics decide the words (slot values)
    chosen = next(text for (text, _), parse in zip(readings, parses) if parse.intent == intent)
    if chosen != transcript.text:
        log.debug("heard %r, read as %r", transcript.text, chosen)
    return dataclasses.replace(transcript, text=chosen, alternatives=())


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
        self.parser = assistant.speech_parser  # loads it here, off the window's thread
        self._phrases: list[str] | None = None
        self._refreshing = threading.Lock()
        self._chosen: tuple[Transcript, Transcript] | None = None
        self.refresh_context(wait=True)

    def handle_audio(self, audio: np.ndarray, sample_rate: int = 16000) -> SpokenTurn:
        transcript = self.recognizer.transcribe(audio, sample_rate)
        return self.handle_transcript(transcript)

    def choose_reading(self, transcript: Transcript) -> Transcript:
        """`choose_reading` with the assistant's parser, remembered for the last transcript:
        a request judged whole at a pause is then read again as its turn. The assistant
        remembers the parses too, so the chosen reading is not parsed again for the turn."""
        chosen = self._chosen
        if chosen is None or chosen[0] is not transcript:
            chosen = (transcript, choose_reading(
                transcript, lambda texts: self.assistant.parse_batch(texts, self.parser)))
            self._chosen = chosen
        return chosen[1]

    def sounds_complete(self, transcript: Transcript) -> bool:
        """Whether the words so far, read as the turn would read them, make a whole request."""
        return self.assistant.sounds_complete(self.choose_reading(transcript).text, self.parser)

    def handle_transcript(self, transcript: Transcript) -> SpokenTurn:
        """A final transcript (from `transcribe` or a streaming session) as a turn, read as the
        request that makes the most sense of its alternatives (`choose_reading`)."""
        if not transcript.text.strip():
            return SpokenTurn(transcript, None)
        transcript = self.choose_reading(transcript)
        response = self.assistant.handle_text(transcript.text, self.parser)
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
