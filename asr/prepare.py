"""Training speech, made from nothing: `python -m asr prepare --out runs/asr-data`.

Stages (each resumable: finished files are kept and skipped):
1. sentences: the assistant's training commands (and slot-substituted variants), general
   English, jokes and knowledge-base text, all in spoken form;
2. synthetic speech: each sentence spoken by a random training voice (Piper, espeak-ng
   variants and accents, flite, festival) at a random rate and pitch, and a share of them
   once more by a Kokoro voice (accented women's and men's voices, and blends of them);
3. held-out sets: the NLU's held-out test commands and some training sentences spoken by
   voices that never train (`voices.HELD_OUT_VOICES`);
4. real speech from ../shared/data/speech, split by speaker into train and held-out;
5. the decoder's words: the sentences and real transcripts (`lm_corpus.txt`) and common English (`words.tsv`).
Manifests are TSV `path<TAB>transcript<TAB>source`, paths relative to the manifest."""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import random
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .lm import BACKGROUND_WORDS, LM_CORPUS
from .text import spoken_form
from .voices import VoiceSpec, held_out_voices, in_turn, kokoro_voices, synthesize, training_voices

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
SHARED_SPEECH = ROOT.parent / "shared" / "data" / "speech"
ENGINE_SHARE = {"piper": 0.3, "espeak": 0.4, "flite": 0.15, "festival": 0.15}
"""Share of the assistant's commands each engine speaks: Piper is the most natural voice."""
GENERAL_SHARE = {"espeak": 0.6, "flite": 0.2, "festival": 0.2}
"""General English goes to the fast engines: Piper's time is spent on the commands."""
BACKGROUND_WORD_COUNT = 20000
"""The decoder's general-English vocabulary beyond the LM sentences: this many most frequent words."""
COMMAND_VARIANTS = 2
"""Slot-substituted copies of each command the speech and the decoder's sentences hold."""
KOKORO_SHARE = {"commands": 0.15, "general": 0.2}
"""Share of the sentences that a Kokoro voice speaks once more (it is slow: ~0.5 s a second of speech)."""
MORE_SPEECH_ENGINES = {"espeak": 0.7, "flite": 0.3}
"""Engines of `more_speech`'s further copy: the fast ones, so it takes minutes, not hours."""
MORE_SPEECH_COMMANDS = 0.5
"""Share of the commands `more_speech` has said once more (every general sentence is)."""


@dataclass(frozen=True)
class Utterance:
    path: Path
    text: str
    source: str


def command_texts(rows: Sequence[tuple[str, str, list[tuple[int, int, str]]]], variants: int) -> list[str]:
    """The markup rows' texts (`nlu.data.read_markup_lines`), then `variants` slot-substituted
    copies of each row with slots."""
    from nlu.augment import augment
    from nlu.data import Example, bio_tags

    texts = [text for _, text, _ in rows]
    if variants:
        examples = [Example(tuple(words), tuple(tags), intent) for intent, text, spans in rows
                    for words, tags in [bio_tags(text, spans)] if words]
        texts += [example.text for example in augment(examples, variants)]
    return texts


HELD_OUT_SPLITS = ("test", "dev", "blind")
"""The NLU's held-out splits, beside its training folder."""


def held_out_sentences(folders: Iterable[Path]) -> frozenset[str]:
    """The spoken form of every line of the markup `folders` that exist: what training speech,
    the decoder's sentences and the heard lines leave out."""
    from nlu.data import read_markup_lines

    return frozenset(spoken_form(text) for folder in folders if folder.exists()
                     for _, text, _ in read_markup_lines(folder))


def _nlu_sentences(folder: Path, variants: int) -> list[str]:
    """The training lines and their slot-substituted copies, less any copy that happens to say a
    held-out line word for word ("put an alarm on for nine forty five"): in the speech or the
    decoder's sentences it would flatter the held-out figures."""
    from nlu.data import read_markup_lines

    rows = read_markup_lines(folder)
    written = {spoken_form(text) for _, text, _ in rows}
    held_out = held_out_sentences(folder.parent / split for split in HELD_OUT_SPLITS) - written
    return [text for text in command_texts(rows, variants) if spoken_form(text) not in held_out]


