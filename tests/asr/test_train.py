"""Training runs end to end on a tiny model, resumes from its checkpoint, and saves a loadable model."""
import logging

import numpy as np
import pytest
import torch

from asr.__main__ import main as asr_main
from asr.acoustic import CTCAcousticModel, load_acoustic_model
from asr.model import ConformerCTC, ConformerCTCConfig
from asr.train import TrainOptions, _learning_rate, train
from asr.whisper_ctc import WhisperCTC, WhisperCTCConfig

from .conftest import speak

TINY = ConformerCTCConfig(subsampling_channels=4, d_model=16, num_layers=1, num_heads=2, ffn_dim=32,
                          conv_kernel=3)


@pytest.fixture
def tiny_corpus(tmp_path):
    sentences = ["set a timer", "stop the alarm", "what time is it", "add milk", "play music", "good morning"]
    lines = []
    for index, sentence in enumerate(sentences):
        speak(sentence, tmp_path / f"{index}.wav", voice="en-us+m3")
        lines.append(f"{index}.wav\t{sentence}\tespeak")
    (tmp_path / "train.tsv").write_text("\n".join(lines) + "\n")
    (tmp_path / "dev.tsv").write_text("\n".join(lines[:2]) + "\n")
    return tmp_path


def test_training_resumes_and_saves_a_model_that_loads(tiny_corpus, caplog):
    options = TrainOptions(data=str(tiny_corpus), out=str(tiny_corpus / "run"), epochs=1, batch_seconds=6,
                           warmup_steps=2)
    best = train(options, TINY)
    checkpoint = torch.load(tiny_corpus / "run" / "checkpoint.pt", weights_only=False)
    assert checkpoint["state"]["epoch"] == 1 and checkpoint["state"]["step"] >= 2
    with caplog.at_level(logging.INFO, logger="asr.train"):
        train(TrainOptions(**{**options.__dict__, "epochs": 2}), TINY)
    assert "resumed at epoch 1" in caplog.text
    assert torch.load(tiny_corpus / "run" / "checkpoint.pt", weights_only=False)["state"]["epoch"] == 2

    model = ConformerCTC.from_pretrained(best)
    assert model.config == TINY
    assert (best / "model.safetensors").stat().st_size < 200_000  # fp16, tiny
    log_probs = CTCAcousticModel(model).log_probs(np.random.default_rng(0).standard_normal(16000)
                                                          .astype(np.float32) * 0.1)
    assert log_probs.shape == (23, len(TINY.vocab))  # 98 frames of 10 ms, subsampled 4x
    assert torch.allclose(log_probs.exp().sum(-1), torch.ones(23), atol=1e-3)


def test_learning_rate_falls_to_one_percent_over_the_annealing_epochs():
    plain = TrainOptions(epochs=10, warmup_steps=100)
    annealed = TrainOptions(epochs=10, warmup_steps=100, anneal_epochs=2)
    assert _learning_rate(50, annealed, 0.1) == _learning_rate(50, plain, 0.1) == plain.peak_lr / 2  # warm-up
    assert _learning_rate(5000, annealed, 7.9) == _learning_rate(5000, plain, 7.9)
    assert _learning_rate(5000, annealed, 9.0) == pytest.approx(_learning_rate(5000, plain, 9.0) / 2)
    assert 0 < _learning_rate(5000, annealed, 10.0) <= _learning_rate(5000, plain, 10.0) / 50


def test_whisper_encoder_fine_tunes_with_ctc_and_reads_long_audio_in_windows(tiny_corpus):
    options = TrainOptions(data=str(tiny_corpus), out=str(tiny_corpus / "whisper"), epochs=2, batch_seconds=6,
                           architecture="whisper", peak_lr=2e-4, head_lr_scale=10.0, warmup_steps=2)
    start = WhisperCTC.from_whisper()
    best = train(options)
    model = WhisperCTC.from_pretrained(best)
    assert model.config == WhisperCTCConfig()
    trained = torch.load(tiny_corpus / "whisper" / "checkpoint.pt", weights_only=False)["model"]
    moved = (trained["blocks.0.qkv.weight"] - start.state_dict()["blocks.0.qkv.weight"]).abs().max()
    assert 0 < moved < 0.1  # fine-tuned, not replaced

    acoustic = load_acoustic_model(best)
    thirty_five_seconds = np.random.default_rng(0).standard_normal(35 * 16000).astype(np.float32) * 0.1
    log_probs = acoustic.log_probs(thirty_five_seconds)
    assert acoustic.frame_seconds == 0.04
    assert abs(log_probs.shape[0] - 35 / 0.04) <= 2  # two windows, 30 s and 5 s
    assert torch.allclose(log_probs.exp().sum(-1), torch.ones(log_probs.shape[0]), atol=1e-3)


def test_interpolating_toward_whisper_moves_the_encoder_part_way_back_and_keeps_the_head(tmp_path):
    start = WhisperCTC.from_whisper()
    tuned_state = {name: value + 0.01 if name.startswith("blocks.") else value
                   for name, value in start.state_dict().items()}
    tuned_state["head.weight"] = torch.full_like(tuned_state["head.weight"], 0.5)
    tuned = WhisperCTC(start.config)
    tuned.load_state_dict(tuned_state)
    tuned.save_pretrained(tmp_path / "tuned")
    (tmp_path / "tuned" / "decoder.json").write_text('{"lm_weight": 2.0, "word_score": 2.0}')

    assert asr_main(["interpolate", "--model", str(tmp_path / "tuned"), "--keep", "0.25",
                     "--out", str(tmp_path / "mixed")]) == 0
    mixed = WhisperCTC.from_pretrained(tmp_path / "mixed").state_dict()
    saved = WhisperCTC.from_pretrained(tmp_path / "tuned").state_dict()  # fp16 on disk, as shipped
    moved = mixed["blocks.2.mlp.0.weight"] - start.state_dict()["blocks.2.mlp.0.weight"]
    assert torch.allclose(moved, torch.full_like(moved, 0.0025), atol=1e-3)
    assert torch.equal(mixed["head.weight"], saved["head.weight"])
    assert torch.allclose(mixed["conv1.weight"], saved["conv1.weight"], atol=1e-3)  # never tuned: unchanged
    assert (tmp_path / "mixed" / "decoder.json").read_text() == '{"lm_weight": 2.0, "word_score": 2.0}'
    with pytest.raises(ValueError, match="between 0 and 1"):
        tuned.toward_whisper(1.5)


def test_averaging_two_checkpoints_before_interpolating(tmp_path):
    start = WhisperCTC.from_whisper()
    for name, shift in (("early", 0.02), ("late", 0.06)):
        state = {key: value + shift if key.startswith(("blocks.", "head.")) else value
                 for key, value in start.state_dict().items()}
        model = WhisperCTC(start.config)
        model.load_state_dict(state)
        model.save_pretrained(tmp_path / name)

    assert asr_main(["interpolate", "--model", str(tmp_path / "late"), "--average", str(tmp_path / "early"),
                     "--keep", "0.5", "--out", str(tmp_path / "mixed")]) == 0
    mixed = WhisperCTC.from_pretrained(tmp_path / "mixed").state_dict()
    moved = mixed["blocks.1.attn_ln.bias"] - start.state_dict()["blocks.1.attn_ln.bias"]
    assert torch.allclose(moved, torch.full_like(moved, 0.02), atol=1e-3)  # half of the mean, 0.04
    head = mixed["head.bias"] - start.state_dict()["head.bias"]
    assert torch.allclose(head, torch.full_like(head, 0.04), atol=1e-3)  # the head: the mean, kept whole
