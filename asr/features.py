"""Log-mel features and input level control, the same in training and at run time."""
from __future__ import annotations

import numpy as np
import torch
import torchaudio

from .audio import SAMPLE_RATE

N_MELS = 80
HOP = 160  # 10 ms
WINDOW = 400  # 25 ms
TARGET_PEAK = 0.5
MAX_GAIN = 30.0
"""At most ~30 dB of gain, so near-silence and faint hiss are not blown up into "speech"."""


def level_gain(audio: np.ndarray) -> float:
    """Gain that brings speech to a fixed level whatever the microphone's sensitivity."""
    if audio.size == 0:
        return 1.0
    peak = float(np.percentile(np.abs(audio), 99.9))
    return min(MAX_GAIN, TARGET_PEAK / peak) if peak > 1e-6 else 1.0


class LogMel(torch.nn.Module):
    """[batch, samples] 16 kHz -> [batch, frames, mels] log-mel energies (10 ms frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=SAMPLE_RATE, n_fft=512, win_length=WINDOW, hop_length=HOP, n_mels=N_MELS,
            f_min=20.0, f_max=7600.0, center=False)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        if audio.shape[-1] < WINDOW:
            audio = torch.nn.functional.pad(audio, (0, WINDOW - audio.shape[-1]))
        mel = self.mel(audio)  # [batch, mels, frames]
        return torch.log(mel + 1e-6).transpose(1, 2)

    @staticmethod
    def frame_count(samples: int) -> int:
        return max(1, (max(samples, WINDOW) - WINDOW) // HOP + 1)
