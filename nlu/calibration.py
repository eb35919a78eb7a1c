"""Confidence calibration: a softmax temperature and an out-of-scope threshold fitted on dev data."""
from __future__ import annotations

import logging
from collections.abc import Sequence

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


def fit_novelty_threshold(distances: torch.Tensor, final: torch.Tensor, targets: torch.Tensor,
                          oos_index: int) -> float | None:
    """The novelty distance above which turning predictions into out_of_scope maximises dev
    accuracy (on top of the confidence threshold's decisions in `final`); None if no cut helps."""
    best = ((final == targets).float().mean().item(), None)
    for threshold in torch.quantile(distances, torch.linspace(0.5, 1.0, 501)).tolist():
        cut = torch.where(distances > threshold, torch.tensor(oos_index), final)
        accuracy = (cut == targets).float().mean().item()
        if accuracy > best[0] + 1e-9:
            best = (accuracy, threshold)
    return best[1]


def fit_calibration(model, dev: Sequence[Example]) -> None:
    """Set model.config's temperature, oos_threshold and (with a novelty bank) novelty_threshold
    from dev examples."""
    from .novelty import novelty
    from .parser import sentence_outputs  # the parser imports the model module

    config = model.config
    known = [e for e in dev if e.intent in config.intents]
    if not known:
        return
    logits, vectors = sentence_outputs(model, [e.words for e in known])
    targets = torch.tensor([config.intents.index(e.intent) for e in known])
    config.temperature = fit_temperature(logits, targets)
    probs = torch.softmax(logits / config.temperature, dim=1)
    oos = config.intents.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in config.intents else None
    config.oos_threshold = fit_threshold(probs, targets, oos)
    if oos is not None and model.novelty_bank.numel():
        confidence, predicted = probs.max(dim=1)
        final = torch.where(confidence < config.oos_threshold, torch.tensor(oos), predicted)
        config.novelty_threshold = fit_novelty_threshold(novelty(vectors, model.novelty_bank),
                                                         final, targets, oos)
    log.info("calibrated: temperature %.2f, out-of-scope threshold %.2f, novelty threshold %s",
             config.temperature, config.oos_threshold, config.novelty_threshold)


GAZETTEER_WEIGHTS = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0)


def fit_gazetteer(model, examples: Sequence[Example], dev: Sequence[Example]) -> None:
    """Give the model a gazetteer of `examples`' rare slot values and the weight that tags
    `dev` best (slot F1 plus exact match; the smaller weight on a tie). Without slots in
    either, or without a weight that helps, the weight stays 0."""
    from .evaluate import score
    from .gazetteer import Gazetteer
    from .parser import Parser

    gazetteer = Gazetteer.from_examples(examples)
    model.gazetteer, model.config.gazetteer_weight = (gazetteer or None), 0.0
    if not gazetteer or not any(tag != "O" for e in dev for tag in e.tags):
        return
    parser = Parser(model, traced=False)
    readings = parser.read_words([e.words for e in dev])  # the weight changes decoding only
    scores = []
    for weight in GAZETTEER_WEIGHTS:
        model.config.gazetteer_weight = weight
        metrics = score(dev, parser.decode(readings))
        scores.append((metrics["slot_f1"] + metrics["exact_match"], -weight))
    model.config.gazetteer_weight = -max(scores)[1]
    log.info("gazetteer: %d rare values, weight %.1f", len(gazetteer.values), model.config.gazetteer_weight)
