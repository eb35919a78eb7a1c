"""Confidence calibration: a softmax temperature and an out-of-scope threshold fitted on dev data."""
from __future__ import annotations

import logging
from typing import Sequence

import torch

from .data import Example

log = logging.getLogger(__name__)
OUT_OF_SCOPE = "out_of_scope"


def fit_temperature(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The temperature minimising dev negative log-likelihood (grid search, robust)."""
    best = (float("inf"), 1.0)
    for temperature in torch.linspace(0.3, 5.0, 48).tolist():
        nll = torch.nn.functional.cross_entropy(logits / temperature, targets).item()
        best = min(best, (nll, temperature))
    return best[1]


def fit_threshold(probs: torch.Tensor, targets: torch.Tensor, oos_index: int | None) -> float:
    """The confidence threshold that maximises dev accuracy when low-confidence
    predictions are turned into out_of_scope."""
    if oos_index is None:
        return 0.0
    confidence, predicted = probs.max(dim=1)
    best = (-1.0, 0.0)
    for threshold in torch.linspace(0.0, 0.95, 96).tolist():
        final = torch.where(confidence < threshold, torch.tensor(oos_index), predicted)
        accuracy = (final == targets).float().mean().item()
        if accuracy > best[0] + 1e-9:
            best = (accuracy, threshold)
    return best[1]


def fit_calibration(model, dev: Sequence[Example]) -> None:
    """Set model.config.temperature and oos_threshold from dev examples."""
    from .parser import intent_logits  # the parser imports the model module

    intents = model.config.intents
    known = [e for e in dev if e.intent in intents]
    if not known:
        return
    logits = intent_logits(model, [e.words for e in known])
    targets = torch.tensor([intents.index(e.intent) for e in known])
    model.config.temperature = fit_temperature(logits, targets)
    probs = torch.softmax(logits / model.config.temperature, dim=1)
    oos = intents.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in intents else None
    model.config.oos_threshold = fit_threshold(probs, targets, oos)
    log.info("calibrated: temperature %.2f, out-of-scope threshold %.2f",
             model.config.temperature, model.config.oos_threshold)
