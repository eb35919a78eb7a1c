"""`Player`: Speech to the speaker through sounddevice, interruptible within one short block.

PortAudio's callback reads small blocks from a queue; a feeder thread fills the queue (running
the synthesis generator, so sentence two is made while sentence one plays). stop() empties the
queue and wakes a supervisor thread that aborts the stream, which drops what the device still
buffers: silence within milliseconds, without stop() itself waiting on PortAudio.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, Self

import numpy as np

from .types import PlaybackError, Speech

log = logging.getLogger(__name__)

BLOCK_S = 0.02
"""Audio handed to the device per callback."""
LATENCY = "high"
"""PortAudio's robust buffer (~35 ms on PulseAudio): a busy CPU must not make speech stutter.
stop() does not wait for it to drain: aborting drops it."""
AHEAD_S = 5.0
"""How far synthesis may run ahead of the speaker; bounds memory on very long texts."""


def resample(audio: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Linear interpolation: cheap, no scipy or torch, and good enough for speech upsampling."""
    if source_rate == target_rate or len(audio) == 0:
        return audio.astype(np.float32, copy=False)
    count = max(1, round(len(audio) * target_rate / source_rate))
    positions = np.arange(count) * (source_rate / target_rate)  # [count], in source samples
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (OSError, ImportError) as error:  # OSError: sounddevice without libportaudio
        raise PlaybackError(f"Sound can't be played: the PortAudio library is missing "
                            f"(install libportaudio2). {error}") from error
    return sounddevice


class _Session:
    """One play() call: the queue the callback drains, and how it ended."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.blocks: deque[np.ndarray] = deque()
        self.offset = 0          # samples of blocks[0] already played
        self.queued_frames = 0   # written by the feeder only
        self.played_frames = 0   # written by the callback only
        self.fed = False         # the feeder has queued everything
        self.stopped = False
        self.wake = threading.Event()   # stop() was called, or the stream finished by itself
        self.ended = threading.Event()  # the stream is closed: nothing more can be heard

    def fill(self, out: np.ndarray) -> int:
        """Copy queued samples into out [frames, channels]; returns how many frames were real."""
        written, frames = 0, len(out)
        while written < frames and self.blocks:
            head = self.blocks[0]
            take = min(frames - written, len(head) - self.offset)
            out[written:written + take] = head[self.offset:self.offset + take, None]
            written += take
            self.offset += take
            if self.offset >= len(head):
                self.offset = 0
                try:
                    self.blocks.popleft()
                except IndexError:  # stop() cleared the queue meanwhile
                    break
        out[written:] = 0
        self.played_frames += written
        return written


class Player:
    """Plays Speech (or a stream of them) on the default output device, off the caller's thread."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self._session: _Session | None = None
        self._lock = threading.Lock()

    @property
    def elapsed(self) -> float:
        """Seconds of the current (or last) reply handed to the device so far."""
        session = self._session
        return session.played_frames / session.rate if session else 0.0

    @property
    def playing(self) -> bool:
        session = self._session
        return session is not None and not session.ended.is_set()

    def play(self, speech: Speech | Iterable[Speech]) -> None:
        """Start playing, cutting off whatever was playing; returns at once.

        Raises PlaybackError (plain message) when there is no PortAudio or no output device."""
        source = iter([speech]) if isinstance(speech, Speech) else iter(speech)
        with self._lock:
            self.stop()
            sd = _sounddevice()
            rate = int(self._output_device(sd)["default_samplerate"])
            session = _Session(rate)
            stream = self._open(sd, session)
            self._session = session
        threading.Thread(target=self._feed, args=(session, source), daemon=True,
                         name="tts-feeder").start()
        threading.Thread(target=self._supervise, args=(session, stream), daemon=True,
                         name="tts-stream").start()

    def stop(self) -> None:
        """Silence now: drops everything queued and has the stream aborted; returns at once."""
        session = self._session
        if session is not None:
            session.stopped = True
            session.blocks.clear()
            session.wake.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback has finished or was stopped; False on timeout."""
        session = self._session
        return session is None or session.ended.wait(timeout)

    def close(self) -> None:
        self.stop()
        self.wait(1.0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _output_device(self, sd: Any) -> dict:
        try:
            return sd.query_devices(self.device, kind="output")
        except (sd.PortAudioError, ValueError):
            pass
        if not sd.query_devices():
            # PortAudio lists devices once, when it starts: a sound server started since is
            # invisible until it is re-initialised. With no devices at all, no stream of ours
            # (or the microphone's) can be open, so restarting PortAudio breaks nothing.
            sd._terminate()
            sd._initialize()
            try:
                return sd.query_devices(self.device, kind="output")
            except (sd.PortAudioError, ValueError):
                pass
        raise PlaybackError("Sound can't be played: there is no audio output device.")

    def _open(self, sd: Any, session: _Session) -> Any:
        def callback(outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
            if session.stopped:
                outdata.fill(0)
                raise sd.CallbackAbort  # drops what the device still holds: silence now
            session.fill(outdata)
            if session.fed and not session.blocks:
                raise sd.CallbackStop  # plays out the device's buffer, then ends

        error: Exception | None = None
        for channels in (1, 2):  # some hardware refuses mono
            try:
                stream = sd.OutputStream(
                    samplerate=session.rate, channels=channels, dtype="float32", device=self.device,
                    blocksize=round(BLOCK_S * session.rate), latency=LATENCY, callback=callback,
                    finished_callback=session.wake.set)
                stream.start()
                return stream
            except (sd.PortAudioError, ValueError, OSError) as failure:
                error = failure
        raise PlaybackError(f"Sound can't be played: the output device refused ({error}).")

    @staticmethod
    def _supervise(session: _Session, stream: Any) -> None:
        """Stream thread: aborts on stop(), closes the stream once it is over, then sets ended."""
        while not session.wake.wait(0.5):
            if not stream.active:  # a device that died without telling the callback
                break
        try:
            if session.stopped:
                stream.abort()
            stream.close()
        except Exception as error:  # noqa: BLE001 - a dead device must not kill the thread noisily
            log.debug("closing the output stream failed: %s", error)
        finally:
            session.stopped = True  # the feeder stops synthesising for nobody
            session.ended.set()

    @staticmethod
    def _feed(session: _Session, source: Iterator[Speech]) -> None:
        """Feeder thread: synthesis output -> device rate -> queue."""
        try:
            for speech in source:
                if session.stopped:
                    break
                audio = resample(speech.audio, speech.sample_rate, session.rate)
                if len(audio):
                    session.blocks.append(audio)
                    session.queued_frames += len(audio)
                while (session.queued_frames - session.played_frames > AHEAD_S * session.rate
                       and not session.stopped):
                    time.sleep(0.02)
        except Exception:  # a failing synthesis ends this reply, never the app
            log.exception("could not produce the audio to play")
        finally:
            session.fed = True
            close = getattr(source, "close", None)
            if close is not None:
                close()  # stop a generator's synthesis early when playback was stopped
