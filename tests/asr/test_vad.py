"""Endpointing: listening stops when the user stops talking, or when nobody talks."""
import numpy as np
import pytest

from asr.vad import SEGMENT_PAD_SECONDS, Endpointer, EndpointerOptions, speech_segments

from .conftest import speak


def _feed(endpointer, audio, chunk=1600):
    states = []
    for start in range(0, len(audio), chunk):
        states.append(endpointer.feed(audio[start:start + chunk]))
        if states[-1].ended:
            break
    return states


def test_listening_ends_after_the_user_stops_talking(tmp_path):
    speech, rate = speak("set a timer for ten minutes", tmp_path / "s.wav")
    assert rate in (16000, 22050)
    from asr.audio import load_audio

    speech = load_audio(tmp_path / "s.wav")
    audio = np.concatenate([np.zeros(8000, np.float32), speech, np.zeros(48000, np.float32)])
    states = _feed(Endpointer(EndpointerOptions(end_silence_seconds=0.6)), audio)
    assert any(s.speaking for s in states)
    assert states[-1].ended and states[-1].heard_speech
    ended_at = len(states) * 0.1
    last_sound = int(np.flatnonzero(np.abs(speech) > 0.02)[-1])
    speech_end = (8000 + last_sound) / 16000
    assert speech_end + 0.5 < ended_at < speech_end + 1.3


def test_silence_and_noise_time_out_without_speech():
    rng = np.random.default_rng(0)
    for audio in (np.zeros(16000 * 4, np.float32), (0.05 * rng.standard_normal(16000 * 4)).astype(np.float32)):
        states = _feed(Endpointer(EndpointerOptions(no_speech_timeout=3.0)), audio)
        assert states[-1].ended and not states[-1].heard_speech
        assert len(states) * 0.1 <= 3.2


def test_speech_segments_find_the_words_and_skip_the_quiet(tmp_path):
    from asr.audio import load_audio

    speak("what time is it", tmp_path / "a.wav")
    speech = load_audio(tmp_path / "a.wav")
    gap = np.zeros(32000, np.float32)
    segments = speech_segments(np.concatenate([gap, speech, gap, speech, gap]))
    assert len(segments) == 2
    assert abs(segments[0][0] + SEGMENT_PAD_SECONDS * 16000 - 32000) < 4000  # padded before the words
    assert speech_segments(np.zeros(16000, np.float32)) == []


def test_the_endpointers_judgement_finds_the_same_speech(tmp_path):
    """A live listener's frames cut the audio as the VAD itself does, without running it again."""
    from asr.audio import load_audio

    speak("what time is it", tmp_path / "a.wav")
    speech = load_audio(tmp_path / "a.wav")
    gap = np.zeros(20000, np.float32)
    audio = np.concatenate([gap, speech, gap, speech, gap[:5000]])  # ends mid-frame
    endpointer = Endpointer(EndpointerOptions(end_silence_seconds=5.0))
    _feed(endpointer, audio)
    assert len(endpointer.probabilities) == len(audio) // 512
    padded = np.concatenate([audio, np.zeros(3200, np.float32)])  # frames it never saw are quiet
    expected = speech_segments(padded)
    assert len(expected) == 2
    assert speech_segments(padded, probabilities=endpointer.probabilities) == expected


def test_the_vad_judges_each_frame_as_silero_s_own_wrapper_does(tmp_path):
    """The ONNX session is called directly, for speed; the probabilities must not move."""
    import warnings

    import torch
    from silero_vad import load_silero_vad

    from asr.audio import load_audio
    from asr.vad import FRAME, frame_probabilities

    speak("turn the volume down", tmp_path / "a.wav")
    audio = np.concatenate([np.zeros(4000, np.float32), load_audio(tmp_path / "a.wav")])  # ends mid-frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        silero = load_silero_vad(onnx=True)
    padded = np.concatenate([audio, np.zeros(-len(audio) % FRAME, np.float32)])
    theirs = [float(silero(torch.from_numpy(frame.copy()), 16000)) for frame in padded.reshape(-1, FRAME)]
    ours = frame_probabilities(audio)
    assert max(theirs) > 0.9 and min(theirs) < 0.1  # speech and silence both judged
    assert ours == pytest.approx(theirs, abs=1e-6)
