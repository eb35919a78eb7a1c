"""`assistant bench`: latency figures, printed; targets live here, not in tests."""
from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "set a timer for ten minutes", "what time is it", "add oat milk to my shopping list",
    "remind me to water the plants in 20 minutes", "what's 15 percent of 80",
    "convert 5 kilometers to miles", "wake me up at 6:30 tomorrow", "tell me a joke",
    "how much battery is left", "what's on my shopping list", "cancel the pizza timer",
    "take a note the parking spot is b12", "what's the date next friday", "hello there",
    "does this work without internet",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
            "n": len(ordered)}


def bench_nlu(runs: int) -> dict:
    from nlu import Parser

    from .engine import Assistant

    parser = Parser.from_pretrained()
    for sentence in SENTENCES:  # warm-up
        parser.parse(sentence)
    parse_times = []
    for i in range(runs):
        started = time.perf_counter()
        parser.parse(SENTENCES[i % len(SENTENCES)])
        parse_times.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_DATA_HOME"] = str(Path(home) / "data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(home) / "config")
        with Assistant(parser=parser) as assistant:
            assistant.parse_reuse_seconds = 0.0  # every turn parses, as a new request does
            turn_times = []
            for i in range(runs):
                text = SENTENCES[i % len(SENTENCES)]
                started = time.perf_counter()
                assistant.handle_text(text)
                turn_times.append(time.perf_counter() - started)
                if assistant.state.pending:
                    assistant.handle_text("cancel")
    import torch

    return {"parse": percentiles(parse_times), "turn": percentiles(turn_times), "weights": parser.weights,
            "threads": torch.get_num_threads(), "cpus": os.cpu_count()}


REPLIES = [
    "Timer set for 10 minutes.", "Added milk to your shopping list.", "It's 7:30 PM.",
    "Alarm set for 6:30 AM tomorrow.", "5 kilometers is 3.11 miles.", "Battery is at 85 percent.",
    "Okay, I'll remind you to water the plants at 5 PM.", "Your pizza timer is done!",
    "Today is Sunday, November 29, 2026.", "Hello! What can I do for you?",
    "Sorry, I didn't get that. Could you say it again, or say cancel?",
    ("I can set timers, alarms and reminders, keep lists and notes, calculate, convert units, "
     "open apps, search the web, control music and volume, or check your battery."),
]
TTS_TARGETS = {"first_audio_p50_ms": 150, "rtf": 0.1}
"""On 2 CPU cores with the default (Piper) voice."""


def bench_tts(runs: int) -> dict:
    """Time to first audio of a one-sentence reply (uncached, and from the reply cache), and the
    real-time factor (synthesis seconds per audio second) over typical replies."""
    from tts import Synthesizer

    started = time.perf_counter()
    synthesizer = Synthesizer(cache_size=0)  # measure synthesis, not the cache
    voice = synthesizer.preload()
    load_s = time.perf_counter() - started
    first_audio = []
    for i in range(runs):
        started = time.perf_counter()
        next(synthesizer.stream(REPLIES[i % 3]))
        first_audio.append(time.perf_counter() - started)
    cached = Synthesizer()
    cached.speak(REPLIES[0])
    cached_times = []
    for _ in range(runs):
        started = time.perf_counter()
        next(cached.stream(REPLIES[0]))
        cached_times.append(time.perf_counter() - started)
    synthesis_s = audio_s = 0.0
    for reply in REPLIES:
        started = time.perf_counter()
        speech = synthesizer.speak(reply)
        synthesis_s += time.perf_counter() - started
        audio_s += speech.seconds
    return {"voice": voice, "load_s": round(load_s, 2), "first_audio": percentiles(first_audio),
            "first_audio_cached": percentiles(cached_times),
            "rtf": round(synthesis_s / audio_s, 4), "audio_s": round(audio_s, 1),
            "targets": TTS_TARGETS, "cpus": os.cpu_count()}


ASR_TARGETS = {"rtf": 0.05, "partial_latency_p50_ms": 300, "wer": 0.10, "intent_accuracy_from_speech": 0.90}


def _held_out_speech(sentences: list[str], folder: Path) -> list[Path]:
    """The sentences spoken by voices the recognizer never trained on, one voice each in turn."""
    import random

    from asr.voices import held_out_voices, in_turn, synthesize

    paths = [folder / f"{i}.wav" for i in range(len(sentences))]
    for v, (voice, chosen) in enumerate(in_turn(len(sentences), held_out_voices()).items()):
        synthesize(voice, [sentences[i] for i in chosen], [paths[i] for i in chosen], random.Random(v))
    return paths


