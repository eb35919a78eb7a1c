"""Waveform and feature augmentation: what separates clean synthetic speech from a real room.

Each training utterance gets a random chain: speed perturbation (which also shifts pitch
and formants, a cheap stand-in for another speaker), a simulated room, additive noise at
an SNR of 0-35 dB (coloured noise or babble), microphone band limits and occasionally
clipping; then SpecAugment masks on the log-mels."""
from __future__ import annotations

import random

import numpy as np
import torch
import torchaudio.functional as AF

from .audio import SAMPLE_RATE


def speed(audio: np.ndarray, factor: float) -> np.ndarray:
    """Play `factor` times faster (and higher). Linear interpolation: a sinc resampler costs
    more than the model's own training step, and the slight aliasing is harmless here."""
    positions = np.arange(0, len(audio) - 1, factor)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


def room_impulse(rng: random.Random) -> np.ndarray:
    """A synthetic room: a direct path, then exponentially decaying diffuse noise (RT60 0.1-0.8 s)."""
    rt60 = rng.uniform(0.1, 0.8)
    length = int(rt60 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    generator = np.random.default_rng(rng.randrange(2**32))
    tail = generator.standard_normal(length) * np.exp(-6.9 * t / rt60)
    tail[: int(0.002 * SAMPLE_RATE)] = 0.0
    impulse = tail * rng.uniform(0.05, 0.4)
    impulse[0] = 1.0
    return (impulse / np.sqrt(np.sum(impulse**2))).astype(np.float32)


def reverberate(audio: np.ndarray, rng: random.Random) -> np.ndarray:
    impulse = room_impulse(rng)
    size = 1 << int(np.ceil(np.log2(len(audio) + len(impulse))))
    wet = np.fft.irfft(np.fft.rfft(audio, size) * np.fft.rfft(impulse, size), size)
    return wet[: len(audio)].astype(np.float32)


def coloured_noise(length: int, rng: random.Random) -> np.ndarray:
    """White, pink or brown noise, or mains hum with harmonics."""
    generator = np.random.default_rng(rng.randrange(2**32))
    kind = rng.choice(["white", "pink", "brown", "hum"])
    if kind == "hum":
        t = np.arange(length) / SAMPLE_RATE
        base = rng.choice([50.0, 60.0])
        noise = sum(np.sin(2 * np.pi * base * k * t + rng.random() * 6.28) / k for k in range(1, 6))
        return (noise + 0.1 * generator.standard_normal(length)).astype(np.float32)
    spectrum = np.fft.rfft(generator.standard_normal(length))
    frequencies = np.maximum(np.fft.rfftfreq(length), 1.0 / length)
    exponent = {"white": 0.0, "pink": 0.5, "brown": 1.0}[kind]
    return np.fft.irfft(spectrum / frequencies**exponent, n=length).astype(np.float32)


def add_noise(audio: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    if len(noise) < len(audio):
        noise = np.resize(noise, len(audio))
    noise = noise[: len(audio)]
    speech_power = float(np.mean(audio**2)) + 1e-10
    noise_power = float(np.mean(noise**2)) + 1e-10
    return audio + noise * np.sqrt(speech_power / (noise_power * 10 ** (snr_db / 10)))


def band_limit(audio: np.ndarray, rng: random.Random) -> np.ndarray:
    """A cheap microphone or a phone line (low-pass near 3.4 kHz, as 8 kHz audio has)."""
    x = torch.from_numpy(audio)
    x = AF.highpass_biquad(x, SAMPLE_RATE, rng.uniform(60, 300))
    x = AF.lowpass_biquad(x, SAMPLE_RATE, rng.choice([3400.0, rng.uniform(3000, 7500)]))
    if rng.random() < 0.5:
        x = AF.equalizer_biquad(x, SAMPLE_RATE, rng.uniform(300, 4000), rng.uniform(-8, 8), rng.uniform(0.5, 2))
    return x.numpy()


def augment_waveform(audio: np.ndarray, rng: random.Random, babble: list[np.ndarray],
                     strength: float = 1.0) -> np.ndarray:
    """One random chain of distortions. `strength` (0-1) scales how often rooms, noise and band
    limits are applied and how loud the noise gets: training starts gently (a small CTC model
    learns to align clean speech first) and reaches full strength after a few epochs."""
    audio = audio.astype(np.float32)
    if rng.random() < 0.6:
        audio = speed(audio, rng.choice([0.85, 0.9, 0.95, 1.05, 1.1, 1.15]))
    if rng.random() < 0.4 * strength:
        audio = reverberate(audio, rng)
    if rng.random() < 0.3 * strength:
        audio = band_limit(audio, rng)
    if rng.random() < 0.6 * strength:
        if babble and rng.random() < 0.3:
            noise = _babble(babble, len(audio), rng)
        else:
            noise = coloured_noise(len(audio), rng)
        audio = add_noise(audio, noise, rng.uniform(35 - 30 * strength, 35))
    audio = audio * rng.uniform(0.05, 1.0) / (float(np.abs(audio).max()) + 1e-6)
    if rng.random() < 0.05:
        limit = rng.uniform(0.3, 0.8) * float(np.abs(audio).max())
        audio = np.clip(audio, -limit, limit)
    return audio.astype(np.float32)


def _babble(pool: list[np.ndarray], length: int, rng: random.Random) -> np.ndarray:
    """Several other utterances at once: talk in the background."""
    mix = np.zeros(length, dtype=np.float32)
    for _ in range(rng.randint(1, 4)):
        other = rng.choice(pool)
        start = rng.randrange(max(1, length - len(other) + 1))
        piece = other[: length - start]
        mix[start:start + len(piece)] += piece / (np.abs(piece).max() + 1e-6)
    return mix


def spec_augment(features: torch.Tensor, lengths: torch.Tensor, rng: random.Random,
                 strength: float = 1.0) -> torch.Tensor:
    """[batch, frames, mels]: two frequency masks and time masks over about 5 % of each utterance."""
    features = features.clone()
    for row, length in enumerate(lengths.tolist()):
        fill = float(features[row, :length].mean())  # masks look like average energy, not a loud 0 dB
        for _ in range(2):
            width = rng.randint(0, 15)
            start = rng.randint(0, features.shape[2] - width)
            features[row, :, start:start + width] = fill
        for _ in range(max(1, length // 100)):
            width = rng.randint(0, int(strength * min(10, max(1, length // 20))))
            start = rng.randint(0, max(0, length - width))
            features[row, start:start + width, :] = fill
    return features
