"""Out-of-scope by distance: the novelty bank is built at training, saved, and turns
sentences unlike any training sentence into out_of_scope."""
import torch

from nlu.calibration import fit_novelty_threshold
from nlu.data import read_examples
from nlu.model import JointIntentSlotModel
from nlu.novelty import novelty
from nlu.parser import Parser
from nlu.train import TrainOptions, train

TRAIN = """\
timer.set\tset a timer for [ten minutes](duration)
timer.set\tstart a [pizza](label) timer for [12 minutes](duration)
greet\thello there
greet\thi good morning
out_of_scope\twhat is the capital of peru
out_of_scope\tbook me a flight to rome
"""
DEV = """\
timer.set\tset a timer for [five minutes](duration)
greet\thello
out_of_scope\twho won the world cup
"""


def test_novelty_is_the_distance_to_the_nearest_bank_vector():
    bank = torch.eye(3)
    vectors = torch.tensor([[2.0, 0, 0], [0, 1, 1], [0, 0, -1]])
    distances = novelty(vectors, bank)
    assert torch.allclose(distances, torch.tensor([0.0, 1 - 2 ** -0.5, 1.0]), atol=1e-6)
    assert novelty(vectors, torch.zeros(0, 3)).tolist() == [0, 0, 0]


def test_threshold_is_fitted_between_in_scope_and_far_sentences():
    oos = 2
    targets = torch.tensor([0, 1, 0, 1, oos, oos])
    final = torch.tensor([0, 1, 0, 1, 0, 1])  # the classifier guessed an intent for both oos
    distances = torch.tensor([0.1, 0.2, 0.15, 0.25, 0.6, 0.7])
    threshold = fit_novelty_threshold(distances, final, targets, oos)
    assert 0.25 <= threshold < 0.6
    assert fit_novelty_threshold(distances, targets.clone(), targets, oos) is None  # nothing to gain


def test_trained_model_keeps_its_bank_and_rejects_far_sentences(tmp_path):
    (tmp_path / "train.tsv").write_text(TRAIN)
    (tmp_path / "dev.tsv").write_text(DEV)
    train(read_examples(tmp_path / "train.tsv"), tmp_path / "model",
          TrainOptions(epochs=3, batch_size=8, seed=1), dev=read_examples(tmp_path / "dev.tsv"))
    model = JointIntentSlotModel.from_pretrained(tmp_path / "model")
    assert model.novelty_bank.shape == (4, 384)  # the in-scope training sentences
    model.config.oos_threshold = 0.0
    model.config.novelty_threshold = 0.02
    parser = Parser(model)
    known = parser.parse("hello there")  # a training sentence: distance 0
    assert known.intent != "out_of_scope"
    far = parser.parse("the mitochondria is the powerhouse of the cell")
    assert far.intent == "out_of_scope" and far.slots == {}
    assert far.alternatives  # the rejected guess is still reported
