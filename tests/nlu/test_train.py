"""The trainer on a tiny inline corpus: loss goes down, the model saves compactly and reloads."""
import json

import pytest
import torch

from nlu.data import read_examples
from nlu.model import JointIntentSlotModel
from nlu.parser import Parser
from nlu.train import TrainOptions, speech_variant, train

CORPUS = """\
timer.set\tset a timer for [ten minutes](duration)
timer.set\tstart a [pizza](label) timer for [12 minutes](duration)
timer.set\tcountdown [five minutes](duration) please
greet\thello there
greet\thi, good morning!
greet\they
list.add\tadd [milk](item) to my [shopping](list) list
list.add\tput [eggs](item) on the [grocery](list) list
list.add\tadd [batteries](item) to the [todo](list) list
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "data.tsv").write_text(CORPUS)
    examples = read_examples(folder / "data.tsv")
    losses = []
    import nlu.train as trainer
    original = trainer.train_one_epoch

    def recording(*args, **kwargs):
        loss, step = original(*args, **kwargs)
        losses.append(loss)
        return loss, step

    trainer.train_one_epoch = recording
    try:
        train(examples, folder / "model", TrainOptions(epochs=25, batch_size=8, seed=1))
    finally:
        trainer.train_one_epoch = original
    return folder / "model", losses


def test_loss_goes_down(tiny_model):
    _, losses = tiny_model
    assert losses[-1] < 0.5 * losses[0]


def test_saved_model_reloads_and_parses(tiny_model):
    folder, _ = tiny_model
    parser = Parser.from_pretrained(folder)
    result = parser.parse("add bread to my shopping list")
    assert result.intent == "list.add"
    assert result.slots["item"].text == "bread"
    assert result.slots["list"].text == "shopping"


def test_saved_weights_leave_out_the_frozen_embeddings(tiny_model):
    folder, _ = tiny_model
    size_mb = (folder / "model.safetensors").stat().st_size / 2**20
    assert size_mb < 25  # fp16 encoder layers + heads; the 45 MB of embeddings come from the base package
    config = json.loads((folder / "config.json").read_text())
    assert config["intents"] == ["greet", "list.add", "timer.set"]


def test_fp16_weights_match_the_trained_model(tiny_model):
    folder, _ = tiny_model
    model = JointIntentSlotModel.from_pretrained(folder)
    assert all(p.dtype == torch.float32 for p in model.parameters())


def test_speech_variant_is_lower_case_without_punctuation():
    (example,) = read_examples_from("greet\tHi, [Good](x) morning!")
    variant = speech_variant(example)
    assert variant.words == ("hi", "good", "morning")
    assert variant.tags == ("O", "B-x", "O")


def read_examples_from(text, tmp=None):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.tsv"
        path.write_text(text + "\n")
        return read_examples(path)


def test_cli_train_quick_run(tmp_path):
    import subprocess
    import sys
    (tmp_path / "d.tsv").write_text(CORPUS)
    (tmp_path / "heard.tsv").write_text("# as a recognizer heard two lines\n"
                                        "timer.set\tset a time for [ten minutes](duration)\n"
                                        "list.add\tat [milk](item) to my [shopping](list) list\n")
    result = subprocess.run([sys.executable, "-m", "nlu", "train", "--data", str(tmp_path / "d.tsv"),
                             "--heard", str(tmp_path / "heard.tsv"),
                             "--out", str(tmp_path / "m"), "--epochs", "1", "--max-steps", "2"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["heard"] == 2
    assert (tmp_path / "m/model.safetensors").exists()
    missing = subprocess.run([sys.executable, "-m", "nlu", "parse", "hi", "--model", str(tmp_path / "nope")],
                             capture_output=True, text=True, timeout=300, check=False)
    assert missing.returncode == 2 and "no trained NLU model" in missing.stderr


def test_fine_tuned_embeddings_are_saved_and_reloaded(tmp_path):
    from nlu.base import load_encoder

    (tmp_path / "data.tsv").write_text(CORPUS)
    examples = read_examples(tmp_path / "data.tsv")
    model = train(examples, tmp_path / "model", TrainOptions(epochs=3, batch_size=8, seed=1, train_embeddings=True))
    name = "encoder.embeddings.word_embeddings.weight"
    tuned = model.state_dict()[name]
    assert not torch.equal(tuned, load_encoder().embeddings.word_embeddings.weight)
    reloaded = JointIntentSlotModel.from_pretrained(tmp_path / "model")
    assert reloaded.config.train_embeddings
    assert torch.allclose(reloaded.state_dict()[name], tuned.half().float())


def test_averaged_seeds_make_one_working_model(tiny_model, tmp_path):
    from nlu.train import average_weights

    folder, _ = tiny_model
    examples = read_examples(folder.parent / "data.tsv")
    other = train(examples, tmp_path / "seed2", TrainOptions(epochs=25, batch_size=8, seed=2))
    first = JointIntentSlotModel.from_pretrained(folder)
    soup = average_weights([first, other])
    name = "intent_head.weight"
    expected = (first.state_dict()[name] + other.state_dict()[name]) / 2
    assert torch.allclose(soup.state_dict()[name], expected, atol=1e-6)
    result = Parser(soup).parse("put bread on my shopping list")
    assert result.intent == "list.add" and result.slots["item"].text == "bread"

    from nlu.__main__ import main  # the same from the command line, saved and loaded again
    assert main(["average", str(folder), str(tmp_path / "seed2"), "--out", str(tmp_path / "soup")]) == 0
    loaded = Parser.from_pretrained(tmp_path / "soup").parse("put bread on my shopping list")
    assert (loaded.intent, loaded.slots) == (result.intent, result.slots)  # fp16 on disk

    fewer = train(examples[:6], tmp_path / "fewer", TrainOptions(epochs=1, batch_size=8, max_steps=1))
    with pytest.raises(ValueError):
        average_weights([first, fewer])


def test_runs_to_be_averaged_can_start_from_the_same_heads(tiny_model, tmp_path):
    folder, _ = tiny_model
    examples = read_examples(folder.parent / "data.tsv")

    def start(seed, init_seed=None):  # no training steps: the initial weights
        options = TrainOptions(epochs=0, seed=seed, init_seed=init_seed, speech_variants=False)
        return train(examples, tmp_path / f"{seed}-{init_seed}", options).intent_head.weight

    assert torch.equal(start(1, init_seed=0), start(2, init_seed=0))
    assert not torch.equal(start(1), start(2))
