"""Audio in: any file soundfile reads, any rate or channel count, to 16 kHz mono float32."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio.functional as AF

SAMPLE_RATE = 16000
BLOCK_SECONDS = 30.0
"""Long files are read this much at a time, so memory stays bounded."""


class AudioError(ValueError):
    """Audio that cannot be used, with a message a user can act on."""


def resample(audio: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """float32 mono audio at `rate` -> `target` Hz."""
    if rate == target or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    return AF.resample(torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)), rate, target).numpy()


def to_mono(audio: np.ndarray) -> np.ndarray:
    return audio.mean(axis=1) if audio.ndim == 2 else audio


def _open(path: str | Path) -> sf.SoundFile:
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    try:
        return sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"{path}: not an audio file this program can read ({error})") from error


def read_blocks(path: str | Path, seconds: float = BLOCK_SECONDS) -> Iterator[np.ndarray]:
    """16 kHz mono float32 blocks of about `seconds` each, for files of any length."""
    with _open(path) as source:
        if source.samplerate < 4000:
            raise AudioError(f"{path}: sample rate {source.samplerate} Hz is too low for speech")
        frames = max(1, int(seconds * source.samplerate))
        try:
            for block in source.blocks(blocksize=frames, dtype="float32", always_2d=True):
                yield resample(to_mono(block), source.samplerate)
        except (sf.LibsndfileError, RuntimeError) as error:
            raise AudioError(f"{path}: the file is damaged ({error})") from error


def load_audio(path: str | Path) -> np.ndarray:
    """A whole file as 16 kHz mono float32 (use `read_blocks` for very long files)."""
    blocks = list(read_blocks(path))
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
