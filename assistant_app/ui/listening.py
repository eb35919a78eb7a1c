"""One listening session: audio source -> endpointer + streaming recognizer -> final transcript.

No Qt: the engine worker runs this on its own thread and turns the callbacks into signals.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asr import EndpointerOptions, Recognizer, Transcript

    from ..audio_input import AudioSource

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.2
"""How long one read waits for audio; bounds how late a stop request is noticed."""


def listen(source: AudioSource, recognizer: Recognizer, stop: threading.Event,
           on_partial: Callable[[Transcript], None], on_level: Callable[[float], None],
           options: EndpointerOptions | None = None) -> Transcript:
    """Listen until the user stops talking, `stop` is set or the source ends; the final words.

    The caller has started `source`; it is stopped here whatever happens. MicrophoneError from
    `source.read` propagates (the device went away)."""
    from asr import Endpointer, EndpointerOptions

    endpointer = Endpointer(options or EndpointerOptions())
    session = recognizer.stream()
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
    finally:
        source.stop()
        on_level(0.0)
    return session.finish()
