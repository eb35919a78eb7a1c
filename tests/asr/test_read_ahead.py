"""The encoders run as TorchScript traces with the eager models' numbers, and the acoustic model
reads a command ahead, beside the VAD, without changing what is heard."""
import logging
import threading

import numpy as np
import torch
from torch import nn

from asr.acoustic import example_features
from asr.traced import traced_method
from asr.vad import MAX_SEGMENT_SECONDS, frame_probabilities

from .conftest import SAID


def test_the_models_are_traced_and_compute_what_the_eager_ones_do(recognizer, said_audio):
    acoustic, rescorer = recognizer.acoustic, recognizer.rescorer
    assert all(isinstance(forward, torch._C.ScriptMethod)
               for forward in (acoustic._forward, rescorer._encode, rescorer._states, rescorer._extend))
    with torch.inference_mode():
        features = acoustic.mel(torch.from_numpy(said_audio)[None])
        lengths = torch.tensor([features.shape[1]])
        pairs = [(acoustic._forward(features, lengths)[0], acoustic.model(features, lengths)[0])]
        memory = rescorer.encoder.encode(features, lengths)[0]
        pairs.append((rescorer._encode(features, lengths)[0], memory))
        tokens = torch.tensor([rescorer.token_ids(SAID)])
        causal = torch.ones(tokens.shape[1], tokens.shape[1], dtype=torch.bool).tril()
        pairs.append((rescorer._states(tokens, memory, torch.arange(tokens.shape[1]), causal),
                      rescorer.decoder(tokens, memory)))
        cross = rescorer.decoder.cross_memory(memory)  # Whisper reading on: three tokens, then one
        _, keys, values = rescorer._extend(tokens[:, :3], torch.arange(3), cross[0][..., :0, :], cross[1][..., :0, :], *cross)
        step = (tokens[:, 3:4], torch.tensor([3]), keys, values, *cross)
        pairs += zip(rescorer._extend(*step), rescorer.decoder.extend(*step))
    for traced, eager in pairs:
        assert traced.shape == eager.shape and torch.allclose(traced, eager, atol=1e-4)


class ShapeBound(nn.Module):
    """Right only for the length it is traced with: the trace keeps the branch it took."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2 if x.shape[1] > 250 else x - 1


class Untraceable(nn.Module):
    def forward(self, x: torch.Tensor) -> float:
        return float(x.sum())


def test_a_model_whose_trace_would_be_wrong_runs_eagerly(caplog):
    example, unseen = example_features(300, 4)[0], example_features(217, 4)[0]
    with caplog.at_level(logging.WARNING, logger="asr.traced"):
        for module in (ShapeBound(), Untraceable()):
            forward = traced_method(module, "forward", (example,), (unseen,))
            assert forward == module.forward
    assert len(caplog.records) == 2
    bound = ShapeBound()
    assert isinstance(traced_method(bound, "forward", (example,), example_features(310, 4)[:1]),
                      torch._C.ScriptMethod)  # a trace that holds for the other length too is kept


def reads_of(recognizer, monkeypatch) -> list[tuple[int, str]]:
    """(samples, thread name) of each reading the acoustic model makes from now on."""
    reads = []
    log_probs = recognizer.acoustic.log_probs

    def counted(audio):
        reads.append((len(audio), threading.current_thread().name))
        return log_probs(audio)

    monkeypatch.setattr(recognizer.acoustic, "log_probs", counted)
    return reads


def test_a_command_that_fills_its_recording_is_read_once_ahead_of_the_vad(recognizer, said_audio, monkeypatch):
    reads = reads_of(recognizer, monkeypatch)
    assert recognizer.transcribe(said_audio).text == SAID
    assert len(reads) == 1 and reads[0][0] == len(said_audio) and reads[0][1].startswith("asr-read-ahead")


def test_speech_after_a_long_silence_is_read_again_where_the_vad_found_it(recognizer, said_audio, monkeypatch):
    reads = reads_of(recognizer, monkeypatch)
    late = np.concatenate([np.zeros(3 * 16000, np.float32), said_audio])
    assert recognizer.transcribe(late).text == SAID
    segment = [samples for samples, thread in reads if not thread.startswith("asr-read-ahead")]
    assert len(segment) == 1 and segment[0] < len(late)  # the read ahead of the whole is not used


def test_no_reading_ahead_where_the_vad_has_judged_already_or_the_audio_is_long(recognizer, said_audio,
                                                                                 monkeypatch):
    reads = reads_of(recognizer, monkeypatch)
    judged = recognizer.transcribe(said_audio, speech_probabilities=frame_probabilities(said_audio))
    assert judged.text == SAID and len(reads) == 1 and not reads[0][1].startswith("asr-read-ahead")
    reads.clear()
    gap = np.zeros(16000, np.float32)
    repeats = int(MAX_SEGMENT_SECONDS * 16000 // (len(said_audio) + len(gap))) + 1
    long_audio = np.concatenate([np.concatenate([said_audio, gap])] * repeats)
    assert recognizer.transcribe(long_audio).text.count("timer") >= repeats - 1
    assert not any(thread.startswith("asr-read-ahead") for _, thread in reads)
