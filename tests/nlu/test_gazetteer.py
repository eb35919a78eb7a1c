"""Rare training slot values steer decoding: a name seen twice in training comes back whole."""
import pytest
import torch

from nlu.data import Example, read_examples
from nlu.decoding import allowed_starts, allowed_transitions, viterbi
from nlu.gazetteer import MAX_SEEN, Gazetteer
from nlu.model import JointIntentSlotModel
from nlu.parser import Parser
from nlu.train import TrainOptions, train

TAGS = ["O", "B-playlist", "I-playlist", "B-genre", "I-genre"]


def example(text: str, tags: str, intent: str = "AddToPlaylist") -> Example:
    return Example(tuple(text.split()), tuple(tags.split()), intent)


TRAINING = [
    example("add it to the refugee playlist", "O O O B-playlist I-playlist I-playlist"),
    example("put this on the refugee playlist", "O O O B-playlist I-playlist I-playlist"),
    example("play some rock", "O O B-genre"),
    example("play rock music", "O B-genre O"),
    example("add it to rock", "O O O B-playlist"),
    example("i like rock", "O O O"),
]


def test_values_carry_how_often_their_words_were_the_slot():
    values = Gazetteer.from_examples(TRAINING).values
    assert values["the refugee playlist"] == {"playlist": 1.0}
    assert values["rock"] == {"genre": 0.5, "playlist": 0.25}  # 4 times "rock", twice a genre
    assert "refugee" not in values  # never a value on its own


def test_values_the_model_sees_often_are_left_to_it():
    common = [example("play some jazz", "O O B-genre")] * (MAX_SEEN + 1)
    assert "jazz" not in Gazetteer.from_examples(common).values
    assert "jazz" in Gazetteer.from_examples(common[:MAX_SEEN]).values


def test_a_rare_value_is_decoded_whole_where_the_tagger_cut_it_short():
    words = "add this tune to the refugee playlist".split()
    # The tagger's own reading: only "refugee" is the playlist.
    log_probs = torch.full((len(words), len(TAGS)), -6.0)
    for position, tag in enumerate(["O", "O", "O", "O", "O", "B-playlist", "O"]):
        log_probs[position, TAGS.index(tag)] = -0.2
    log_probs[4, TAGS.index("B-playlist")] = log_probs[6, TAGS.index("I-playlist")] = -2.5
    log_probs[5, TAGS.index("I-playlist")] = -2.5

    def decode(weight):
        bonus = Gazetteer.from_examples(TRAINING).bias(words, TAGS, weight)
        return [TAGS[t] for t in viterbi(log_probs + bonus, allowed_transitions(TAGS), allowed_starts(TAGS))]

    assert decode(0.0)[4:] == ["O", "B-playlist", "O"]
    assert decode(4.0)[4:] == ["B-playlist", "I-playlist", "I-playlist"]


def test_a_value_runs_no_further_than_it_did_in_training():
    words = "add it to the refugee playlist tonight".split()
    bonus = Gazetteer.from_examples(TRAINING).bias(words, TAGS, 2.0)
    assert bonus[3, TAGS.index("B-playlist")] == 2.0 and bonus[5, TAGS.index("I-playlist")] == 2.0
    assert bonus[6, TAGS.index("I-playlist")] == -2.0
    assert not Gazetteer.from_examples(TRAINING).bias(words, TAGS, 0.0).any()


TRAIN_LINES = """\
list.add\tadd [milk](item) to my [shopping](list) list
list.add\tput [eggs](item) on the [grocery](list) list
list.add\tadd [batteries](item) to the [camping trip](list) list
greet\thello there
greet\thi, good morning!
"""
DEV_LINES = """\
list.add\tadd [bread](item) to my [camping trip](list) list
greet\tgood evening
"""


@pytest.fixture(scope="module")
def trained_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gazetteer")
    (folder / "train.tsv").write_text(TRAIN_LINES)
    (folder / "dev.tsv").write_text(DEV_LINES)
    train(read_examples(folder / "train.tsv"), folder / "model",
          TrainOptions(epochs=3, batch_size=8, seed=1), dev=read_examples(folder / "dev.tsv"))
    return folder / "model"


def test_a_model_trained_with_dev_keeps_its_gazetteer(trained_folder):
    assert (trained_folder / "gazetteer.json").exists()
    model = JointIntentSlotModel.from_pretrained(trained_folder)
    assert model.gazetteer.values["camping trip"] == {"list": 1.0}
    assert model.config.gazetteer_weight in (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0)
    # Where no list is asked for the tagger sees none; a heavy enough prior overrules it.
    model.config.gazetteer_weight = 0.0
    assert "list" not in Parser(model).parse("hello camping trip").slots
    model.config.gazetteer_weight = 50.0
    assert Parser(model).parse("hello camping trip").slots["list"].text == "camping trip"


def test_one_reading_decodes_under_each_weight(trained_folder):
    """Fitting the weight reads dev once and decodes it under each weight."""
    model = JointIntentSlotModel.from_pretrained(trained_folder)
    parser = Parser(model)
    readings = parser.read_words([["hello", "camping", "trip"], ["!"]])
    model.config.gazetteer_weight = 0.0
    plain = parser.decode(readings)
    model.config.gazetteer_weight = 50.0
    steered = parser.decode(readings)
    assert "list" not in plain[0].slots and steered[0].slots["list"].text == "camping trip"
    assert steered[0] == parser.parse_words([["hello", "camping", "trip"]])[0]
    assert plain[1].intent == steered[1].intent == "out_of_scope"  # nothing to read


def test_models_saved_without_a_gazetteer_still_load(trained_folder, tmp_path):
    model = JointIntentSlotModel.from_pretrained(trained_folder)
    model.save_pretrained(tmp_path)
    model.gazetteer = None
    model.save_pretrained(tmp_path)  # over a folder that had one
    reloaded = JointIntentSlotModel.from_pretrained(tmp_path)
    assert reloaded.gazetteer is None
    assert Parser(reloaded).parse("add soap to the camping trip list").intent == "list.add"
