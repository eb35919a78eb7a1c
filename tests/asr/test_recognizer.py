"""The shipped recognizer on speech it never trained on, and on the audio people actually send."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from asr import AudioError
from asr.audio import load_audio, resample
from asr.evaluate import LM_WEIGHTS, RESCORE_WEIGHTS, WORD_SCORES, error_rates

from .conftest import ROOT, speak

COMMANDS = ["set a timer for ten minutes", "what's on my shopping list", "turn the volume up",
            "remind me to call mom tomorrow at six pm"]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """Each command spoken by a held-out voice, as 16 kHz float32."""
    folder = tmp_path_factory.mktemp("speech")
    clips = []
    for index, text in enumerate(COMMANDS):
        speak(text, folder / f"{index}.wav")
        clips.append(load_audio(folder / f"{index}.wav"))
    return clips


MAX_DRIFT = {"8 kHz phone line": 0.35, "48 kHz stereo": 0.1, "very quiet": 0.25, "clipped": 0.45,
             "16-bit integers": 0.05}
"""Character error rate between the transcripts of the awkward and the clean audio (the shipped
model measures 0.07 for very quiet and 0.17 for hard-clipped speech: room to improve)."""


def _wer(recognizer, clips, transform=lambda a: (a, 16000)):
    hypotheses = [recognizer.transcribe(*transform(clip)).text for clip in clips]
    return error_rates(COMMANDS, hypotheses)["wer"], hypotheses


def test_commands_in_a_voice_it_never_heard(recognizer, spoken):
    wer, hypotheses = _wer(recognizer, spoken)
    assert wer <= 0.3, hypotheses  # the shipped model: 0.0 here (README: 0.20-0.44 per held-out voice)


def test_a_final_transcript_offers_other_readings_best_first(recognizer, spoken):
    """The beam search's runners-up, for a parser to weigh: distinct texts, each scored below
    the best reading, in order; a streaming session's final transcript has them too. (Clear
    speech has few: the search drops readings 15 below the best, `BeamOptions.beam_threshold`.)"""
    transcript = recognizer.transcribe(spoken[0])
    texts = [text for text, _ in transcript.alternatives]
    scores = [score for _, score in transcript.alternatives]
    assert texts and len(set(texts)) == len(texts) and transcript.text not in texts
    assert all(score <= 0 for score in scores) and scores == sorted(scores, reverse=True)
    session = recognizer.stream()
    session.feed(spoken[0])
    assert session.finish().alternatives
    assert recognizer.transcribe(np.zeros(16000, np.float32)).alternatives == ()


@pytest.mark.parametrize("name, transform", [
    ("8 kHz phone line", lambda a: (resample(a, 16000, 8000), 8000)),
    ("48 kHz stereo", lambda a: (np.stack([resample(a, 16000, 48000)] * 2, axis=1), 48000)),
    ("very quiet", lambda a: (a * 0.01, 16000)),
    ("clipped", lambda a: (np.clip(a * 8, -0.5, 0.5), 16000)),
    ("16-bit integers", lambda a: ((a * 32767).astype(np.int16), 16000)),
])
def test_awkward_audio_is_heard_as_the_clean_audio_is(recognizer, spoken, name, transform):
    """Rate, channels, level, clipping and sample format change little of what is heard."""
    _, clean = _wer(recognizer, spoken)
    _, awkward = _wer(recognizer, spoken, transform)
    assert error_rates(clean, awkward)["cer"] <= MAX_DRIFT[name], (name, clean, awkward)


def test_silence_and_noise_give_no_command(recognizer):
    rng = np.random.default_rng(1)
    silence = np.zeros(16000 * 3, np.float32)
    white = (0.1 * rng.standard_normal(16000 * 3)).astype(np.float32)
    hum = (0.2 * np.sin(2 * np.pi * 50 * np.arange(16000 * 3) / 16000)).astype(np.float32)
    assert recognizer.transcribe(silence).text == ""
    assert recognizer.transcribe(np.zeros(0, np.float32)).text == ""
    for noise in (white, hum):
        transcript = recognizer.transcribe(noise)
        assert transcript.text == "" or transcript.confidence < 0.5, transcript


def test_a_click_or_a_stray_tail_is_decoded_not_crashed_on(recognizer):
    """A few milliseconds of sound (a click, the first chunk of a stream), and audio whose last
    window holds only a few samples, reach the encoder as too few frames to subsample."""
    rng = np.random.default_rng(2)
    for samples in (1, 80, 400):
        click = (0.3 * rng.standard_normal(samples)).astype(np.float32)
        assert recognizer.decode(click).text == ""
        assert recognizer.decode(click, final=False).text == ""
    window = recognizer.acoustic.model.max_samples
    long_tail = (0.01 * rng.standard_normal(window + 50)).astype(np.float32)
    assert len(recognizer.acoustic.log_probs(long_tail)) > 1


def test_invalid_samples_are_refused(recognizer):
    with pytest.raises(AudioError):
        recognizer.transcribe(np.array([0.0, np.nan, 0.1], np.float32))


def test_streaming_shows_growing_partials_then_the_final_text(recognizer, spoken):
    session = recognizer.stream()
    audio = np.concatenate([spoken[0], np.zeros(8000, np.float32)])
    partials = [p for start in range(0, len(audio), 1600)
                if (p := session.feed(audio[start:start + 1600])) is not None]
    final = session.finish()
    assert partials and not any(p.is_final for p in partials)
    assert len(partials[-1].text) >= len(partials[0].text)
    assert final.is_final and final.text == recognizer.transcribe(audio).text
    assert "timer" in final.text


def _spelled(text, tokens, elsewhere=-8.0):
    """CTC log-probabilities that spell `text` clearly: each letter twice, then a blank; every
    other unit at `elsewhere`."""
    import torch

    frames = []
    for char in text.replace(" ", "|"):
        frames += [tokens.index(char)] * 2 + [0]
    log_probs = torch.full((len(frames), len(tokens)), elsewhere)
    log_probs[torch.arange(len(frames)), torch.tensor(frames)] = -0.01
    return log_probs


def test_user_words_become_recognisable_after_set_context(recognizer):
    from asr.decoding import LexiconDecoder

    word = "kombucha"
    assert word not in recognizer.vocabulary_words
    emissions = _spelled(f"add {word} to my shopping list", recognizer.acoustic.vocabulary.tokens)
    plain = LexiconDecoder(recognizer.acoustic.vocabulary, recognizer.sentences)
    assert word not in plain.decode(emissions).text.split()  # not a word it knows: cannot come out
    recognizer.set_context([word, "oat milk", "Crème brûlée"])
    try:
        assert {word, "oat", "creme", "brulee"} <= recognizer.vocabulary_words  # accents: plain letters
        with recognizer._lock:
            biased = recognizer._decoder
        assert biased.decode(emissions).text == f"add {word} to my shopping list"
    finally:
        recognizer.set_context([])
    assert word not in recognizer.vocabulary_words


def test_the_last_word_is_kept_though_no_separator_follows_it(recognizer):
    from asr.decoding import LexiconDecoder

    # as the model emits an utterance: separators between words, none after the last, and so
    # sure of itself that a separator anywhere else is out of the question
    command = "bring the volume up"
    emissions = _spelled(command, recognizer.acoustic.vocabulary.tokens, elsewhere=-40.0)
    decoder = LexiconDecoder(recognizer.acoustic.vocabulary, recognizer.sentences)
    assert decoder.decode(emissions).text == command


def test_common_english_words_are_spellable_beyond_the_assistant_sentences(recognizer):
    from asr.decoding import LexiconDecoder

    emissions = _spelled("play jazz from denver", recognizer.acoustic.vocabulary.tokens)
    vocabulary, sentences = recognizer.acoustic.vocabulary, recognizer.sentences
    assert "denver" not in LexiconDecoder(vocabulary, sentences).decode(emissions).text
    wider = LexiconDecoder(vocabulary, sentences, background={"denver": 2e-5, "the": 0.05})
    assert wider.decode(emissions).text == "play jazz from denver"
    assert {"denver", "giggle", "research"} <= recognizer.vocabulary_words  # the shipped model's words.tsv


def test_long_recordings_are_transcribed_piece_by_piece(recognizer, spoken, tmp_path):
    gap = np.zeros(16000, np.float32)
    minute = np.concatenate([np.concatenate([clip, gap]) for clip in spoken] * 4)
    path = tmp_path / "long.flac"
    sf.write(path, np.tile(minute, 2), 16000)
    transcript = recognizer.transcribe(path)
    assert transcript.audio_seconds > 60
    assert transcript.text.count("timer") >= 6


def test_command_line_transcribe_and_evaluate(spoken, tmp_path):
    sf.write(tmp_path / "a.wav", spoken[0], 16000)
    (tmp_path / "broken.wav").write_bytes(b"not audio at all")
    (tmp_path / "m.tsv").write_text(f"a.wav\t{COMMANDS[0]}\n")
    run = subprocess.run([sys.executable, "-m", "asr", "transcribe", "--json", str(tmp_path / "a.wav"),
                          str(tmp_path / "broken.wav")], check=False, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and "broken.wav" in run.stderr
    result = json.loads(run.stdout.splitlines()[0])
    assert set(result) >= {"file", "text", "seconds", "rtf"} and "timer" in result["text"]
    assert result["alternatives"] and all(a["score"] <= 0 for a in result["alternatives"])
    run = subprocess.run([sys.executable, "-m", "asr", "evaluate", "--manifest", str(tmp_path / "m.tsv")],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    report = json.loads(run.stdout)
    assert report["n"] == 1 and report["wer"] <= 0.2 and "cer" in report and "rtf" in report


def test_tune_picks_decoder_settings_and_writes_them_into_the_model_folder(spoken, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(ROOT / "resources" / "models" / "asr", model)
    (model / "decoder.json").unlink()
    folder = tmp_path / "speech"
    folder.mkdir()
    for index, clip in enumerate(spoken):
        sf.write(folder / f"{index}.wav", clip, 16000)
    manifest = folder / "manifest.tsv"
    manifest.write_text("".join(f"{i}.wav\t{text}\n" for i, text in enumerate(COMMANDS)), encoding="utf-8")
    tune = subprocess.run([sys.executable, "-m", "asr", "tune", "--model", str(model), "--manifest", str(manifest)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert tune.returncode == 0, tune.stderr[-2000:]
    settings = json.loads((model / "decoder.json").read_text())
    assert settings["lm_weight"] in LM_WEIGHTS and settings["word_score"] in WORD_SCORES
    assert settings["rescore_weight"] in RESCORE_WEIGHTS  # the second pass's, tuned with them
    best = json.loads(tune.stdout.splitlines()[0])
    assert best["wer"] <= 0.3


def test_new_search_settings_reuse_the_language_model(recognizer):
    from asr.decoding import BeamOptions, LexiconDecoder

    emissions = _spelled("add tea to my shopping list", recognizer.acoustic.vocabulary.tokens)
    vocabulary, sentences = recognizer.acoustic.vocabulary, recognizer.sentences
    narrow = BeamOptions(beam_size=4, lm_weight=2.0, word_score=-1.0)
    fresh = LexiconDecoder(vocabulary, sentences, options=narrow)
    reused = LexiconDecoder(vocabulary, sentences).with_options(narrow)
    assert reused.options == narrow and reused.words == fresh.words
    assert reused.decode(emissions) == fresh.decode(emissions)


def test_a_session_ends_on_the_same_words_with_the_endpointers_frames(recognizer, spoken):
    from asr import Endpointer

    audio = np.concatenate([np.zeros(8000, np.float32), spoken[0], np.zeros(12000, np.float32)])
    endpointer, session, again = Endpointer(), recognizer.stream(), recognizer.stream()
    for start in range(0, len(audio), 1600):
        endpointer.feed(audio[start:start + 1600])
        session.feed(audio[start:start + 1600])
        again.feed(audio[start:start + 1600])
    reused, fresh = session.finish(endpointer.probabilities), again.finish()
    assert "timer" in reused.text
    assert (reused.text, reused.alternatives) == (fresh.text, fresh.alternatives)
