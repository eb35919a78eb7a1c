"""The engine worker: owns the Assistant, the recognizer and the microphone on its own thread.

The GUI thread only draws: every model call (NLU, policy, skills, recognition) happens here,
and results go back as signals carrying the frozen dataclasses of `messages.py`.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from ..audio_input import AudioSource, Microphone, MicrophoneError
from ..barge_in import BargeInDetector, PrerolledSource, watch
from ..listening import listen
from .messages import IDLE, LISTENING, THINKING, HistoryEntry, Notice, Ready, Turn

if TYPE_CHECKING:
    from asr import Recognizer

    from ..engine import Assistant
    from ..speech_input import SpeechInput

log = logging.getLogger(__name__)


def default_assistant() -> Assistant:
    from ..engine import Assistant

    return Assistant()


def default_recognizer() -> Recognizer:
    from asr import Recognizer

    return Recognizer.from_pretrained()


class EngineWorker(QObject):
    """Turns in, results out. Create it, move it to a QThread, then call start() there."""

    ready = Signal(object)               # Ready
    turn_finished = Signal(object)       # Turn
    partial_transcript = Signal(object)  # asr.Transcript, is_final False
    final_transcript = Signal(object)    # asr.Transcript, is_final True
    alert_fired = Signal(object)         # engine.Alert
    ringing_changed = Signal(int)        # how many alerts ring now
    state_changed = Signal(str)          # messages.IDLE / LISTENING / THINKING
    notice = Signal(object)              # Notice
    level = Signal(float)                # microphone level 0-1 while the microphone is open
    speech_ready = Signal(bool)          # speech recognition loaded (False: it failed)
    barged_in = Signal()                 # the user talked over the reply: stop it, listening

    def __init__(self, make_assistant: Callable[[], Assistant] = default_assistant,
                 make_recognizer: Callable[[], Recognizer] = default_recognizer,
                 make_source: Callable[[], AudioSource] = Microphone) -> None:
        super().__init__()
        self.make_assistant = make_assistant
        self.make_recognizer = make_recognizer
        self.make_source = make_source
        self.assistant: Assistant | None = None
        self.speech: SpeechInput | None = None
        self.speech_error: str | None = None
        self._stop_listening = threading.Event()
        self._reply_playing = threading.Event()  # set by the window; watching ends when cleared

    # --- life cycle (worker thread) ------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Load the engine, report history, then load speech recognition (slower)."""
        try:
            self.assistant = self.make_assistant()
            self.assistant.add_listener(self._on_alert)
            missed = self.assistant.start()
        except Exception as error:  # shown to the user, not a crash
            log.exception("the assistant could not start")
            self.notice.emit(Notice(f"The assistant could not start: {error}", "error"))
            return
        history = tuple(HistoryEntry(row["at"], row["text"], row["reply"])
                        for row in self.assistant.store.history())
        self.ready.emit(Ready(history, tuple(self.assistant.notices), tuple(missed),
                              self.assistant.missed_summary()))
        self._load_speech()

    def _load_speech(self) -> None:
        from ..speech_input import SpeechInput

        try:
            self.speech = SpeechInput(self.assistant, self.make_recognizer())
        except Exception as error:  # typing keeps working without speech
            log.warning("speech recognition could not load: %s", error)
            log.debug("details", exc_info=True)
            self.speech_error = f"Speech recognition is unavailable ({error}). You can still type."
            self.notice.emit(Notice(self.speech_error, "speech"))
        self.speech_ready.emit(self.speech is not None)

    @Slot()
    def shutdown(self) -> None:
        self._stop_listening.set()
        self._reply_playing.clear()
        if self.assistant is not None:
            self.assistant.close()
            self.assistant = None

    # --- turns ---------------------------------------------------------------------------
    @Slot(int, str)
    def submit_text(self, request_id: int, text: str) -> None:
        """A typed turn (request_id 0) or one sent by `assistant ask` through the socket."""
        if self.assistant is None:  # it failed to start; the notice said why
            from ..dialogue.state import Response

            reply = Response("Sorry, I couldn't start, so I can't answer.")
            self.turn_finished.emit(Turn(request_id, text, reply, False, time.time()))
            return
        self.state_changed.emit(THINKING)
        try:
            response = self.assistant.handle_text(text)
            self.turn_finished.emit(Turn(request_id, text, response, False, time.time()))
        finally:
            self.ringing_changed.emit(len(self.assistant.ringing()))
            self.state_changed.emit(IDLE)

    @Slot()
    def listen(self) -> None:
        """One spoken turn: open the source, listen until the user stops, answer."""
        if self.speech is None:
            self.notice.emit(Notice(self.speech_error or "Speech recognition is not ready yet.",
                                    "speech"))
            return
        self._listen_on(self.make_source())

    def _listen_on(self, source: AudioSource) -> None:
        self._stop_listening.clear()
        self.state_changed.emit(LISTENING)
        try:
            transcript = self._transcribe(source)
            if transcript is not None:
                self._answer(transcript)
        finally:
            self.state_changed.emit(IDLE)

    def request_stop_listening(self) -> None:
        """Thread-safe, called straight from the GUI: end the utterance now and answer it."""
        self._stop_listening.set()

    @Slot()
    def watch_while_speaking(self) -> None:
        """While a reply plays: if the user talks over it, say so and listen from their first
        word on (the window stops the voice). Ends when the reply does (`reply_playing`)."""
        if self.speech is None or self.assistant is None or not self.assistant.settings.voice_barge_in:
            return
        if not self._reply_playing.is_set():
            return  # it ended before this thread got here
        log.debug("watching for the user talking over the reply")
        source, detector = self.make_source(), BargeInDetector()
        try:
            source.start()
            heard = watch(source, detector, self._reply_playing, self.level.emit)
        except MicrophoneError as error:  # no microphone: the button and hotkey still interrupt
            log.info("no barge-in by voice: %s", error)
            heard = False
        log.debug("watched %.1f s of audio: %s", detector.heard_seconds, "talked over" if heard else "quiet")
        if not heard:
            source.stop()
            return
        log.info("the user talked over the reply")
        self.barged_in.emit()
        self._listen_on(PrerolledSource(source, detector.preroll()))

    def reply_playing(self, playing: bool) -> None:
        """Thread-safe, from the GUI: a reply started or stopped playing."""
        if playing:
            self._reply_playing.set()
        else:
            self._reply_playing.clear()

    def stop_watching(self) -> None:
        """Thread-safe: the user typed or pressed the button; the voice is not needed."""
        self._reply_playing.clear()

    def _transcribe(self, source: AudioSource) -> Any:
        try:
            source.start()
            return listen(source, self.speech.recognizer, self._stop_listening,
                          self.partial_transcript.emit, self.level.emit,
                          is_complete=self.speech.sounds_complete)
        except MicrophoneError as error:
            self.notice.emit(Notice(str(error), "microphone"))
            return None

    def _answer(self, transcript: Any) -> None:
        transcript = self.speech.choose_reading(transcript)
        self.final_transcript.emit(transcript)
        if not transcript.text.strip():
            self.notice.emit(Notice("I didn't catch that.", "info"))
            return
        self.state_changed.emit(THINKING)
        turn = self.speech.handle_transcript(transcript)
        self.turn_finished.emit(Turn(0, transcript.text, turn.response, True, time.time()))
        self.ringing_changed.emit(len(self.assistant.ringing()))

    # --- alerts and settings ---------------------------------------------------------------
    def _on_alert(self, alert: Any) -> None:
        """Called on the scheduler thread; emitting a signal from there is thread-safe."""
        self.alert_fired.emit(alert)
        if self.assistant is not None:
            self.ringing_changed.emit(len(self.assistant.ringing()))

    @Slot()
    def stop_ringing(self) -> None:
        if self.assistant is not None:
            self.assistant.stop_ringing()
            self.ringing_changed.emit(0)

    @Slot(object)
    def apply_settings(self, settings: Any) -> None:
        if self.assistant is not None:
            self.assistant.settings = settings
