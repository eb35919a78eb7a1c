"""The first pass's score of a reading the beam search did not return (`LexiconDecoder.score`)."""
import itertools
import math

import numpy as np
import pytest

from asr.acoustic import Vocabulary
from asr.decoding import best_path_scores

TOKENS = ("-", "|", "a", "b")
VOCABULARY = Vocabulary(TOKENS, "-", "|", upper_case=False)
INDEX = {token: i for i, token in enumerate(TOKENS)}


def spellings(words: list[str]) -> set[str]:
    """What the lexicon's two spellings let the search emit for `words`: silence before, a
    separator or none between words, and the closing separator."""
    joins = list(itertools.product(["|", ""], repeat=len(words) - 1))
    return {start + "".join(w + j for w, j in zip(words, [*join, ""])) + "|"
            for start in ("", "|") for join in joins}


def brute_force(emissions: np.ndarray, words: list[str]) -> float:
    allowed, best = spellings(words), -math.inf
    for path in itertools.product(range(len(TOKENS)), repeat=len(emissions)):
        collapsed = [t for i, t in enumerate(path) if t != 0 and (i == 0 or t != path[i - 1])]
        if "".join(TOKENS[t] for t in collapsed) in allowed:
            best = max(best, float(sum(emissions[i, t] for i, t in enumerate(path))))
    return best


@pytest.mark.parametrize("words", [["a"], ["ab"], ["a", "b"], ["a", "a"], ["ba", "ab", "b"]])
def test_the_best_path_is_the_best_of_every_path_that_spells_the_words(words):
    """And a reading's first words score as they would alone."""
    generator = np.random.default_rng(len("".join(words)))
    for _ in range(3):
        emissions = np.log(generator.dirichlet(np.ones(len(TOKENS)), size=7))
        expected = [brute_force(emissions, words[:count]) for count in range(1, len(words) + 1)]
        assert best_path_scores(emissions, words, INDEX, VOCABULARY) == pytest.approx(expected)


def test_unspellable_words_and_too_few_frames_score_minus_infinity():
    emissions = np.log(np.full((3, len(TOKENS)), 0.25))
    assert best_path_scores(emissions, ["abc"], INDEX, VOCABULARY) == [-math.inf]
    assert best_path_scores(emissions, ["ab", "ab"], INDEX, VOCABULARY) == [pytest.approx(math.log(0.25) * 3), -math.inf]
    assert best_path_scores(emissions, [], INDEX, VOCABULARY) == []


def test_the_first_pass_scores_what_was_said_above_a_near_miss(recognizer, said_audio):
    from asr.text import spoken_spellings

    from .conftest import SAID

    log_probs = recognizer.acoustic.log_probs(said_audio)
    decoder = recognizer.search(recognizer.options)
    said, missed, nonsense, start = decoder.score(log_probs, [SAID, "set a time for tin minutes", "zebra", "set a"])
    assert said > missed > nonsense > -math.inf
    assert start == decoder.score(log_probs, ["set a"])[0]  # read off the longer reading's paths alike
    best = decoder.decode(log_probs)
    assert SAID in spoken_spellings(best.text)  # the search's own best, and the score it gave it
    readings = [best.text, *(text for text, _ in best.alternatives[:5])]
    scored = [max(decoder.score(log_probs, spoken_spellings(text))) for text in readings]
    assert scored[0] == max(scored)
