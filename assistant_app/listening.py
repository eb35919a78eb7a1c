"""One listening session: audio source -> endpointer + streaming recognizer -> final transcript.

No Qt: the app's engine worker and `assistant bench e2e` run this on their own threads.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asr import EndpointerOptions, Recognizer, Transcript

    from .audio_input import AudioSource

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.2
"""How long one read waits for audio; bounds how late a stop request is noticed."""
JUDGE_AFTER_SECONDS = 0.05
"""At a pause this long the words so far are decoded as finally as at the end (beam search,
language model) and judged: do they make a whole request?"""
QUICK_END_SECONDS = 0.15
"""A pause this long ends a request judged whole, and that decoding is the final transcript
(the endpointer's own, longer pause ends any other)."""


def listen(source: AudioSource, recognizer: Recognizer, stop: threading.Event,
           on_partial: Callable[[Transcript], None], on_level: Callable[[float], None],
           options: EndpointerOptions | None = None,
           is_complete: Callable[[Transcript], bool] | None = None) -> Transcript:
    """Listen until the user stops talking, `stop` is set or the source ends; the final words.

    `is_complete(transcript)` lets a short pause end a request that is already whole (it may
    weigh the transcript's other readings, as the turn will: `SpeechInput.sounds_complete`).
    The caller has started `source`; it is stopped here whatever happens. MicrophoneError from
    `source.read` propagates (the device went away)."""
    from asr import Endpointer, EndpointerOptions

    endpointer = Endpointer(options or EndpointerOptions())
    session = recognizer.stream()
    whole = None  # this pause's words, decoded and judged a whole request
    judged = False
    try:
        while not stop.is_set():
            chunk = source.read(timeout=READ_TIMEOUT)
            if chunk is None:
                if source.ended:
                    break
                continue
            on_level(source.level)
            state = endpointer.feed(chunk)
            partial = session.feed(chunk)
            if partial is not None and partial.text:
                on_partial(partial)
            if state.ended:
                log.debug("end of speech (heard speech: %s)", state.heard_speech)
                break
            if state.speaking:
                whole, judged = None, False
            if is_complete and state.silence_seconds >= JUDGE_AFTER_SECONDS and not judged:
                judged, candidate = True, session.preview_final(endpointer.probabilities)
                whole = candidate if candidate.text and is_complete(candidate) else None
            if whole is not None and state.silence_seconds >= QUICK_END_SECONDS:
                log.debug("end of a whole request: %r", whole.text)
                return whole  # the audio since was the pause: it adds no words
    finally:
        source.stop()
        on_level(0.0)
    return session.finish(endpointer.probabilities)
