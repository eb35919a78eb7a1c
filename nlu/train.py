"""Fine-tune the joint intent/slot model: `python -m nlu train`."""
from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch
from torch import nn

from .augment import augment
from .base import load_tokenizer
from .calibration import OUT_OF_SCOPE, fit_calibration, fit_gazetteer
from .data import Example
from .encoding import IGNORE, encode, piece_labels
from .model import JointConfig, JointIntentSlotModel
from .novelty import build_bank

log = logging.getLogger(__name__)


@dataclass
class TrainOptions:
    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 1.5e-4
    head_learning_rate: float = 2e-3
    warmup_fraction: float = 0.06
    seed: int = 0
    speech_variants: bool = True
    """Also train on a lower-case, unpunctuated copy of each example (as ASR writes)."""
    augment_copies: int = 0
    """Slot-substituted copies of each example with slots (see augment.py)."""
    max_steps: int | None = None
    """Stop early after this many steps (quick runs in tests)."""
    device: str = "cpu"
    """Where to train ("cuda" on a machine with a GPU); the saved model is the same."""
    train_embeddings: bool = False
    """Fine-tune the word embeddings too (the saved model then holds them: 23 MB more)."""
    init_seed: int | None = None
    """Seed of the heads' initial weights, when it should differ from `seed` (which then sets
    only the data order and dropout): runs to be averaged can start from the same heads."""


_PUNCTUATION = re.compile(r"^[^\w%]+$")


def speech_variant(example: Example) -> Example | None:
    """Lower-case, drop punctuation words: the text a speech recognizer would produce."""
    kept = [(w.lower().replace("’", "'"), t) for w, t in zip(example.words, example.tags)
            if not _PUNCTUATION.match(w)]
    fixed_tags, previous = [], "O"
    for _, tag in kept:  # a dropped word may have held a span's B- tag
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed_tags.append(tag)
        previous = tag
    variant = Example(tuple(w for w, _ in kept), tuple(fixed_tags), example.intent)
    return variant if variant.words and variant != example else None


def label_sets(examples: Sequence[Example]) -> tuple[list[str], list[str]]:
    intents = sorted({e.intent for e in examples})
    slots = sorted({tag[2:] for e in examples for tag in e.tags if tag != "O"})
    return intents, ["O"] + [f"{p}-{s}" for s in slots for p in ("B", "I")]


