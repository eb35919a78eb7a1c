"""The NLU's training lines as the recognizer hears them: `python -m asr hear`.

The parser learns from typed text, but a spoken request reaches it through the recognizer's
mistakes ("add to hen to the grocery list"). Each training line is spoken by a training
voice (half of them through the acoustic training's distortions), transcribed by the shipped
acoustic model with a language model that never saw the line (the lines are split in two
halves, each decoded with an LM built without it, as a new phrasing would be), and written
back as markup: the line's intent, and its slot labels carried over to the words heard by
aligning them with the words said. The recognizer's next readings are written too, as lines of
their own: the words it confuses, once more with the right intent. `python -m nlu train
--heard` trains on these as they are."""
from __future__ import annotations

import hashlib
import logging
import random
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .audio import load_audio
from .augment import augment_waveform
from .text import edit_distance, spoken_form
from .voices import VoiceSpec, training_voices

log = logging.getLogger(__name__)

Row = tuple[str, str, list[tuple[int, int, str]]]
"""(intent, plain text, character spans), as `nlu.data.read_markup_lines` gives them."""
DISTORTED_SHARE = 0.5
"""Share of the lines heard through a random room, noise and band limit (`augment_waveform`)."""
DISTORTION_STRENGTH = 0.7
FOLDS = 2
RUNNERS_UP = 2
"""How many of the recognizer's next distinct readings of each line are written as well."""
RUNNERS_UP_FILE = "runners_up.tsv"
"""Beside the heard lines: those next readings, as lines of their own."""


def spoken_words(text: str, spans: Sequence[tuple[int, int, str]]) -> tuple[list[str], list[str]]:
    """The words a voice says for a markup line (numbers as words), each with its BIO tag."""
    words, tags, position = [], [], 0
    for start, end, slot in sorted(spans):
        said = spoken_form(text[position:start]).split()
        words += said
        tags += ["O"] * len(said)
        value = spoken_form(text[start:end]).split()
        words += value
        tags += [("B-" if i == 0 else "I-") + slot for i in range(len(value))]
        position = end
    rest = spoken_form(text[position:]).split()
    return words + rest, tags + ["O"] * len(rest)


def _substitution_cost(said: str, heard: str) -> float:
    """0 for the same word, under 1 for a near miss ("groceries"/"grocery"), 1 for another word."""
    if said == heard:
        return 0.0
    return min(1.0, 0.5 + 0.5 * edit_distance(list(said), list(heard)) / max(len(said), len(heard)))


def carry_tags(said: Sequence[str], tags: Sequence[str], heard: Sequence[str]) -> list[str]:
    """BIO tags for the `heard` words: a heard word aligned with a said word (the same or a
    substitute) takes its slot; an inserted word takes the slot it lands inside, else O."""
    rows, cols = len(said) + 1, len(heard) + 1
    cost = [[0.0] * cols for _ in range(rows)]
    for i in range(1, rows):
        cost[i][0] = float(i)
    for j in range(1, cols):
        cost[0][j] = float(j)
    for i in range(1, rows):
        for j in range(1, cols):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + _substitution_cost(said[i - 1], heard[j - 1]))
    source: list[int | None] = [None] * len(heard)  # the said word each heard word stands for
    i, j = len(said), len(heard)
    while i and j:
        if cost[i][j] == cost[i - 1][j - 1] + _substitution_cost(said[i - 1], heard[j - 1]):
            source[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i][j - 1] + 1:
            j -= 1
        else:
            i -= 1
    slots = [tags[k][2:] if k is not None and tags[k] != "O" else "" for k in source]
    for j, k in enumerate(source):
        if k is None:  # inserted: inside a slot only when the words on both sides are in it
            before = next((slots[m] for m in range(j - 1, -1, -1) if source[m] is not None), "")
            after = next((slots[m] for m in range(j + 1, len(heard)) if source[m] is not None), "")
            slots[j] = before if before == after else ""
    result, previous = [], ""
    for j, slot in enumerate(slots):
        k = source[j]
        starts = k is not None and tags[k].startswith("B-") and (j == 0 or source[j - 1] != k)
        result.append("O" if not slot else ("B-" if starts or slot != previous else "I-") + slot)
        previous = slot
    return result


def markup_line(intent: str, words: Sequence[str], tags: Sequence[str]) -> str:
    """`intent<TAB>words with [span](slot)`, the layout `nlu.data.parse_markup_line` reads."""
    parts, index = [], 0
    while index < len(words):
        if tags[index] == "O":
            parts.append(words[index])
            index += 1
            continue
        slot, end = tags[index][2:], index + 1
        while end < len(words) and tags[end] == f"I-{slot}":
            end += 1
        parts.append(f"[{' '.join(words[index:end])}]({slot})")
        index = end
    return f"{intent}\t{' '.join(parts)}"


