"""Out-of-scope detection by distance: how unlike every training sentence a sentence is.

A softmax is confident far from its training data, so its confidence alone misses many
out-of-scope requests. The distance from a sentence's vector to its nearest in-scope
training sentence separates them much better (on CLINC150 dev with the same model, AUROC
0.987 against 0.908 for the softmax confidence)."""
from __future__ import annotations

from collections.abc import Sequence

import torch

from .calibration import OUT_OF_SCOPE
from .data import Example


def unit(vectors: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(vectors.float(), dim=-1)


def novelty(sentence_vectors: torch.Tensor, bank: torch.Tensor) -> torch.Tensor:
    """[batch, dim] -> [batch]: 1 - cosine similarity to the nearest bank vector (0: a
    training sentence, up to 2). All zeros when the bank is empty."""
    if bank.numel() == 0:
        return torch.zeros(sentence_vectors.shape[0])
    return 1.0 - (unit(sentence_vectors) @ bank.T).max(dim=1).values


def build_bank(model, examples: Sequence[Example]) -> torch.Tensor:
    """Unit vectors of the distinct in-scope sentences of `examples`."""
    from .parser import sentence_outputs  # the parser imports the model module

    sentences = sorted({e.words for e in examples if e.intent != OUT_OF_SCOPE})
    return unit(sentence_outputs(model, sentences)[1])
