"""Sentence embeddings from the pretrained MiniLM (mean pooling, unit length), as sentence-transformers does."""
from __future__ import annotations

import threading
from collections.abc import Sequence

import torch

from .base import load_encoder, load_tokenizer, mean_pool


class SentenceEncoder:
    """`encode(texts) -> [n, 384]` unit vectors; cosine similarity is a dot product."""

    def __init__(self) -> None:
        self.model = load_encoder()
        self.tokenizer = load_tokenizer()
        self._lock = threading.Lock()

    @torch.inference_mode()
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        rows = []
        with self._lock:
            for i in range(0, len(texts), batch_size):
                batch = self.tokenizer(list(texts[i:i + batch_size]), padding=True, truncation=True,
                                       max_length=128, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state  # [batch, pieces, 384]
                rows.append(torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=-1))
        return torch.cat(rows) if rows else torch.empty(0, self.model.config.hidden_size)
