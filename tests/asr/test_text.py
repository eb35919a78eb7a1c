"""Transcript text: what the recognizer learns, and fair WER scoring."""
import pytest

from asr.evaluate import error_rates
from asr.lm import build_arpa
from asr.text import plain_spoken_form, scoring_form, spoken_form


@pytest.mark.parametrize("written, spoken", [
    ("Set a timer for 5 minutes.", "set a timer for five minutes"),
    ("wake me at 7:30 pm", "wake me at seven thirty p m"),
    ("It's 6:05", "it's six oh five"),
    ("the 22nd of May", "the twenty second of may"),
    ("3.5 km is 20% of it", "three point five kilometers is twenty percent of it"),
    ("I am 'fine'", "i am fine"),
    ("set volume to 12!", "set volume to twelve"),
    ("a 1,000 dollars", "a one thousand dollars"),
])
def test_spoken_form_says_numbers_and_symbols_as_words(written, spoken):
    assert spoken_form(written) == spoken


def test_scoring_treats_digits_and_number_words_alike():
    assert scoring_form("set a timer for 5 minutes") == scoring_form("set a timer for five minutes")
    assert error_rates(["timer for twenty five minutes"], ["timer for 25 minutes"])["wer"] == 0.0
    assert error_rates(["add milk to my list"], ["add silk to my list"])["wer"] == pytest.approx(0.2)


def test_an_accented_word_is_one_word_spelt_plainly():
    """A user's word or a scored word is not cut into fragments at its accented letters (it
    was: "d nde est el ba o")."""
    assert plain_spoken_form("Crème brûlée at the Café") == "creme brulee at the cafe"
    assert plain_spoken_form("Günaydın, Straße, Zoë") == "gunaydin strasse zoe"
    assert scoring_form("¿Dónde está el baño?") == ["donde", "esta", "el", "bano"]
    assert error_rates(["add jalapeños to my list"], ["add jalapenos to my list"])["wer"] == 0.0


def _read_arpa(text):
    probs, backoffs, order = {}, {}, None
    for line in text.splitlines():
        if line.endswith("-grams:"):
            order = int(line[1])
        elif order and "\t" in line:
            parts = line.split("\t")
            gram = tuple(parts[1].split())
            probs[gram] = 10 ** float(parts[0])
            if len(parts) > 2:
                backoffs[gram] = 10 ** float(parts[2])
    return probs, backoffs


SENTENCES = ["set a timer for ten minutes", "set an alarm for seven", "add milk to my shopping list",
             "add eggs to the list", "what time is it", "set a timer for five minutes"]


@pytest.mark.parametrize("background", [None, {"the": 0.05, "denver": 2e-5, "aqueduct": 1e-6}])
def test_language_model_is_a_proper_distribution_in_every_context(background):
    probs, backoffs = _read_arpa(build_arpa(SENTENCES, background=background))

    def p(word, history):
        if history + (word,) in probs:
            return probs[history + (word,)]
        if not history:
            return probs[("<unk>",)]
        return backoffs.get(history, 1.0) * p(word, history[1:])

    vocabulary = [g[0] for g in probs if len(g) == 1 and g[0] != "<s>"]
    for history in [(), ("<s>",), ("set", "a"), ("add",), ("zebra", "crossing")]:
        assert sum(p(w, history) for w in vocabulary) == pytest.approx(1.0, abs=1e-4)
    assert p("timer", ("set", "a")) > p("alarm", ("set", "a"))


def test_common_words_the_sentences_lack_are_possible_by_their_frequency():
    probs, _ = _read_arpa(build_arpa(SENTENCES, background={"the": 0.05, "denver": 2e-5, "aqueduct": 1e-6}))
    assert probs[("denver",)] > probs[("aqueduct",)] > 0
    assert probs[("timer",)] > probs[("denver",)]  # the assistant's own words stay the likely ones
