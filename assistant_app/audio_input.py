"""Audio in: the microphone (sounddevice) or a file, as 16 kHz mono float32 chunks. No Qt here.

PortAudio calls our callback on its own real-time thread; the callback only copies the block
into a queue (and notes its level), so nothing slow can ever make the device drop audio.
"""
from __future__ import annotations

import logging
import queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from asr.audio import SAMPLE_RATE  # the microphone records at the rate the models take

log = logging.getLogger(__name__)

CHUNK_SECONDS = 0.1


class MicrophoneError(Exception):
    """The microphone cannot be used; the message is meant for the user."""


class AudioSource(Protocol):
    """Something that yields 16 kHz mono float32 chunks: a microphone, or a file in tests."""

    level: float
    """Loudness of the latest chunk, 0-1, for a level meter."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        """The next chunk; None on timeout or when the source has ended (see `ended`)."""

    @property
    def ended(self) -> bool:
        """True once a finite source has nothing more to give."""


@dataclass(frozen=True)
class InputDevice:
    """A sound device as listed for the user (inputs, or outputs in `output_devices`)."""

    index: int
    """PortAudio's device number."""
    name: str
    default: bool
    """This is the system's default input."""


def level_of(chunk: np.ndarray) -> float:
    """A 0-1 loudness figure (RMS on a dB scale from -60 dB): speech at arm's length is ~0.5."""
    rms = float(np.sqrt(np.mean(np.square(chunk)))) if len(chunk) else 0.0
    return float(min(1.0, max(0.0, (20 * np.log10(rms + 1e-9) + 60) / 60)))


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (OSError, ImportError) as error:  # OSError: the module is there, libportaudio is not
        raise MicrophoneError("The microphone can't be used: the PortAudio sound library is "
                              "missing (install libportaudio2).") from error
    return sounddevice


def input_devices(rescan: bool = True) -> list[InputDevice]:
    """Input devices as PortAudio sees them now; [] when there are none or no PortAudio.

    `rescan` re-initialises PortAudio when it lists no device at all; only one thread (the
    device watcher's) may do that, so other callers pass False."""
    try:
        sd = _sounddevice()
        devices = sd.query_devices()
        if not devices and rescan:
            # PortAudio enumerates once, at start-up: a device (or sound server) that appeared
            # since stays invisible until it is re-initialised. With no device at all, no
            # stream can be open, so restarting PortAudio breaks nothing (as tts.Player does).
            sd._terminate()
            sd._initialize()
            devices = sd.query_devices()
        default = sd.default.device[0]
    except MicrophoneError:
        return []
    except Exception as error:  # noqa: BLE001 - PortAudioError, OSError: no sound system at all
        log.info("no input devices: %s", error)
        return []
    return [InputDevice(i, d["name"], i == default) for i, d in enumerate(devices)
            if d["max_input_channels"] > 0]


def output_devices() -> list[InputDevice]:
    """Output devices, for the settings dialog; [] when there are none or no PortAudio."""
    try:
        sd = _sounddevice()
        devices, default = sd.query_devices(), sd.default.device[1]
    except Exception as error:  # noqa: BLE001 - MicrophoneError, PortAudioError, OSError
        log.info("no output devices: %s", error)
        return []
    return [InputDevice(i, d["name"], i == default) for i, d in enumerate(devices)
            if d["max_output_channels"] > 0]


class Microphone:
    """Live input through a sounddevice InputStream, read chunk by chunk from a queue."""

    def __init__(self, device: int | str | None = None, block_seconds: float = CHUNK_SECONDS) -> None:
        self.device = device
        self.block_seconds = block_seconds
        self.level = 0.0
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=round(60 / block_seconds))  # a minute of audio
        self._stream: Any = None
        self._failed = False
        self._stopping = False

    @property
    def ended(self) -> bool:
        return False

    def start(self) -> None:
        """Open the device; MicrophoneError (plain message) when it is missing or refuses."""
        sd = _sounddevice()
        try:
            self._stream = sd.InputStream(
                samplerate=SAMPLE_RATE, channels=1, dtype="float32", device=self.device or None,
                blocksize=round(self.block_seconds * SAMPLE_RATE), callback=self._callback,
                finished_callback=self._finished)
            self._stream.start()
        except (sd.PortAudioError, ValueError, OSError) as error:
            self._stream = None
            raise MicrophoneError(f"No microphone could be opened ({error}). "
                                  "You can still type.") from error

    def _callback(self, indata: np.ndarray, _frames: int, _time: Any, _status: Any) -> None:
        chunk = indata[:, 0].copy()  # PortAudio reuses its buffer after we return
        self.level = level_of(chunk)
        try:
            self._queue.put_nowait(chunk)
        except queue.Full:  # nobody reads: drop rather than block the audio thread
            pass

    def _finished(self) -> None:
        if self._stream is not None and not self._stopping:
            self._failed = True  # the stream ended without stop(): the device went away

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            stream = self._stream
            if self._failed or (stream is not None and not stream.active):
                raise MicrophoneError("The microphone stopped working (was it unplugged?).")
            return None

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        self._stopping = True
        try:
            stream.stop()
            stream.close()
        except Exception as error:  # noqa: BLE001 - a vanished device must not crash stop()
            log.debug("closing the input stream failed: %s", error)
        self._stopping = False


class FileSource:
    """A sound file played as if spoken into a microphone, followed by some silence."""

    def __init__(self, path: str | Path, realtime: bool = True, speed: float = 1.0,
                 tail_seconds: float = 1.5, block_seconds: float = CHUNK_SECONDS) -> None:
        from asr import load_audio

        audio = load_audio(path)  # 16 kHz mono float32, whatever the file holds
        tail = np.zeros(int(tail_seconds * SAMPLE_RATE), np.float32)
        self._audio = np.concatenate([audio.astype(np.float32), tail])
        self._block = round(block_seconds * SAMPLE_RATE)
        self._delay = block_seconds / speed if realtime else 0.0
        self._position = 0
        self._next_at = 0.0
        self.level = 0.0

    @property
    def ended(self) -> bool:
        return self._position >= len(self._audio)

    def start(self) -> None:
        self._position, self._next_at = 0, time.monotonic()

    def stop(self) -> None:
        self._position = len(self._audio)

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        if self.ended:
            return None
        wait = self._next_at - time.monotonic()
        if wait > 0:
            if timeout is not None and wait > timeout:
                time.sleep(timeout)
                return None
            time.sleep(wait)  # a microphone, too, hands out audio only as fast as it is spoken
        chunk = self._audio[self._position:self._position + self._block]
        self._position += len(chunk)
        self._next_at += self._delay
        self.level = level_of(chunk)
        return chunk
