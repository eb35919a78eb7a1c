"""The second pass runs in int8 when loaded for use; float32 stays a choice, and the fallback."""
import pytest
import torch
from torch import nn

import asr.int8
from asr import Recognizer
from asr.audio import load_audio
from asr.int8 import int8_linears

from .conftest import ROOT, speak

COMMANDS = ("add milk to my shopping list", "what's the weather like tomorrow", "set an alarm for seven thirty")


def float_linears(module: nn.Module) -> int:
    return sum(type(m) is nn.Linear for m in module.modules())


def test_the_second_pass_reads_in_int8_and_hears_what_float32_hears(recognizer, tmp_path):
    float32 = Recognizer.from_pretrained(ROOT / "resources/models/asr", int8=False)
    second = recognizer.rescorer
    assert float_linears(second.encoder.blocks) == float_linears(second.decoder) == 0
    assert second.decoder.vocabulary is not None and float32.rescorer.decoder.vocabulary is None
    assert float_linears(recognizer.acoustic.model.blocks) == 4 * 4  # the first pass stays float32
    for i, said in enumerate(COMMANDS):
        speak(said, tmp_path / f"{i}.wav")
        audio = load_audio(tmp_path / f"{i}.wav")
        int8_heard, float_heard = recognizer.transcribe(audio), float32.transcribe(audio)
        assert int8_heard.text == float_heard.text == said
        runners_up = [dict(heard.alternatives[:2]) for heard in (int8_heard, float_heard)]
        assert runners_up[0].keys() == runners_up[1].keys()  # in the same order, scored alike
        assert list(runners_up[0].values()) == pytest.approx(list(runners_up[1].values()), abs=0.5)


def test_int8_layers_compute_what_float32_ones_do_to_within_a_few_percent():
    torch.manual_seed(0)
    layers = nn.Sequential(nn.Linear(384, 1536), nn.GELU(), nn.Linear(1536, 384))
    x = torch.randn(50, 384)
    exact = layers(x).detach()
    quantized = int8_linears(layers)
    assert quantized is layers and float_linears(layers) == 0  # changed in place
    assert (quantized(x) - exact).norm() < 0.05 * exact.norm()  # 2.6 % with these weights


def test_without_quantization_in_torch_the_second_pass_stays_float32(monkeypatch, tmp_path):
    monkeypatch.setattr(asr.int8, "_QUANTIZE", None)
    layer = nn.Sequential(nn.Linear(4, 2))
    assert int8_linears(layer) is layer and float_linears(layer) == 1
    recognizer = Recognizer.from_pretrained(ROOT / "resources/models/asr")
    rescorer = recognizer.rescorer
    assert rescorer.decoder.vocabulary is None and float_linears(rescorer.encoder.blocks) == 4 * 4
    speak(COMMANDS[0], tmp_path / "said.wav")
    assert recognizer.transcribe(load_audio(tmp_path / "said.wav")).text == COMMANDS[0]
