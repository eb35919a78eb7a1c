"""The speaker worker: owns the synthesizer and the player on its own thread; and the chime.

Speech is streamed sentence by sentence (the player's feeder thread runs the synthesis), so
this thread stays free: a QTimer notices when playback ends. stop() is safe from any thread,
which is what barge-in needs: the user presses the microphone, the voice stops at once.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from .messages import Notice

if TYPE_CHECKING:
    from tts import Player, Speech, Synthesizer

log = logging.getLogger(__name__)

CHIME_RATE = 22050
POLL_MS = 50


def chime(sample_rate: int = CHIME_RATE, volume: float = 0.3) -> np.ndarray:
    """Two soft rising notes (E5, A5), 0.12 s each with smooth edges: a friendly 'ding-ding'."""
    notes = []
    for frequency in (659.25, 880.0):
        t = np.arange(int(0.12 * sample_rate)) / sample_rate  # [samples]
        envelope = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01) * np.exp(-t * 12)
        notes.append(np.sin(2 * np.pi * frequency * t) * envelope)
    gap = np.zeros(int(0.03 * sample_rate))
    return (np.concatenate([notes[0], gap, notes[1]]) * volume).astype(np.float32)


def default_synthesizer() -> Synthesizer:
    from tts import Synthesizer

    return Synthesizer()


def default_player() -> Player:
    from tts import Player

    return Player()


def _player_for(device: int | str | None) -> Player:
    from tts import Player

    return Player(device)


class SpeakerWorker(QObject):
    """Speaks replies and plays the alert chime. Move it to a QThread before use."""

    speaking_changed = Signal(bool)
    notice = Signal(object)  # Notice

    def __init__(self, make_synthesizer: Callable[[], Synthesizer] = default_synthesizer,
                 make_player: Callable[[], Player] = default_player) -> None:
        super().__init__()
        self.make_synthesizer = make_synthesizer
        self.make_player = make_player
        self.voice, self.rate, self.volume = "", 1.0, 1.0
        self._synthesizer: Synthesizer | None = None
        self._player: Player | None = None
        self._speaking = False
        self._reported: set[str] = set()
        self._poll = QTimer(self)  # a child: it moves to the worker thread with us
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_done)

    @Slot(str, float, float)
    def set_voice(self, voice: str, rate: float, volume: float = 1.0) -> None:
        self.voice, self.rate, self.volume = voice, rate, volume

    @Slot(object)
    def set_output_device(self, device: int | str | None) -> None:
        """Play on another device from the next reply on."""
        if self._player is not None:
            self._player.close()
        self._player = None
        self.make_player = lambda: _player_for(device)

    @Slot(str)
    def speak(self, text: str) -> None:
        """Say `text`, cutting off whatever was being said."""
        if text.strip():
            self._play(lambda: self._sentences(text))

    @Slot(str, bool)
    def announce(self, text: str, with_chime: bool) -> None:
        """An alert: the chime (when sounds are on), then the message."""
        def source() -> Iterable[Speech]:
            from tts import Speech

            tone = [Speech(chime(), CHIME_RATE, "", "chime")] if with_chime else []
            return itertools.chain(tone, self._sentences(text) if text else [])
        self._play(source)

    def stop(self) -> None:
        """Silence now; safe from any thread (Player.stop only sets flags)."""
        player = self._player
        if player is not None:
            player.stop()

    @Slot()
    def shutdown(self) -> None:
        self._poll.stop()
        if self._player is not None:
            self._player.close()

    def _sentences(self, text: str) -> Iterable[Speech]:
        from tts import SynthesisOptions

        if self._synthesizer is None:
            self._synthesizer = self.make_synthesizer()
        return self._synthesizer.stream(text, SynthesisOptions(self.voice, self.rate, self.volume))

    def _play(self, source: Callable[[], Iterable[Speech]]) -> None:
        try:
            if self._player is None:
                self._player = self.make_player()
            self._player.play(source())
        except Exception as error:  # noqa: BLE001 - PlaybackError, VoiceError: tell, don't crash
            self._report(error)
            return
        self._set_speaking(True)
        self._poll.start()

    def _check_done(self) -> None:
        if self._player is None or not self._player.playing:
            self._poll.stop()
            self._set_speaking(False)

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self._speaking:
            self._speaking = speaking
            self.speaking_changed.emit(speaking)

    def _report(self, error: Exception) -> None:
        """Each distinct problem once: a missing speaker should not nag on every reply."""
        message = str(error)
        log.warning("speech output failed: %s", message)
        if message not in self._reported:
            self._reported.add(message)
            self.notice.emit(Notice(message, "sound"))
