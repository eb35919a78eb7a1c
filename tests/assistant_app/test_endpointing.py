"""Semantic endpointing: a whole request ends at a short pause, an unfinished one waits."""
import threading

import numpy as np
import pytest
import soundfile as sf

from asr import load_audio
from assistant_app.audio_input import SAMPLE_RATE, FileSource
from assistant_app.bench_e2e import speech_end
from assistant_app.dialogue.completeness import sounds_complete
from assistant_app.listening import listen
from assistant_app.speech_input import SpeechInput

from .test_speech_input import _speak, recognizer  # noqa: F401 - a fixture


@pytest.mark.parametrize("text", ["what time is it", "set a timer for ten minutes", "tell me a joke",
                                  "remind me to call mom at five pm", "set an alarm for six thirty",
                                  "wake me up at half past six",
                                  "add milk to my shopping list"])
def test_whole_requests_may_end_at_a_short_pause(parser, text):
    assert sounds_complete(parser.parse(text))


@pytest.mark.parametrize("text", [
    "set a timer for ten",  # the duration is not finished
    "remind me to call mom",  # when?
    "set an alarm for six",  # "six ... thirty"
    "remind me to call mom at 5",  # "5 ... pm"
    "take a note buy bread",  # dictation may go on
    "add milk",  # the item may be "milk and eggs"
    "what's the weather like on mars",  # out of scope: wait for the long pause
    "",
])
def test_unfinished_or_open_requests_wait(parser, text):
    assert not sounds_complete(parser.parse(text))


def test_after_a_yes_no_question_a_yes_is_whole(parser):
    assert sounds_complete(parser.parse("yes"), awaiting="confirm")
    assert not sounds_complete(parser.parse("what time is it"), awaiting="confirm")
    assert not sounds_complete(parser.parse("ten minutes"), awaiting="duration")


class CountingSource(FileSource):
    """A file as fast as it can be read, counting the samples listening took."""

    taken = 0

    def read(self, timeout=None):
        chunk = super().read(timeout)
        self.taken += 0 if chunk is None else len(chunk)
        return chunk


def _stopped_after(path, recognizer, is_complete):  # noqa: F811
    """Seconds of audio after the end of speech that listening took before it let go."""
    source = CountingSource(path, realtime=False, tail_seconds=3.0)
    source.start()
    transcript = listen(source, recognizer, threading.Event(), lambda _p: None, lambda _l: None,
                        is_complete=is_complete)
    return (source.taken - speech_end(load_audio(path))) / SAMPLE_RATE, transcript


def test_listening_ends_sooner_after_a_whole_request(assistant, recognizer, tmp_path):  # noqa: F811
    _speak("set a timer for ten minutes", tmp_path / "t.wav")
    sf.write(tmp_path / "t16.wav", load_audio(tmp_path / "t.wav"), 16000)
    speech = SpeechInput(assistant, recognizer)
    quick, transcript = _stopped_after(tmp_path / "t16.wav", recognizer, speech.sounds_complete)
    slow, same = _stopped_after(tmp_path / "t16.wav", recognizer, None)
    assert quick < 0.4 and slow > 0.6, (quick, slow)  # the short pause, and the endpointer's long one
    assert transcript.text == same.text and "timer" in transcript.text
    # Judged on the very words of the turn: they are parsed once.
    assert assistant.handle_text(transcript.text).interpretation.intent == "timer.set"


def test_an_unfinished_request_waits_for_the_long_pause(assistant, recognizer, tmp_path):  # noqa: F811
    _speak("remind me to call mom", tmp_path / "r.wav")
    sf.write(tmp_path / "r16.wav", load_audio(tmp_path / "r.wav"), 16000)
    speech = SpeechInput(assistant, recognizer)
    waited, _ = _stopped_after(tmp_path / "r16.wav", recognizer, speech.sounds_complete)
    assert waited > 0.6


def test_a_preview_is_the_final_transcript_when_nothing_follows(recognizer):  # noqa: F811
    rng = np.random.default_rng(1)
    session = recognizer.stream()
    session.feed((0.01 * rng.standard_normal(16000)).astype(np.float32))
    preview = session.preview_final()
    assert session.finish() is preview
