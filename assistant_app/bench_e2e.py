"""`assistant bench e2e`: from the end of the user's speech to the first audio of the reply.

The app's own path, on one thread as on its engine worker: a spoken command arrives in real
time (a file read at the pace of a microphone), the endpointer and the streaming recognizer
listen, the final transcript becomes a turn, and the reply is synthesised; the clock runs from
the last sample of speech to the first synthesised block ready for the sound device. Stages:
`listen` (the pause until the endpointer lets go, and the final decoding if it was not done
during the pause), `turn` (NLU, policy, skill), `first_audio` (the reply's first sentence)."""
from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from .audio_input import CHUNK_SECONDS, SAMPLE_RATE, FileSource

# Commands whose effects stay inside the benchmark's own data: not the user's volume or music.
COMMANDS = ["what time is it", "set a timer for ten minutes", "what's the date today",
            "tell me a joke", "how long is left on the timer", "what's on my shopping list",
            "how much battery is left", "cancel the timer"]
E2E_TARGETS = {"p50_ms": 500}
"""End of speech to first reply audio, for a short command on 2 CPU cores."""


def speech_end(audio: np.ndarray, below_peak_db: float = 35.0) -> int:
    """Index just after the last 10 ms frame within `below_peak_db` of the loudest one."""
    frame = SAMPLE_RATE // 100
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(np.square(frames), axis=1)) + 1e-9
    loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > -below_peak_db)
    return int((loud[-1] + 1) * frame) if len(loud) else 0


class TimedFileSource(FileSource):
    """A file at microphone pace that notes when its last sample of speech was handed out."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, tail_seconds=2.0)
        self.speech_end = speech_end(self._audio)
        self.speech_ended_at: float | None = None

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        chunk = super().read(timeout)
        if chunk is not None and self.speech_ended_at is None and self._position >= self.speech_end:
            # A microphone delivers a block when its last sample is in: the speech ended that
            # block's length before now, less the part of the block after the speech.
            self.speech_ended_at = time.monotonic() - (self._position - self.speech_end) / SAMPLE_RATE
        return chunk


def bench_e2e(runs: int) -> dict:
    from asr import Recognizer
    from tts import Synthesizer

    from .bench import _held_out_speech, percentiles
    from .engine import Assistant
    from .listening import listen
    from .speech_input import SpeechInput

    recognizer, synthesizer = Recognizer.from_pretrained(), Synthesizer(cache_size=0)
    synthesizer.preload()
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_DATA_HOME"] = str(Path(home) / "data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(home) / "config")
        clips = _held_out_speech(COMMANDS, Path(home))
        with Assistant() as assistant:
            speech = SpeechInput(assistant, recognizer)
            stages: dict[str, list[float]] = {"total": [], "listen": [], "turn": [], "first_audio": []}
            heard = []
            next(synthesizer.stream("Warming up."))
            for i in range(runs + 1):
                source = TimedFileSource(clips[i % len(clips)])
                source.start()
                transcript = listen(source, recognizer, threading.Event(), lambda _p: None,
                                    lambda _l: None, is_complete=speech.sounds_complete)
                decoded = time.monotonic()
                turn = speech.handle_transcript(transcript)
                answered = time.monotonic()
                reply = turn.response.reply if turn.response else "Sorry, I didn't catch that."
                next(iter(synthesizer.stream(reply)))
                first_audio = time.monotonic()
                if assistant.state.pending:
                    assistant.handle_text("cancel")
                if i == 0 or source.speech_ended_at is None:
                    continue  # the first run warms up the models
                heard.append(turn.transcript.text)
                stages["listen"].append(decoded - source.speech_ended_at)
                stages["turn"].append(answered - decoded)
                stages["first_audio"].append(first_audio - answered)
                stages["total"].append(first_audio - source.speech_ended_at)
    from asr.evaluate import error_rates

    spoken = [COMMANDS[i % len(COMMANDS)] for i in range(1, runs + 1)]
    return {**{name: percentiles(values) for name, values in stages.items()},
            "wer": round(error_rates(spoken, heard)["wer"], 4),
            "block_ms": round(1000 * CHUNK_SECONDS), "targets": E2E_TARGETS, "cpus": os.cpu_count()}