def held_out_commands(split: str, known: Collection[str] = ()) -> list[str]:
    """An NLU held-out split's commands in spoken form, each once, less any that `known` (the
    decoder's sentences) holds word for word: what the held-out voices say in the dev and test
    sets. So the decoder is tuned (dev) and scored (test) on phrasings its language model never
    saw, as a user's own are. (The dev set used to be 300 training commands, 189 of them in the
    LM word for word; the NLU's dev split shares 102 of its 339 lines with training, such as
    "what time is it"; its test split none.)"""
    texts = dict.fromkeys(map(spoken_form, _nlu_sentences(RESOURCES / "data" / "nlu" / split, 0)))
    return [text for text in texts if text and text not in known]


def twice(texts: list[str], voices: int) -> list[str]:
    """`texts` twice over, for `in_turn` to share among `voices` voices so that each text has two
    different ones (the dev split is small). The second round is the first turned by one text
    when a round is a whole number of turns: else a text would come to the same voice twice."""
    return texts + (texts[1:] + texts[:1] if voices > 1 and len(texts) % voices == 0 else texts)


def _general_sentences() -> list[str]:
    texts = []
    for name in ("asr/general.txt", "jokes.txt"):
        path = RESOURCES / "data" / name
        if path.exists():
            texts += [line for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#")]
    for file in sorted((RESOURCES / "data" / "knowledge").glob("*.md")):
        for line in file.read_text(encoding="utf-8").splitlines():
            line = line.lstrip("#").strip()
            texts += [part.strip() for part in line.replace("|", ".").split(".") if len(part.split()) >= 3]
    return texts


def training_sentences(command_copies: int = 2, variants: int = COMMAND_VARIANTS) -> tuple[dict[str, int], dict[str, int]]:
    """Distinct spoken-form (commands, general English) sentences for training speech, each
    with how many voices say it: commands by `command_copies` voices, general English by one."""
    commands = _nlu_sentences(RESOURCES / "data" / "nlu" / "train", variants)
    command_counts = {s: command_copies for s in map(spoken_form, commands) if s}
    general = {s: 1 for s in map(spoken_form, _general_sentences()) if s and s not in command_counts}
    return command_counts, general


def _file_name(voice: VoiceSpec, text: str) -> str:
    digest = hashlib.sha1(f"{voice.key}|{text}".encode()).hexdigest()[:16]
    return f"{voice.key.replace(':', '_').replace('+', '_')}/{digest}.wav"


def _pick_voice(text: str, copy: int, seed: int, voices: list[VoiceSpec], shares: dict[str, float]) -> VoiceSpec:
    """The voice for one copy of a sentence, fixed by the sentence itself so that adding
    sentences later never reshuffles (and re-synthesises) the ones already spoken."""
    rng = random.Random(f"{seed}|{copy}|{text}")
    engine = rng.choices(list(shares), weights=list(shares.values()))[0]
    return rng.choice([v for v in voices if v.engine == engine])


def _assign(texts: dict[str, int], voices: list[VoiceSpec], out: Path, seed: int,
            shares: dict[str, float], jobs: dict[VoiceSpec, list[tuple[str, Path]]]) -> None:
    """Add to `jobs` a voice for each copy of each sentence (`texts` maps sentence -> copies)."""
    for text, copies in texts.items():
        for copy in range(copies):
            voice = _pick_voice(text, copy, seed, voices, shares)
            path = out / "wav" / _file_name(voice, text)
            if (text, path) not in jobs[voice]:  # two copies may draw the same voice
                jobs[voice].append((text, path))


def _assign_share(texts: dict[str, int], voices: list[VoiceSpec], share: float, out: Path, seed: int,
                  jobs: dict[VoiceSpec, list[tuple[str, Path]]]) -> None:
    """Add to `jobs` one more copy of about `share` of the texts, by one of `voices`; which texts,
    and which voice, is fixed by the text (adding sentences later reshuffles nothing)."""
    for text in texts:
        rng = random.Random(f"{seed}|extra|{text}")
        if rng.random() < share:
            voice = rng.choice(voices)
            jobs[voice].append((text, out / "wav" / _file_name(voice, text)))


def more_speech(commands: Iterable[str], general: Iterable[str], out: Path, seed: int,
                jobs: dict[VoiceSpec, list[tuple[str, Path]]]) -> None:
    """Add to `jobs` one more copy of about half the `commands` and of every `general` sentence,
    by espeak-ng and flite training voices drawn with `seed` (another than the main draw's): more
    voices and styles per sentence. Stop 32, four epochs on it: held-out voices on test 10.0 ->
    9.1 %, but real speakers 1.5-2 points worse, as the real recordings' share of an epoch fell
    from 23 to 16 % (`asr train --real-copies` sets it)."""
    rng = random.Random(seed)
    texts = {text: 1 for text in commands if rng.random() < MORE_SPEECH_COMMANDS} | dict.fromkeys(general, 1)
    _assign(texts, training_voices(), out, seed, MORE_SPEECH_ENGINES, jobs)


def _in_turn(texts: list[str], voices: list[VoiceSpec], out: Path) -> dict[VoiceSpec, list[tuple[str, Path]]]:
    """Each text spoken by the next voice in turn (the held-out sets)."""
    return {voice: [(texts[i], out / "wav" / _file_name(voice, texts[i])) for i in indices]
            for voice, indices in in_turn(len(texts), voices).items()}


def _run_job(voice_key: str, items: list[tuple[str, str]], seed: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    paths = [Path(p) for _, p in items]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    synthesize(VoiceSpec.parse(voice_key), [t for t, _ in items], paths, random.Random(seed))


def _synthesize_all(jobs: dict[VoiceSpec, list[tuple[str, Path]]], workers: int, chunk: int = 150) -> None:
    tasks = []
    for voice, items in jobs.items():
        for start in range(0, len(items), chunk):
            part = [(t, str(p)) for t, p in items[start:start + chunk]]
            tasks.append((voice.key, part, start))
    tasks.sort(key=lambda task: task[0].startswith(("piper", "kokoro")), reverse=True)  # slowest first
    # spawned, not forked: a forked worker can hang on a lock that torch's or onnxruntime's
    # threads held in the parent (it did, once the acoustic model was loaded)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done, future in enumerate([pool.submit(_run_job, *task) for task in tasks], 1):
            future.result()
            if done % 20 == 0 or done == len(tasks):
                log.info("synthesised %d/%d batches", done, len(tasks))


def _write_manifest(path: Path, utterances: list[Utterance]) -> None:
    lines = [f"{os.path.relpath(u.path, path.parent)}\t{u.text}\t{u.source}" for u in utterances if u.path.exists()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.info("%s: %d utterances", path, len(lines))


def _synthetic(jobs: dict[VoiceSpec, list[tuple[str, Path]]]) -> list[Utterance]:
    return [Utterance(p, t, v.key) for v, items in jobs.items() for t, p in items]


def _real_speech(held_out_every: int = 5) -> tuple[list[Utterance], list[Utterance]]:
    """(train, held-out) real recordings, split by speaker."""
    train: list[Utterance] = []
    held: list[Utterance] = []
    for corpus in ("speechocean762", "fsdd"):
        manifest = SHARED_SPEECH / corpus / "manifest.tsv"
        if not manifest.exists():
            continue
        rows = [line.split("\t")[:2] for line in manifest.read_text(encoding="utf-8").splitlines() if "\t" in line]
        speakers = sorted({_speaker(corpus, path) for path, _ in rows})
        held_speakers = set(speakers[::held_out_every]) if corpus == "speechocean762" else {"lucas"}
        for index, (path, text) in enumerate(rows):
            utterance = Utterance(manifest.parent / path, spoken_form(text), f"real:{corpus}")
            if _speaker(corpus, path) in held_speakers:
                held.append(utterance)
            elif corpus != "fsdd" or index % 3 == 0:  # a third of the digits: enough, they are all alike
                train.append(utterance)
    return train, held


def _speaker(corpus: str, path: str) -> str:
    name = Path(path).stem
    return name.split("_")[0] if corpus == "speechocean762" else name.split("_")[1]


def prepare(out: Path, command_copies: int = 2, workers: int = 2, seed: int = 0,
            more_speech_seed: int | None = None) -> None:
    """Make every manifest under `out` (train.tsv, dev.tsv, test.tsv, real-dev.tsv); with
    `more_speech_seed`, training speech has `more_speech`'s further copy too."""
    out.mkdir(parents=True, exist_ok=True)
    commands, general = training_sentences(command_copies)
    sentences = commands | general
    train_jobs: dict[VoiceSpec, list[tuple[str, Path]]] = defaultdict(list)
    _assign(commands, training_voices(), out, seed, ENGINE_SHARE, train_jobs)
    _assign(general, training_voices(), out, seed, GENERAL_SHARE, train_jobs)
    _assign_share(commands, kokoro_voices(), KOKORO_SHARE["commands"], out, seed, train_jobs)
    _assign_share(general, kokoro_voices(), KOKORO_SHARE["general"], out, seed, train_jobs)
    if more_speech_seed is not None:
        more_speech(commands, general, out, more_speech_seed, train_jobs)
    held = held_out_voices()
    test_jobs = _in_turn(held_out_commands("test", sentences), held, out)
    dev_jobs = _in_turn(twice(held_out_commands("dev", sentences), len(held)), held, out)
    log.info("%d training sentences, %d utterances", len(sentences), sum(map(len, train_jobs.values())))
    _synthesize_all({voice: dev_jobs[voice] + test_jobs[voice] for voice in held}, workers)
    _synthesize_all(train_jobs, workers)
    real_train, real_held = _real_speech()
    _write_manifest(out / "train.tsv", _synthetic(train_jobs) + real_train)
    real_dev = [u for u in real_held if u.source != "real:fsdd"] + [u for u in real_held if u.source == "real:fsdd"][::10]
    _write_manifest(out / "dev.tsv", _synthetic(dev_jobs) + real_dev)
    _write_manifest(out / "test.tsv", _synthetic(test_jobs))
    _write_manifest(out / "real-dev.tsv", real_held)
    write_lm_corpus(out, sentences, real_train)


def write_lm_corpus(folder: Path, sentences: Iterable[str] | None = None,
                    real: Sequence[Utterance] | None = None) -> int:
    """Write the decoder's sentences and its common English words (`words.tsv`) into `folder`
    (a data folder, or a model folder: the decoder reads them from there when it loads); the
    sentences by default from the training data as it is now, so the language model can follow
    the NLU's sentences without new speech. Returns how many sentences were written."""
    if sentences is None:
        commands, general = training_sentences()
        sentences = commands | general
    if real is None:
        real, _ = _real_speech()
    lines = lm_sentences(sentences, real)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LM_CORPUS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_background_words(folder / BACKGROUND_WORDS)
    return len(lines)


def lm_sentences(spoken: Iterable[str], real: Sequence[Utterance]) -> list[str]:
    """The n-gram LM's sentences: all that the synthetic speech says, then the transcripts of
    the real training recordings, whose bare digits and digit strings no synthetic sentence has
    (13-epoch model, real held-out speakers: WER 68.3 -> 66.1 %, FSDD digits 42.2 -> 37.8 %)."""
    return list(dict.fromkeys([*spoken, *(u.text for u in real)]))


def write_background_words(path: Path, count: int = BACKGROUND_WORD_COUNT) -> None:
    """The `count` most frequent English words (wordfreq's blend of subtitles, books, web and
    speech) that the recognizer can spell, with their frequencies, as `word<TAB>frequency`."""
    import wordfreq

    frequency = {w: wordfreq.word_frequency(w, "en") for w in wordfreq.top_n_list("en", 3 * count)
                 if re.fullmatch(r"[a-z]+('[a-z]+)?", w)}
    contractions = {w.replace("'", ""): frequency[w] for w in frequency if "'" in w}
    words = [w for w in frequency if not _tokenizer_debris(w, frequency[w], contractions.get(w, 0.0))]
    path.write_text("".join(f"{word}\t{frequency[word]:.3g}\n" for word in words[:count]), encoding="utf-8")


def _tokenizer_debris(word: str, frequency: float, contraction_frequency: float) -> bool:
    """Pieces of split contractions ("s", "ll", "ve") and contractions typed without their
    apostrophe ("dont", "youre": far rarer than the real one), but not "its", "were", "well"."""
    if len(word) == 1:
        return word not in ("a", "i")
    return word in ("ll", "re", "ve") or frequency < 0.1 * contraction_frequency