def compute_loss(model: JointIntentSlotModel, batch: Sequence[Example],
                 intent_index: dict[str, int], tag_index: dict[str, int]) -> torch.Tensor:
    device = model.device
    encoded = encode(load_tokenizer(), [e.words for e in batch], model.config.max_words)
    intents = torch.tensor([intent_index[e.intent] for e in batch], device=device)
    tags = [[tag_index.get(t, 0) for t in e.tags] for e in batch]
    labels = piece_labels(encoded, tags).to(device)
    output = model(encoded.input_ids.to(device), encoded.attention_mask.to(device))
    intent_loss = nn.functional.cross_entropy(output.intent_logits, intents, label_smoothing=0.05)
    slot_loss = nn.functional.cross_entropy(output.slot_logits.flatten(0, 1), labels.flatten(),
                                            ignore_index=IGNORE)
    return intent_loss + slot_loss


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffled batches of similar length (less padding, faster on CPU)."""
    shuffled = examples[:]
    rng.shuffle(shuffled)
    chunks = [sorted(shuffled[i:i + size * 20], key=lambda e: len(e.words))
              for i in range(0, len(shuffled), size * 20)]
    result = [chunk[i:i + size] for chunk in chunks for i in range(0, len(chunk), size)]
    rng.shuffle(result)
    return result


def make_optimizer(model: JointIntentSlotModel, options: TrainOptions, total_steps: int):
    heads = [p for n, p in model.named_parameters() if p.requires_grad and "_head" in n]
    encoder = [p for n, p in model.named_parameters() if p.requires_grad and "_head" not in n]
    optimizer = torch.optim.AdamW([
        {"params": encoder, "lr": options.learning_rate},
        {"params": heads, "lr": options.head_learning_rate},
    ], weight_decay=0.01)
    warmup = max(1, int(total_steps * options.warmup_fraction))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total_steps - warmup))))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)


def train_one_epoch(model, optimizer, scheduler, examples, options, rng, indexes, step) -> tuple[float, int]:
    model.train()
    losses = []
    for batch in batches(examples, options.batch_size, rng):
        loss = compute_loss(model, batch, *indexes)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        step += 1
        if options.max_steps and step >= options.max_steps:
            break
    model.eval()
    return sum(losses) / max(1, len(losses)), step


def train(examples: list[Example], out: str | Path, options: TrainOptions | None = None,
          dev: list[Example] | None = None, heard: list[Example] | None = None) -> JointIntentSlotModel:
    """Train on `examples`; with `dev`, keep the best epoch and calibrate on it. `heard`: lines
    as the speech recognizer heard them (its mistakes are what they teach), trained on as they
    are: neither augmented nor in the novelty bank."""
    from .evaluate import evaluate_model  # evaluation imports the parser, which imports the model

    options = options or TrainOptions()
    originals = examples  # as given, before augmented copies are added
    rng = random.Random(options.seed)
    torch.manual_seed(options.seed)
    if options.augment_copies:
        examples = examples + augment(examples, options.augment_copies, options.seed)
    if options.speech_variants:
        examples = examples + [v for v in map(speech_variant, examples) if v is not None]
    examples = examples + list(heard or [])
    intents, tags = label_sets(examples + (dev or []))
    if options.init_seed is not None:
        torch.manual_seed(options.init_seed)
    model = JointIntentSlotModel(JointConfig(intents=intents, slot_tags=tags,
                                             train_embeddings=options.train_embeddings)).to(options.device)
    if options.init_seed is not None:
        torch.manual_seed(options.seed)
    indexes = ({n: i for i, n in enumerate(intents)}, {n: i for i, n in enumerate(tags)})
    steps_per_epoch = math.ceil(len(examples) / options.batch_size)
    total = min(options.max_steps or 10**9, steps_per_epoch * options.epochs)
    optimizer, scheduler = make_optimizer(model, options, total)
    log.info("training on %d examples, %d intents, %d tags, %d steps",
             len(examples), len(intents), len(tags), total)
    best, step = None, 0
    for epoch in range(1, options.epochs + 1):
        started = time.monotonic()
        loss, step = train_one_epoch(model, optimizer, scheduler, examples, options, rng, indexes, step)
        line = f"epoch {epoch}: loss {loss:.4f} ({time.monotonic() - started:.0f} s)"
        if dev:
            metrics = evaluate_model(model, dev)
            score = metrics["intent_accuracy"] + metrics["slot_f1"] + metrics["exact_match"]
            line += f" dev intent {metrics['intent_accuracy']:.4f} slot F1 {metrics['slot_f1']:.4f}"
            if best is None or score > best[0]:
                best = (score, {k: v.clone() for k, v in model.state_dict().items()})
        log.info(line)
        print(line, flush=True)
        if options.max_steps and step >= options.max_steps:
            break
    if best is not None:
        model.load_state_dict(best[1])
    model.to("cpu")  # calibration, the novelty bank and saving need no accelerator
    return calibrate_and_save(model, originals, dev, out)


def calibrate_and_save(model: JointIntentSlotModel, examples: list[Example],
                       dev: list[Example] | None, out: str | Path) -> JointIntentSlotModel:
    """Fit the out-of-scope cuts and the gazetteer's weight on `dev` (the novelty bank and the
    gazetteer from the training `examples`), save."""
    if dev and examples and OUT_OF_SCOPE in model.config.intents:  # out-of-scope ones to fit on
        model.novelty_bank = build_bank(model, examples)
    if dev:
        fit_calibration(model, dev)
        fit_gazetteer(model, examples, dev)
    model.save_pretrained(out)
    return model


def average_weights(models: Sequence[JointIntentSlotModel]) -> JointIntentSlotModel:
    """One model whose weights are the mean of `models`' (a "model soup", Wortsman et al. 2022),
    at one model's size and speed. Fine-tuned from the same pretrained encoder on the same
    labels, runs stay close in weight space; for the slot tagger they must also start from the
    same heads (`TrainOptions.init_seed`), or the average tags worse than any of them.
    Calibration is not averaged: fit it again on the soup (`calibrate_and_save`)."""
    first = models[0].config
    labels = (first.intents, first.slot_tags)
    if any((m.config.intents, m.config.slot_tags) != labels for m in models):
        raise ValueError("only models trained on the same intents and slot tags can be averaged")
    soup = JointIntentSlotModel(replace(first, temperature=1.0, oos_threshold=0.0,
                                        novelty_threshold=None))
    states = [m.state_dict() for m in models]
    averaged = {name: (torch.stack([s[name].float() for s in states]).mean(0)
                       if tensor.is_floating_point() else tensor)
                for name, tensor in states[0].items()
                if name != "novelty_bank"}  # built again from the soup's own sentence vectors
    soup.load_state_dict(averaged, strict=False)
    soup.eval()
    return soup
