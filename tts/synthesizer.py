"""`Synthesizer`: reply text -> Speech, whole or sentence by sentence, with a neural voice."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .engines import Engine, load_engine
from .normalize import normalize
from .text import split_sentences
from .types import Speech, SynthesisOptions, VoiceError, VoiceInfo
from .voices import DEFAULT_VOICE, ESPEAK, ESPEAK_DEFAULT, espeak_voice, find_voice, list_voices

log = logging.getLogger(__name__)

CACHE_MAX_CHARS = 160
"""Only sentences up to this long are cached: frequent replies are short."""


class Synthesizer:
    """Speaks text with the chosen voice; loads voices lazily and keeps them loaded.

    Thread-safe: one synthesizer can serve several threads.
    """

    def __init__(self, options: SynthesisOptions | None = None, *, voices_dir: Path | None = None,
                 cache_size: int = 64) -> None:
        self.options = options or SynthesisOptions()
        self.voices_dir = voices_dir
        self.cache_size = cache_size
        self._engines: dict[str, Engine] = {}
        self._cache: OrderedDict[tuple[str, float, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._cache_lock = threading.Lock()

    def voices(self) -> list[VoiceInfo]:
        return list_voices(self.voices_dir)

    def preload(self, voice: str | None = None) -> str:
        """Load a voice and run it once (the first run is slow); returns the voice actually used."""
        engine = self._engine(self.options.voice if voice is None else voice)
        engine.synthesize("Ready.", 1.0)
        return engine.name

    def speak(self, text: str, options: SynthesisOptions | None = None) -> Speech:
        """The whole reply as one Speech; empty audio when there is nothing to say."""
        options = options or self.options
        engine = self._engine(options.voice)
        # Both engines end a sentence with ~0.2 s of silence: plain concatenation sounds right.
        sentences = list(self.stream(text, options))
        audio = (np.concatenate([s.audio for s in sentences]) if sentences
                 else np.zeros(0, np.float32))
        return Speech(audio, engine.sample_rate, " ".join(s.text for s in sentences), engine.name)

    def stream(self, text: str, options: SynthesisOptions | None = None) -> Iterator[Speech]:
        """One Speech per sentence, each yielded as soon as it is ready (the first before the rest
        is synthesised). A sentence the voice fails on is logged and skipped."""
        options = options or self.options
        engine = self._engine(options.voice)
        rate = min(4.0, max(0.25, float(options.rate)))
        for sentence in split_sentences(normalize(text, engine.language)):
            try:
                audio = self._sentence(engine, sentence, rate)
            except Exception as error:  # noqa: BLE001 - a voice must not take the whole reply down
                log.warning("voice %s could not say %r: %s", engine.name, sentence[:60], error)
                continue
            if options.volume != 1.0:
                audio = np.clip(audio * options.volume, -1.0, 1.0)
            yield Speech(audio, engine.sample_rate, sentence, engine.name)

    def _sentence(self, engine: Engine, sentence: str, rate: float) -> np.ndarray:
        """LRU-cached synthesis: "Timer set for ten minutes." is said often."""
        key = (engine.name, rate, sentence)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        audio = engine.synthesize(sentence, rate)
        audio.setflags(write=False)  # shared by every caller that gets it from the cache
        if len(sentence) <= CACHE_MAX_CHARS and self.cache_size > 0:
            with self._cache_lock:
                self._cache[key] = audio
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return audio

    def _engine(self, name: str) -> Engine:
        name = name.strip() or DEFAULT_VOICE
        with self._lock:  # loading takes ~1 s: never twice for one voice
            if name not in self._engines:
                self._engines[name] = self._load(name)
            return self._engines[name]

    def _load(self, name: str) -> Engine:
        """The voice, else the default voice, else espeak-ng; each step down is logged."""
        info = find_voice(name, self.voices_dir)
        if info is None:
            log.warning("there is no voice called %r; using the %s voice", name, DEFAULT_VOICE)
            info = find_voice(DEFAULT_VOICE)
        assert info is not None
        try:
            return load_engine(info)
        except VoiceError as error:
            if info.engine == "espeak":
                raise
            log.warning("the %s voice could not be loaded (%s); speaking with espeak-ng instead",
                        info.name, error)
        same = info.language in ("", ESPEAK_DEFAULT)
        fallback = espeak_voice(ESPEAK if same else f"{ESPEAK}:{info.language}")
        try:
            return load_engine(fallback)
        except VoiceError as error:
            raise VoiceError(f"No voice could be loaded: {info.name} failed and {error}") from error
