"""The acoustic model: convolutional 4x subsampling, a small Conformer, a CTC head over characters."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from torchaudio.models import Conformer

from .audio import SAMPLE_RATE
from .features import HOP, N_MELS, LogMel
from .text import TOKENS

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"


@dataclass(frozen=True)
class ConformerCTCConfig:
    n_mels: int = N_MELS
    subsampling_channels: int = 32
    d_model: int = 144
    num_layers: int = 8
    num_heads: int = 4
    ffn_dim: int = 576
    conv_kernel: int = 15
    dropout: float = 0.1
    """On the subsampled input only: dropout inside every block costs a fifth of a CPU step."""
    encoder_dropout: float = 0.0
    vocab: tuple[str, ...] = tuple(TOKENS)
    """CTC units; index 0 is the blank."""


class FolderModel:
    """`save_pretrained` / `from_pretrained` for the project's acoustic models: config.json (the
    config dataclass and the model type) and the weights as fp16 safetensors."""

    config_class: type
    model_type: str

    def save_pretrained(self, folder: str | Path, half: bool = True) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: (v.half() if half and v.is_floating_point() else v).contiguous()
                 for k, v in self.state_dict().items()}
        save_file(state, folder / WEIGHTS_NAME)
        config = asdict(self.config) | {"vocab": list(self.config.vocab), "model_type": self.model_type}
        (folder / CONFIG_NAME).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_pretrained(cls, folder: str | Path):
        folder = Path(folder)
        values = json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8"))
        values.pop("model_type", None)
        values["vocab"] = tuple(values["vocab"])
        model = cls(cls.config_class(**values))
        model.load_state_dict({k: v.float() for k, v in load_file(folder / WEIGHTS_NAME).items()})
        return model.eval()


class ConvSubsampling(nn.Module):
    """[batch, frames, mels] -> [batch, frames // 4, d_model]: two stride-2 convolutions."""

    def __init__(self, n_mels: int, channels: int, d_model: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, channels, 3, stride=2), nn.SiLU(),
                                  nn.Conv2d(channels, channels, 3, stride=2), nn.SiLU())
        freq = ((n_mels - 1) // 2 - 1) // 2
        self.out = nn.Linear(channels * freq, d_model)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.conv(features.unsqueeze(1))  # [batch, channels, frames', freq']
        x = self.out(x.permute(0, 2, 1, 3).flatten(2))  # [batch, frames', d_model]
        return x, subsampled_length(lengths)


def subsampled_length(lengths: torch.Tensor) -> torch.Tensor:
    return torch.clamp(((lengths - 1) // 2 - 1) // 2, min=1)


class ConformerCTC(FolderModel, nn.Module):
    config_class = ConformerCTCConfig
    model_type = "conformer-ctc"

    def __init__(self, config: ConformerCTCConfig) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("feature_mean", torch.zeros(config.n_mels))
        self.register_buffer("feature_std", torch.ones(config.n_mels))
        self.subsampling = ConvSubsampling(config.n_mels, config.subsampling_channels, config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.encoder = Conformer(input_dim=config.d_model, num_heads=config.num_heads, ffn_dim=config.ffn_dim,
                                 num_layers=config.num_layers, depthwise_conv_kernel_size=config.conv_kernel,
                                 dropout=config.encoder_dropout)
        self.head = nn.Linear(config.d_model, len(config.vocab))

    frame_seconds = 4 * HOP / SAMPLE_RATE
    max_samples = None
    """Any length at once (the Whisper-based model reads 30 s at a time)."""

    def features(self) -> LogMel:
        """The features this model reads, made from 16 kHz audio."""
        return LogMel()

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[batch, frames, mels] log-mels -> ([batch, frames // 4, vocab] log-probs, lengths)."""
        x = (features - self.feature_mean) / self.feature_std
        x, lengths = self.subsampling(x, lengths)
        x, lengths = self.encoder(self.dropout(x), lengths)
        return self.head(x).log_softmax(dim=-1), lengths
