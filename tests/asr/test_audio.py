"""Audio files of any rate, channel count and length; clear errors for unusable ones."""
import numpy as np
import pytest
import soundfile as sf

from asr.audio import AudioError, load_audio, read_blocks


def _tone(seconds, rate, channels=1):
    t = np.arange(int(seconds * rate)) / rate
    mono = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


@pytest.mark.parametrize("rate, channels, subtype, suffix", [
    (8000, 1, "PCM_16", ".wav"), (48000, 2, "PCM_24", ".wav"), (44100, 1, "FLOAT", ".wav"),
    (22050, 2, "PCM_16", ".flac"), (16000, 1, "PCM_16", ".ogg"),
])
def test_any_rate_and_channel_count_becomes_16k_mono(tmp_path, rate, channels, subtype, suffix):
    path = tmp_path / f"tone{suffix}"
    sf.write(path, _tone(1.5, rate, channels), rate, subtype=None if suffix == ".ogg" else subtype)
    audio = load_audio(path)
    assert audio.ndim == 1 and audio.dtype == np.float32
    assert len(audio) == pytest.approx(24000, abs=200)
    assert 0.15 < np.abs(audio).max() < 0.4


def test_long_files_are_read_in_bounded_blocks(tmp_path):
    path = tmp_path / "long.wav"
    with sf.SoundFile(path, "w", 8000, 1, "PCM_16") as out:
        for _ in range(10):  # 10 minutes, written a minute at a time
            out.write(_tone(60, 8000))
    sizes = [len(block) for block in read_blocks(path, seconds=30)]
    assert max(sizes) <= 30 * 16000 + 1
    assert sum(sizes) == pytest.approx(600 * 16000, abs=100)


def test_corrupt_missing_and_non_audio_files_give_clear_errors(tmp_path):
    garbage = tmp_path / "broken.wav"
    garbage.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage" * 10)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for path, message in [(garbage, "not an audio file"), (text, "not an audio file"),
                          (tmp_path / "missing.wav", "no such file")]:
        with pytest.raises(AudioError, match=message):
            load_audio(path)


def test_truncated_file_reads_what_is_there(tmp_path):
    path = tmp_path / "cut.wav"
    sf.write(path, _tone(2.0, 16000), 16000)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    audio = load_audio(path)
    assert 0 < len(audio) <= 16000
