"""A faster CPU forward pass for parsing: the trained model traced and frozen by TorchScript.

Freezing folds the weights into the graph and fuses what it can, which takes a typed
command's parse from ~13 ms to ~8 ms on 2 cores with the same answers. Optionally the
encoder's Linear layers are also quantised to int8 (weights per output channel,
activations per batch): ~2 ms, but on the team's test split two more intents go wrong
(README), so it is off by default. The eager model stays what is trained, saved and
benchmarked.
"""
from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Callable

import torch
from torch import nn

from .base import load_tokenizer
from .encoding import encode
from .model import JointIntentSlotModel, JointOutput

log = logging.getLogger(__name__)
Forward = Callable[[torch.Tensor, torch.Tensor], JointOutput]
TOLERANCE = 1e-3
"""Largest difference between the traced and the eager model on a shape the trace did not see."""


class _TupleOutput(nn.Module):
    """TorchScript traces tuples, not NamedTuples."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(self.model(input_ids, attention_mask))


def _example_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """Two sentences of different lengths, so the trace sees padding."""
    batch = encode(load_tokenizer(), [["set", "a", "timer", "for", "ten", "minutes"], ["hello"]])
    return batch.input_ids, batch.attention_mask


def _quantized_copy(model: JointIntentSlotModel) -> JointIntentSlotModel:
    quantized = copy.deepcopy(model).eval()
    torch.ao.quantization.quantize_dynamic(
        quantized.encoder, {nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
        dtype=torch.qint8, inplace=True)
    return quantized


def traced_forward(model: JointIntentSlotModel, int8: bool = False) -> Forward | None:
    """`model`'s forward pass traced and frozen (with `int8`, on an int8 copy), as a function;
    None where that is not possible (a model on a GPU, no quantised engine for `int8`, a
    trace that bakes in a shape). The float trace shares the model's weights."""
    if model.device.type != "cpu" or (int8 and torch.backends.quantized.engine == "none"):
        return None
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")  # eager quantisation and tracing warn of their successors
            eager = _quantized_copy(model) if int8 else model.eval()
            example = _example_batch()
            traced = torch.jit.freeze(torch.jit.trace(_TupleOutput(eager).eval(), example,
                                                      check_trace=False))
            shorter = (example[0][:, :-2], example[1][:, :-2])  # a shape the trace did not see
            difference = max(float((a - b).abs().max())
                             for a, b in zip(traced(*shorter), eager(*shorter)))
    except Exception as error:  # noqa: BLE001 - any failure here just means the eager path
        log.warning("traced parsing unavailable, parsing with the eager model: %s", error)
        return None
    if difference > TOLERANCE:
        log.warning("traced model disagrees with the eager one by %.3g; parsing with the eager model",
                    difference)
        return None

    def forward(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> JointOutput:
        return JointOutput(*traced(input_ids, attention_mask))
    return forward