def fold_of(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % FOLDS


def leave_out_sentences(rows: Sequence[Row], fold: int) -> list[str]:
    """The decoder's sentences as `python -m asr prepare --lm-only` writes them, from every
    training line except those of `fold` (and their slot-substituted variants)."""
    from .prepare import COMMAND_VARIANTS, _general_sentences, _real_speech, command_texts, lm_sentences

    kept = [row for row in rows if fold_of(row[1]) != fold]
    texts = command_texts(kept, COMMAND_VARIANTS) + _general_sentences()
    real, _ = _real_speech()
    return lm_sentences(dict.fromkeys(s for s in map(spoken_form, texts) if s), real)


def _voice_for(text: str, seed: int, voices: Sequence[VoiceSpec], shares: dict[str, float]) -> VoiceSpec:
    rng = random.Random(f"heard|{seed}|{text}")
    engine = rng.choices(list(shares), weights=list(shares.values()))[0]
    return rng.choice([v for v in voices if v.engine == engine])


def runners_up(best: str, alternatives: Sequence[tuple[str, float]]) -> list[str]:
    """The recognizer's next `RUNNERS_UP` distinct readings after `best`."""
    others = dict.fromkeys(text for text, _ in alternatives if text.strip() and text != best)
    return list(others)[:RUNNERS_UP]


def hear(rows: Sequence[Row], seed: int = 0, workers: int = 2) -> tuple[list[str], list[str]]:
    """Markup lines of what the shipped recognizer hears for each row (rows it hears nothing
    for are left out), and of its runner-up readings (`runners_up`)."""
    import torch

    from .prepare import ENGINE_SHARE, _synthesize_all
    from .recognizer import Recognizer, second_pass

    said = [spoken_words(text, spans) for _, text, spans in rows]
    lines, runner_lines = [], []
    with tempfile.TemporaryDirectory() as folder:
        jobs: dict[VoiceSpec, list[tuple[str, Path]]] = defaultdict(list)
        paths = [Path(folder) / f"{index}.wav" for index in range(len(rows))]
        for (words, _), path in zip(said, paths):
            if words:  # festival cannot say nothing
                text = " ".join(words)
                jobs[_voice_for(text, seed, training_voices(), ENGINE_SHARE)].append((text, path))
        _synthesize_all(jobs, workers)
        torch.set_num_threads(max(1, workers))
        shipped = Recognizer.from_pretrained(beam=False)  # its acoustic model and decoder settings
        rescorer = second_pass(shipped.options)
        for fold in range(FOLDS):
            recognizer = Recognizer(shipped.acoustic, leave_out_sentences(rows, fold), options=shipped.options,
                                    background_words=shipped.background_words, rescorer=rescorer)
            for (intent, text, _), (words, tags), path in zip(rows, said, paths):
                if fold_of(text) != fold or not path.exists():
                    continue
                audio, rng = load_audio(path), random.Random(f"heard|{seed}|{text}")
                if rng.random() < DISTORTED_SHARE:
                    audio = augment_waveform(audio, rng, [], DISTORTION_STRENGTH)
                transcript = recognizer.transcribe(audio)
                if not transcript.text.split():
                    continue
                lines.append(heard_line(intent, words, tags, transcript.text))
                runner_lines += [heard_line(intent, words, tags, reading)
                                 for reading in runners_up(transcript.text, transcript.alternatives)]
            log.info("fold %d heard", fold)
    return lines, runner_lines


def heard_line(intent: str, said: Sequence[str], tags: Sequence[str], heard: str) -> str:
    """Markup of a `heard` reading of the `said` words, their slots carried over."""
    return markup_line(intent, heard.split(), carry_tags(said, tags, heard.split()))


def without_held_out(lines: Sequence[str], held_out: frozenset[str]) -> list[str]:
    """`lines` less those that came out the same as a `held_out` sentence (a mishearing can turn
    a training line into a test sentence: "pause the music please" -> "pause the music")."""
    from nlu.data import parse_markup_line

    return [line for line in lines if spoken_form(parse_markup_line(line)[1]) not in held_out]


def made_from(data: Path, model: Path) -> str:
    """A fingerprint of what the heard lines depend on: the training lines at `data` and the
    recognizer at `model` (acoustic weights, their config and the decoder settings). Lines
    written with another fingerprint are stale: `python -m asr hear` is due, and then the
    speech NLU model (resources/models/nlu/speech) is trained again."""
    from nlu.data import read_markup_lines

    digest = hashlib.sha256()
    for name in ("model.safetensors", "config.json", "decoder.json"):
        if (model / name).exists():
            digest.update(name.encode() + (model / name).read_bytes())
    for intent, text, spans in sorted(read_markup_lines(data)):
        digest.update(f"{intent}\t{text}\t{spans}\n".encode())
    return digest.hexdigest()[:16]


def write_heard(out: Path, data: Path, held_out: Sequence[Path] = (), seed: int = 0, workers: int = 2) -> int:
    """Write what the recognizer hears of every line of the markup at `data` into `out`, and its
    runner-up readings into `RUNNERS_UP_FILE` beside it, leaving out what came out the same as
    a line of the `held_out` markup."""
    from nlu.data import read_markup_lines

    from .prepare import held_out_sentences
    from .recognizer import model_dir

    rows = read_markup_lines(data)
    taken = held_out_sentences(held_out)
    lines, runner_lines = (without_held_out(found, taken) for found in hear(rows, seed, workers))
    fingerprint = f"# made from: {made_from(data, model_dir())}"
    _write_lines(out, lines, [
        "# The training lines as the shipped recognizer hears them: python -m asr hear",
        f"# ({len(lines)} of {len(rows)} lines; intent and slots carried over from the line said)",
        fingerprint])
    _write_lines(out.parent / RUNNERS_UP_FILE, runner_lines, [
        f"# The recognizer's next {RUNNERS_UP} readings of each training line: python -m asr hear",
        f"# ({len(runner_lines)} lines; intent and slots carried over from the line said)", fingerprint])
    return len(lines)


def _write_lines(path: Path, lines: Sequence[str], header: Sequence[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    partial.replace(path)  # whole or not at all
