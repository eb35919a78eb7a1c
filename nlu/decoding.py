"""BIO-constrained Viterbi decoding of slot tags: never an I- that does not continue its span."""
from __future__ import annotations

from collections.abc import Sequence

import torch


def allowed_transitions(tags: Sequence[str]) -> torch.Tensor:
    """[tags, tags] bool: may tag j follow tag i? `I-x` only after `B-x` or `I-x`."""
    size = len(tags)
    allowed = torch.ones(size, size, dtype=torch.bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            name = tag[2:]
            for i, previous in enumerate(tags):
                allowed[i, j] = previous in (f"B-{name}", f"I-{name}")
    return allowed


def allowed_starts(tags: Sequence[str]) -> torch.Tensor:
    return torch.tensor([not tag.startswith("I-") for tag in tags])


def viterbi(log_probs: torch.Tensor, allowed: torch.Tensor, starts: torch.Tensor) -> list[int]:
    """log_probs: [words, tags] -> best valid tag sequence."""
    if log_probs.shape[0] == 0:
        return []
    blocked = torch.tensor(float("-inf"))
    transition = torch.where(allowed, torch.tensor(0.0), blocked)  # [tags, tags]
    score = torch.where(starts, log_probs[0], blocked)  # [tags]
    backpointers = []
    for step in range(1, log_probs.shape[0]):
        candidates = score.unsqueeze(1) + transition  # [previous, next]
        score, best_previous = candidates.max(dim=0)
        score = score + log_probs[step]
        backpointers.append(best_previous)
    path = [int(score.argmax())]
    for best_previous in reversed(backpointers):
        path.append(int(best_previous[path[-1]]))
    return path[::-1]
