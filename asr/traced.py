"""The recognizer's transformers traced by TorchScript for inference (the acoustic model, and
Whisper's encoder and decoder in the second pass): the same weights and the same numbers
(checked on a shape the trace did not see), less Python around each layer (a quarter less time
for Whisper's int8 layers), and no Python lock held while one runs. That last lets the acoustic
model read ahead on one core while the VAD listens on the other (`Recognizer.transcribe`); an
eager model stalls whenever the VAD's loop holds the lock. The eager model stays what is
trained and saved."""
from __future__ import annotations

import logging
import warnings
from collections.abc import Callable

import torch
from torch import nn

log = logging.getLogger(__name__)

TOLERANCE = 1e-4
"""Largest difference allowed between the trace and the eager model on an unseen shape."""


def traced_method(module: nn.Module, method: str, example: tuple[torch.Tensor, ...],
                  unseen: tuple[torch.Tensor, ...]) -> Callable:
    """`module.<method>` traced on `example` inputs, sharing `module`'s weights; the eager
    method itself (logged) where tracing fails, or where the trace disagrees with it on
    `unseen` inputs (another length: a trace must not bake in the example's shape)."""
    eager = getattr(module.eval(), method)
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")  # tracing warns of its successors and of Python ints
            trace = getattr(torch.jit.trace_module(module, {method: example}, check_trace=False), method)
            difference = max(float((a - b).abs().max())
                             for a, b in zip(_tensors(trace(*unseen)), _tensors(eager(*unseen))))
    except Exception as error:  # noqa: BLE001 - any failure here just means the eager path
        log.warning("%s runs eagerly (no trace): %s", type(module).__name__, error)
        return eager
    if not difference <= TOLERANCE:
        log.warning("%s runs eagerly: its trace differs by %.3g on an unseen shape",
                    type(module).__name__, difference)
        return eager
    return trace


def _tensors(output: torch.Tensor | tuple) -> tuple[torch.Tensor, ...]:
    return output if isinstance(output, tuple) else (output,)
