"""Acoustic models behind one small interface: 16 kHz audio in, CTC log-probabilities out.

The project's own Conformer-CTC, or Whisper's encoder fine-tuned with CTC (`whisper_ctc`); a
folder holding a Hugging Face `Wav2Vec2ForCTC` checkpoint (config.json + weights + vocab.json)
plugs into the same decoder."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import nn

from .features import level_gain
from .model import ConformerCTC
from .text import BLANK, WORD_SEPARATOR
from .traced import traced_method
from .whisper_ctc import MODEL_TYPE as WHISPER_CTC, WhisperCTC


@dataclass(frozen=True)
class Vocabulary:
    tokens: tuple[str, ...]
    blank: str
    separator: str
    upper_case: bool
    """The model spells words in capitals (most English wav2vec2 checkpoints do)."""


class AcousticModel(Protocol):
    vocabulary: Vocabulary
    frame_seconds: float

    def log_probs(self, audio: np.ndarray) -> torch.Tensor:
        """16 kHz mono float32 -> [frames, tokens] log-probabilities."""


MIN_SAMPLES = 1600
"""Audio pieces shorter than this (0.1 s at 16 kHz) are padded with silence before the encoder."""


def example_features(frames: int, mels: int) -> tuple[torch.Tensor, torch.Tensor]:
    """One utterance's made-up features and their length, to trace a model with."""
    features = torch.randn(1, frames, mels, generator=torch.Generator().manual_seed(0))
    return features, torch.tensor([frames])


class CTCAcousticModel:
    """The project's own models: the Conformer, or Whisper's encoder fine-tuned with CTC."""

    def __init__(self, model: ConformerCTC | WhisperCTC) -> None:
        self.model = model.eval()
        self.mel = model.features()
        self.vocabulary = Vocabulary(tuple(model.config.vocab), BLANK, WORD_SEPARATOR, upper_case=False)
        self.frame_seconds = model.frame_seconds
        mels = model.config.n_mels  # one utterance at a time, as `log_probs` reads them
        self._forward = traced_method(model, "forward", example_features(300, mels), example_features(217, mels))

    def log_probs(self, audio: np.ndarray) -> torch.Tensor:
        scaled = torch.from_numpy(np.ascontiguousarray(audio * level_gain(audio), dtype=np.float32))
        window = self.model.max_samples or max(1, len(scaled))
        pieces = []
        with torch.inference_mode():
            for start in range(0, max(1, len(scaled)), window):
                piece = scaled[start:start + window]
                # Below a few frames the encoder's subsampling leaves nothing to classify; silence
                # after the sound gives it the frames it needs and adds no words.
                piece = nn.functional.pad(piece, (0, max(0, MIN_SAMPLES - len(piece))))
                features = self.mel(piece.unsqueeze(0))  # [1, frames, mels]
                log_probs, lengths = self._forward(features, torch.tensor([features.shape[1]]))
                pieces.append(log_probs[0, : int(lengths[0])])
        return torch.cat(pieces)


class Wav2Vec2AcousticModel:
    def __init__(self, folder: Path) -> None:
        from transformers import Wav2Vec2ForCTC

        self.model = Wav2Vec2ForCTC.from_pretrained(folder).eval()
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        tokens = [token for token, _ in sorted(vocab.items(), key=lambda item: item[1])]
        pad = self.model.config.pad_token_id
        blank = tokens[pad] if pad is not None and pad < len(tokens) else tokens[0]
        letters = [t for t in tokens if len(t) == 1 and t.isalpha()]
        upper = bool(letters) and all(t.isupper() for t in letters)
        self.vocabulary = Vocabulary(tuple(tokens), blank, "|", upper)
        self.frame_seconds = float(np.prod(self.model.config.conv_stride)) / 16000

    def log_probs(self, audio: np.ndarray) -> torch.Tensor:
        # wav2vec2 expects zero-mean, unit-variance input
        normalized = (audio - audio.mean()) / (audio.std() + 1e-7)
        with torch.inference_mode():
            logits = self.model(torch.from_numpy(normalized.astype(np.float32)).unsqueeze(0)).logits
        return logits[0].log_softmax(dim=-1)


def load_acoustic_model(folder: Path) -> AcousticModel:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if "Wav2Vec2ForCTC" in config.get("architectures", []):
        return Wav2Vec2AcousticModel(folder)
    if config.get("model_type") == WHISPER_CTC:
        return CTCAcousticModel(WhisperCTC.from_pretrained(folder))
    return CTCAcousticModel(ConformerCTC.from_pretrained(folder))
