"""The traced forward pass the assistant parses with: the eager model's answers, any length."""
from pathlib import Path

import pytest

from nlu import Parser
from nlu import traced
from nlu.data import read_examples
from nlu.evaluate import predict, score

ROOT = Path(__file__).resolve().parents[2]
LONG = ("remind me to call the dentist about moving my appointment from thursday morning to "
        "friday afternoon because I will be travelling for work and cannot make it " * 4)


@pytest.fixture(scope="module")
def eager_parser(parser):
    return Parser(parser.model, traced=False)


@pytest.fixture(scope="module")
def held_out():
    return read_examples(ROOT / "resources/data/nlu/test")


def answers(interpretations):
    return [(r.intent, {name: slot.value for name, slot in r.slots.items()}) for r in interpretations]


def test_the_shipped_parser_runs_traced_float(parser, eager_parser):
    assert parser.weights == "float32" and eager_parser.weights == "float32 eager"


def test_traced_parsing_gives_the_eager_answers_on_held_out_data(parser, eager_parser, held_out):
    assert answers(predict(parser, held_out)) == answers(predict(eager_parser, held_out))


def test_int8_scores_within_a_point_of_float_on_held_out_data(parser):
    """On all 1,114 held-out lines: test/ alone (508) moves by a point or more with the CPU's
    int8 kernels (slot F1 1.0 points lower on one machine, 1.2 on another)."""
    fast = Parser(parser.model, int8=True)
    assert fast.weights == "int8"
    held_out = [example for split in ("test", "dev", "blind")
                for example in read_examples(ROOT / "resources/data/nlu" / split)]
    quick, exact = (score(held_out, predict(p, held_out)) for p in (fast, parser))
    assert abs(quick["intent_accuracy"] - exact["intent_accuracy"]) <= 0.01
    assert abs(quick["slot_f1"] - exact["slot_f1"]) <= 0.01


@pytest.mark.parametrize("text", ["hi", "set a timer for ten minutes", LONG])
def test_traced_parsing_handles_lengths_it_was_not_traced_with(parser, eager_parser, text):
    assert answers([parser.parse(text)]) == answers([eager_parser.parse(text)])


def test_a_batch_of_mixed_lengths_matches_one_by_one(parser):
    texts = ["stop", "what's fifteen percent of eighty", "add oat milk and honey to my shopping list"]
    assert answers(parser.parse_batch(texts)) == answers([parser.parse(text) for text in texts])


def test_a_trace_that_disagrees_falls_back_to_the_eager_model(parser, monkeypatch):
    monkeypatch.setattr(traced, "TOLERANCE", -1.0)  # no trace can pass
    fallback = Parser(parser.model)
    assert fallback.weights == "float32 eager"
    assert fallback.parse("set a timer for ten minutes").intent == "timer.set"