def bench_asr(runs: int) -> dict:
    """Speed (real-time factor, partial-result latency) and accuracy on the NLU's held-out test
    commands spoken by held-out voices: WER; intent accuracy of the NLU on what was heard; and
    slot values and whole requests understood, from speech and from the typed text."""
    import numpy as np

    from asr import Recognizer, load_audio
    from asr.evaluate import error_rates
    from asr.voices import speakable
    from nlu import Parser
    from nlu.data import read_markup_lines
    from nlu.evaluate import score_values
    from nlu.parser import speech_model_dir

    from .speech_input import choose_reading

    before = _resident_mb()
    recognizer = Recognizer.from_pretrained()
    recognizer_mb = _resident_mb() - before  # acoustic model, lexicon and n-gram decoder
    typed_parser = Parser.from_pretrained()
    speech_parser = Parser.from_pretrained(speech_model_dir())  # what the assistant reads speech with
    rows = [row for row in read_markup_lines(_resources() / "data/nlu/test") if speakable(row[1])]
    rows = rows[:: max(1, len(rows) // runs)][:runs]  # (emoji-only lines cannot be spoken)
    with tempfile.TemporaryDirectory() as folder:
        clips = [load_audio(p) for p in _held_out_speech([text for _, text, _ in rows], Path(folder))]
    recognizer.transcribe(clips[0])  # warm-up
    now = dt.datetime.now()  # one moment for the parses and the gold values they are checked on
    heard, best_intents, readings, processing, audio_s = [], [], [], 0.0, 0.0
    for clip in clips:
        transcript = recognizer.transcribe(clip)
        heard.append(transcript.text)
        best = speech_parser.parse(transcript.text, now)
        best_intents.append(best.intent)
        parsed = {transcript.text: best}  # each reading parsed once, as the assistant does

        def parse_batch(texts: list[str]) -> list:
            parsed.update(zip(texts, speech_parser.parse_batch(texts, now)))
            return [parsed[text] for text in texts]

        readings.append(parsed[choose_reading(transcript, parse_batch, best).text])
        processing += transcript.processing_seconds
        audio_s += len(clip) / 16000
    partial_compute = []
    for clip in clips[:20]:
        session = recognizer.stream()
        for start in range(0, len(clip), 1600):
            started = time.perf_counter()
            if session.feed(clip[start:start + 1600]) is not None:
                partial_compute.append(time.perf_counter() - started)
        session.finish()
    from asr.streaming import PARTIAL_EVERY

    intents = [intent for intent, _, _ in rows]
    typed = typed_parser.parse_batch([text for _, text, _ in rows], now)
    from_text = np.mean([t.intent == i for t, i in zip(typed, intents)])
    from_best = np.mean([b == i for b, i in zip(best_intents, intents)])
    from_speech = np.mean([r.intent == i for r, i in zip(readings, intents)])
    compute = percentiles(partial_compute)
    return {"utterances": len(clips), "audio_s": round(audio_s, 1), "rtf": round(processing / audio_s, 4),
            "partial_compute": compute,
            "partial_latency_p50_ms": round(500 * PARTIAL_EVERY + compute["p50_ms"], 1),
            "partial_latency_max_ms": round(1000 * PARTIAL_EVERY + compute["p95_ms"], 1),
            **{k: round(v, 4) for k, v in error_rates([t for _, t, _ in rows], heard).items() if k != "n"},
            "intent_accuracy_from_text": round(float(from_text), 4),
            "intent_accuracy_from_speech": round(float(from_speech), 4),
            "intent_accuracy_from_best_reading": round(float(from_best), 4),
            "from_speech": score_values(rows, readings, now), "from_text": score_values(rows, typed, now),
            "recognizer_load_mb": round(recognizer_mb), "peak_resident_mb": round(_peak_resident_mb()),
            "targets": ASR_TARGETS, "cpus": os.cpu_count()}


def _resident_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_resident_mb() -> float:
    """The whole bench process's peak (both parsers and the voices that speak the clips too)."""
    import sys

    try:
        import resource
    except ImportError:  # Windows: no peak figure; the resident size now is the nearest
        return _resident_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB on Linux


def _resources() -> Path:
    from .paths import resources_dir

    return resources_dir()


DEFAULT_RUNS = {"nlu": 200, "tts": 100, "asr": 200, "e2e": 30}


def run_bench(what: str, runs: int | None = None) -> int:
    from .bench_e2e import bench_e2e

    benches = {"nlu": bench_nlu, "tts": bench_tts, "asr": bench_asr, "e2e": bench_e2e}
    if what not in benches:
        print(json.dumps({"error": f"there is no bench called {what}"}))
        return 2
    print(json.dumps({what: benches[what](runs or DEFAULT_RUNS[what])}, indent=2))
    return 0
