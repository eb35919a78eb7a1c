"""Spoken turns through the engine, with the recognizer biased toward the user's own words."""
import subprocess

import numpy as np
import pytest
import soundfile as sf

from asr import Recognizer

from ..conftest import ROOT


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer.from_pretrained(ROOT / "resources/models/asr")


def _speak(text, path):
    subprocess.run(["espeak-ng", "-v", "en-us+Mario", "-s", "150", "-w", str(path), text], check=True)
    audio, rate = sf.read(path, dtype="float32")
    return audio, rate


def test_a_spoken_command_is_acted_on(assistant, recognizer, tmp_path):
    from assistant_app.speech_input import SpeechInput

    speech = SpeechInput(assistant, recognizer)
    turn = speech.handle_audio(*_speak("set a timer for ten minutes", tmp_path / "t.wav"))
    assert "timer" in turn.transcript.text
    assert turn.response.interpretation.intent == "timer.set"
    assert [a["type"] for a in turn.response.actions] == ["timer.started"]


def test_silence_is_not_a_turn(assistant, recognizer):
    from assistant_app.speech_input import SpeechInput

    turn = SpeechInput(assistant, recognizer).handle_audio(np.zeros(32000, np.float32))
    assert turn.response is None and turn.transcript.text == ""
    assert assistant.store.history() == []


def test_list_items_the_user_typed_become_words_it_can_hear(assistant, recognizer):
    from assistant_app.speech_input import SpeechInput, user_phrases

    speech = SpeechInput(assistant, recognizer)
    assert "kombucha" not in recognizer.vocabulary_words
    assistant.handle_text("add kombucha to my shopping list")
    assert "kombucha" in user_phrases(assistant)
    speech.refresh_context(wait=True)
    assert "kombucha" in recognizer.vocabulary_words  # decoding with it: tests/asr/test_recognizer.py
    assistant.handle_text("remove kombucha from my shopping list")
    speech.refresh_context(wait=True)
    assert "kombucha" not in recognizer.vocabulary_words


def test_a_near_miss_is_read_as_the_request_that_makes_sense(assistant, recognizer):
    """Readings the beam search scored a little lower are weighed by the parser: the clear
    request wins over the best-scoring garble, and the turn acts on it."""
    from asr import Transcript
    from assistant_app.speech_input import SpeechInput

    speech = SpeechInput(assistant, recognizer)
    heard = Transcript("pours the music", True, 0.6, alternatives=(("pause the music", -1.6),))
    turn = speech.handle_transcript(heard)
    assert turn.transcript.text == "pause the music" and turn.transcript.alternatives == ()
    assert turn.response.interpretation.intent == "media.pause"


def test_each_reading_is_parsed_once_and_only_for_a_moment(assistant, recognizer, monkeypatch):
    """The reading chosen among the alternatives makes the turn without a second parse; a
    parse is not reused later, since it reads dates and times against the clock."""
    from asr import Transcript
    from assistant_app import engine
    from assistant_app.speech_input import SpeechInput

    speech = SpeechInput(assistant, recognizer)
    parsed: list[str] = []
    parse_batch = speech.parser.parse_batch
    monkeypatch.setattr(speech.parser, "parse_batch",
                        lambda texts, now=None: parsed.extend(texts) or parse_batch(texts, now))
    heard = Transcript("our it please", True, 0.6, alternatives=(("lower it please", -1.6),))
    speech.sounds_complete(heard)  # judged at a pause, then taken as the turn
    assert speech.handle_transcript(heard).response.interpretation.intent == "volume.down"
    assert sorted(parsed) == ["lower it please", "our it please"]
    later = engine.monotonic() + engine.PARSE_REUSE_SECONDS + 1
    monkeypatch.setattr(engine, "monotonic", lambda: later)
    assistant.parse("lower it please", speech.parser)
    assert parsed.count("lower it please") == 2


def test_a_misheard_question_is_read_by_the_model_that_learned_from_speech(assistant, recognizer):
    """"Time remaining on the laundry timer?", heard as "timer man on the andy timer": the typed
    model reads a new timer into it; the model trained also on what the recognizer hears asks,
    and no second timer starts. Typed turns still go to the typed model."""
    from asr import Transcript
    from assistant_app.speech_input import SpeechInput

    assistant.handle_text("set a laundry timer for 40 minutes")
    speech = SpeechInput(assistant, recognizer)
    assert speech.parser is assistant.speech_parser is not assistant.parser
    turn = speech.handle_transcript(Transcript("timer man on the andy timer", True, 0.8))
    assert turn.response.interpretation.intent == "timer.query"
    assert len(assistant.store.active_events("timer")) == 1
    assert assistant.parse("timer man on the andy timer").intent != "timer.query"  # typed reading


def test_the_heard_words_stay_if_a_rival_is_far_behind_or_means_the_same(assistant, recognizer):
    from asr import Transcript
    from assistant_app.speech_input import choose_reading

    far = Transcript("our it please", True, 0.6, alternatives=(("lower it please", -200.0),))
    assert choose_reading(far, assistant.parser.parse_batch).text == "our it please"
    # the same request either way: the acoustics choose the words, so the time stays seven
    # (the parser is surer of "wake me at eleven", and would pick it)
    same = Transcript("make me at seven", True, 0.9, alternatives=(("wake me at eleven", -0.5),))
    assert choose_reading(same, assistant.parser.parse_batch).text == "make me at seven"
